// Who may send which media, decided once for the hub and the browser. Free of zod (type imports
// only) so the client imports it at run time (`@giaoban/shared/mayProduce`) without the schemas.
import type { MeetingState, MicStatus, Role, UnmuteState } from './domain';
import type { MediaSource } from './socket';

/** What a decision needs to know about one invited site. */
export interface ProduceSite {
  removed: boolean;
  /** The chair muted it (see `MicStatus.muted`). */
  muted: boolean;
  unmute: UnmuteState;
  /** The socket id of its live (non-lobby) connection, when the caller knows it. */
  connId?: string | undefined;
}

/**
 * The part of a meeting the decision reads. The hub's MeetingProjection is one; the client builds
 * one from its snapshot and pushes (it only knows its own site).
 */
export interface MayProduceView {
  readonly meeting: { readonly state: MeetingState; readonly openMics: boolean };
  /** The site holding the floor, or null. */
  readonly holderSiteId: string | null;
  site(siteId: string): ProduceSite | undefined;
}

/** The producer's owner: a site (and which of its sockets, when known) or a person. */
export interface ProduceOwner {
  siteId?: string | undefined;
  /** A socket id: when given, a site's mic also needs it to be the site's live connection. */
  connId?: string | undefined;
}

export type ProducePermission = Record<MediaSource, boolean>;

const NOTHING: ProducePermission = { mic: false, camera: false, screen: false };
const EVERYTHING: ProducePermission = { mic: true, camera: true, screen: true };

/** States in which sites are in the meeting (they can be connected). */
const SITE_LIVE: readonly MeetingState[] = ['open', 'in_session', 'adjourned'];
/** States in which a site's microphone can be open at all (adjourned = the session paused). */
const TALK: readonly MeetingState[] = ['open', 'in_session'];

/**
 * Which sources `role` may send in this meeting now. The one rule for microphones:
 * a site's audio flows only while it holds the floor (or the meeting has open mics), is not
 * removed, and is not muted by the chair — unless, while it holds the floor, it accepted the
 * chair's request to unmute. Chair and admin may always send; secretary and observer never. A
 * closed meeting sends nothing. Cameras and screens of sites flow while the meeting is live.
 */
export function mayProduce(
  role: Role,
  owner: ProduceOwner | undefined,
  view: MayProduceView,
): ProducePermission {
  const state = view.meeting.state;
  if (state === 'closed') return NOTHING;
  if (role === 'chair' || role === 'admin') return EVERYTHING;
  if (role !== 'site' || !owner?.siteId) return NOTHING;
  const site = view.site(owner.siteId);
  if (!site || site.removed || !SITE_LIVE.includes(state)) return NOTHING;
  const holder = view.holderSiteId === owner.siteId;
  const unmuted = !site.muted || (holder && site.unmute === 'accepted');
  const live = owner.connId === undefined || site.connId === owner.connId;
  const mic = TALK.includes(state) && live && unmuted && (holder || view.meeting.openMics);
  return { mic, camera: true, screen: true };
}

/** The wire form of a site's microphone state (`Snapshot.you.mic`, `mic:allowed`, rows). */
export function micStatusOf(siteId: string, view: MayProduceView): MicStatus {
  const site = view.site(siteId);
  return {
    allowed: mayProduce('site', { siteId }, view).mic,
    muted: site?.muted ?? false,
    unmute: site?.unmute ?? 'none',
  };
}
