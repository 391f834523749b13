import { type AckResult, C2S, type C2SEventName, EVENT_ROLES } from '@giaoban/shared';
import type { HubMetrics } from '../observability/HubMetrics';
import type { Clock } from '../util/Clock';
import { badRequest, HubError, toErrorBody } from '../util/HubError';
import type { Logger } from '../util/logger';
import type { TokenBucket } from '../util/TokenBucket';
import type { Handler, HandlerTable, HubSocket, Joined } from './types';

export interface PipelineDeps {
  handlers: HandlerTable;
  metrics: HubMetrics;
  logger: Logger;
  clock: Clock;
  bucketOf(socket: HubSocket): TokenBucket | undefined;
  /** The socket's session or principal was revoked (it is being disconnected). */
  isRevoked(socket: HubSocket): boolean;
}

/**
 * One request through the pipeline: rate limit, token expiry, payload schema, role, membership,
 * lobby, then its handler; the ack always gets `{ ok, data }` or `{ ok: false, error }`. A request
 * whose only argument is the ack (`emit('meeting:leave', cb)`) is answered BAD_REQUEST.
 */
export async function dispatch(
  d: PipelineDeps,
  socket: HubSocket,
  name: C2SEventName,
  args: unknown[],
): Promise<void> {
  const started = performance.now();
  const last = args.at(-1);
  const ack = (typeof last === 'function' ? last : () => {}) as (r: AckResult<unknown>) => void;
  const payload = typeof last === 'function' && args.length === 1 ? undefined : args[0];
  let outcome = 'ok';
  try {
    if (!d.bucketOf(socket)?.take()) throw new HubError('RATE_LIMITED', 'too many requests');
    if (d.clock.now() >= socket.data.expiresAt)
      throw new HubError('TOKEN_EXPIRED', 'access token expired');
    if (d.isRevoked(socket)) throw new HubError('UNAUTHENTICATED', 'session revoked');
    const parsed = C2S[name].safeParse(payload);
    if (!parsed.success) throw badRequest(parsed.error.issues);
    if (!EVENT_ROLES[name].includes(socket.data.grant.role)) {
      throw new HubError('FORBIDDEN', `${socket.data.grant.role} may not ${name}`);
    }
    if (name !== 'meeting:join' && !socket.data.meetingId) {
      throw new HubError('NOT_IN_MEETING', 'join a meeting first');
    }
    if (socket.data.lobby && !name.startsWith('meeting:') && !name.startsWith('media:')) {
      throw new HubError('NOT_IN_MEETING', 'enter the meeting first (this socket is in the lobby)');
    }
    const handler = d.handlers[name] as Handler<C2SEventName>;
    ack({ ok: true, data: await handler(socket as Joined, parsed.data as never) });
  } catch (e) {
    const error = toErrorBody(e);
    outcome = error.code;
    if (error.code === 'INTERNAL')
      d.logger.error('handler failed', { event: name, err: String(e), stack: (e as Error).stack });
    d.metrics.rejected.inc({ code: error.code });
    ack({ ok: false, error });
  } finally {
    d.metrics.eventDuration.observe({ event: name, outcome }, (performance.now() - started) / 1000);
  }
}

/** Any other event with an ack is answered BAD_REQUEST (unknown events never crash the hub). */
export function unknownEvent(event: string, args: unknown[]): void {
  const ack = args.at(-1);
  if (typeof ack === 'function') {
    ack({
      ok: false,
      error: { code: 'BAD_REQUEST', message: `unknown event ${String(event).slice(0, 64)}` },
    });
  }
}
