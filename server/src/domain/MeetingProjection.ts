import type {
  AgendaItem,
  AttendanceMark,
  AttendanceRow,
  AttendanceStatus,
  FloorHolder,
  FloorRequest,
  FloorState,
  MediaFlags,
  Meeting,
  MeetingEventEntry,
  MeetingState,
  RollCall,
  Spotlight,
} from '@giaoban/shared';
import type { MeetingDefinition } from '../store/Store';

export interface SiteName {
  code: string;
  name: string;
}

export interface SiteState {
  siteId: string;
  /** The live connection (one browser per site: a newer join supersedes the older one). */
  connId?: string;
  /** Hub node (NODE_ID) holding the live connection, from its `site.join`. */
  node?: string;
  intervals: Array<{ joinAt: number; leaveAt?: number }>;
  media: MediaFlags;
  /** Chair asked this site to unmute (kept until muted). Floor holder is allowed separately. */
  askedUnmute: boolean;
  /**
   * The chair muted this site: its mic stays closed even while it holds the floor or the meeting
   * has open mics, until the chair asks it to unmute or grants it the floor again.
   */
  forcedMute: boolean;
  removed: boolean;
  mark?: AttendanceMark;
  absenceReason?: string;
  /** The secretary's headcount (wins over roll-call answers). */
  markedHeadcount?: number;
  /** Headcount of the site's latest roll-call answer. */
  rollCallHeadcount?: number;
  siteChair?: string;
  note?: string;
}

export interface SpeechState {
  siteId: string;
  itemId?: string;
  startedAt: number;
  endedAt?: number;
}

/** Event types of the meeting log, with their data. The log is the attendance and audit trail. */
export interface MeetingEvents {
  state: { from: MeetingState; to: MeetingState };
  lock: { locked: boolean };
  'agenda.start': { itemId: string };
  'agenda.end': { itemId: string };
  'agenda.extend': { itemId: string; minutes: number };
  'agenda.reorder': { itemIds: string[] };
  'agenda.note': { itemId: string; notes?: string; conclusions?: string };
  'floor.request': { siteId: string; itemId?: string; presenter?: boolean };
  'floor.cancel': { siteId: string };
  'floor.reorder': { siteIds: string[] };
  'floor.grant': { siteId: string; itemId?: string; limitSeconds: number };
  'floor.revoke': { siteId: string; reason: 'revoked' | 'expired' | 'next' | 'removed' };
  'floor.spotlight': { spotlight: Spotlight | null };
  'site.join': { siteId: string; connId: string; node: string };
  /**
   * `reason` (absent in older logs = the socket closed): `node_lost` = recorded by another hub
   * because the node holding the connection stopped beating (crash, kill, power loss).
   */
  'site.leave': { siteId: string; connId: string; reason?: SiteLeaveReason };
  'site.media': { siteId: string; audio: MediaFlags['audio']; video: MediaFlags['video'] };
  'mic.allow': { siteId: string; allowed: boolean };
  'moderation.mute': { siteId: string | null };
  'moderation.remove': { siteId: string; reason?: string };
  'attendance.mark': {
    siteId: string;
    mark?: AttendanceMark | null;
    absenceReason?: string;
    /** null = clear the secretary's headcount. */
    headcount?: number | null;
    siteChair?: string;
    note?: string;
  };
  'rollcall.start': { id: string; deadline: string; expectedSiteIds: string[] };
  'rollcall.answer': { id: string; siteId: string; headcount: number };
  'rollcall.close': { id: string };
}
export type MeetingEventType = keyof MeetingEvents;
export type SiteLeaveReason = 'node_lost';

/** A site's live connection and the hub node holding it. */
export interface SiteConnection {
  siteId: string;
  connId: string;
  node: string;
}

/** States in which sites can be connected (a meeting hub nodes watch for lost connections). */
export const LIVE_STATES: readonly MeetingState[] = ['open', 'in_session', 'adjourned'];

const ms = (isoStr: string): number => Date.parse(isoStr);
const isoOf = (t: number): string => new Date(t).toISOString();

/**
 * A meeting folded from its definition and its event log. Pure and deterministic: the same
 * entries give the same state on every hub node and after every restart.
 */
export class MeetingProjection {
  seq = 0;
  readonly meeting: Meeting;
  holder: FloorHolder | null = null;
  queue: FloorRequest[] = [];
  spotlightOverride: Spotlight | null = null;
  readonly sites = new Map<string, SiteState>();
  readonly rollCalls: RollCall[] = [];
  readonly speeches: SpeechState[] = [];
  /**
   * The site whose floor the last applied event ended (grant to another site, revoke, removal,
   * adjournment), else null: it lost its floor permission and must be told.
   */
  releasedHolderSiteId: string | null = null;

  constructor(
    def: MeetingDefinition,
    private readonly names: ReadonlyMap<string, SiteName>,
  ) {
    this.meeting = {
      ...structuredClone(def),
      agenda: def.agenda.map((a) => ({
        ...a,
        presenterSiteIds: [...a.presenterSiteIds],
        extendedMinutes: 0,
      })),
      state: 'draft',
      locked: false,
      transitions: [],
    };
    for (const siteId of def.siteIds) this.sites.set(siteId, MeetingProjection.emptySite(siteId));
  }

  private static emptySite(siteId: string): SiteState {
    return {
      siteId,
      intervals: [],
      media: { audio: 'none', video: 'none' },
      askedUnmute: false,
      forcedMute: false,
      removed: false,
    };
  }

  siteName(siteId: string): string {
    return this.names.get(siteId)?.name ?? siteId;
  }

  isInvited(siteId: string): boolean {
    return this.sites.has(siteId);
  }

  isConnected(siteId: string): boolean {
    return this.sites.get(siteId)?.connId !== undefined;
  }

  /** Live site connections with the node holding each (joins recorded without a node: skipped). */
  connections(): SiteConnection[] {
    const out: SiteConnection[] = [];
    for (const s of this.sites.values()) {
      if (s.connId !== undefined && s.node) {
        out.push({ siteId: s.siteId, connId: s.connId, node: s.node });
      }
    }
    return out;
  }

  /**
   * Connections held by nodes that are gone (not `alive`). Connections of `self` are lost only
   * when `hasLocal` says this process has no such socket (an earlier process with the same
   * NODE_ID died holding them). Only while sites can be connected (open, in session, adjourned).
   */
  lostConnections(
    alive: (node: string) => boolean,
    self: string,
    hasLocal: (connId: string) => boolean = () => true,
  ): SiteConnection[] {
    if (!LIVE_STATES.includes(this.meeting.state)) return [];
    return this.connections().filter((c) =>
      c.node === self ? !hasLocal(c.connId) : !alive(c.node),
    );
  }

  micAllowed(siteId: string): boolean {
    const s = this.sites.get(siteId);
    if (!s || s.removed || s.forcedMute) return false;
    return this.meeting.openMics || this.holder?.siteId === siteId || s.askedUnmute;
  }

  item(itemId: string): AgendaItem | undefined {
    return this.meeting.agenda.find((a) => a.id === itemId);
  }

  currentRollCall(): RollCall | null {
    return this.rollCalls.at(-1) ?? null;
  }

  floorState(): FloorState {
    const spotlight: Spotlight =
      this.spotlightOverride ??
      (this.holder ? { kind: 'site', siteId: this.holder.siteId } : { kind: 'chair' });
    const out: FloorState = {
      holder: this.holder && { ...this.holder },
      queue: this.queue.map((q) => ({ ...q })),
      spotlight,
    };
    if (spotlight.kind === 'site') out.spotlightSiteName = this.siteName(spotlight.siteId);
    return out;
  }

  /**
   * A copy of the meeting for the wire. `siteIds` replaces the invitation list (sites get only
   * their own id): copying thousands of ids per snapshot is the main cost of a join otherwise.
   */
  meetingView(siteIds?: string[]): Meeting {
    const { agenda, transitions, siteIds: all, ...rest } = this.meeting;
    return {
      ...rest,
      siteIds: siteIds ?? [...all],
      agenda: agenda
        .map((a) => ({ ...a, presenterSiteIds: [...a.presenterSiteIds] }))
        .sort((a, b) => a.order - b.order),
      transitions: transitions.map((t) => ({ ...t })),
    };
  }

  /** The session start used for on-time/late: first entry into in_session, else scheduled start. */
  sessionStart(): number {
    const t = this.meeting.transitions.find((x) => x.to === 'in_session');
    return ms(t?.at ?? this.meeting.scheduledStart);
  }

  /** End of the attendance window: last adjournment (if not resumed since), else `now`. */
  sessionEnd(now: number): number {
    if (this.meeting.state === 'adjourned' || this.meeting.state === 'closed') {
      const t = [...this.meeting.transitions].reverse().find((x) => x.to === 'adjourned');
      if (t) return ms(t.at);
    }
    return now;
  }

  attendanceRow(siteId: string, now: number): AttendanceRow {
    const s = this.sites.get(siteId) ?? MeetingProjection.emptySite(siteId);
    const end = this.sessionEnd(now);
    const start = this.sessionStart();
    const grace = this.meeting.lateGraceMinutes * 60_000;
    let connectedMs = 0;
    for (const iv of s.intervals) {
      const a = Math.max(iv.joinAt, 0);
      const b = Math.min(iv.leaveAt ?? end, end);
      if (b > a) connectedMs += b - a;
    }
    const first = s.intervals[0];
    const last = s.intervals.at(-1);
    let derived: AttendanceStatus;
    if (!first || first.joinAt > end) derived = 'absent_without_reason';
    else if (last?.leaveAt !== undefined && last.leaveAt < end && !s.connId) derived = 'left_early';
    else if (first.joinAt > start + grace) derived = 'late';
    else derived = 'on_time';
    let status: AttendanceStatus = derived;
    if (s.mark === 'present') {
      status = derived === 'absent_without_reason' ? 'on_time' : derived;
    } else if (s.mark) status = s.mark;
    const row: AttendanceRow = {
      siteId,
      code: this.names.get(siteId)?.code ?? siteId,
      name: this.siteName(siteId),
      connected: s.connId !== undefined,
      intervals: s.intervals.map((iv) =>
        iv.leaveAt === undefined
          ? { joinAt: isoOf(iv.joinAt) }
          : { joinAt: isoOf(iv.joinAt), leaveAt: isoOf(iv.leaveAt) },
      ),
      minutesConnected: Math.floor(connectedMs / 60_000),
      media: { ...s.media },
      status,
      derivedStatus: derived,
      micAllowed: this.micAllowed(siteId),
      removed: s.removed,
    };
    if (s.mark) row.mark = s.mark;
    if (s.absenceReason !== undefined) row.absenceReason = s.absenceReason;
    // The secretary's count wins; otherwise the site's own latest roll-call answer.
    if (s.markedHeadcount !== undefined) {
      row.headcount = s.markedHeadcount;
      row.headcountSource = 'mark';
    } else if (s.rollCallHeadcount !== undefined) {
      row.headcount = s.rollCallHeadcount;
      row.headcountSource = 'rollcall';
    }
    if (s.siteChair !== undefined) row.siteChair = s.siteChair;
    if (s.note !== undefined) row.note = s.note;
    return row;
  }

  attendanceTable(now: number): AttendanceRow[] {
    return [...this.sites.keys()].map((id) => this.attendanceRow(id, now));
  }

  // --- fold ----------------------------------------------------------------------------------

  apply(e: MeetingEventEntry): void {
    if (e.seq !== this.seq + 1) throw new Error(`event ${e.seq} applied after ${this.seq}`);
    this.seq = e.seq;
    this.releasedHolderSiteId = null;
    const at = ms(e.at);
    const d = e.data as never;
    switch (e.type as MeetingEventType) {
      case 'state':
        this.onState(d, e.at, e.actor.id, at);
        break;
      case 'lock':
        this.meeting.locked = (d as MeetingEvents['lock']).locked;
        break;
      case 'agenda.start':
        this.onAgendaStart((d as MeetingEvents['agenda.start']).itemId, e.at, at);
        break;
      case 'agenda.end':
        this.endCurrentItem(e.at);
        break;
      case 'agenda.extend': {
        const x = d as MeetingEvents['agenda.extend'];
        const it = this.item(x.itemId);
        if (it) it.extendedMinutes += x.minutes;
        break;
      }
      case 'agenda.reorder': {
        const ids = (d as MeetingEvents['agenda.reorder']).itemIds;
        ids.forEach((id, i) => {
          const it = this.item(id);
          if (it) it.order = i;
        });
        break;
      }
      case 'agenda.note': {
        const x = d as MeetingEvents['agenda.note'];
        const it = this.item(x.itemId);
        if (it && x.notes !== undefined) it.notes = x.notes;
        if (it && x.conclusions !== undefined) it.conclusions = x.conclusions;
        break;
      }
      case 'floor.request': {
        const x = d as MeetingEvents['floor.request'];
        if (this.holder?.siteId === x.siteId || this.queue.some((q) => q.siteId === x.siteId))
          break;
        const req: FloorRequest = {
          siteId: x.siteId,
          siteName: this.siteName(x.siteId),
          requestedAt: e.at,
          presenter: x.presenter ?? false,
        };
        if (x.itemId) req.itemId = x.itemId;
        this.queue.push(req);
        break;
      }
      case 'floor.cancel':
        this.queue = this.queue.filter(
          (q) => q.siteId !== (d as MeetingEvents['floor.cancel']).siteId,
        );
        break;
      case 'floor.reorder': {
        const order = (d as MeetingEvents['floor.reorder']).siteIds;
        const rank = new Map(order.map((s, i) => [s, i]));
        // Sites missing from the new order keep their relative order after the listed ones.
        this.queue = [...this.queue].sort(
          (a, b) => (rank.get(a.siteId) ?? 1e9) - (rank.get(b.siteId) ?? 1e9),
        );
        break;
      }
      case 'floor.grant': {
        const x = d as MeetingEvents['floor.grant'];
        if (this.holder) {
          this.endSpeech(at);
          if (this.holder.siteId !== x.siteId) this.releasedHolderSiteId = this.holder.siteId;
        }
        // Granting the floor again is the chair's way of reopening a muted holder's mic.
        const granted = this.sites.get(x.siteId);
        if (granted) granted.forcedMute = false;
        this.queue = this.queue.filter((q) => q.siteId !== x.siteId);
        this.holder = {
          siteId: x.siteId,
          siteName: this.siteName(x.siteId),
          grantedAt: e.at,
          limitSeconds: x.limitSeconds,
        };
        if (x.itemId) this.holder.itemId = x.itemId;
        if (x.limitSeconds > 0) this.holder.endsAt = isoOf(at + x.limitSeconds * 1000);
        const speech: SpeechState = { siteId: x.siteId, startedAt: at };
        const itemId = x.itemId ?? this.meeting.currentItemId;
        if (itemId) speech.itemId = itemId;
        this.speeches.push(speech);
        break;
      }
      case 'floor.revoke':
        if (this.holder) {
          this.endSpeech(at);
          this.releasedHolderSiteId = this.holder.siteId;
          this.holder = null;
        }
        break;
      case 'floor.spotlight':
        this.spotlightOverride = (d as MeetingEvents['floor.spotlight']).spotlight;
        break;
      case 'site.join': {
        const x = d as MeetingEvents['site.join'];
        const s = this.sites.get(x.siteId);
        if (!s) break;
        // A join while already connected (new tab, reconnect, node restart) continues the interval.
        if (s.connId === undefined) s.intervals.push({ joinAt: at });
        s.connId = x.connId;
        s.node = x.node;
        break;
      }
      case 'site.leave': {
        const x = d as MeetingEvents['site.leave'];
        const s = this.sites.get(x.siteId);
        if (!s || s.connId !== x.connId) break; // superseded connection: not a leave
        this.disconnect(s, at);
        break;
      }
      case 'site.media': {
        const x = d as MeetingEvents['site.media'];
        const s = this.sites.get(x.siteId);
        if (s) s.media = { audio: x.audio, video: x.video };
        break;
      }
      case 'mic.allow': {
        const x = d as MeetingEvents['mic.allow'];
        const s = this.sites.get(x.siteId);
        if (!s) break;
        s.askedUnmute = x.allowed;
        if (x.allowed) s.forcedMute = false;
        break;
      }
      case 'moderation.mute': {
        const x = d as MeetingEvents['moderation.mute'];
        for (const s of this.sites.values()) {
          if (x.siteId !== null && s.siteId !== x.siteId) continue;
          s.askedUnmute = false;
          s.forcedMute = true;
        }
        break;
      }
      case 'moderation.remove': {
        const x = d as MeetingEvents['moderation.remove'];
        const s = this.sites.get(x.siteId);
        if (!s) break;
        s.removed = true;
        s.askedUnmute = false;
        this.disconnect(s, at);
        this.queue = this.queue.filter((q) => q.siteId !== x.siteId);
        if (this.holder?.siteId === x.siteId) {
          this.endSpeech(at);
          this.releasedHolderSiteId = x.siteId;
          this.holder = null;
        }
        break;
      }
      case 'attendance.mark': {
        const x = d as MeetingEvents['attendance.mark'];
        const s = this.sites.get(x.siteId);
        if (!s) break;
        if (x.mark === null) {
          s.mark = undefined;
          s.absenceReason = undefined;
        } else if (x.mark !== undefined) s.mark = x.mark;
        if (x.absenceReason !== undefined) s.absenceReason = x.absenceReason;
        if (x.headcount === null) s.markedHeadcount = undefined;
        else if (x.headcount !== undefined) s.markedHeadcount = x.headcount;
        if (x.siteChair !== undefined) s.siteChair = x.siteChair;
        if (x.note !== undefined) s.note = x.note;
        break;
      }
      case 'rollcall.start': {
        const x = d as MeetingEvents['rollcall.start'];
        this.closeRollCall(e.at);
        this.rollCalls.push({
          id: x.id,
          startedAt: e.at,
          startedBy: e.actor.id,
          deadline: x.deadline,
          expectedSiteIds: [...x.expectedSiteIds],
          answers: [],
        });
        break;
      }
      case 'rollcall.answer': {
        const x = d as MeetingEvents['rollcall.answer'];
        const rc = this.rollCalls.find((r) => r.id === x.id);
        if (!rc || rc.closedAt) break;
        rc.answers = rc.answers.filter((a) => a.siteId !== x.siteId);
        rc.answers.push({ siteId: x.siteId, headcount: x.headcount, at: e.at });
        // Answers fold in log order, so this is the site's latest; a secretary's mark still wins.
        const s = this.sites.get(x.siteId);
        if (s) s.rollCallHeadcount = x.headcount;
        break;
      }
      case 'rollcall.close': {
        const rc = this.rollCalls.find((r) => r.id === (d as MeetingEvents['rollcall.close']).id);
        if (rc && !rc.closedAt) rc.closedAt = e.at;
        break;
      }
      default:
        // Unknown types from a newer hub version are kept in the log and ignored here.
        break;
    }
  }

  private disconnect(s: SiteState, at: number): void {
    if (s.connId === undefined) return;
    s.connId = undefined;
    s.node = undefined;
    const last = s.intervals.at(-1);
    if (last && last.leaveAt === undefined) last.leaveAt = at;
    s.media = { audio: 'none', video: 'none' };
  }

  private closeRollCall(atIso: string): void {
    const rc = this.rollCalls.at(-1);
    if (rc && !rc.closedAt) rc.closedAt = atIso;
  }

  private endSpeech(at: number): void {
    const sp = this.speeches.at(-1);
    if (sp && sp.endedAt === undefined) sp.endedAt = at;
  }

  private endCurrentItem(atIso: string): void {
    const cur = this.meeting.currentItemId && this.item(this.meeting.currentItemId);
    if (cur && !cur.endedAt) cur.endedAt = atIso;
    this.meeting.currentItemId = undefined;
  }

  private onAgendaStart(itemId: string, atIso: string, at: number): void {
    if (this.meeting.currentItemId !== itemId) this.endCurrentItem(atIso);
    const it = this.item(itemId);
    if (!it) return;
    it.startedAt ??= atIso;
    it.endedAt = undefined;
    this.meeting.currentItemId = itemId;
    for (const siteId of it.presenterSiteIds) {
      const s = this.sites.get(siteId);
      if (!s || s.removed) continue;
      if (this.holder?.siteId === siteId || this.queue.some((q) => q.siteId === siteId)) continue;
      this.queue.push({
        siteId,
        siteName: this.siteName(siteId),
        itemId,
        requestedAt: isoOf(at),
        presenter: true,
      });
    }
  }

  private onState(d: MeetingEvents['state'], atIso: string, by: string, at: number): void {
    this.meeting.transitions.push({ from: d.from, to: d.to, at: atIso, by });
    this.meeting.state = d.to;
    if (d.to === 'adjourned' || d.to === 'closed') {
      this.endCurrentItem(atIso);
      if (this.holder) {
        this.endSpeech(at);
        this.releasedHolderSiteId = this.holder.siteId;
        this.holder = null;
      }
      this.queue = [];
      this.closeRollCall(atIso);
    }
    if (d.to === 'closed') {
      for (const s of this.sites.values()) this.disconnect(s, at);
    }
  }
}
