import type { AccessStore, Revocation } from '../store/AccessStore';

/** What a token says about itself, as far as revocation cares. */
export interface TokenFacts {
  principal: string;
  epoch?: number | undefined;
  sessionId?: string | undefined;
  /** ms; used for tokens without an epoch claim (an identity provider's). */
  issuedAt: number;
}

/**
 * This process's copy of what was taken back, so that checking a token costs two map lookups and
 * no round trip: the epoch of every principal that has one, and the sessions revoked within the
 * access-token lifetime (older ones cannot have a live access token left, and their refresh is
 * refused by the store). Filled at start from the store, kept current by the bus, re-filled after
 * the bus reconnects (a message may have been missed while it was down).
 */
export class Revocations {
  private readonly epochs = new Map<string, { epoch: number; at: number }>();
  private readonly sessions = new Map<string, number>();

  constructor(
    private readonly accessTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the token must be refused. */
  isRevoked(t: TokenFacts): boolean {
    if (t.sessionId !== undefined && this.sessions.has(t.sessionId)) return true;
    const e = this.epochs.get(t.principal);
    if (!e) return false;
    return t.epoch === undefined ? t.issuedAt <= e.at : t.epoch < e.epoch;
  }

  epochOf(principal: string): number {
    return this.epochs.get(principal)?.epoch ?? 0;
  }

  apply(r: Revocation): void {
    if (r.type === 'epoch') {
      const cur = this.epochs.get(r.principal);
      if (!cur || cur.epoch < r.epoch) this.epochs.set(r.principal, { epoch: r.epoch, at: r.at });
    } else {
      this.sessions.set(r.sessionId, r.at);
      this.prune();
    }
  }

  /** Raises an epoch read from the store (never lowers one this process already knows). */
  noteEpoch(principal: string, epoch: number): void {
    const cur = this.epochs.get(principal);
    if (!cur || cur.epoch < epoch) this.epochs.set(principal, { epoch, at: cur?.at ?? 0 });
  }

  async warm(store: AccessStore): Promise<void> {
    const [epochs, revoked] = await Promise.all([
      store.listEpochs(),
      store.revokedSince(this.now() - this.accessTtlMs),
    ]);
    for (const [p, n] of epochs) this.noteEpoch(p, n);
    for (const r of revoked) this.sessions.set(r.id, r.at);
  }

  private lastPrune = 0;
  private prune(): void {
    const now = this.now();
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    for (const [id, at] of this.sessions) if (at < now - this.accessTtlMs) this.sessions.delete(id);
  }
}
