import type {
  Account,
  AgendaItem,
  AuditEntry,
  Meeting,
  MeetingEventEntry,
  MeetingState,
  Unit,
  UnitGroup,
} from '@giaoban/shared';
import type { AccessStore } from './AccessStore';

/** An account as stored: the public fields plus the scrypt hash (never sent over the wire). */
export interface AccountRecord extends Account {
  passwordHash: string;
  /** Deleted by an admin: kept (past meetings' records name the person), never listed or used. */
  deletedAt?: string;
}

/**
 * What REST edits: the meeting definition. Everything that happens later (state, agenda times,
 * floor, attendance...) is in the meeting's event log and folded into a `Meeting` by the domain.
 */
export type MeetingDefinition = Omit<
  Meeting,
  'state' | 'currentItemId' | 'locked' | 'transitions' | 'mediaNode' | 'agenda' | 'recording'
> & {
  agenda: Array<
    Pick<
      AgendaItem,
      'id' | 'order' | 'title' | 'presenterSiteIds' | 'presenterName' | 'plannedMinutes'
    >
  >;
};

/** Thrown by appendEvent when `entry.seq` is not last seq + 1 (another writer got there first). */
export class SeqConflictError extends Error {
  constructor(
    readonly meetingId: string,
    readonly seq: number,
  ) {
    super(`event ${seq} of meeting ${meetingId} already exists`);
    this.name = 'SeqConflictError';
  }
}

export class DuplicateError extends Error {
  constructor(what: string) {
    super(`${what} already exists`);
    this.name = 'DuplicateError';
  }
}

/**
 * Persistence. Two implementations with one behavioural test suite: MemoryStore (the embedded
 * default, not durable) and RedisStore (hashes for documents, a Redis Stream per meeting for the
 * append-only event log, a stream for the admin audit).
 */
export interface Store {
  readonly kind: 'memory' | 'redis';
  /** Sessions, revocation epochs, failed logins, invitations (AccessStore.ts). */
  readonly access: AccessStore;
  ping(): Promise<boolean>;
  close(): Promise<void>;

  putUnits(units: Unit[]): Promise<void>;
  getUnits(codes: readonly string[]): Promise<Array<Unit | undefined>>;
  listUnits(): Promise<Unit[]>;

  putGroup(group: UnitGroup): Promise<void>;
  getGroup(id: string): Promise<UnitGroup | undefined>;
  listGroups(): Promise<UnitGroup[]>;
  deleteGroup(id: string): Promise<boolean>;

  /** Throws DuplicateError when the username is taken. */
  createAccount(account: AccountRecord): Promise<void>;
  updateAccount(account: AccountRecord): Promise<void>;
  getAccount(id: string): Promise<AccountRecord | undefined>;
  getAccountByUsername(username: string): Promise<AccountRecord | undefined>;
  listAccounts(): Promise<AccountRecord[]>;

  putMeeting(def: MeetingDefinition): Promise<void>;
  getMeeting(id: string): Promise<MeetingDefinition | undefined>;
  listMeetingIds(): Promise<string[]>;

  /**
   * Appends to the meeting's log. `entry.seq` must equal the last seq + 1, else SeqConflictError:
   * optimistic concurrency so several hub processes can write one meeting's log safely.
   */
  appendEvent(meetingId: string, entry: MeetingEventEntry): Promise<void>;
  /** Entries with seq > afterSeq, in order; at most `limit` when given (a page). */
  readEvents(meetingId: string, afterSeq: number, limit?: number): Promise<MeetingEventEntry[]>;
  /**
   * The meeting's state and lock as its latest `state` / `lock` entries set them, kept by
   * appendEvent so listings need not fold logs; undefined when neither was recorded yet (or the
   * log predates this index).
   */
  meetingStatus(meetingId: string): Promise<MeetingStatus | undefined>;

  appendAudit(entry: AuditEntry): Promise<void>;
  /** Newest last; at most `limit`. */
  listAudit(limit: number): Promise<AuditEntry[]>;

  /**
   * Node liveness. Marks hub process `nodeId` alive for the next `ttlMs` (a heartbeat). Returns
   * false when the node was not marked alive just before (first beat, or the mark had lapsed:
   * other nodes may have taken its connections for lost).
   */
  heartbeat(nodeId: string, ttlMs: number): Promise<boolean>;
  /** Graceful stop: the node is gone now rather than when its mark lapses. */
  dropHeartbeat(nodeId: string): Promise<void>;
  /** The subset of `nodeIds` whose heartbeat has not lapsed. */
  aliveNodes(nodeIds: readonly string[]): Promise<Set<string>>;
  /**
   * Meetings whose sites may be connected: appendEvent adds a meeting on a `site.join` or a
   * `state` event into open / in_session / adjourned, and drops it on any other `state` event.
   */
  listLiveMeetingIds(): Promise<string[]>;
  /** Drop a meeting from the live index (a sweeper found it closed). */
  forgetLiveMeeting(meetingId: string): Promise<void>;

  /**
   * Per-meeting documents of the records module, by key (the minutes review, the issued minutes'
   * digests, the filed signed minutes). Values are strings (JSON or base64); last write wins.
   */
  putMeetingDoc(meetingId: string, key: string, value: string): Promise<void>;
  getMeetingDoc(meetingId: string, key: string): Promise<string | undefined>;

  /** First node to claim hosts the meeting's media; returns the owner. */
  claimMediaNode(meetingId: string, nodeId: string): Promise<string>;
  getMediaNode(meetingId: string): Promise<string | undefined>;
}

export interface MeetingStatus {
  state?: MeetingState;
  locked?: boolean;
}

/** How an appended entry changes the meeting's status (see Store.meetingStatus). */
export function statusChange(
  entry: MeetingEventEntry,
): { field: 'state'; value: MeetingState } | { field: 'locked'; value: boolean } | undefined {
  if (entry.type === 'state') return { field: 'state', value: entry.data.to };
  if (entry.type === 'lock') return { field: 'locked', value: entry.data.locked };
  return undefined;
}

const LIVE = new Set(['open', 'in_session', 'adjourned']);

/** How an appended entry changes the live-meeting index (see Store.listLiveMeetingIds). */
export function liveIndexChange(entry: MeetingEventEntry): 'add' | 'remove' | undefined {
  if (entry.type === 'site.join') return 'add';
  if (entry.type !== 'state') return undefined;
  return LIVE.has(entry.data.to) ? 'add' : 'remove';
}
