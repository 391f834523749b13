import type { createClient } from 'redis';
import type { Logger } from '../util/logger';
import type { NodeAddress } from './ChannelClient';
import { type NodeRecord, parseNodeRecord } from './NodeRecord';
import { departedKey, nodeKey, placedKey } from './Placement';

export type RedisClient = ReturnType<typeof createClient>;

/** What one heartbeat writes: the record, and the placements it counts for the first time. */
export interface Beat {
  record: NodeRecord;
  /** Placement ids of peers now on this node that the previous record did not count. */
  taken?: readonly string[];
  /** Tokens of peers that left since the previous record (NodeLoad): this record no longer counts them. */
  departed?: readonly string[];
  /** Called once the record (and the removal of `taken` and `departed` from their sets) is written. */
  written?: () => void;
}

/**
 * The cluster's nodes in Redis: every hub publishes its NodeRecord under `cluster:node:<id>` with
 * a TTL every heartbeat (extending the hub's own liveness beat with where to reach it and what it
 * can carry) and keeps a copy of everyone else's, refreshed on the same beat. A record whose TTL
 * lapsed is gone: that node takes no new sites. The fast loss signal is the watch stream
 * (ChannelClient); the TTL is the fallback when a host vanishes without closing anything.
 */
export class NodeRegistry {
  #nodes = new Map<string, NodeRecord>();
  /** Nodes declared lost (watch stream) → the epoch that died: skipped until a new one beats. */
  readonly #lost = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;
  #stopped = false;
  #first = true;
  #reading: Promise<ReadonlyMap<string, NodeRecord>> | undefined;
  #readSeq = 0;
  #applied = 0;
  readonly #gone: Array<(nodeId: string) => void> = [];

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    readonly selfId: string,
    private readonly describe: () => Promise<Beat>,
    /** windowMs: how long the departed set outlives its last write (placement's window). */
    private readonly opts: { heartbeatMs: number; ttlMs: number; windowMs?: number },
    private readonly logger: Logger,
  ) {}

  #key(id: string): string {
    return nodeKey(this.prefix, id);
  }
  get #index(): string {
    return `${this.prefix}cluster:nodes`;
  }

  /** First beat awaited (the node is known before it takes work), then one per heartbeatMs. */
  async start(): Promise<void> {
    await this.beat();
    this.#timer = setInterval(() => void this.beat(), this.opts.heartbeatMs);
    this.#timer.unref();
  }

  /** Calls `fn` with the id of a node whose record lapsed (it was alive at the previous beat). */
  onGone(fn: (nodeId: string) => void): void {
    this.#gone.push(fn);
  }

  beat(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#beating ??= this.#beatOnce()
      .catch((e) => this.logger.warn('registry heartbeat failed', { err: String(e) }))
      .finally(() => {
        this.#beating = undefined;
      });
    return this.#beating;
  }

  async #beatOnce(): Promise<void> {
    const { record: me, taken, departed, written } = await this.describe();
    // One MULTI: the record that counts these placements and their removal from the set where
    // placement counted them until now — no reader sees them in both, or in neither; likewise
    // the peers that left before it, which it no longer counts, out of the departed set.
    const tx = this.redis.multi();
    // A process restarted under this id: what its predecessor said left is nothing of ours.
    if (this.#first) tx.del(departedKey(this.prefix, me.id));
    tx.set(this.#key(me.id), JSON.stringify(me), { PX: this.opts.ttlMs }).sAdd(this.#index, me.id);
    if (taken?.length) tx.zRem(placedKey(this.prefix, me.id), [...taken]);
    if (departed?.length) tx.sRem(departedKey(this.prefix, me.id), [...departed]);
    await tx.exec();
    this.#first = false;
    written?.();
    await this.refresh();
  }

  /**
   * A peer counted in this node's record or placement set left it: placement stops counting it
   * now, not at the next beat (NodeLoad). Sent at once on the connection the beats and this
   * hub's placements use, so it lands before any placement this hub makes after it.
   */
  depart(token: string): void {
    if (this.#stopped) return;
    const key = departedKey(this.prefix, this.selfId);
    void this.redis
      .multi()
      .sAdd(key, token)
      .pExpire(key, this.opts.windowMs ?? this.opts.ttlMs * 2)
      .exec()
      .catch((e) => this.logger.warn('registry departure not written', { err: String(e) }));
  }

  /**
   * Reads every live record; prunes the index of lapsed ones. Reads may overlap (beats,
   * placement's `current`): one that started before another already applied changes nothing, so
   * an older read never hides a node that just came up (nor reports it gone).
   */
  async refresh(): Promise<ReadonlyMap<string, NodeRecord>> {
    const seq = ++this.#readSeq;
    const ids = await this.redis.sMembers(this.#index);
    const raws = ids.length ? await this.redis.mGet(ids.map((id) => this.#key(id))) : [];
    const read = new Map<string, NodeRecord>();
    const lapsed: string[] = [];
    ids.forEach((id, i) => {
      const rec = parseNodeRecord(raws[i]);
      if (!rec || rec.id !== id) lapsed.push(id);
      else read.set(id, rec);
    });
    if (lapsed.length) await this.redis.sRem(this.#index, lapsed);
    if (seq < this.#applied) return this.#nodes;
    this.#applied = seq;
    // Lost nodes filtered now, not before the await: one declared lost meanwhile stays out.
    const next = new Map([...read].filter(([id, rec]) => this.#lost.get(id) !== rec.epoch));
    const before = this.#nodes;
    this.#nodes = next;
    for (const id of before.keys()) {
      if (!next.has(id) && id !== this.selfId) for (const fn of this.#gone) fn(id);
    }
    return next;
  }

  /**
   * The live records as Redis has them now, for placement (issue #12): a node that came up since
   * this hub's last beat (a new origin, an edge just started) is a candidate at once, not up to a
   * heartbeat later — a burst placed in that gap all went to the nodes already known. Concurrent
   * callers share one read (a join burst costs a read or two, not one per site); when Redis does
   * not answer, the last beat's copy.
   */
  current(): Promise<ReadonlyMap<string, NodeRecord>> {
    this.#reading ??= this.refresh()
      .catch(() => this.#nodes)
      .finally(() => {
        this.#reading = undefined;
      });
    return this.#reading;
  }

  /** Live records at the last beat. */
  get nodes(): ReadonlyMap<string, NodeRecord> {
    return this.#nodes;
  }

  /** A node's record: the cached one, else read now (a node that joined since the last beat). */
  async get(id: string): Promise<NodeRecord | undefined> {
    const cached = this.#nodes.get(id);
    if (cached) return cached;
    const rec = parseNodeRecord(await this.redis.get(this.#key(id)));
    if (!rec || rec.id !== id || this.#lost.get(id) === rec.epoch) return undefined;
    this.#nodes.set(id, rec);
    return rec;
  }

  async addressOf(id: string): Promise<NodeAddress | undefined> {
    return (await this.get(id))?.internal;
  }

  /**
   * A node's watch stream said it died: placement skips it at once, even while its record has
   * not lapsed yet; a restarted process (new epoch) is taken back.
   */
  markLost(id: string): void {
    const rec = this.#nodes.get(id);
    if (rec) this.#lost.set(id, rec.epoch);
    this.#nodes.delete(id);
    if (this.#lost.size > 1000) this.#lost.delete(this.#lost.keys().next().value as string);
  }

  async stop(withdraw = true): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#beating;
    if (!withdraw) return;
    await this.redis
      .multi()
      .del(this.#key(this.selfId))
      .del(departedKey(this.prefix, this.selfId))
      .sRem(this.#index, this.selfId)
      .exec()
      .catch(() => {});
  }
}
