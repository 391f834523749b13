import { EventEmitter } from 'node:events';
import {
  type Actor,
  type LogData,
  type LogDecision,
  MeetingEventEntry,
  type MeetingState,
  type Spotlight,
} from '@giaoban/shared';
import type { MeetingDefinition, Store } from '../store/Store';
import { SeqConflictError } from '../store/Store';
import { type Clock, iso } from '../util/Clock';
import { HubError } from '../util/HubError';
import { newId } from '../util/ids';
import { SYSTEM_ACTOR } from './access';
import * as rules from './decisions';
import { LogBudget } from './LogBudget';
import { type ApplyEffects, MeetingProjection, type SiteName } from './MeetingProjection';

interface Entry {
  proj: MeetingProjection;
  /** Serialises commands on one meeting inside this process. */
  tail: Promise<unknown>;
}

export interface MeetingServiceEvents {
  /**
   * An entry was folded in, with what it changed; `local` = written by this process (false =
   * caught up from the store, written by another hub).
   */
  applied: [
    meetingId: string,
    entry: MeetingEventEntry,
    proj: MeetingProjection,
    effects: ApplyEffects,
    local: boolean,
  ];
  /** A meeting was folded from the store into this process (first use, or after a restart). */
  loaded: [meetingId: string, proj: MeetingProjection];
}

export interface CommandOptions {
  /** The site whose log budget the entry spends (commands a site causes). */
  budget?: string;
  /** The site whose budget the entry is charged to without being refused (leaves). */
  charge?: string;
}

const MAX_RETRIES = 8;

/**
 * Commands on meetings. Each command asks its rule (decisions.ts) for at most one log entry on
 * the current projection; the append is optimistic (seq = last + 1) so hub processes sharing one
 * Redis never interleave conflicting decisions: the loser catches up and decides again.
 */
/** Definition fields that may change after the meeting opened (until it is closed). */
const LIVE_EDITABLE: ReadonlySet<string> = new Set([
  'title',
  'issuingBody',
  'parentBody',
  'documentNumber',
  'place',
  'hostLocation',
]);

export class MeetingService extends EventEmitter<MeetingServiceEvents> {
  private readonly cache = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  private readonly budget: LogBudget;

  constructor(
    readonly store: Store,
    private readonly clock: Clock,
    budget?: LogBudget,
  ) {
    super();
    this.budget = budget ?? new LogBudget(clock);
  }

  // --- loading -------------------------------------------------------------------------------

  private async entry(meetingId: string): Promise<Entry> {
    const cached = this.cache.get(meetingId);
    if (cached) return cached;
    let p = this.loading.get(meetingId);
    if (!p) {
      p = (async () => {
        const proj = await this.fold(meetingId);
        const e: Entry = { proj, tail: Promise.resolve() };
        this.cache.set(meetingId, e);
        this.emit('loaded', meetingId, proj);
        return e;
      })().finally(() => this.loading.delete(meetingId));
      this.loading.set(meetingId, p);
    }
    return p;
  }

  /** The meeting folded from the store (definition + whole log), not cached. */
  async fold(meetingId: string): Promise<MeetingProjection> {
    const def = await this.store.getMeeting(meetingId);
    if (!def) throw new HubError('NOT_FOUND', `meeting ${meetingId} not found`);
    const proj = new MeetingProjection(def, await this.namesOf(def.siteIds));
    // Fold the whole log once (after a restart this is where state comes back from).
    for (const entry of await this.store.readEvents(meetingId, 0)) proj.apply(entry);
    return proj;
  }

  /** Whether this process holds the meeting folded in memory. */
  isLoaded(meetingId: string): boolean {
    return this.cache.has(meetingId);
  }

  private async namesOf(siteIds: readonly string[]): Promise<Map<string, SiteName>> {
    const units = await this.store.getUnits(siteIds);
    const names = new Map<string, SiteName>();
    siteIds.forEach((id, i) => {
      const u = units[i];
      names.set(id, { code: u?.code ?? id, name: u?.fullName ?? id });
    });
    return names;
  }

  /** Folds in entries other processes appended. */
  private async sync(meetingId: string, e: Entry): Promise<void> {
    const entries = await this.store.readEvents(meetingId, e.proj.seq);
    for (const entry of entries) {
      const fx = e.proj.apply(entry);
      this.emit('applied', meetingId, entry, e.proj, fx, false);
    }
  }

  private serialise<T>(e: Entry, fn: () => Promise<T>): Promise<T> {
    const run = e.tail.then(fn, fn);
    e.tail = run.catch(() => {});
    return run;
  }

  /** Up-to-date projection for reading. */
  async read<T>(meetingId: string, fn: (p: MeetingProjection) => T): Promise<T> {
    const e = await this.entry(meetingId);
    return this.serialise(e, async () => {
      await this.sync(meetingId, e);
      return fn(e.proj);
    });
  }

  /**
   * The projection as this process last saw it, without asking the store for newer entries
   * (one round trip less inside the per-meeting queue). For definition fields, and right after
   * a command on the same meeting, which has just caught up.
   */
  async peek<T>(meetingId: string, fn: (p: MeetingProjection) => T): Promise<T> {
    const e = await this.entry(meetingId);
    return fn(e.proj);
  }

  /** Forget the cached projection (definition edited). */
  invalidate(meetingId: string): void {
    this.cache.delete(meetingId);
  }

  /**
   * Runs `decide` on the current projection; it returns the one entry to append (or null: no
   * change) and `after` computes the result once the entry is applied.
   */
  async command<R>(
    meetingId: string,
    actor: Actor,
    decide: (p: MeetingProjection) => LogDecision | null,
    after: (p: MeetingProjection) => R,
    opts: CommandOptions = {},
  ): Promise<R> {
    const e = await this.entry(meetingId);
    return this.serialise(e, async () => {
      // First try on the projection as it is, without a round trip to the store: if it was
      // stale, the append fails its seq check and we catch up and decide again. A refusal or a
      // no-op decided on possibly stale state is only trusted after catching up.
      let synced = false;
      let spent = false;
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0 || this.store.kind === 'memory') {
          await this.sync(meetingId, e);
          synced = true;
        }
        let decision: LogDecision | null;
        try {
          decision = decide(e.proj);
        } catch (err) {
          if (!synced) continue;
          throw err;
        }
        if (!decision) {
          if (!synced) continue;
          return after(e.proj);
        }
        if (!spent) {
          if (opts.budget) this.budget.spend(meetingId, opts.budget);
          if (opts.charge) this.budget.charge(meetingId, opts.charge);
          spent = true;
        }
        // The vocabulary is checked on the way in: nothing malformed reaches the permanent log.
        const entry = MeetingEventEntry.parse({
          seq: e.proj.seq + 1,
          at: iso(this.clock.now()),
          actor,
          ...decision,
        });
        try {
          await this.store.appendEvent(meetingId, entry);
        } catch (err) {
          if (err instanceof SeqConflictError && attempt < MAX_RETRIES) continue;
          throw err;
        }
        const fx = e.proj.apply(entry);
        this.emit('applied', meetingId, entry, e.proj, fx, true);
        return after(e.proj);
      }
    });
  }

  private now(): string {
    return iso(this.clock.now());
  }

  // --- definitions ---------------------------------------------------------------------------

  async create(def: MeetingDefinition): Promise<void> {
    await this.store.putMeeting(def);
  }

  async updateDefinition(meetingId: string, def: MeetingDefinition): Promise<void> {
    const state = await this.read(meetingId, (p) => p.meeting.state);
    if (state === 'closed') {
      throw new HubError('MEETING_CLOSED', 'a closed meeting can no longer be edited');
    }
    if (state !== 'draft' && state !== 'scheduled') {
      // Once sites may be connected, only what the minutes print may still change: the invited
      // sites, the agenda, the people and the times are facts the log already builds on.
      const current = await this.store.getMeeting(meetingId);
      const keys = new Set([...Object.keys(current ?? {}), ...Object.keys(def)]);
      const changed = [...keys].filter(
        (k) =>
          JSON.stringify((current as Record<string, unknown> | undefined)?.[k]) !==
          JSON.stringify((def as Record<string, unknown>)[k]),
      );
      const refused = changed.filter((k) => !LIVE_EDITABLE.has(k));
      if (refused.length > 0) {
        throw new HubError(
          'INVALID_STATE',
          `while the meeting is ${state} only ${[...LIVE_EDITABLE].join(', ')} may change (not ${refused.join(', ')})`,
        );
      }
    }
    await this.store.putMeeting(def);
    this.invalidate(meetingId);
  }

  // --- state machine and agenda --------------------------------------------------------------

  transition(meetingId: string, actor: Actor, to: MeetingState) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideTransition(p, to),
      (p) => p.meetingView(),
    );
  }

  /** Starts/stops recording (chair), or the hub's own start (auto) and stop (disk full...). */
  setRecording(
    meetingId: string,
    actor: Actor,
    on: boolean,
    how?: Parameters<typeof rules.decideRecording>[2],
  ) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideRecording(p, on, how),
      (p) => p.meetingView(),
    );
  }

  /** What the hub itself records about a recording: a new segment, a filed archive file. */
  recordingNote(
    meetingId: string,
    decision:
      | { type: 'recording.segment'; data: LogData<'recording.segment'> }
      | { type: 'archive.file'; data: LogData<'archive.file'> },
  ) {
    return this.command(
      meetingId,
      SYSTEM_ACTOR,
      () => decision,
      () => null,
    );
  }

  lock(meetingId: string, actor: Actor, locked: boolean) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideLock(p, locked),
      (p) => p.meetingView(),
    );
  }

  agendaStart(meetingId: string, actor: Actor, itemId: string) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideAgendaStart(p, itemId),
      (p) => p.meetingView(),
    );
  }

  agendaNext(meetingId: string, actor: Actor) {
    return this.command(meetingId, actor, rules.decideAgendaNext, (p) => p.meetingView());
  }

  agendaExtend(meetingId: string, actor: Actor, minutes: number) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideAgendaExtend(p, minutes),
      (p) => p.meetingView(),
    );
  }

  agendaReorder(meetingId: string, actor: Actor, itemIds: string[]) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideAgendaReorder(p, itemIds),
      (p) => p.meetingView(),
    );
  }

  agendaNote(meetingId: string, actor: Actor, data: LogData<'agenda.note'>) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideAgendaNote(p, data),
      (p) => p.meetingView(),
    );
  }

  // --- floor ---------------------------------------------------------------------------------

  floorRequest(meetingId: string, actor: Actor, siteId: string, itemId?: string) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideFloorRequest(p, siteId, itemId),
      (p) => p.floorState(this.now()),
      { budget: siteId },
    );
  }

  floorCancel(meetingId: string, actor: Actor, siteId: string) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideFloorCancel(p, siteId),
      (p) => p.floorState(this.now()),
      { budget: siteId },
    );
  }

  floorDecline(meetingId: string, actor: Actor, siteId: string, reason?: string) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideFloorDecline(p, siteId, reason),
      (p) => p.floorState(this.now()),
    );
  }

  floorReorder(meetingId: string, actor: Actor, siteIds: string[]) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideFloorReorder(p, siteIds),
      (p) => p.floorState(this.now()),
    );
  }

  floorGrant(meetingId: string, actor: Actor, siteId: string, limitSeconds?: number) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideFloorGrant(p, siteId, limitSeconds),
      (p) => p.floorState(this.now()),
    );
  }

  floorNext(meetingId: string, actor: Actor) {
    return this.command(meetingId, actor, rules.decideFloorNext, (p) => p.floorState(this.now()));
  }

  floorRevoke(
    meetingId: string,
    actor: Actor,
    reason: 'revoked' | 'expired' = 'revoked',
    onlyIfGrantedAt?: string,
  ) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideFloorRevoke(p, reason, onlyIfGrantedAt),
      (p) => p.floorState(this.now()),
    );
  }

  floorSpotlight(meetingId: string, actor: Actor, spotlight: Spotlight | null) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideSpotlight(p, spotlight),
      (p) => p.floorState(this.now()),
    );
  }

  // --- presence, microphones, moderation -----------------------------------------------------

  siteJoin(meetingId: string, actor: Actor, siteId: string, connId: string, node: string) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideSiteJoin(p, siteId, connId, node),
      (p) => p,
      { budget: siteId },
    );
  }

  /** The checks of a join without the join (a site's lobby: no attendance yet). */
  checkSiteJoin(meetingId: string, siteId: string): Promise<void> {
    return this.read(meetingId, (p) => rules.assertSiteMayJoin(p, siteId, { lobby: true }));
  }

  /**
   * Records that connection `connId` of a site ended; a no-op when the site has a newer
   * connection (or none), so a late or repeated leave (another hub sweeping too) changes nothing.
   * Never refused (an interval must always close), but charged to the site's log budget, so
   * join/leave cycles stay bounded. Resolves to whether a leave was recorded.
   */
  siteLeave(
    meetingId: string,
    actor: Actor,
    siteId: string,
    connId: string,
    reason?: LogData<'site.leave'>['reason'],
  ) {
    let recorded = false;
    return this.command(
      meetingId,
      actor,
      (p) => {
        const dcn = rules.decideSiteLeave(p, siteId, connId, reason);
        recorded = dcn !== null;
        return dcn;
      },
      () => recorded,
      { charge: siteId },
    );
  }

  siteMedia(meetingId: string, actor: Actor, data: LogData<'site.media'>) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideSiteMedia(p, data),
      () => null,
      { budget: data.siteId },
    );
  }

  askUnmute(meetingId: string, actor: Actor, siteId: string) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideAskUnmute(p, siteId),
      () => null,
    );
  }

  acceptUnmute(meetingId: string, actor: Actor, siteId: string) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideAcceptUnmute(p, siteId),
      (p) => p.micStatus(siteId),
    );
  }

  mute(meetingId: string, actor: Actor, siteId: string | null) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideMute(p, siteId),
      () => null,
    );
  }

  remove(meetingId: string, actor: Actor, siteId: string, reason?: string) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideRemove(p, siteId, reason),
      () => null,
    );
  }

  // --- attendance & roll-call ----------------------------------------------------------------

  mark(meetingId: string, actor: Actor, data: LogData<'attendance.mark'>) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideMark(p, data),
      (p) => p.attendanceRow(data.siteId, this.clock.now()),
    );
  }

  rollCallStart(meetingId: string, actor: Actor, deadlineSeconds: number) {
    const id = newId('rc_');
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideRollCallStart(p, id, deadlineSeconds, this.clock.now()),
      (p) => structuredClone(p.currentRollCall()!),
    );
  }

  rollCallAnswer(
    meetingId: string,
    actor: Actor,
    siteId: string,
    rollCallId: string,
    headcount: number,
  ) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideRollCallAnswer(p, siteId, rollCallId, headcount, this.clock.now()),
      (p) => {
        const a = p.rollCalls
          .find((r) => r.id === rollCallId)!
          .answers.find((x) => x.siteId === siteId)!;
        return { ...a };
      },
      { budget: siteId },
    );
  }

  rollCallClose(meetingId: string, actor: Actor, rollCallId: string) {
    return this.command(
      meetingId,
      actor,
      (p) => rules.decideRollCallClose(p, rollCallId),
      (p) => structuredClone(p.rollCalls.find((r) => r.id === rollCallId)!),
    );
  }
}
