import { SfuError } from '@giaoban/sfu';
import type { ErrorBody, ErrorCode } from '@giaoban/shared';

/** The one error type domain code throws; the socket and REST layers turn it into `{code, message}`. */
export class HubError extends Error {
  readonly code: ErrorCode;
  readonly issues?: ErrorBody['issues'];

  constructor(code: ErrorCode, message: string, issues?: ErrorBody['issues']) {
    super(message);
    this.name = 'HubError';
    this.code = code;
    this.issues = issues;
  }

  toBody(): ErrorBody {
    return this.issues
      ? { code: this.code, message: this.message, issues: this.issues }
      : { code: this.code, message: this.message };
  }
}

/** Map anything thrown to a wire error without leaking internals. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof HubError) return err.toBody();
  if (err instanceof SfuError) {
    if (err.code === 'MEDIA_PLANE_CLOSED')
      return { code: 'MEDIA_UNAVAILABLE', message: err.message };
    return { code: 'MEDIA_ERROR', message: `${err.code}: ${err.message}` };
  }
  return { code: 'INTERNAL', message: 'internal error' };
}

/** zod issues → BAD_REQUEST. */
export function badRequest(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): HubError {
  const list = issues.slice(0, 20).map((i) => ({
    path: i.path.map((p) => String(p)).join('.'),
    message: i.message,
  }));
  const first = list[0];
  return new HubError(
    'BAD_REQUEST',
    first ? `${first.path || '(root)'}: ${first.message}` : 'invalid payload',
    list,
  );
}
