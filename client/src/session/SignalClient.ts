import type {
  AckResult,
  C2SEventName,
  C2SPayload,
  C2SResponses,
  ClientToServerEvents,
  ServerToClientEvents,
} from '@giaoban/shared';
import { io, type Socket } from 'socket.io-client';
import type { ClientErrorCode } from '../api';
import { Emitter } from '../lib/Emitter';
import { SERVER_EVENTS } from '../lib/serverEvents';
import { RequestError } from './RequestError';

/**
 * The signalling link (LiveKit's SignalClient): one typed Socket.IO socket, requests with typed
 * acks, and the hub's pushes handed on as `(event, payload)`. It knows nothing of the meeting;
 * reconnection is the session's (Socket.IO's own is off, so the banner, the backoff and the
 * resync live in one place).
 */

/** The typed signalling socket: `Socket<ServerToClientEvents, ClientToServerEvents>`. */
export type SignalSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type S2CEventName = keyof ServerToClientEvents;
export type S2CPayload<E extends S2CEventName> = Parameters<ServerToClientEvents[E]>[0];

/** A typed request: emits with an ack and a timeout, unwraps `{ok,data}` or throws RequestError. */
export type Requester = <E extends C2SEventName>(
  event: E,
  payload: C2SPayload<E>,
  timeoutMs?: number,
) => Promise<C2SResponses[E]>;

export type PushListener = <E extends S2CEventName>(event: E, payload: S2CPayload<E>) => void;

export type SignalClientEvents = {
  /** The socket closed; Socket.IO's reason ('io server disconnect', 'transport close'...). */
  disconnect: [reason: string];
};

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export class SignalClient extends Emitter<SignalClientEvents> {
  readonly #socket: SignalSocket;
  readonly request: Requester;
  #pushListener: PushListener | null = null;

  constructor(opts: {
    /** The freshest access token, asked at every (re)connect. */
    token: () => string;
    url?: string;
    /** Injected in unit tests; the browser uses the real Socket.IO client. */
    socket?: SignalSocket;
  }) {
    super();
    this.#socket = opts.socket ?? createSignalSocket({ url: opts.url, token: opts.token() });
    this.#socket.auth = (cb) => cb({ token: opts.token() });
    this.request = makeRequester(this.#socket);
    this.#socket.on('disconnect', (reason) => this.emit('disconnect', reason));
    for (const event of SERVER_EVENTS) {
      (this.#socket as unknown as { on(e: string, h: (p: unknown) => void): void }).on(
        event,
        (payload) => this.#pushListener?.(event, payload as never),
      );
    }
  }

  get connected(): boolean {
    return this.#socket.connected;
  }

  /** One listener for every push (the session); set once. */
  onPush(listener: PushListener): void {
    this.#pushListener = listener;
  }

  /** Opens the socket once; rejects with the hub's refusal code (or NETWORK). */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = this.#socket;
      const ok = () => {
        s.off('connect_error', fail);
        resolve();
      };
      const fail = (err: Error) => {
        s.off('connect', ok);
        reject(new RequestError('connect', toCode(err.message), err.message));
      };
      s.once('connect', ok);
      s.once('connect_error', fail);
      s.connect();
    });
  }

  disconnect(): void {
    this.#socket.disconnect();
  }
}

/** Opens (lazily) a socket to the hub, with Socket.IO's own reconnection off. */
export function createSignalSocket(opts: { url?: string; token: string }): SignalSocket {
  return io(opts.url ?? '/', {
    path: '/socket.io',
    autoConnect: false,
    reconnection: false,
    transports: ['websocket', 'polling'],
    auth: { token: opts.token },
  });
}

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

/** Refusal codes the hub sends in `connect_error`; anything else is the network. */
const CONNECT_CODES = new Set<string>([
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'FORBIDDEN',
  'MEETING_LOCKED',
  'REMOVED',
  'RATE_LIMITED',
  'NOT_FOUND',
]);

function toCode(message: string): ClientErrorCode {
  return CONNECT_CODES.has(message) ? (message as ClientErrorCode) : 'NETWORK';
}
