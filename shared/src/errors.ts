/**
 * Error codes every ack and every REST error body carries. The client maps a code to an i18n string;
 * `message` is an English hint for logs and developers, never shown as-is to users.
 */
export const ERROR_CODES = [
  'BAD_REQUEST', // payload failed its zod schema
  'PAYLOAD_TOO_LARGE', // body or socket payload above the configured limit
  'RATE_LIMITED', // per-socket token bucket empty, or too many login attempts
  'UNAUTHENTICATED', // no token, bad signature, wrong alg/iss/aud, not yet valid
  'TOKEN_EXPIRED', // token past exp: renew with the refresh token
  'FORBIDDEN', // authenticated but the role or meeting scope does not allow it
  'ACCESS_REVOKED', // a credential derived from a session (an archive play link) whose session ended or whose access was taken back
  'NOT_FOUND',
  'CONFLICT', // e.g. username taken, roll-call already running
  'INVALID_STATE', // action not allowed in the meeting's current state
  'MEETING_LOCKED', // chair locked the meeting: no new sites may join
  'MEETING_CLOSED', // the meeting is over: nothing but reading its record applies any more
  'NOT_FLOOR_HOLDER', // ask-to-unmute (or accept it) for a site that does not hold the floor
  'NOT_IN_MEETING', // socket must `meeting:join` first
  'REMOVED', // this site was removed from the meeting by the chair
  'UNSUPPORTED_FILE', // an upload whose content is not an accepted type, or not what its name says
  'MEDIA_UNAVAILABLE', // no media plane on this node
  'MEDIA_ERROR', // the SFU refused (unknown transport, cannot consume, ...)
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** For BAD_REQUEST: the zod issues, path + message. */
  issues?: Array<{ path: string; message: string }>;
}

/** Result of every socket request (ack) — mirrors mediasoup's request/response style. */
export type AckResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type Ack<T> = (result: AckResult<T>) => void;

/** REST error responses: `{ error: ErrorBody }` with the matching HTTP status. */
export const HTTP_STATUS_OF: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAUTHENTICATED: 401,
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  ACCESS_REVOKED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_STATE: 409,
  MEETING_LOCKED: 423,
  MEETING_CLOSED: 409,
  NOT_FLOOR_HOLDER: 409,
  NOT_IN_MEETING: 409,
  REMOVED: 403,
  UNSUPPORTED_FILE: 415,
  MEDIA_UNAVAILABLE: 503,
  MEDIA_ERROR: 502,
  INTERNAL: 500,
};
