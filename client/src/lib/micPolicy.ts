import { type MayProduceView, mayProduce } from '@giaoban/shared/mayProduce';
import type { MeetingState } from './meetingState';

/**
 * What the client may do with its own microphone, from the hub's word only. The hub pauses a
 * site's mic producer whenever the site may not talk (no floor, or muted by the chair even while
 * holding it); a client that reopened it on its own would only be refused, or worse, be heard
 * between the refusal and the next pause. Pure, so the rules are tested on their own.
 */

/**
 * The meeting as the shared rule (`mayProduce`, the one the hub enforces) reads it, from what
 * this browser knows: the meeting, the floor, and its own site's microphone.
 */
export function produceView(state: MeetingState): MayProduceView {
  const mine = state.you.siteId;
  return {
    meeting: { state: state.meeting.state, openMics: state.meeting.openMics },
    holderSiteId: state.floor.holder?.siteId ?? null,
    site: (siteId) =>
      siteId === mine
        ? { removed: state.removed !== null, muted: state.mic.muted, unmute: state.mic.unmute }
        : undefined,
  };
}

/**
 * Whether this browser may open its microphone now: the shared rule says so for what it knows
 * (the floor, a mute, a close, a removal) and, for a site, the hub's last word (`mic.allowed`)
 * agrees. Both, so neither a late push nor a local guess ever opens a site's mic by itself.
 */
export function mayOpenMic(state: MeetingState | null): boolean {
  if (!state) return false;
  const role = state.you.role;
  const rule = mayProduce(role, { siteId: state.you.siteId }, produceView(state)).mic;
  return role === 'site' ? rule && state.micAllowed : rule;
}

/** This site holds the floor in `state`. */
export function holdsFloor(state: MeetingState): boolean {
  return (
    state.you.role === 'site' &&
    state.you.siteId !== undefined &&
    state.floor.holder?.siteId === state.you.siteId
  );
}

/** The floor was granted to this site between `prev` and `next` (a new grant, not the same one). */
export function floorGrantedToMe(prev: MeetingState, next: MeetingState): boolean {
  if (!holdsFloor(next)) return false;
  return !holdsFloor(prev) || prev.floor.holder?.grantedAt !== next.floor.holder?.grantedAt;
}

/**
 * Whether the client will open the site's mic by itself, step by step over the pushes. The wish
 * to talk (`pending`) comes from the floor being granted (the site asked to speak) or from the
 * user's own click (accepting the chair's ask-to-unmute); it is fulfilled once the hub allows the
 * mic, and dropped with the floor or on a mute. Ask-to-unmute alone never opens it: the site sees
 * the chair's request and clicks once (the decision of #8).
 */
export function stepMicWish(
  prev: MeetingState,
  next: MeetingState,
  pending: boolean,
): { pending: boolean; open: boolean } {
  let wish = pending;
  if (floorGrantedToMe(prev, next)) wish = true;
  else if (holdsFloor(prev) && !holdsFloor(next)) wish = false;
  if (next.mutedAt !== prev.mutedAt) wish = false;
  if (wish && mayOpenMic(next)) return { pending: false, open: true };
  return { pending: wish, open: false };
}

export type MicLabelKey =
  | 'media.mic.open'
  | 'media.mic.closed'
  | 'media.mic.closedByServer'
  | 'media.mic.mutedByChair'
  | 'media.mic.askedToUnmute';

/** What the site's mic line says: the state the hub enforces, in the site's own terms. */
export function micLabel(state: MeetingState, micOn: boolean): MicLabelKey {
  if (micOn) return 'media.mic.open';
  if (state.askedToUnmute) return 'media.mic.askedToUnmute';
  if (mayOpenMic(state)) return 'media.mic.closed';
  // Holding the floor but not allowed: the chair muted it (mute one or mute all).
  return holdsFloor(state) ? 'media.mic.mutedByChair' : 'media.mic.closedByServer';
}
