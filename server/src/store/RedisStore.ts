import type { AuditEntry, MeetingEventEntry, MeetingState, Unit, UnitGroup } from '@giaoban/shared';
import { createClient } from 'redis';
import { RedisAccessStore } from './RedisAccessStore';
import {
  type AccountRecord,
  DuplicateError,
  liveIndexChange,
  type MeetingDefinition,
  type MeetingStatus,
  SeqConflictError,
  type Store,
  statusChange,
} from './Store';

type Client = ReturnType<typeof createClient>;

/**
 * Appends `ARGV[2]` as entry id `<seq>-0` only when seq = last + 1, and in the same step adds
 * meeting `ARGV[4]` to (`ARGV[3]` = add) or removes it from (remove) the live-meeting set `KEYS[2]`
 * and sets field `ARGV[5]` (state / locked) of the status hash `KEYS[3]` to `ARGV[6]`. The stream id *is* the event
 * sequence number, so readers resume with `XRANGE key (<seq>-0 +` and a lost race is detected
 * atomically inside Redis.
 */
const APPEND_SCRIPT = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local lastSeq = 0
if #last > 0 then lastSeq = tonumber(string.match(last[1][1], '^(%d+)-')) end
if lastSeq + 1 ~= tonumber(ARGV[1]) then return 0 end
redis.call('XADD', KEYS[1], ARGV[1] .. '-0', 'e', ARGV[2])
if ARGV[3] == 'add' then redis.call('SADD', KEYS[2], ARGV[4]) end
if ARGV[3] == 'remove' then redis.call('SREM', KEYS[2], ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[3], ARGV[5], ARGV[6]) end
return 1
`;

const LIVE_STATES = new Set(['open', 'in_session', 'adjourned']);

/**
 * Redis layout (prefix `gb:` by default): hashes `unit`, `group`, `account`, `username`, `meeting`,
 * `doc:<meetingId>` (the records module's per-meeting documents),
 * `medianode`; one stream `events:<meetingId>` per meeting (the attendance/audit event log) and
 * the admin stream `audit`; the set `live` of meetings whose sites may be connected (marker
 * `live:indexed` once logs written before the set existed were scanned); a key `node:<nodeId>`
 * with a TTL per running hub process (its heartbeat). With `appendonly yes` every acknowledged write survives a restart.
 */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly access: RedisAccessStore;

  private constructor(
    private readonly client: Client,
    private readonly prefix: string,
  ) {
    this.access = new RedisAccessStore(client, prefix);
  }

  static async connect(url: string, prefix = 'gb:'): Promise<RedisStore> {
    const client = createClient({
      url,
      socket: { reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2000) },
    });
    // node-redis emits 'error' on every failed reconnect; without a listener it would crash.
    client.on('error', () => {});
    await client.connect();
    return new RedisStore(client, prefix);
  }

  private k(name: string): string {
    return this.prefix + name;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.access.close();
    if (this.client.isOpen) await this.client.close();
  }

  async putUnits(units: Unit[]): Promise<void> {
    if (units.length === 0) return;
    const obj: Record<string, string> = {};
    for (const u of units) obj[u.code] = JSON.stringify(u);
    await this.client.hSet(this.k('unit'), obj);
  }
  async getUnits(codes: readonly string[]): Promise<Array<Unit | undefined>> {
    if (codes.length === 0) return [];
    const vals = await this.client.hmGet(this.k('unit'), [...codes]);
    return vals.map((v) => (v ? (JSON.parse(v) as Unit) : undefined));
  }
  async listUnits(): Promise<Unit[]> {
    const all = await this.client.hVals(this.k('unit'));
    return all.map((v) => JSON.parse(v) as Unit);
  }

  async putGroup(group: UnitGroup): Promise<void> {
    await this.client.hSet(this.k('group'), group.id, JSON.stringify(group));
  }
  async getGroup(id: string): Promise<UnitGroup | undefined> {
    const v = await this.client.hGet(this.k('group'), id);
    return v ? (JSON.parse(v) as UnitGroup) : undefined;
  }
  async listGroups(): Promise<UnitGroup[]> {
    return (await this.client.hVals(this.k('group'))).map((v) => JSON.parse(v) as UnitGroup);
  }
  async deleteGroup(id: string): Promise<boolean> {
    return (await this.client.hDel(this.k('group'), id)) > 0;
  }

  async createAccount(account: AccountRecord): Promise<void> {
    const claimed = await this.client.hSetNX(this.k('username'), account.username, account.id);
    if (!claimed) throw new DuplicateError(`account ${account.username}`);
    const created = await this.client.hSetNX(
      this.k('account'),
      account.id,
      JSON.stringify(account),
    );
    if (!created) {
      await this.client.hDel(this.k('username'), account.username);
      throw new DuplicateError(`account ${account.id}`);
    }
  }
  async updateAccount(account: AccountRecord): Promise<void> {
    await this.client.hSet(this.k('account'), account.id, JSON.stringify(account));
  }
  async getAccount(id: string): Promise<AccountRecord | undefined> {
    const v = await this.client.hGet(this.k('account'), id);
    return v ? (JSON.parse(v) as AccountRecord) : undefined;
  }
  async getAccountByUsername(username: string): Promise<AccountRecord | undefined> {
    const id = await this.client.hGet(this.k('username'), username);
    return id ? this.getAccount(id) : undefined;
  }
  async listAccounts(): Promise<AccountRecord[]> {
    return (await this.client.hVals(this.k('account'))).map((v) => JSON.parse(v) as AccountRecord);
  }

  async putMeeting(def: MeetingDefinition): Promise<void> {
    await this.client.hSet(this.k('meeting'), def.id, JSON.stringify(def));
  }
  async getMeeting(id: string): Promise<MeetingDefinition | undefined> {
    const v = await this.client.hGet(this.k('meeting'), id);
    return v ? (JSON.parse(v) as MeetingDefinition) : undefined;
  }
  async listMeetingIds(): Promise<string[]> {
    return this.client.hKeys(this.k('meeting'));
  }

  async appendEvent(meetingId: string, entry: MeetingEventEntry): Promise<void> {
    const status = statusChange(entry);
    const ok = await this.client.sendCommand<number>([
      'EVAL',
      APPEND_SCRIPT,
      '3',
      this.k(`events:${meetingId}`),
      this.k('live'),
      this.k(`status:${meetingId}`),
      String(entry.seq),
      JSON.stringify(entry),
      liveIndexChange(entry) ?? '',
      meetingId,
      status?.field ?? '',
      status === undefined ? '' : JSON.stringify(status.value),
    ]);
    if (ok !== 1) throw new SeqConflictError(meetingId, entry.seq);
  }
  async readEvents(
    meetingId: string,
    afterSeq: number,
    limit?: number,
  ): Promise<MeetingEventEntry[]> {
    const start = afterSeq > 0 ? `(${afterSeq}-0` : '-';
    const rows = await this.client.xRange(
      this.k(`events:${meetingId}`),
      start,
      '+',
      limit === undefined ? undefined : { COUNT: limit },
    );
    return rows.map((r) => JSON.parse(String(r.message.e)) as MeetingEventEntry);
  }
  async meetingStatus(meetingId: string): Promise<MeetingStatus | undefined> {
    const h = await this.client.hGetAll(this.k(`status:${meetingId}`));
    if (!h.state && !h.locked) return undefined;
    const out: MeetingStatus = {};
    if (h.state) out.state = JSON.parse(h.state) as MeetingState;
    if (h.locked) out.locked = JSON.parse(h.locked) as boolean;
    return out;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.client.xAdd(this.k('audit'), '*', { e: JSON.stringify(entry) });
  }
  async listAudit(limit: number): Promise<AuditEntry[]> {
    const rows = await this.client.xRevRange(this.k('audit'), '+', '-', { COUNT: limit });
    return rows.reverse().map((r) => JSON.parse(String(r.message.e)) as AuditEntry);
  }

  async heartbeat(nodeId: string, ttlMs: number): Promise<boolean> {
    const prev = await this.client.sendCommand<string | null>([
      'SET',
      this.k(`node:${nodeId}`),
      new Date().toISOString(),
      'PX',
      String(Math.max(1, Math.round(ttlMs))),
      'GET',
    ]);
    return prev !== null;
  }
  async dropHeartbeat(nodeId: string): Promise<void> {
    await this.client.del(this.k(`node:${nodeId}`));
  }
  async aliveNodes(nodeIds: readonly string[]): Promise<Set<string>> {
    if (nodeIds.length === 0) return new Set();
    const vals = await this.client.mGet(nodeIds.map((n) => this.k(`node:${n}`)));
    return new Set(nodeIds.filter((_, i) => vals[i] !== null && vals[i] !== undefined));
  }
  async listLiveMeetingIds(): Promise<string[]> {
    if (!(await this.client.exists(this.k('live:indexed')))) await this.indexLiveMeetings();
    return this.client.sMembers(this.k('live'));
  }
  async forgetLiveMeeting(meetingId: string): Promise<void> {
    await this.client.sRem(this.k('live'), meetingId);
  }

  /**
   * Logs written before the live set existed: a meeting is live when its latest `state` event
   * went to open / in_session / adjourned. Runs once per database (a stale entry is harmless:
   * sweepers drop meetings they find closed).
   */
  private async indexLiveMeetings(): Promise<void> {
    for (const meetingId of await this.listMeetingIds()) {
      const key = this.k(`events:${meetingId}`);
      let end = '+';
      let to: string | undefined;
      while (to === undefined) {
        const rows = await this.client.xRevRange(key, end, '-', { COUNT: 256 });
        for (const r of rows) {
          const e = JSON.parse(String(r.message.e)) as MeetingEventEntry;
          if (e.type === 'state') {
            to = String(e.data.to);
            break;
          }
        }
        if (rows.length < 256) break;
        end = `(${rows.at(-1)!.id}`;
      }
      if (to !== undefined && LIVE_STATES.has(to))
        await this.client.sAdd(this.k('live'), meetingId);
    }
    await this.client.set(this.k('live:indexed'), '1');
  }

  async putMeetingDoc(meetingId: string, key: string, value: string): Promise<void> {
    await this.client.hSet(this.k(`doc:${meetingId}`), key, value);
  }

  async getMeetingDoc(meetingId: string, key: string): Promise<string | undefined> {
    return (await this.client.hGet(this.k(`doc:${meetingId}`), key)) ?? undefined;
  }

  async claimMediaNode(meetingId: string, nodeId: string): Promise<string> {
    await this.client.hSetNX(this.k('medianode'), meetingId, nodeId);
    return (await this.client.hGet(this.k('medianode'), meetingId)) ?? nodeId;
  }
  async getMediaNode(meetingId: string): Promise<string | undefined> {
    return (await this.client.hGet(this.k('medianode'), meetingId)) ?? undefined;
  }
}
