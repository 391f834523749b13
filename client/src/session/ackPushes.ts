import type { C2SEventName, C2SPayload, C2SResponses } from '@giaoban/shared';
import { applyPush, type MeetingState } from '../lib/meetingState';
import type { S2CEventName, S2CPayload } from './SignalClient';

/**
 * Which push each command's ack stands for. The hub answers a command with the same data it then
 * broadcasts (`floor:grant` acks the FloorState that `floor:updated` carries), so the session
 * applies the ack at once and the chair's click shows without waiting for the broadcast; the
 * broadcast, when it comes, changes nothing. The table is total over the contract's commands:
 * a new command does not compile until someone says what its ack means here.
 */

export type Push = { [K in S2CEventName]: { event: K; payload: S2CPayload<K> } }[S2CEventName];

type AckToPushes<E extends C2SEventName> = (
  data: C2SResponses[E],
  sent: C2SPayload<E>,
) => readonly Push[];

/** `null`: the ack carries nothing the meeting state shows (media plumbing, or a bare ok). */
export type AckPushTable = { readonly [E in C2SEventName]: AckToPushes<E> | null };

const meetingUpdated = <E extends C2SEventName>(
  data: C2SResponses[E] & S2CPayload<'meeting:updated'>,
): readonly Push[] => [{ event: 'meeting:updated', payload: data }];
const floorUpdated = <E extends C2SEventName>(
  data: C2SResponses[E] & S2CPayload<'floor:updated'>,
): readonly Push[] => [{ event: 'floor:updated', payload: data }];

export const ACK_PUSHES: AckPushTable = {
  // The snapshot replaces the whole state: the session does that itself on (re)join.
  'meeting:join': null,
  'meeting:leave': null,
  'meeting:snapshot': null,
  'meeting:transition': meetingUpdated,
  'agenda:start': meetingUpdated,
  'agenda:next': meetingUpdated,
  'agenda:extend': meetingUpdated,
  'agenda:reorder': meetingUpdated,
  'agenda:note': meetingUpdated,
  'floor:request': floorUpdated,
  'floor:cancel': floorUpdated,
  'floor:decline': floorUpdated,
  'floor:reorder': floorUpdated,
  'floor:grant': floorUpdated,
  'floor:revoke': floorUpdated,
  'floor:next': floorUpdated,
  'floor:spotlight': floorUpdated,
  // Mutes and removals take effect through the hub's own pushes (who was muted, who removed).
  'moderation:mute': null,
  'moderation:muteAll': null,
  'moderation:askUnmute': null,
  // The hub's `mic:allowed` follows (it names the site; the ack does not).
  'mic:acceptUnmute': null,
  'moderation:remove': null,
  'moderation:lock': meetingUpdated,
  'recording:set': meetingUpdated,
  'attendance:table': (rows) => rows.map((row) => ({ event: 'attendance:updated', payload: row })),
  'attendance:mark': (row) => [{ event: 'attendance:updated', payload: row }],
  'rollcall:start': (rc) => [{ event: 'rollcall:started', payload: rc }],
  'rollcall:answer': (answer, sent) => [
    { event: 'rollcall:answered', payload: { ...answer, rollCallId: sent.rollCallId } },
  ],
  'rollcall:close': (rc) => [{ event: 'rollcall:closed', payload: rc }],
  // Issue #14: the briefing panels keep their own state (useBriefing) from these acks and pushes.
  'briefing:get': null,
  'vote:open': (vote) => [{ event: 'vote:updated', payload: vote }],
  'vote:answer': (vote) => [{ event: 'vote:updated', payload: vote }],
  'vote:close': (vote) => [{ event: 'vote:updated', payload: vote }],
  'opinion:send': (opinion) => [{ event: 'opinion:updated', payload: opinion }],
  'opinion:read': (opinion) => [{ event: 'opinion:updated', payload: opinion }],
  'notice:set': (notice) => [{ event: 'notice:updated', payload: { notice } }],
  'document:present': (presentation) => [
    { event: 'document:presented', payload: { presentation } },
  ],
  'media:routerCapabilities': null,
  'media:createTransport': null,
  'media:connectTransport': null,
  'media:restartIce': null,
  'media:produce': null,
  'media:closeProducer': null,
  'media:setProducerPaused': null,
  'media:consume': null,
  'media:resumeConsumer': null,
  'media:pauseConsumer': null,
  'media:setPreferredLayers': null,
};

/** The pushes an ack stands for (empty when it stands for none). */
export function pushesForAck<E extends C2SEventName>(
  event: E,
  sent: C2SPayload<E>,
  data: C2SResponses[E],
): readonly Push[] {
  const toPushes = ACK_PUSHES[event] as AckToPushes<E> | null;
  if (!toPushes || data === null || data === undefined) return [];
  return toPushes(data, sent);
}

/** Applies an ack to the state as the pushes it stands for; the same object when none applies. */
export function applyAck<E extends C2SEventName>(
  state: MeetingState,
  event: E,
  sent: C2SPayload<E>,
  data: C2SResponses[E],
  localNowMs: number,
): MeetingState {
  let next = state;
  for (const push of pushesForAck(event, sent, data))
    next = applyPush(next, push.event, push.payload as never, localNowMs);
  return next;
}
