import type { Actor, Grant, Meeting, Role } from '@giaoban/shared';
import { HubError } from '../util/HubError';

/**
 * The role a grant has *in this meeting*, or FORBIDDEN. A chair or secretary account acts only in
 * meetings that name it; a site only in meetings that invite its unit; a meeting-scoped token
 * (invitation) only in its own meeting.
 */
export function meetingRole(
  grant: Grant,
  meeting: Pick<Meeting, 'id' | 'chairId' | 'secretaryId' | 'siteIds'>,
): Role {
  if (grant.meetingId !== undefined && grant.meetingId !== meeting.id) {
    throw new HubError('FORBIDDEN', 'this token is for another meeting');
  }
  switch (grant.role) {
    case 'admin':
    case 'observer':
      return grant.role;
    case 'chair':
      if (meeting.chairId === grant.sub) return 'chair';
      break;
    case 'secretary':
      if (meeting.secretaryId === grant.sub) return 'secretary';
      break;
    case 'site':
      if (grant.siteId && meeting.siteIds.includes(grant.siteId)) return 'site';
      break;
  }
  throw new HubError('FORBIDDEN', `not a ${grant.role} of this meeting`);
}

export function actorOf(grant: Grant): Actor {
  return {
    id: grant.siteId && grant.role === 'site' ? `site:${grant.siteId}` : grant.sub,
    role: grant.role,
    name: grant.name,
  };
}

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'admin', name: 'GiaoBan' };
/** The hub acting for itself (filing the archive): an admin grant no token carries. */
export const SYSTEM_GRANT: Grant = { sub: 'system', role: 'admin', name: 'GiaoBan' };
