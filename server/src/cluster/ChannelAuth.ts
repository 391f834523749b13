import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Why an internal request was refused (logged; the caller only sees 401). */
export class ChannelAuthError extends Error {
  constructor(readonly reason: string) {
    super(`internal channel: ${reason}`);
    this.name = 'ChannelAuthError';
  }
}

export const H = {
  from: 'x-gb-from',
  to: 'x-gb-to',
  ts: 'x-gb-ts',
  nonce: 'x-gb-nonce',
  sig: 'x-gb-sig',
} as const;

export type SignedHeaders = Record<(typeof H)[keyof typeof H], string>;

const NODE_ID = /^[\w.:@-]{1,128}$/;
const NONCE = /^[A-Za-z0-9_-]{22}$/;
const SIG = /^[A-Za-z0-9_-]{43}$/;

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/**
 * Signs and checks the cluster's internal requests with a key derived from CLUSTER_SECRET.
 * Each request names its sender and its target node, carries a timestamp and a random nonce, and
 * is signed over those, the method, the path and the body's hash: a request captured on the wire
 * cannot be replayed (the nonce is remembered for the whole time window, older timestamps are
 * refused), nor sent to another node (the target is signed), nor altered. Responses and every line
 * of a watch stream are signed over the request's nonce, so a node cannot be impersonated either.
 */
export class ChannelAuth {
  readonly #key: Buffer;
  readonly #seen = new Map<string, number>();
  readonly #windowMs: number;
  readonly #maxNonces: number;
  readonly #now: () => number;

  constructor(
    secret: string,
    readonly nodeId: string,
    opts: { windowMs?: number; maxNonces?: number; now?: () => number } = {},
  ) {
    if (!NODE_ID.test(nodeId)) throw new Error(`node id "${nodeId}" is not usable on the channel`);
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'giaoban', 'cluster-channel-v1', 32));
    this.#windowMs = opts.windowMs ?? 30_000;
    this.#maxNonces = opts.maxNonces ?? 200_000;
    this.#now = opts.now ?? Date.now;
  }

  #mac(text: string): string {
    return createHmac('sha256', this.#key).update(text).digest('base64url');
  }

  #equal(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
  }

  /** Headers for a request from this node to `to`. */
  sign(to: string, method: string, path: string, body: string | Buffer = ''): SignedHeaders {
    const ts = String(this.#now());
    const nonce = randomBytes(16).toString('base64url');
    const sig = this.#mac(
      ['v1', this.nodeId, to, ts, nonce, `${method} ${path}`, sha256(body)].join('\n'),
    );
    return { [H.from]: this.nodeId, [H.to]: to, [H.ts]: ts, [H.nonce]: nonce, [H.sig]: sig };
  }

  /** Checks a request addressed to this node; returns the sender. Throws ChannelAuthError. */
  verify(
    headers: Record<string, string | string[] | undefined>,
    method: string,
    path: string,
    body: string | Buffer = '',
  ): { from: string; nonce: string } {
    const get = (k: string) => {
      const v = headers[k];
      return typeof v === 'string' ? v : undefined;
    };
    const from = get(H.from);
    const to = get(H.to);
    const ts = get(H.ts);
    const nonce = get(H.nonce);
    const sig = get(H.sig);
    if (!from || !to || !ts || !nonce || !sig) throw new ChannelAuthError('unsigned');
    if (!NODE_ID.test(from) || !NONCE.test(nonce) || !SIG.test(sig) || !/^\d{1,16}$/.test(ts)) {
      throw new ChannelAuthError('malformed signature headers');
    }
    const expected = this.#mac(
      ['v1', from, to, ts, nonce, `${method} ${path}`, sha256(body)].join('\n'),
    );
    if (!this.#equal(sig, expected)) throw new ChannelAuthError('bad signature');
    if (to !== this.nodeId) throw new ChannelAuthError(`addressed to ${to}`);
    const now = this.#now();
    if (Math.abs(now - Number(ts)) > this.#windowMs) throw new ChannelAuthError('stale timestamp');
    this.#prune(now);
    if (this.#seen.has(nonce)) throw new ChannelAuthError('replayed');
    if (this.#seen.size >= this.#maxNonces) throw new ChannelAuthError('too many requests');
    this.#seen.set(nonce, Number(ts) + this.#windowMs);
    return { from, nonce };
  }

  /** Signature of a response to the request that carried `nonce`. */
  signResponse(nonce: string, status: number, body: string): string {
    return this.#mac(['v1-resp', nonce, String(status), sha256(body)].join('\n'));
  }

  verifyResponse(nonce: string, status: number, body: string, sig: string | null): void {
    if (!sig || !this.#equal(sig, this.signResponse(nonce, status, body))) {
      throw new ChannelAuthError('response not signed by a cluster node');
    }
  }

  /** Signature of line `seq` of the watch stream opened with `nonce`. */
  signLine(nonce: string, seq: number, data: string): string {
    return this.#mac(['v1-line', nonce, String(seq), data].join('\n'));
  }

  verifyLine(nonce: string, seq: number, data: string, sig: string): void {
    if (!this.#equal(sig, this.signLine(nonce, seq, data))) {
      throw new ChannelAuthError('watch line not signed');
    }
  }

  #prune(now: number): void {
    // Insertion order is (nearly) expiry order: stop at the first nonce still in its window.
    for (const [n, until] of this.#seen) {
      if (until >= now) break;
      this.#seen.delete(n);
    }
  }
}
