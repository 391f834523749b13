import type { Actor } from '@giaoban/shared';
import { actorOf } from '../../domain/access';
import type { BriefingService } from '../../domain/briefing/BriefingService';
import type { MeetingService } from '../../domain/MeetingService';
import type { MediaEnforcer } from '../../media/MediaEnforcer';
import type { MeetingMedia } from '../../media/MeetingMedia';
import type { Clock } from '../../util/Clock';
import { HubError } from '../../util/HubError';
import type { Membership } from '../Membership';
import type { Joined } from '../types';

/** What handlers reach: the services. Handlers hold no state and no rules of their own. */
export interface HandlerDeps {
  meetings: MeetingService;
  briefing: BriefingService;
  membership: Membership;
  media: MeetingMedia;
  enforcer: MediaEnforcer;
  clock: Clock;
}

export const mid = (s: Joined): string => s.data.meetingId;
export const actor = (s: Joined): Actor => actorOf(s.data.grant);

/** The site of a site socket (site-only events are role-checked before; this narrows). */
export function siteOf(s: Joined): string {
  const siteId = s.data.grant.siteId;
  if (s.data.grant.role !== 'site' || !siteId) throw new HubError('FORBIDDEN', 'sites only');
  return siteId;
}
