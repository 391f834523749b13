import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SfuError } from '@giaoban/sfu';
import type { z } from 'zod';
import { HubError } from '../util/HubError';
import type { Logger } from '../util/logger';
import { type ChannelAuth, ChannelAuthError } from './ChannelAuth';

/** Largest internal request body (RTP parameters of a simulcast producer are a few kB). */
export const CHANNEL_BODY_LIMIT = 256 * 1024;

export type WireError = { kind: 'sfu' | 'hub'; code: string; message: string };
export type WireReply = { ok: true; data: unknown } | { ok: false; error: WireError };

type Handler = (params: unknown, from: string) => Promise<unknown>;

/**
 * The internal channel's listening side, on the node's internal address only. Two routes:
 * `POST /v1/call` (one signed JSON request `{ method, params }` → signed reply) and
 * `GET /v1/watch` (a signed line every beat for as long as this process lives: the far end knows
 * at once when it dies, the socket closes with it). Anything unsigned, replayed, stale, addressed
 * to another node or too big is refused before any handler runs; params are checked with each
 * method's zod schema.
 */
export class ChannelServer {
  readonly #server: http.Server;
  readonly #handlers = new Map<string, { schema: z.ZodType; fn: Handler }>();
  readonly #watches = new Set<http.ServerResponse>();
  #beat: NodeJS.Timeout | undefined;

  constructor(
    private readonly auth: ChannelAuth,
    /** Identifies this process: a node restarted under the same id is another incarnation. */
    readonly epoch: string,
    private readonly logger: Logger,
    private readonly beatMs: number,
  ) {
    this.#server = http.createServer((req, res) => void this.#serve(req, res));
    this.#server.keepAliveTimeout = 60_000;
    this.#server.headersTimeout = 10_000;
    this.#server.requestTimeout = 30_000;
  }

  /** Registers one method; `schema` validates its params. */
  handle<S extends z.ZodType>(
    method: string,
    schema: S,
    fn: (params: z.infer<S>, from: string) => Promise<unknown>,
  ): void {
    this.#handlers.set(method, { schema, fn: fn as Handler });
  }

  async listen(ip: string, port: number): Promise<{ ip: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, ip, () => resolve());
    });
    this.#beat = setInterval(() => this.#beatAll(), this.beatMs);
    this.#beat.unref();
    const a = this.#server.address() as AddressInfo;
    return { ip: a.address, port: a.port };
  }

  async close(): Promise<void> {
    clearInterval(this.#beat);
    for (const res of this.#watches) res.end();
    this.#watches.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  async #serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const method = req.method ?? '';
    let body: Buffer;
    try {
      body = await readBody(req, CHANNEL_BODY_LIMIT);
    } catch {
      res.writeHead(413).end();
      req.destroy();
      return;
    }
    let from: string;
    let nonce: string;
    try {
      ({ from, nonce } = this.auth.verify(req.headers, method, path, body));
    } catch (e) {
      const reason = e instanceof ChannelAuthError ? e.reason : 'error';
      this.logger.warn('internal request refused', { reason, addr: req.socket.remoteAddress });
      res.writeHead(401).end();
      return;
    }
    if (method === 'GET' && path === '/v1/watch') return this.#watch(res, nonce);
    if (method !== 'POST' || path !== '/v1/call') {
      res.writeHead(404).end();
      return;
    }
    const reply = await this.#call(body, from);
    const text = JSON.stringify(reply);
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-gb-sig': this.auth.signResponse(nonce, 200, text),
    });
    res.end(text);
  }

  async #call(body: Buffer, from: string): Promise<WireReply> {
    let msg: { method?: unknown; params?: unknown };
    try {
      msg = JSON.parse(body.toString('utf8'));
    } catch {
      return fail('hub', 'BAD_REQUEST', 'not JSON');
    }
    const h = typeof msg.method === 'string' ? this.#handlers.get(msg.method) : undefined;
    if (!h) return fail('hub', 'NOT_FOUND', `unknown method ${String(msg.method).slice(0, 64)}`);
    const parsed = h.schema.safeParse(msg.params);
    if (!parsed.success) {
      return fail('hub', 'BAD_REQUEST', parsed.error.issues[0]?.message ?? 'bad params');
    }
    try {
      return { ok: true, data: (await h.fn(parsed.data, from)) ?? null };
    } catch (e) {
      if (e instanceof SfuError) return fail('sfu', e.code, e.message);
      if (e instanceof HubError) return fail('hub', e.code, e.message);
      this.logger.error('internal call failed', { method: msg.method, err: String(e) });
      return fail('hub', 'INTERNAL', 'internal error');
    }
  }

  #watch(res: http.ServerResponse, nonce: string): void {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    res.socket?.setNoDelay(true);
    const w = res as http.ServerResponse & { gbNonce?: string; gbSeq?: number };
    w.gbNonce = nonce;
    w.gbSeq = 0;
    this.#watches.add(res);
    res.once('close', () => this.#watches.delete(res));
    this.#line(w);
  }

  #beatAll(): void {
    for (const res of this.#watches) this.#line(res);
  }

  #line(res: http.ServerResponse & { gbNonce?: string; gbSeq?: number }): void {
    const seq = res.gbSeq ?? 0;
    res.gbSeq = seq + 1;
    const data = JSON.stringify({ epoch: this.epoch, at: Date.now() });
    const sig = this.auth.signLine(res.gbNonce ?? '', seq, data);
    res.write(`${JSON.stringify({ seq, data, sig })}\n`);
  }
}

function fail(kind: WireError['kind'], code: string, message: string): WireReply {
  return { ok: false, error: { kind, code, message } };
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new Error('too big'));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('too big'));
        return;
      }
      chunks.push(c);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
