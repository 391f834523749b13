import {
  type Actor,
  type AgendaItem,
  type AttendanceMark,
  type AttendanceRow,
  type AttendanceStatus,
  type FloorEndReason,
  type FloorHolder,
  type FloorRequest,
  type FloorState,
  type LogData,
  type MayProduceView,
  type MediaFlags,
  type Meeting,
  type MeetingEventEntry,
  type MeetingState,
  type MicStatus,
  micStatusOf,
  type PresenceCounts,
  type PresenceState,
  type ProduceSite,
  type RollCall,
  type Spotlight,
  type UnmuteState,
} from '@giaoban/shared';
import type { MeetingDefinition } from '../store/Store';
import { type BriefingEffects, BriefingState } from './briefing/BriefingState';

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
  /** How the last connection ended (for presence): it left, or it dropped. */
  lastEnd?: 'left' | 'dropped';
  media: MediaFlags;
  /**
   * The chair muted this site: its mic stays closed even while it holds the floor or the meeting
   * has open mics, until the chair grants it the floor again or it accepts an unmute request.
   */
  muted: boolean;
  /** Ask-to-unmute of the floor holder; ends with the floor and with the connection. */
  unmute: UnmuteState;
  removed: boolean;
  mark?: AttendanceMark;
  absenceReason?: string;
  /** The secretary's headcount (wins over roll-call answers). */
  markedHeadcount?: number;
  /** Headcount of the site's latest roll-call answer. */
  rollCallHeadcount?: number;
  siteChair?: string;
  note?: string;
  /** The MicStatus last reported in effects (to report only changes). */
  micKey: string;
}

export interface SpeechState {
  siteId: string;
  itemId?: string;
  startedAt: number;
  endedAt?: number;
}

/** Why a floor ended, beyond the `floor.revoke` reasons. */
export type FloorEnd = FloorEndReason | 'granted_to_other' | 'adjourned' | 'closed';

/**
 * What applying one entry did, beyond the state itself: the inputs of the pushes and of the media
 * enforcer, computed by the fold so that no consumer diffs the projection on its own.
 */
export interface ApplyEffects {
  /** Sites whose MicStatus changed, with the new status. */
  mic: Array<{ siteId: string; status: MicStatus }>;
  /** Sites whose presence (connection, media, removal) changed. */
  presence: string[];
  /** The floor this entry ended (the holder lost it), if any. */
  floorEnded: { siteId: string; reason: FloorEnd } | null;
  /** This entry closed the meeting. */
  ended: boolean;
  /** The roll-call this entry closed (its own close, the deadline, adjournment), if any. */
  rollCallClosed: RollCall | null;
  /** What a briefing entry (reports, documents, votes, opinions, notice) changed. */
  briefing?: BriefingEffects;
}

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
const micKey = (m: MicStatus) => `${m.allowed ? 1 : 0}${m.muted ? 1 : 0}${m.unmute}`;

/**
 * A meeting folded from its definition and its event log. Pure and deterministic: the same
 * entries give the same state on every hub node and after every restart. `apply` returns what
 * the entry changed (effects) rather than leaving transient fields on the projection.
 */
export class MeetingProjection implements MayProduceView {
  seq = 0;
  readonly meeting: Meeting;
  holder: FloorHolder | null = null;
  queue: FloorRequest[] = [];
  spotlightOverride: Spotlight | null = null;
  readonly sites = new Map<string, SiteState>();
  readonly rollCalls: RollCall[] = [];
  readonly speeches: SpeechState[] = [];
  /** Reports, documents, votes, opinions, notice (issue #14). */
  readonly briefing = new BriefingState();
  /** Sites whose mic inputs the entry being applied touched ('all' = every site). */
  /** Recordings that ended, in order (the minutes print them). */
  readonly recordings: Array<{ startedAt: string; stoppedAt: string; segments: number }> = [];
  /** Files of the recording running now (1 + the recorder's restarts). */
  private segmentsNow = 0;
  /** Files filed in the archive with their checksums, as the log says. */
  readonly archived: Array<
    LogData<'archive.file'> & { at: string; expired?: { at: string; recordingMonths: number } }
  > = [];
  /** The retention hold on the archive (its `archive.hold` entry), until `archive.release`. */
  archiveHold: { reason: string; at: string; by: Actor } | null = null;
  private touched: Set<string> | 'all' = new Set();

  /** The minutes' recording line: the ended recordings and the one running, with segments. */
  recordingsForRecord(): Array<{ startedAt: string; stoppedAt?: string; segments: number }> {
    const out: Array<{ startedAt: string; stoppedAt?: string; segments: number }> =
      this.recordings.map((r) => ({ ...r }));
    const now = this.meeting.recording;
    if (now?.on && now.since) out.push({ startedAt: now.since, segments: this.segmentsNow });
    return out;
  }
  private fx: ApplyEffects = MeetingProjection.noEffects();

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
    for (const s of this.sites.values()) s.micKey = micKey(this.micStatus(s.siteId));
  }

  private static emptySite(siteId: string): SiteState {
    return {
      siteId,
      intervals: [],
      media: { audio: 'none', video: 'none' },
      muted: false,
      unmute: 'none',
      removed: false,
      micKey: '',
    };
  }

  private static noEffects(): ApplyEffects {
    return { mic: [], presence: [], floorEnded: null, ended: false, rollCallClosed: null };
  }

  // --- MayProduceView --------------------------------------------------------------------------

  get holderSiteId(): string | null {
    return this.holder?.siteId ?? null;
  }

  site(siteId: string): ProduceSite | undefined {
    const s = this.sites.get(siteId);
    if (!s) return undefined;
    return { removed: s.removed, muted: s.muted, unmute: s.unmute, connId: s.connId };
  }

  // --- reading -------------------------------------------------------------------------------

  siteCode(siteId: string): string {
    return this.names.get(siteId)?.code ?? siteId;
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

  /** The site's microphone as the hub enforces it (`mayProduce`). */
  micStatus(siteId: string): MicStatus {
    return micStatusOf(siteId, this);
  }

  micAllowed(siteId: string): boolean {
    return this.micStatus(siteId).allowed;
  }

  presenceOf(siteId: string): PresenceState {
    const s = this.sites.get(siteId);
    if (!s || s.intervals.length === 0) return s?.removed ? 'left' : 'not_joined';
    if (s.connId !== undefined) return 'connected';
    if (s.removed) return 'left';
    return s.lastEnd === 'left' ? 'left' : 'dropped';
  }

  presenceCounts(): PresenceCounts {
    const c: PresenceCounts = {
      invited: this.sites.size,
      connected: 0,
      notJoined: 0,
      dropped: 0,
      left: 0,
      removed: 0,
    };
    for (const s of this.sites.values()) {
      if (s.removed) c.removed++;
      const p = this.presenceOf(s.siteId);
      if (p === 'connected') c.connected++;
      else if (p === 'not_joined') c.notJoined++;
      else if (p === 'dropped') c.dropped++;
      else c.left++;
    }
    return c;
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

  item(itemId: string): AgendaItem | undefined {
    return this.meeting.agenda.find((a) => a.id === itemId);
  }

  currentRollCall(): RollCall | null {
    return this.rollCalls.at(-1) ?? null;
  }

  /** `serverTime`: when this state is sent (the entry's time for pushes, now for acks). */
  floorState(serverTime: string): FloorState {
    const spotlight: Spotlight =
      this.spotlightOverride ??
      (this.holder ? { kind: 'site', siteId: this.holder.siteId } : { kind: 'chair' });
    const out: FloorState = {
      holder: this.holder && { ...this.holder },
      queue: this.queue.map((q) => ({ ...q })),
      spotlight,
      serverTime,
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
    // `<=`: the row pushed at the very instant of a leave (end = now = leaveAt) says left early,
    // as every later snapshot of the live session does.
    else if (last?.leaveAt !== undefined && last.leaveAt <= end && !s.connId)
      derived = 'left_early';
    else if (first.joinAt > start + grace) derived = 'late';
    else derived = 'on_time';
    let status: AttendanceStatus = derived;
    if (s.mark === 'present') {
      status = derived === 'absent_without_reason' ? 'on_time' : derived;
    } else if (s.mark) status = s.mark;
    const mic = this.micStatus(siteId);
    const row: AttendanceRow = {
      siteId,
      code: this.names.get(siteId)?.code ?? siteId,
      name: this.siteName(siteId),
      connected: s.connId !== undefined,
      presence: this.presenceOf(siteId),
      intervals: s.intervals.map((iv) =>
        iv.leaveAt === undefined
          ? { joinAt: isoOf(iv.joinAt) }
          : { joinAt: isoOf(iv.joinAt), leaveAt: isoOf(iv.leaveAt) },
      ),
      minutesConnected: Math.floor(connectedMs / 60_000),
      media: { ...s.media },
      status,
      derivedStatus: derived,
      micAllowed: mic.allowed,
      mic,
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

  apply(e: MeetingEventEntry): ApplyEffects {
    if (e.seq !== this.seq + 1) throw new Error(`event ${e.seq} applied after ${this.seq}`);
    this.seq = e.seq;
    this.fx = MeetingProjection.noEffects();
    this.touched = new Set();
    const at = ms(e.at);
    switch (e.type) {
      case 'state':
        this.onState(e.data, e.at, e.actor.id, at);
        // Closing ends a recording that runs (the close is its stop; nothing else is logged).
        if (e.data.to === 'closed' && this.meeting.recording?.on) {
          const r = this.meeting.recording;
          this.meeting.recording = { ...r, on: false, stoppedAt: e.at, stopReason: 'closed' };
          this.recordings.push({
            startedAt: r.since ?? e.at,
            stoppedAt: e.at,
            segments: this.segmentsNow,
          });
        }
        break;
      case 'lock':
        this.meeting.locked = e.data.locked;
        break;
      case 'agenda.start':
        this.onAgendaStart(e.data.itemId, e.at);
        break;
      case 'agenda.end':
        this.endCurrentItem(e.at);
        break;
      case 'agenda.extend': {
        const it = this.item(e.data.itemId);
        if (it) it.extendedMinutes += e.data.minutes;
        break;
      }
      case 'agenda.reorder':
        e.data.itemIds.forEach((id, i) => {
          const it = this.item(id);
          if (it) it.order = i;
        });
        break;
      case 'agenda.note': {
        const it = this.item(e.data.itemId);
        if (it && e.data.notes !== undefined) it.notes = e.data.notes;
        if (it && e.data.conclusions !== undefined) it.conclusions = e.data.conclusions;
        break;
      }
      case 'floor.request':
        this.onRequest(e.data, e.at);
        break;
      case 'floor.cancel':
      case 'floor.decline': {
        const siteId = e.data.siteId;
        this.queue = this.queue.filter((q) => q.siteId !== siteId);
        break;
      }
      case 'floor.reorder': {
        const rank = new Map(e.data.siteIds.map((s, i) => [s, i]));
        // Sites missing from the new order keep their relative order after the listed ones.
        this.queue = [...this.queue].sort(
          (a, b) => (rank.get(a.siteId) ?? 1e9) - (rank.get(b.siteId) ?? 1e9),
        );
        break;
      }
      case 'floor.grant':
        this.onGrant(e.data, e.at, at);
        break;
      case 'floor.revoke':
        if (this.holder) this.endFloor(e.data.reason, at);
        break;
      case 'floor.spotlight':
        this.spotlightOverride = e.data.spotlight;
        break;
      case 'site.join': {
        const s = this.sites.get(e.data.siteId);
        if (!s) break;
        // A join while already connected (new tab, reconnect, node restart) continues the
        // interval; a new connection ends any unmute permission of the old one.
        if (s.connId === undefined) s.intervals.push({ joinAt: at });
        if (s.connId !== e.data.connId) this.endUnmute(s);
        s.connId = e.data.connId;
        s.node = e.data.node;
        this.fx.presence.push(s.siteId);
        break;
      }
      case 'site.leave': {
        const s = this.sites.get(e.data.siteId);
        if (!s || s.connId !== e.data.connId) break; // superseded connection: not a leave
        this.disconnect(s, at, e.data.reason === 'left' ? 'left' : 'dropped');
        break;
      }
      case 'site.media': {
        const s = this.sites.get(e.data.siteId);
        if (!s) break;
        s.media = { audio: e.data.audio, video: e.data.video };
        this.fx.presence.push(s.siteId);
        break;
      }
      case 'mic.unmuteRequest':
      case 'mic.allow': {
        const s = this.sites.get(e.data.siteId);
        // Only the holder can be asked; a legacy "allowed: false" asked nothing.
        if (!s || this.holder?.siteId !== s.siteId) break;
        if (e.type === 'mic.allow' && !e.data.allowed) break;
        if (s.unmute === 'none') s.unmute = 'requested';
        this.touch(s.siteId);
        break;
      }
      case 'mic.unmuteAccept': {
        const s = this.sites.get(e.data.siteId);
        if (!s || this.holder?.siteId !== s.siteId || s.unmute !== 'requested') break;
        s.unmute = 'accepted';
        this.touch(s.siteId);
        break;
      }
      case 'moderation.mute':
        for (const s of this.sites.values()) {
          if (e.data.siteId !== null && s.siteId !== e.data.siteId) continue;
          s.muted = true;
          s.unmute = 'none';
        }
        if (e.data.siteId === null) this.touched = 'all';
        else this.touch(e.data.siteId);
        break;
      case 'moderation.remove': {
        const s = this.sites.get(e.data.siteId);
        if (!s) break;
        s.removed = true;
        this.endUnmute(s);
        this.disconnect(s, at, 'left');
        this.fx.presence.push(s.siteId);
        this.queue = this.queue.filter((q) => q.siteId !== s.siteId);
        if (this.holder?.siteId === s.siteId) this.endFloor('removed', at);
        break;
      }
      case 'attendance.mark':
        this.onMark(e.data);
        break;
      case 'rollcall.start':
        this.closeRollCall(e.at);
        this.rollCalls.push({
          id: e.data.id,
          startedAt: e.at,
          startedBy: e.actor.id,
          deadline: e.data.deadline,
          expectedSiteIds: [...e.data.expectedSiteIds],
          answers: [],
        });
        break;
      case 'rollcall.answer': {
        const x = e.data;
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
        const rc = this.rollCalls.find((r) => r.id === e.data.id);
        if (rc && !rc.closedAt) {
          rc.closedAt = e.at;
          this.fx.rollCallClosed = rc;
        }
        break;
      }
      case 'report.request':
      case 'report.submit':
      case 'report.remind':
      case 'document.attach':
      case 'document.remove':
      case 'document.open':
      case 'document.present':
      case 'vote.open':
      case 'vote.answer':
      case 'vote.close':
      case 'opinion.send':
      case 'opinion.read':
      case 'notice.set':
        this.fx.briefing = this.briefing.apply(e);
        break;
      case 'recording.start':
        this.segmentsNow = 1;
        this.meeting.recording = {
          on: true,
          since: e.at,
          segments: (this.meeting.recording?.segments ?? 0) + 1,
        };
        break;
      case 'recording.stop': {
        const r = this.meeting.recording;
        if (r?.on) {
          this.meeting.recording = {
            ...r,
            on: false,
            stoppedAt: e.at,
            stopReason: e.data.reason,
          };
          this.recordings.push({
            startedAt: r.since ?? e.at,
            stoppedAt: e.at,
            segments: this.segmentsNow,
          });
        }
        break;
      }
      case 'recording.segment': {
        const r = this.meeting.recording;
        if (r?.on) {
          r.segments += 1;
          this.segmentsNow += 1;
        }
        break;
      }
      case 'archive.file':
        this.archived.push({ ...e.data, at: e.at });
        break;
      case 'archive.expire':
        // The retention sweep removed it (every line with that checksum: same bytes, one file).
        for (const a of this.archived)
          if (a.sha256 === e.data.sha256 && !a.expired)
            a.expired = { at: e.at, recordingMonths: e.data.recordingMonths };
        break;
      case 'archive.hold':
        this.archiveHold = { reason: e.data.reason, at: e.at, by: { ...e.actor } };
        break;
      case 'archive.release':
        this.archiveHold = null;
        break;
      default:
        // Unknown types from a newer hub version are kept in the log and ignored here.
        break;
    }
    this.collectMicChanges();
    return this.fx;
  }

  private touch(siteId: string): void {
    if (this.touched !== 'all') this.touched.add(siteId);
  }

  private collectMicChanges(): void {
    const ids = this.touched === 'all' ? [...this.sites.keys()] : [...this.touched];
    for (const siteId of ids) {
      const s = this.sites.get(siteId);
      if (!s) continue;
      const status = this.micStatus(siteId);
      const key = micKey(status);
      if (key === s.micKey) continue;
      s.micKey = key;
      this.fx.mic.push({ siteId, status });
    }
  }

  /** Ends the holder's floor (and any unmute permission that came with it). */
  private endFloor(reason: FloorEnd, at: number): void {
    const h = this.holder;
    if (!h) return;
    this.endSpeech(at);
    const s = this.sites.get(h.siteId);
    if (s) this.endUnmute(s);
    this.touch(h.siteId);
    this.holder = null;
    this.fx.floorEnded = { siteId: h.siteId, reason };
  }

  private endUnmute(s: SiteState): void {
    if (s.unmute !== 'none') {
      s.unmute = 'none';
      this.touch(s.siteId);
    }
  }

  private onRequest(x: LogData<'floor.request'>, atIso: string): void {
    if (this.holder?.siteId === x.siteId || this.queue.some((q) => q.siteId === x.siteId)) return;
    const req: FloorRequest = {
      siteId: x.siteId,
      siteName: this.siteName(x.siteId),
      requestedAt: atIso,
      presenter: x.presenter ?? false,
    };
    if (x.itemId) req.itemId = x.itemId;
    this.queue.push(req);
  }

  private onGrant(x: LogData<'floor.grant'>, atIso: string, at: number): void {
    if (this.holder) this.endFloor('granted_to_other', at);
    // Granting the floor again is the chair's way of reopening a muted holder's mic.
    const granted = this.sites.get(x.siteId);
    if (granted) {
      granted.muted = false;
      granted.unmute = 'none';
    }
    this.touch(x.siteId);
    this.queue = this.queue.filter((q) => q.siteId !== x.siteId);
    this.holder = {
      siteId: x.siteId,
      siteName: this.siteName(x.siteId),
      grantedAt: atIso,
      limitSeconds: x.limitSeconds,
    };
    if (x.itemId) this.holder.itemId = x.itemId;
    if (x.limitSeconds > 0) this.holder.endsAt = isoOf(at + x.limitSeconds * 1000);
    // A speech is filed under the item of the grant; none = a general opinion.
    const speech: SpeechState = { siteId: x.siteId, startedAt: at };
    if (x.itemId) speech.itemId = x.itemId;
    this.speeches.push(speech);
    // A grant to the same site (re-grant) is not the end of its floor.
    if (this.fx.floorEnded?.siteId === x.siteId) this.fx.floorEnded = null;
  }

  private onMark(x: LogData<'attendance.mark'>): void {
    const s = this.sites.get(x.siteId);
    if (!s) return;
    if (x.mark === null) {
      s.mark = undefined;
      s.absenceReason = undefined;
    } else if (x.mark !== undefined) s.mark = x.mark;
    if (x.absenceReason !== undefined) s.absenceReason = x.absenceReason;
    if (x.headcount === null) s.markedHeadcount = undefined;
    else if (x.headcount !== undefined) s.markedHeadcount = x.headcount;
    if (x.siteChair !== undefined) s.siteChair = x.siteChair;
    if (x.note !== undefined) s.note = x.note;
  }

  private disconnect(s: SiteState, at: number, how: 'left' | 'dropped'): void {
    if (s.connId === undefined) return;
    s.connId = undefined;
    s.node = undefined;
    s.lastEnd = how;
    const last = s.intervals.at(-1);
    if (last && last.leaveAt === undefined) last.leaveAt = at;
    s.media = { audio: 'none', video: 'none' };
    this.endUnmute(s);
    this.fx.presence.push(s.siteId);
  }

  private closeRollCall(atIso: string): void {
    const rc = this.rollCalls.at(-1);
    if (rc && !rc.closedAt) {
      rc.closedAt = atIso;
      this.fx.rollCallClosed = rc;
    }
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

  private onAgendaStart(itemId: string, atIso: string): void {
    if (this.meeting.currentItemId !== itemId) this.endCurrentItem(atIso);
    const it = this.item(itemId);
    if (!it) return;
    it.startedAt ??= atIso;
    it.endedAt = undefined;
    this.meeting.currentItemId = itemId;
    // The item's presenting sites join the queue, filed under the item.
    for (const siteId of it.presenterSiteIds) {
      const s = this.sites.get(siteId);
      if (!s || s.removed) continue;
      this.onRequest({ siteId, itemId, presenter: true }, atIso);
    }
  }

  private onState(d: LogData<'state'>, atIso: string, by: string, at: number): void {
    this.meeting.transitions.push({ from: d.from, to: d.to, at: atIso, by });
    this.meeting.state = d.to;
    // Whether a site may talk depends on the state (open mics, adjourned, closed).
    this.touched = 'all';
    if (d.to === 'adjourned' || d.to === 'closed') {
      this.endCurrentItem(atIso);
      this.endFloor(d.to, at);
      this.queue = [];
      this.closeRollCall(atIso);
    }
    if (d.to === 'closed') {
      for (const s of this.sites.values()) this.disconnect(s, at, 'left');
      this.fx.ended = true;
    }
  }
}
