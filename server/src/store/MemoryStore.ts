import type { AuditEntry, MeetingEventEntry, Unit, UnitGroup } from '@giaoban/shared';
import { MemoryAccessStore } from './MemoryAccessStore';
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

/** The embedded default: everything in process memory, lost on exit. */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly access = new MemoryAccessStore();
  private readonly units = new Map<string, Unit>();
  private readonly groups = new Map<string, UnitGroup>();
  private readonly accounts = new Map<string, AccountRecord>();
  private readonly usernames = new Map<string, string>();
  private readonly meetings = new Map<string, MeetingDefinition>();
  private readonly events = new Map<string, MeetingEventEntry[]>();
  private readonly status = new Map<string, MeetingStatus>();
  private readonly audit: AuditEntry[] = [];
  private readonly mediaNodes = new Map<string, string>();
  private readonly docs = new Map<string, string>();
  private readonly heartbeats = new Map<string, number>();
  private readonly liveMeetings = new Set<string>();

  // Copies in and out so callers can never mutate stored state by accident (as with Redis).
  private static clone<T>(v: T): T {
    return structuredClone(v);
  }

  async ping(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}

  async putUnits(units: Unit[]): Promise<void> {
    for (const u of units) this.units.set(u.code, MemoryStore.clone(u));
  }
  async getUnits(codes: readonly string[]): Promise<Array<Unit | undefined>> {
    return codes.map((c) => {
      const u = this.units.get(c);
      return u && MemoryStore.clone(u);
    });
  }
  async listUnits(): Promise<Unit[]> {
    return [...this.units.values()].map(MemoryStore.clone);
  }

  async putGroup(group: UnitGroup): Promise<void> {
    this.groups.set(group.id, MemoryStore.clone(group));
  }
  async getGroup(id: string): Promise<UnitGroup | undefined> {
    const g = this.groups.get(id);
    return g && MemoryStore.clone(g);
  }
  async listGroups(): Promise<UnitGroup[]> {
    return [...this.groups.values()].map(MemoryStore.clone);
  }
  async deleteGroup(id: string): Promise<boolean> {
    return this.groups.delete(id);
  }

  async createAccount(account: AccountRecord): Promise<void> {
    if (this.usernames.has(account.username) || this.accounts.has(account.id)) {
      throw new DuplicateError(`account ${account.username}`);
    }
    this.accounts.set(account.id, MemoryStore.clone(account));
    this.usernames.set(account.username, account.id);
  }
  async updateAccount(account: AccountRecord): Promise<void> {
    if (!this.accounts.has(account.id)) throw new Error(`no account ${account.id}`);
    this.accounts.set(account.id, MemoryStore.clone(account));
  }
  async getAccount(id: string): Promise<AccountRecord | undefined> {
    const a = this.accounts.get(id);
    return a && MemoryStore.clone(a);
  }
  async getAccountByUsername(username: string): Promise<AccountRecord | undefined> {
    const id = this.usernames.get(username);
    return id === undefined ? undefined : this.getAccount(id);
  }
  async listAccounts(): Promise<AccountRecord[]> {
    return [...this.accounts.values()].map(MemoryStore.clone);
  }

  async putMeeting(def: MeetingDefinition): Promise<void> {
    this.meetings.set(def.id, MemoryStore.clone(def));
  }
  async getMeeting(id: string): Promise<MeetingDefinition | undefined> {
    const m = this.meetings.get(id);
    return m && MemoryStore.clone(m);
  }
  async listMeetingIds(): Promise<string[]> {
    return [...this.meetings.keys()];
  }

  async appendEvent(meetingId: string, entry: MeetingEventEntry): Promise<void> {
    let log = this.events.get(meetingId);
    if (!log) {
      log = [];
      this.events.set(meetingId, log);
    }
    if (entry.seq !== log.length + 1) throw new SeqConflictError(meetingId, entry.seq);
    log.push(MemoryStore.clone(entry));
    const status = statusChange(entry);
    if (status)
      this.status.set(meetingId, { ...this.status.get(meetingId), [status.field]: status.value });
    const change = liveIndexChange(entry);
    if (change === 'add') this.liveMeetings.add(meetingId);
    else if (change === 'remove') this.liveMeetings.delete(meetingId);
  }
  async readEvents(
    meetingId: string,
    afterSeq: number,
    limit?: number,
  ): Promise<MeetingEventEntry[]> {
    const log = this.events.get(meetingId) ?? [];
    const from = Math.max(0, afterSeq);
    return log.slice(from, limit === undefined ? undefined : from + limit).map(MemoryStore.clone);
  }
  async meetingStatus(meetingId: string): Promise<MeetingStatus | undefined> {
    const s = this.status.get(meetingId);
    return s && { ...s };
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    this.audit.push(MemoryStore.clone(entry));
  }
  async listAudit(limit: number): Promise<AuditEntry[]> {
    return this.audit.slice(-limit).map(MemoryStore.clone);
  }

  // One process, one node: liveness is kept in process memory (Date.now, like a Redis TTL).
  async heartbeat(nodeId: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const was = (this.heartbeats.get(nodeId) ?? 0) > now;
    this.heartbeats.set(nodeId, now + ttlMs);
    return was;
  }
  async dropHeartbeat(nodeId: string): Promise<void> {
    this.heartbeats.delete(nodeId);
  }
  async aliveNodes(nodeIds: readonly string[]): Promise<Set<string>> {
    const now = Date.now();
    return new Set(nodeIds.filter((n) => (this.heartbeats.get(n) ?? 0) > now));
  }
  async listLiveMeetingIds(): Promise<string[]> {
    return [...this.liveMeetings];
  }
  async forgetLiveMeeting(meetingId: string): Promise<void> {
    this.liveMeetings.delete(meetingId);
  }

  async putMeetingDoc(meetingId: string, key: string, value: string): Promise<void> {
    this.docs.set(`${meetingId}\u0000${key}`, value);
  }

  async getMeetingDoc(meetingId: string, key: string): Promise<string | undefined> {
    return this.docs.get(`${meetingId}\u0000${key}`);
  }

  async claimMediaNode(meetingId: string, nodeId: string): Promise<string> {
    const owner = this.mediaNodes.get(meetingId);
    if (owner) return owner;
    this.mediaNodes.set(meetingId, nodeId);
    return nodeId;
  }
  async getMediaNode(meetingId: string): Promise<string | undefined> {
    return this.mediaNodes.get(meetingId);
  }
}
