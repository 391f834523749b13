import type { ErrorBody } from '@giaoban/shared';
import type { ClientErrorCode } from '../api';

/** A typed failure of one signalling request (the hub's error code, or NETWORK / TIMEOUT). */
export class RequestError extends Error {
  readonly code: ClientErrorCode;
  readonly event: string;
  readonly issues: ErrorBody['issues'];
  constructor(event: string, code: ClientErrorCode, message: string, issues?: ErrorBody['issues']) {
    super(`${event}: ${code} ${message}`);
    this.name = 'RequestError';
    this.event = event;
    this.code = code;
    this.issues = issues;
  }
}

/** The link itself failed (dropped or no answer): worth waiting for the resync and retrying. */
export function isLinkError(err: unknown): boolean {
  return err instanceof RequestError && (err.code === 'NETWORK' || err.code === 'TIMEOUT');
}
