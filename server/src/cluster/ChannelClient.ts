import http from 'node:http';
import { EnhancedEventEmitter, SfuError } from '@giaoban/sfu';
import type { ErrorCode } from '@giaoban/shared';
import { HubError } from '../util/HubError';
import type { Logger } from '../util/logger';
import { type ChannelAuth, H } from './ChannelAuth';
import type { WireReply } from './ChannelServer';

export interface NodeAddress {
  ip: string;
  port: number;
}

export type ChannelClientEvents = {
  /**
   * A node this one depends on is gone: its watch stream closed and could not be reopened, went
   * silent, or came back as another incarnation (restarted: its rooms are not the old ones).
   */
  nodelost: [{ nodeId: string; reason: string }];
};

/** The node is unreachable (down, partitioned, or not answering in time). */
export class NodeUnreachableError extends HubError {
  constructor(
    readonly nodeId: string,
    why: string,
  ) {
    super('MEDIA_UNAVAILABLE', `media node ${nodeId} unreachable: ${why}`);
  }
}

interface Watch {
  nodeId: string;
  req?: http.ClientRequest;
  epoch?: string;
  lastLineAt: number;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

/**
 * The internal channel's calling side: signed calls to another node (`call`) and a watch on every
 * node this one depends on (`watch`), so a dead node is noticed in milliseconds (its process
 * closes the stream) or after `watchTimeoutMs` of silence (its host vanished) — not after a
 * registry TTL.
 */
export class ChannelClient extends EnhancedEventEmitter<ChannelClientEvents> {
  readonly #watches = new Map<string, Watch>();
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  #closed = false;

  constructor(
    private readonly auth: ChannelAuth,
    private readonly addressOf: (nodeId: string) => Promise<NodeAddress | undefined>,
    private readonly logger: Logger,
    private readonly opts: { watchTimeoutMs: number; callTimeoutMs?: number },
  ) {
    super();
  }

  /** One signed request; resolves to the method's result or throws its error (SfuError/HubError). */
  async call<T = unknown>(nodeId: string, method: string, params: unknown): Promise<T> {
    const addr = await this.addressOf(nodeId);
    if (!addr) throw new NodeUnreachableError(nodeId, 'not registered');
    const body = JSON.stringify({ method, params });
    const headers = this.auth.sign(nodeId, 'POST', '/v1/call', body);
    let status: number;
    let text: string;
    let sig: string | undefined;
    try {
      ({ status, text, sig } = await this.#post(addr, headers, body));
    } catch (e) {
      throw new NodeUnreachableError(nodeId, (e as Error).message);
    }
    if (status !== 200) throw new NodeUnreachableError(nodeId, `HTTP ${status}`);
    this.auth.verifyResponse(headers[H.nonce], status, text, sig ?? null);
    const reply = JSON.parse(text) as WireReply;
    if (reply.ok) return reply.data as T;
    const { kind, code, message } = reply.error;
    if (kind === 'sfu') throw new SfuError(code, message);
    throw new HubError(code as ErrorCode, message);
  }

  #post(
    addr: NodeAddress,
    headers: Record<string, string>,
    body: string,
  ): Promise<{ status: number; text: string; sig: string | undefined }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: addr.ip,
          port: addr.port,
          method: 'POST',
          path: '/v1/call',
          agent: this.#agent,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
          timeout: this.opts.callTimeoutMs ?? 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.once('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              sig:
                typeof res.headers['x-gb-sig'] === 'string' ? res.headers['x-gb-sig'] : undefined,
            }),
          );
          res.once('error', reject);
        },
      );
      req.once('timeout', () => req.destroy(new Error('timed out')));
      req.once('error', reject);
      req.end(body);
    });
  }

  /** Starts watching `nodeId` (idempotent). */
  watch(nodeId: string): void {
    if (this.#closed || nodeId === this.auth.nodeId || this.#watches.has(nodeId)) return;
    const w: Watch = { nodeId, lastLineAt: Date.now(), stopped: false };
    this.#watches.set(nodeId, w);
    w.timer = setInterval(
      () => {
        if (Date.now() - w.lastLineAt > this.opts.watchTimeoutMs) this.#lost(w, 'silent');
      },
      Math.max(100, Math.floor(this.opts.watchTimeoutMs / 4)),
    );
    w.timer.unref();
    void this.#open(w, false);
  }

  /** Stops watching (the node is no longer needed, or was declared lost). */
  unwatch(nodeId: string): void {
    const w = this.#watches.get(nodeId);
    if (!w) return;
    w.stopped = true;
    clearInterval(w.timer);
    w.req?.destroy();
    this.#watches.delete(nodeId);
  }

  get watched(): string[] {
    return [...this.#watches.keys()];
  }

  async #open(w: Watch, retry: boolean): Promise<void> {
    if (w.stopped) return;
    const addr = await this.addressOf(w.nodeId).catch(() => undefined);
    if (w.stopped) return;
    if (!addr) {
      this.#lost(w, 'not registered');
      return;
    }
    const headers = this.auth.sign(w.nodeId, 'GET', '/v1/watch');
    const nonce = headers[H.nonce];
    const req = http.get({ host: addr.ip, port: addr.port, path: '/v1/watch', headers });
    w.req = req;
    let opened = false;
    let buf = '';
    let expectSeq = 0;
    req.once('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        this.#lost(w, `watch refused (HTTP ${res.statusCode})`);
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            const { seq, data, sig } = JSON.parse(line) as {
              seq: number;
              data: string;
              sig: string;
            };
            if (seq !== expectSeq) throw new Error('out of sequence');
            this.auth.verifyLine(nonce, seq, data, sig);
            expectSeq++;
            const { epoch } = JSON.parse(data) as { epoch: string };
            if (w.epoch && w.epoch !== epoch) {
              this.#lost(w, 'restarted');
              return;
            }
            w.epoch = epoch;
            w.lastLineAt = Date.now();
            opened = true;
          } catch (e) {
            this.logger.warn('bad watch line', { nodeId: w.nodeId, err: String(e) });
            req.destroy();
            return;
          }
        }
      });
      res.once('close', () => {
        if (w.req === req) this.#closedStream(w, req, opened);
      });
    });
    req.once('error', () => {
      if (w.req !== req) return;
      // Refused / reset: the process is gone (a retry right after a close confirms it).
      if (retry || !opened) this.#lost(w, 'unreachable');
      else this.#closedStream(w, req, opened);
    });
  }

  #closedStream(w: Watch, req: http.ClientRequest, opened: boolean): void {
    if (w.stopped || this.#closed || w.req !== req) return;
    w.req = undefined;
    // One immediate retry tells a dead process (connection refused) from a dropped connection.
    void this.#open(w, opened);
  }

  #lost(w: Watch, reason: string): void {
    if (w.stopped) return;
    this.unwatch(w.nodeId);
    this.logger.warn('node lost', { nodeId: w.nodeId, reason });
    this.safeEmit('nodelost', { nodeId: w.nodeId, reason });
  }

  close(): void {
    this.#closed = true;
    for (const id of [...this.#watches.keys()]) this.unwatch(id);
    this.#agent.destroy();
  }
}
