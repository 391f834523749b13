import type { createClient } from 'redis';
import type {
  AccessStore,
  InvitationRecord,
  InvitationUse,
  LoginFailures,
  Revocation,
  RevocationListener,
  RevokeReason,
  RotateResult,
  SessionRecord,
  SessionTouch,
} from './AccessStore';

type Client = ReturnType<typeof createClient>;

/**
 * Refresh-token rotation, atomically inside Redis: two hub processes handed the same refresh
 * token at the same moment cannot both rotate it (the loser sees `stale`, i.e. a reuse).
 * KEYS[1] session hash; ARGV[1] expected generation; ARGV[2..] the touched fields.
 */
const ROTATE_SCRIPT = `
local g = redis.call('HGET', KEYS[1], 'generation')
if not g then return 'missing' end
if redis.call('HEXISTS', KEYS[1], 'revokedAt') == 1 then return 'revoked' end
if g ~= ARGV[1] then return 'stale' end
redis.call('HSET', KEYS[1], 'generation', tostring(tonumber(g) + 1), 'lastUsedAt', ARGV[2],
  'ip', ARGV[3], 'userAgent', ARGV[4], 'device', ARGV[5], 'expiresAt', ARGV[6])
redis.call('PEXPIREAT', KEYS[1], ARGV[7])
return 'ok'
`;

/** KEYS[1] session hash, KEYS[2] revoked zset; ARGV: at (ms), at (ISO), reason, session id. */
const REVOKE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HEXISTS', KEYS[1], 'revokedAt') == 1 then return 0 end
redis.call('HSET', KEYS[1], 'revokedAt', ARGV[2], 'revokedReason', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[4])
return 1
`;

/** KEYS[1] failure hash; ARGV: now, window ms. Returns count, firstAt, lastAt. */
const FAILURE_SCRIPT = `
local c = redis.call('HINCRBY', KEYS[1], 'count', 1)
if c == 1 then redis.call('HSET', KEYS[1], 'firstAt', ARGV[1]) end
redis.call('HSET', KEYS[1], 'lastAt', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {c, tonumber(redis.call('HGET', KEYS[1], 'firstAt')), tonumber(ARGV[1])}
`;

const STRING_FIELDS = [
  'id',
  'principal',
  'role',
  'name',
  'accountId',
  'invitationId',
  'meetingId',
  'siteId',
  'createdAt',
  'lastUsedAt',
  'ip',
  'userAgent',
  'device',
  'expiresAt',
  'revokedAt',
  'revokedReason',
] as const;

function toHash(s: SessionRecord): Record<string, string> {
  const h: Record<string, string> = { generation: String(s.generation) };
  for (const f of STRING_FIELDS) {
    const v = s[f];
    if (v !== undefined) h[f] = v;
  }
  return h;
}

function fromHash(h: Record<string, string>): SessionRecord | undefined {
  if (!h.id) return undefined;
  const s: Record<string, unknown> = { generation: Number(h.generation) };
  for (const f of STRING_FIELDS) if (h[f] !== undefined) s[f] = h[f];
  return s as unknown as SessionRecord;
}

/**
 * Layout (under the store's prefix): hash `ses:<id>` per session, expiring with its refresh
 * token; set `sesof:<principal>`; zset `revoked` (session id → revocation time); hash `epoch`
 * (principal → epoch); hash `fail:<key>` per failed-login counter, expiring with its window;
 * hash `invitation` (id → JSON), list `invitations:<meetingId>`, list `invuse:<id>` and hash
 * `invusecount`; pub/sub channel `revocations`, listened to on a connection of its own.
 */
export class RedisAccessStore implements AccessStore {
  private readonly subscribers = new Set<Client>();

  constructor(
    private readonly client: Client,
    private readonly prefix: string,
  ) {}

  async publishRevocation(r: Revocation): Promise<void> {
    await this.client.publish(this.k('revocations'), JSON.stringify(r));
  }

  async subscribeRevocations(l: RevocationListener): Promise<() => Promise<void>> {
    const sub = this.client.duplicate();
    sub.on('error', () => {});
    let connectedOnce = false;
    // node-redis resubscribes by itself after a reconnect; what was published meanwhile is lost.
    sub.on('ready', () => {
      if (connectedOnce) l.onResync();
      connectedOnce = true;
    });
    await sub.connect();
    await sub.subscribe(this.k('revocations'), (message) => {
      let r: Revocation;
      try {
        r = JSON.parse(message) as Revocation;
      } catch {
        return;
      }
      l.onRevocation(r);
    });
    this.subscribers.add(sub);
    return async () => {
      this.subscribers.delete(sub);
      if (sub.isOpen) await sub.close().catch(() => {});
    };
  }

  /** Closes the subscriber connections (the store's own client is closed by RedisStore). */
  async close(): Promise<void> {
    for (const sub of [...this.subscribers]) if (sub.isOpen) await sub.close().catch(() => {});
    this.subscribers.clear();
  }

  private k(name: string): string {
    return this.prefix + name;
  }

  async createSession(s: SessionRecord): Promise<void> {
    const key = this.k(`ses:${s.id}`);
    const exp = String(Date.parse(s.expiresAt));
    await this.client
      .multi()
      .hSet(key, toHash(s))
      .pExpireAt(key, Number(exp))
      .sAdd(this.k(`sesof:${s.principal}`), s.id)
      .sendCommand(['PEXPIREAT', this.k(`sesof:${s.principal}`), exp, 'GT'])
      .sendCommand(['PEXPIREAT', this.k(`sesof:${s.principal}`), exp, 'NX'])
      .exec();
  }
  async getSession(id: string): Promise<SessionRecord | undefined> {
    return fromHash(await this.client.hGetAll(this.k(`ses:${id}`)));
  }
  async listSessions(principal: string): Promise<SessionRecord[]> {
    const setKey = this.k(`sesof:${principal}`);
    const ids = await this.client.sMembers(setKey);
    if (ids.length === 0) return [];
    const m = this.client.multi();
    for (const id of ids) m.hGetAll(this.k(`ses:${id}`));
    const rows = (await m.exec()) as unknown as Array<Record<string, string>>;
    const out: SessionRecord[] = [];
    const gone: string[] = [];
    rows.forEach((h, i) => {
      const s = fromHash(h);
      if (s) out.push(s);
      else gone.push(ids[i]!);
    });
    if (gone.length > 0) await this.client.sRem(setKey, gone);
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }
  async rotateSession(id: string, generation: number, touch: SessionTouch): Promise<RotateResult> {
    const key = this.k(`ses:${id}`);
    const r = await this.client.sendCommand<string>([
      'EVAL',
      ROTATE_SCRIPT,
      '1',
      key,
      String(generation),
      touch.lastUsedAt,
      touch.ip,
      touch.userAgent,
      touch.device,
      touch.expiresAt,
      String(Date.parse(touch.expiresAt)),
    ]);
    const session = await this.getSession(id);
    if (r === 'ok' && session) {
      await this.client.sendCommand([
        'PEXPIREAT',
        this.k(`sesof:${session.principal}`),
        String(Date.parse(touch.expiresAt)),
        'GT',
      ]);
      return { ok: true, session };
    }
    if (r === 'ok' || r === 'missing' || !session) return { ok: false, reason: 'missing' };
    return { ok: false, reason: r as 'revoked' | 'stale', session };
  }
  async revokeSession(
    id: string,
    at: number,
    reason: RevokeReason,
  ): Promise<SessionRecord | undefined> {
    const done = await this.client.sendCommand<number>([
      'EVAL',
      REVOKE_SCRIPT,
      '2',
      this.k(`ses:${id}`),
      this.k('revoked'),
      String(at),
      new Date(at).toISOString(),
      reason,
      id,
    ]);
    return done === 1 ? this.getSession(id) : undefined;
  }
  async revokeSessions(
    principal: string,
    at: number,
    reason: RevokeReason,
  ): Promise<SessionRecord[]> {
    const out: SessionRecord[] = [];
    for (const s of await this.listSessions(principal)) {
      if (s.revokedAt) continue;
      const r = await this.revokeSession(s.id, at, reason);
      if (r) out.push(r);
    }
    return out;
  }
  async revokedSince(sinceMs: number): Promise<Array<{ id: string; at: number }>> {
    const key = this.k('revoked');
    await this.client.zRemRangeByScore(key, '-inf', `(${sinceMs}`);
    const rows = await this.client.zRangeWithScores(key, 0, -1);
    return rows.map((r) => ({ id: r.value, at: r.score }));
  }

  async bumpEpoch(principal: string): Promise<number> {
    return this.client.hIncrBy(this.k('epoch'), principal, 1);
  }
  async getEpoch(principal: string): Promise<number> {
    return Number((await this.client.hGet(this.k('epoch'), principal)) ?? 0);
  }
  async listEpochs(): Promise<Map<string, number>> {
    const all = await this.client.hGetAll(this.k('epoch'));
    return new Map(Object.entries(all).map(([p, n]) => [p, Number(n)]));
  }

  async noteLoginFailure(key: string, now: number, windowMs: number): Promise<LoginFailures> {
    const [count, firstAt, lastAt] = await this.client.sendCommand<number[]>([
      'EVAL',
      FAILURE_SCRIPT,
      '1',
      this.k(`fail:${key}`),
      String(now),
      String(Math.max(1, Math.round(windowMs))),
    ]);
    return { count: Number(count), firstAt: Number(firstAt), lastAt: Number(lastAt) };
  }
  async getLoginFailures(key: string): Promise<LoginFailures | undefined> {
    const h = await this.client.hGetAll(this.k(`fail:${key}`));
    if (!h.count) return undefined;
    return { count: Number(h.count), firstAt: Number(h.firstAt), lastAt: Number(h.lastAt) };
  }
  async clearLoginFailures(key: string): Promise<void> {
    await this.client.del(this.k(`fail:${key}`));
  }

  async putInvitation(inv: InvitationRecord): Promise<void> {
    const added = await this.client.hSet(this.k('invitation'), inv.id, JSON.stringify(inv));
    if (added > 0) await this.client.rPush(this.k(`invitations:${inv.meetingId}`), inv.id);
  }
  async getInvitation(id: string): Promise<InvitationRecord | undefined> {
    const v = await this.client.hGet(this.k('invitation'), id);
    return v ? (JSON.parse(v) as InvitationRecord) : undefined;
  }
  async listInvitations(meetingId: string): Promise<InvitationRecord[]> {
    const ids = await this.client.lRange(this.k(`invitations:${meetingId}`), 0, -1);
    if (ids.length === 0) return [];
    const vals = await this.client.hmGet(this.k('invitation'), ids);
    return vals.flatMap((v) => (v ? [JSON.parse(v) as InvitationRecord] : []));
  }
  async addInvitationUse(id: string, use: InvitationUse, keep: number): Promise<number> {
    const key = this.k(`invuse:${id}`);
    const r = await this.client
      .multi()
      .lPush(key, JSON.stringify(use))
      .lTrim(key, 0, Math.max(0, keep - 1))
      .hIncrBy(this.k('invusecount'), id, 1)
      .exec();
    return Number(r[2]);
  }
  async listInvitationUses(id: string): Promise<{ total: number; recent: InvitationUse[] }> {
    const [total, recent] = await Promise.all([
      this.client.hGet(this.k('invusecount'), id),
      this.client.lRange(this.k(`invuse:${id}`), 0, -1),
    ]);
    return {
      total: Number(total ?? 0),
      recent: recent.map((v) => JSON.parse(v) as InvitationUse),
    };
  }
}
