/**
 * Issue #11: the worker closes a WebRTC transport whose DTLS failed or was closed, and the
 * peer's client must be told to renegotiate (it would keep a dead transport: a frozen picture).
 * A transport "closed" by the far end's close_notify is usually the client's own doing (it closes
 * its RTCPeerConnection to rebuild): only a transport the peer has not replaced by a new one of
 * the same direction within `graceMs` counts as lost. A peer that keeps losing its transports
 * must not flood itself and the hub with resets: after `max` losses in `windowMs` its new WebRTC
 * transports are refused (TransportsLostError) until the oldest loss leaves the window.
 */
// 2 s: a client's own rebuild (router capabilities, Device.load, createTransport) takes well
// under that on a working link; a site that really lost its transport waits that much longer.
export const TRANSPORT_LOSS = { graceMs: 2000, max: 4, windowMs: 60_000 } as const;

export interface LossBudgetOptions {
  max: number;
  windowMs: number;
  now?: () => number;
}

/** Losses per peer in a sliding window. */
export class LossBudget {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  /** peer → times of its losses still inside the window, oldest first. */
  readonly #losses = new Map<string, number[]>();

  constructor(o: LossBudgetOptions) {
    this.#max = o.max;
    this.#windowMs = o.windowMs;
    this.#now = o.now ?? Date.now;
  }

  /** Counts one loss of `peerId`; returns how many it has in the window now. */
  record(peerId: string): number {
    this.#prune();
    const list = this.#losses.get(peerId) ?? [];
    list.push(this.#now());
    this.#losses.set(peerId, list);
    return list.length;
  }

  get windowMs(): number {
    return this.#windowMs;
  }

  /** The peer's losses inside the window. */
  count(peerId: string): number {
    this.#prune();
    return this.#losses.get(peerId)?.length ?? 0;
  }

  /** True once the peer has used up its losses for the window. */
  exhausted(peerId: string): boolean {
    return this.count(peerId) >= this.#max;
  }

  /** ms until the peer may build transports again (0 when it may now). */
  retryInMs(peerId: string): number {
    if (!this.exhausted(peerId)) return 0;
    const list = this.#losses.get(peerId)!;
    return Math.max(0, list[list.length - this.#max]! + this.#windowMs - this.#now());
  }

  /** Peers with losses in the window (so the map cannot grow with every peer that ever lost). */
  get size(): number {
    this.#prune();
    return this.#losses.size;
  }

  #prune(): void {
    const since = this.#now() - this.#windowMs;
    for (const [peerId, list] of this.#losses) {
      while (list.length > 0 && list[0]! <= since) list.shift();
      if (list.length === 0) this.#losses.delete(peerId);
    }
  }
}
