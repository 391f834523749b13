import type { ServerToClientEvents } from '@giaoban/shared';

/**
 * The server→client event names the session listens to. Kept here rather than imported from
 * `@giaoban/shared/socket` so the first-load bundle does not pull zod and every schema in; the
 * type below fails to compile if the contract gains an event this list lacks, and
 * serverEvents.test.ts compares it with the shared list at run time.
 */
export const SERVER_EVENTS = [
  'meeting:updated',
  'agenda:updated',
  'floor:updated',
  'floor:warning',
  'presence:updated',
  'attendance:updated',
  'rollcall:started',
  'rollcall:answered',
  'rollcall:closed',
  'moderation:muted',
  'moderation:askUnmute',
  'moderation:removed',
  'mic:allowed',
  'media:newProducer',
  'media:producerClosed',
  'media:producerPaused',
  'media:consumerClosed',
  'media:activeSpeaker',
  'media:reset',
  'session:expiring',
  'session:expired',
] as const satisfies readonly (keyof ServerToClientEvents)[];

type Missing = Exclude<keyof ServerToClientEvents, (typeof SERVER_EVENTS)[number]>;
// Compile-time completeness check: `Missing` must be `never`.
export const SERVER_EVENTS_COMPLETE: [Missing] extends [never] ? true : Missing = true;
