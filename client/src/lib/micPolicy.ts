import type { MeetingState } from './meetingState';

/**
 * What the client may do with its own microphone, from the hub's word only. The hub pauses a
 * site's mic producer whenever the site may not talk (no floor, or muted by the chair even while
 * holding it); a client that reopened it on its own would only be refused, or worse, be heard
 * between the refusal and the next pause. Pure, so the rules are tested on their own.
 */

/** The chair and admins always may; a site only while the hub says `micAllowed`. */
export function mayOpenMic(state: MeetingState | null): boolean {
  if (!state) return false;
  const role = state.you.role;
  if (role !== 'site') return role === 'chair' || role === 'admin';
  return state.micAllowed;
}

/**
 * After the hub's `mic:allowed`: open the mic by itself only for a site that holds the floor
 * (granted, or asked to unmute while holding it) and is allowed to talk now.
 */
export function shouldAutoOpenMic(state: MeetingState): boolean {
  return (
    state.you.role === 'site' &&
    state.micAllowed &&
    state.you.siteId !== undefined &&
    state.floor.holder?.siteId === state.you.siteId
  );
}
