// The server→client event names, in a module without zod: the browser client imports it at run
// time (`@giaoban/shared/serverEvents`) without pulling every schema into its first-load bundle.

/** Server→client pushes. */
export const S2C_EVENTS = [
  'meeting:ended',
  'meeting:updated',
  'agenda:updated',
  'floor:updated',
  'floor:declined',
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
  'media:layersWanted',
  'media:reset',
  'session:expiring',
  'session:expired',
] as const;
