import type {
  AckResult,
  C2SEventName,
  C2SPayload,
  C2SResponses,
  ClientToServerEvents,
  ErrorBody,
  ServerToClientEvents,
} from '@giaoban/shared';
import { io, type Socket } from 'socket.io-client';
import type { ClientErrorCode } from './api';

/** The typed signalling socket: `Socket<ServerToClientEvents, ClientToServerEvents>`. */
export type SignalSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

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

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Opens (lazily) a socket to the hub. Socket.IO's own reconnection is off: the meeting session
 * drives reconnection with its `ReconnectPolicy`, so the banner, the backoff and the resync are in
 * one place.
 */
export function createSignalSocket(opts: { url?: string; token: string }): SignalSocket {
  const socket: SignalSocket = io(opts.url ?? '/', {
    path: '/socket.io',
    autoConnect: false,
    reconnection: false,
    transports: ['websocket', 'polling'],
    auth: { token: opts.token },
  });
  return socket;
}

/** A typed request: emits with an ack and a timeout, unwraps `{ok,data}` or throws RequestError. */
export type Requester = <E extends C2SEventName>(
  event: E,
  payload: C2SPayload<E>,
  timeoutMs?: number,
) => Promise<C2SResponses[E]>;

export function makeRequester(socket: SignalSocket): Requester {
  return async (event, payload, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS) => {
    if (!socket.connected) throw new RequestError(event, 'NETWORK', 'socket not connected');
    let result: AckResult<C2SResponses[typeof event]>;
    try {
      // The cast narrows Socket.IO's generic emit signature to this one event's.
      const emitter = socket.timeout(timeoutMs) as unknown as {
        emitWithAck(ev: string, p: unknown): Promise<AckResult<C2SResponses[typeof event]>>;
      };
      result = await emitter.emitWithAck(event, payload);
    } catch {
      throw new RequestError(event, socket.connected ? 'TIMEOUT' : 'NETWORK', 'no ack');
    }
    if (!result || typeof result !== 'object') throw new RequestError(event, 'INTERNAL', 'bad ack');
    if (result.ok) return result.data;
    throw new RequestError(event, result.error.code, result.error.message, result.error.issues);
  };
}
