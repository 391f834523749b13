import { z } from 'zod';
import type { Logger } from '../util/logger';
import type { RedisClient } from './NodeRegistry';

export const ProducerEntry = z.object({
  id: z.string().min(1).max(64),
  meetingId: z.string().min(1).max(200),
  /** The node where it is produced (its home; every copy elsewhere is piped from there). */
  node: z.string().min(1).max(128),
  peerId: z.string().min(1).max(300),
  kind: z.enum(['audio', 'video']),
  source: z.enum(['camera', 'mic', 'screen']),
  paused: z.boolean(),
});
export type ProducerEntry = z.infer<typeof ProducerEntry>;

const Change = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), entry: ProducerEntry }),
  z.object({ op: z.literal('del'), meetingId: z.string(), id: z.string() }),
  z.object({ op: z.literal('origin'), meetingId: z.string(), node: z.string().nullable() }),
]);
type Change = z.infer<typeof Change>;

/**
 * Every meeting's producers across the cluster and each meeting's origin node, in Redis (hash
 * `cluster:m:<id>:producers`, hash `cluster:origin`) with a copy in every hub kept current over
 * pub/sub, so a snapshot on any hub lists the chair's producers wherever they run, synchronously.
 * The home node of a producer writes its entry (created, paused, closed); a node that sees another
 * die removes the dead node's entries.
 */
export class ProducerDirectory {
  readonly #meetings = new Map<string, Map<string, ProducerEntry>>();
  readonly #origins = new Map<string, string>();
  readonly #listeners: Array<(meetingId: string) => void> = [];

  private constructor(
    private readonly redis: RedisClient,
    private readonly sub: RedisClient,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  get #channel(): string {
    return `${this.prefix}cluster:producers`;
  }
  #hash(meetingId: string): string {
    return `${this.prefix}cluster:m:${meetingId}:producers`;
  }

  /** Subscribes first, then loads every meeting's entries (no change falls in between). */
  static async start(
    redis: RedisClient,
    sub: RedisClient,
    prefix: string,
    logger: Logger,
  ): Promise<ProducerDirectory> {
    const d = new ProducerDirectory(redis, sub, prefix, logger);
    await sub.subscribe(d.#channel, (message) => d.#onMessage(message));
    for await (const keys of redis.scanIterator({
      MATCH: `${prefix}cluster:m:*:producers`,
      COUNT: 500,
    })) {
      for (const key of keys) {
        const all = await redis.hGetAll(key);
        for (const raw of Object.values(all)) d.#apply({ op: 'set', entry: JSON.parse(raw) });
      }
    }
    const origins = await redis.hGetAll(`${prefix}cluster:origin`);
    for (const [m, node] of Object.entries(origins)) d.#origins.set(m, node);
    return d;
  }

  /** Called after any change of a meeting's producers or origin (here or on another hub). */
  onChange(fn: (meetingId: string) => void): void {
    this.#listeners.push(fn);
  }

  list(meetingId: string): ProducerEntry[] {
    return [...(this.#meetings.get(meetingId)?.values() ?? [])];
  }

  get(meetingId: string, producerId: string): ProducerEntry | undefined {
    return this.#meetings.get(meetingId)?.get(producerId);
  }

  /**
   * The entry, read through to Redis when this copy has not got it yet: a hub may hear of a new
   * producer (the meeting's `media:newProducer`, over the Socket.IO adapter) before this
   * directory's own message arrives, and a site consumes at once.
   */
  async lookup(meetingId: string, producerId: string): Promise<ProducerEntry | undefined> {
    const local = this.get(meetingId, producerId);
    if (local) return local;
    const raw = await this.redis.hGet(this.#hash(meetingId), producerId);
    const r = raw ? ProducerEntry.safeParse(JSON.parse(raw)) : undefined;
    return r?.success ? r.data : undefined;
  }

  has(meetingId: string): boolean {
    return (this.#meetings.get(meetingId)?.size ?? 0) > 0 || this.#origins.has(meetingId);
  }

  origin(meetingId: string): string | undefined {
    return this.#origins.get(meetingId);
  }

  async put(entry: ProducerEntry): Promise<void> {
    this.#apply({ op: 'set', entry });
    await this.redis
      .multi()
      .hSet(this.#hash(entry.meetingId), entry.id, JSON.stringify(entry))
      .publish(this.#channel, JSON.stringify({ op: 'set', entry }))
      .exec();
  }

  async setPaused(meetingId: string, producerId: string, paused: boolean): Promise<void> {
    const e = this.get(meetingId, producerId);
    if (e && e.paused !== paused) await this.put({ ...e, paused });
  }

  async remove(meetingId: string, producerId: string): Promise<void> {
    this.#apply({ op: 'del', meetingId, id: producerId });
    await this.redis
      .multi()
      .hDel(this.#hash(meetingId), producerId)
      .publish(this.#channel, JSON.stringify({ op: 'del', meetingId, id: producerId }))
      .exec();
  }

  /** The meeting's origin is now `node` (the chair produces there), or none. */
  async setOrigin(meetingId: string, node: string | null): Promise<void> {
    if ((this.#origins.get(meetingId) ?? null) === node) return;
    this.#apply({ op: 'origin', meetingId, node });
    const m = this.redis.multi();
    if (node) m.hSet(`${this.prefix}cluster:origin`, meetingId, node);
    else m.hDel(`${this.prefix}cluster:origin`, meetingId);
    await m.publish(this.#channel, JSON.stringify({ op: 'origin', meetingId, node })).exec();
  }

  /** A node died: its producers are gone everywhere; a meeting whose origin it was has none. */
  async removeNode(nodeId: string): Promise<void> {
    for (const [meetingId, entries] of this.#meetings) {
      for (const e of [...entries.values()]) {
        if (e.node === nodeId) await this.remove(meetingId, e.id);
      }
    }
    for (const [meetingId, node] of [...this.#origins]) {
      if (node === nodeId) await this.#clearOrigin(meetingId, nodeId);
    }
  }

  /**
   * The meeting's origin was `nodeId`, which died: none now — unless a new one was set meanwhile
   * (the chair reconnected elsewhere before this hub saw the loss): compare and delete in Redis,
   * so a late sweeper never clears the new origin.
   */
  async #clearOrigin(meetingId: string, nodeId: string): Promise<void> {
    const key = `${this.prefix}cluster:origin`;
    const change = JSON.stringify({ op: 'origin', meetingId, node: null });
    await this.redis.eval(
      `if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
         redis.call('HDEL', KEYS[1], ARGV[1])
         redis.call('PUBLISH', ARGV[3], ARGV[4])
       end
       return 0`,
      { keys: [key], arguments: [meetingId, nodeId, this.#channel, change] },
    );
    const now = await this.redis.hGet(key, meetingId);
    this.#apply({ op: 'origin', meetingId, node: now ?? null });
  }

  /** The meeting ended: drop its entries. */
  async forgetMeeting(meetingId: string): Promise<void> {
    for (const e of this.list(meetingId)) await this.remove(meetingId, e.id);
    await this.setOrigin(meetingId, null);
    await this.redis.del(this.#hash(meetingId));
  }

  #onMessage(message: string): void {
    try {
      this.#apply(Change.parse(JSON.parse(message)));
    } catch (e) {
      this.logger.warn('bad producer directory message', { err: String(e) });
    }
  }

  #apply(c: Change): void {
    let meetingId: string;
    if (c.op === 'set') {
      meetingId = c.entry.meetingId;
      let m = this.#meetings.get(meetingId);
      if (!m) {
        m = new Map();
        this.#meetings.set(meetingId, m);
      }
      m.set(c.entry.id, c.entry);
    } else if (c.op === 'del') {
      meetingId = c.meetingId;
      const m = this.#meetings.get(meetingId);
      m?.delete(c.id);
      if (m?.size === 0) this.#meetings.delete(meetingId);
    } else {
      meetingId = c.meetingId;
      if (c.node) this.#origins.set(meetingId, c.node);
      else this.#origins.delete(meetingId);
    }
    for (const fn of this.#listeners) fn(meetingId);
  }

  async close(): Promise<void> {
    await this.sub.unsubscribe(this.#channel).catch(() => {});
  }
}
