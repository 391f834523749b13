// Starts a real hub in this process (port 0) and drives it like a browser would: REST with
// fetch, signalling with socket.io-client. Every helper waits on events with a deadline.

import {
  createHub,
  type DemoSeed,
  type Hub,
  type HubOptions,
  loadConfig,
  seedDemo,
} from '@giaoban/server';
import type {
  AckResult,
  C2SEventName,
  C2SResponses,
  ClientToServerEvents,
  ServerToClientEvents,
  TokenResponse,
} from '@giaoban/shared';
import { io, type Socket } from 'socket.io-client';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const TEST_SECRET = 'test-secret-for-integration-0123456789';

export interface TestHub {
  hub: Hub;
  url: string;
  port: number;
  seed: DemoSeed;
  close(): Promise<void>;
}

export async function startTestHub(
  opts: {
    env?: Record<string, string>;
    hub?: HubOptions;
    seed?: Parameters<typeof seedDemo>[1] | false;
  } = {},
): Promise<TestHub> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'error',
    JWT_SECRET: TEST_SECRET,
    MEDIA_ENABLED: 'false',
    ...opts.env,
  });
  const hub = await createHub(config, opts.hub);
  const { url, port } = await hub.listen();
  const seed =
    opts.seed === false
      ? (undefined as unknown as DemoSeed)
      : await seedDemo(hub, { maxSites: 6, siteAccounts: 2, ...(opts.seed ?? {}) });
  return { hub, url, port, seed, close: () => hub.close() };
}

export async function rest<T = unknown>(
  url: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; headers: Headers; bytes: Uint8Array }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined || opts.raw !== undefined)
    headers['content-type'] = 'application/json';
  const res = await fetch(url + path, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('application/json')) body = JSON.parse(text);
  return { status: res.status, body: body as T, headers: res.headers, bytes };
}

export async function login(
  url: string,
  username: string,
  password: string,
): Promise<TokenResponse> {
  const r = await rest<TokenResponse>(url, 'POST', '/api/auth/login', {
    body: { username, password },
  });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function exchangeInvite(url: string, token: string): Promise<TokenResponse> {
  const r = await rest<TokenResponse>(url, 'POST', '/api/auth/invitation', { body: { token } });
  if (r.status !== 200) throw new Error(`invitation: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Connects; rejects with the server's error code on connect_error. */
export function connect(url: string, token: string, timeoutMs = 60_000): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      socket.close();
      reject(new Error('connect timeout'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(t);
      resolve(socket);
    });
    socket.once('connect_error', (err) => {
      clearTimeout(t);
      socket.close();
      reject(err);
    });
  });
}

export function req<E extends C2SEventName>(
  socket: ClientSocket,
  event: E,
  payload: unknown,
  timeoutMs = 60_000,
): Promise<AckResult<C2SResponses[E]>> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`${event}: no ack within ${timeoutMs} ms`)),
      timeoutMs,
    );
    (socket.emit as (ev: string, p: unknown, ack: (r: AckResult<C2SResponses[E]>) => void) => void)(
      event,
      payload,
      (r) => {
        clearTimeout(t);
        resolve(r);
      },
    );
  });
}

/** Like req but throws on `{ ok: false }`. */
export async function ok<E extends C2SEventName>(
  socket: ClientSocket,
  event: E,
  payload: unknown,
): Promise<C2SResponses[E]> {
  const r = await req(socket, event, payload);
  if (!r.ok) throw new Error(`${event} failed: ${r.error.code} ${r.error.message}`);
  return r.data;
}

/** Resolves with the first `event` payload matching `pred`, rejects after the deadline. */
export function waitFor<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  pred: (p: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 60_000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const handler = (p: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!pred(p)) return;
      clearTimeout(t);
      socket.off(event, handler as never);
      resolve(p);
    };
    const t = setTimeout(() => {
      socket.off(event, handler as never);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on(event, handler as never);
  });
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Opus rtpParameters a real mediasoup router accepts for `produce` (no browser needed). */
export function opusRtpParameters(ssrc: number) {
  return {
    mid: '0',
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: 100,
        clockRate: 48_000,
        channels: 2,
        parameters: {},
        rtcpFeedback: [],
      },
    ],
    headerExtensions: [],
    encodings: [{ ssrc }],
    rtcp: { cname: `c${ssrc}`, reducedSize: true },
  };
}

export const FAKE_DTLS = {
  role: 'client' as const,
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }],
};
