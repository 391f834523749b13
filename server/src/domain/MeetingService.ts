import { EventEmitter } from 'node:events';
import {
  type Actor,
  MEETING_TRANSITIONS,
  type MeetingEventEntry,
  type MeetingState,
  type Spotlight,
} from '@giaoban/shared';
import type { MeetingDefinition, Store } from '../store/Store';
import { SeqConflictError } from '../store/Store';
import type { Clock } from '../util/Clock';
import { HubError } from '../util/HubError';
import { newId } from '../util/ids';
import {
  type MeetingEvents,
  type MeetingEventType,
  MeetingProjection,
  type SiteLeaveReason,
  type SiteName,
} from './MeetingProjection';

interface Entry {
  proj: MeetingProjection;
  /** Serialises commands on one meeting inside this process. */
  tail: Promise<unknown>;
}

type Emit = <T extends MeetingEventType>(type: T, data: MeetingEvents[T]) => void;

export interface MeetingServiceEvents {
  /** An entry was folded in; `local` = written by this process (false = caught up from the store). */
  applied: [meetingId: string, entry: MeetingEventEntry, proj: MeetingProjection, local: boolean];
  /** A meeting was folded from the store into this process (first use, or after a restart). */
  loaded: [meetingId: string, proj: MeetingProjection];
}

const MAX_RETRIES = 8;

/**
 * Commands on meetings. Each command validates against the current projection and appends at
 * most one event; the append is optimistic (seq = last + 1) so hub processes sharing one Redis
 * never interleave conflicting decisions: the loser catches up and re-validates.
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

  constructor(
    readonly store: Store,
    private readonly clock: Clock,
  ) {
    super();
  }

  // --- loading -------------------------------------------------------------------------------

  private async entry(meetingId: string): Promise<Entry> {
    const cached = this.cache.get(meetingId);
    if (cached) return cached;
    let p = this.loading.get(meetingId);
    if (!p) {
      p = (async () => {
        const def = await this.store.getMeeting(meetingId);
        if (!def) throw new HubError('NOT_FOUND', `meeting ${meetingId} not found`);
        const proj = new MeetingProjection(def, await this.namesOf(def.siteIds));
        // Fold the whole log once (after a restart this is where state comes back from).
        for (const entry of await this.store.readEvents(meetingId, 0)) proj.apply(entry);
        const e: Entry = { proj, tail: Promise.resolve() };
        this.cache.set(meetingId, e);
        this.emit('loaded', meetingId, proj);
        return e;
      })().finally(() => this.loading.delete(meetingId));
      this.loading.set(meetingId, p);
    }
    return p;
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
      e.proj.apply(entry);
      this.emit('applied', meetingId, entry, e.proj, false);
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
   * Runs `decide` on the current projection; it may `emit` one event (or none) and returns a
   * result computed *after* the event is applied by `after`.
   */
  async command<R>(
    meetingId: string,
    actor: Actor,
    decide: (p: MeetingProjection, emit: Emit) => void,
    after: (p: MeetingProjection) => R,
  ): Promise<R> {
    const e = await this.entry(meetingId);
    return this.serialise(e, async () => {
      // First try on the projection as it is, without a round trip to the store: if it was
      // stale, the append fails its seq check and we catch up and decide again. A refusal or a
      // no-op decided on possibly stale state is only trusted after catching up.
      let synced = false;
      for (let attempt = 0; ; attempt++) {
        if (attempt > 0 || this.store.kind === 'memory') {
          await this.sync(meetingId, e);
          synced = true;
        }
        let pending: { type: MeetingEventType; data: unknown } | undefined;
        try {
          decide(e.proj, (type, data) => {
            if (pending) throw new Error('a command appends at most one event');
            pending = { type, data };
          });
        } catch (err) {
          if (!synced) continue;
          throw err;
        }
        if (!pending) {
          if (!synced) continue;
          return after(e.proj);
        }
        const entry: MeetingEventEntry = {
          seq: e.proj.seq + 1,
          at: new Date(this.clock.now()).toISOString(),
          actor,
          type: pending.type,
          data: pending.data as Record<string, unknown>,
        };
        try {
          await this.store.appendEvent(meetingId, entry);
        } catch (err) {
          if (err instanceof SeqConflictError && attempt < MAX_RETRIES) continue;
          throw err;
        }
        e.proj.apply(entry);
        this.emit('applied', meetingId, entry, e.proj, true);
        return after(e.proj);
      }
    });
  }

  // --- definitions ---------------------------------------------------------------------------

  async create(def: MeetingDefinition): Promise<void> {
    await this.store.putMeeting(def);
  }

  async updateDefinition(meetingId: string, def: MeetingDefinition): Promise<void> {
    const state = await this.read(meetingId, (p) => p.meeting.state);
    if (state === 'closed') {
      throw new HubError('INVALID_STATE', 'a closed meeting can no longer be edited');
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

  // --- state machine -------------------------------------------------------------------------

  transition(meetingId: string, actor: Actor, to: MeetingState) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        const from = p.meeting.state;
        if (!MEETING_TRANSITIONS[from].includes(to)) {
          throw new HubError('INVALID_STATE', `cannot go from ${from} to ${to}`);
        }
        emit('state', { from, to });
      },
      (p) => p.meetingView(),
    );
  }

  lock(meetingId: string, actor: Actor, locked: boolean) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        if (p.meeting.locked !== locked) emit('lock', { locked });
      },
      (p) => p.meetingView(),
    );
  }

  // --- agenda --------------------------------------------------------------------------------

  agendaStart(meetingId: string, actor: Actor, itemId: string) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        requireState(p, ['in_session']);
        if (!p.item(itemId)) throw new HubError('NOT_FOUND', `agenda item ${itemId} not found`);
        if (p.meeting.currentItemId !== itemId) emit('agenda.start', { itemId });
      },
      (p) => p.meetingView(),
    );
  }

  agendaNext(meetingId: string, actor: Actor) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        requireState(p, ['in_session']);
        const items = p.meetingView().agenda;
        const cur = items.findIndex((i) => i.id === p.meeting.currentItemId);
        // The next item in order that has not been dealt with (reordering can put finished
        // items after the current one; they are skipped).
        const next = (cur >= 0 ? items.slice(cur + 1) : items).find((i) => !i.endedAt);
        if (next) emit('agenda.start', { itemId: next.id });
        else if (cur >= 0) emit('agenda.end', { itemId: items[cur]!.id });
        else throw new HubError('INVALID_STATE', 'no agenda item left');
      },
      (p) => p.meetingView(),
    );
  }

  agendaExtend(meetingId: string, actor: Actor, minutes: number) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        requireState(p, ['in_session']);
        const itemId = p.meeting.currentItemId;
        if (!itemId) throw new HubError('INVALID_STATE', 'no agenda item in progress');
        emit('agenda.extend', { itemId, minutes });
      },
      (p) => p.meetingView(),
    );
  }

  agendaReorder(meetingId: string, actor: Actor, itemIds: string[]) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        requireState(p, ['draft', 'scheduled', 'open', 'in_session', 'adjourned']);
        const known = new Set(p.meeting.agenda.map((a) => a.id));
        if (
          itemIds.length !== known.size ||
          new Set(itemIds).size !== itemIds.length ||
          !itemIds.every((i) => known.has(i))
        ) {
          throw new HubError('BAD_REQUEST', 'itemIds must list every agenda item exactly once');
        }
        emit('agenda.reorder', { itemIds });
      },
      (p) => p.meetingView(),
    );
  }

  agendaNote(meetingId: string, actor: Actor, data: MeetingEvents['agenda.note']) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        if (!p.item(data.itemId))
          throw new HubError('NOT_FOUND', `agenda item ${data.itemId} not found`);
        if (p.meeting.state === 'closed') throw new HubError('INVALID_STATE', 'meeting is closed');
        emit('agenda.note', data);
      },
      (p) => p.meetingView(),
    );
  }

  // --- floor ---------------------------------------------------------------------------------

  floorRequest(meetingId: string, actor: Actor, siteId: string, itemId?: string) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        requireState(p, ['open', 'in_session']);
        requireConnected(p, siteId);
        if (itemId && !p.item(itemId))
          throw new HubError('NOT_FOUND', `agenda item ${itemId} not found`);
        if (p.holder?.siteId === siteId || p.queue.some((q) => q.siteId === siteId)) return;
        emit('floor.request', itemId ? { siteId, itemId } : { siteId });
      },
      (p) => p.floorState(),
    );
  }

  floorCancel(meetingId: string, actor: Actor, siteId: string) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        if (p.queue.some((q) => q.siteId === siteId)) emit('floor.cancel', { siteId });
      },
      (p) => p.floorState(),
    );
  }

  floorReorder(meetingId: string, actor: Actor, siteIds: string[]) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        requireState(p, ['open', 'in_session']);
        emit('floor.reorder', { siteIds });
      },
      (p) => p.floorState(),
    );
  }

  floorGrant(meetingId: string, actor: Actor, siteId: string, limitSeconds?: number) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        requireState(p, ['in_session']);
        requireConnected(p, siteId);
        if (p.holder?.siteId === siteId) return;
        const req = p.queue.find((q) => q.siteId === siteId);
        const data: MeetingEvents['floor.grant'] = {
          siteId,
          limitSeconds: limitSeconds ?? p.meeting.speakingLimitSeconds,
        };
        const itemId = req?.itemId ?? p.meeting.currentItemId;
        if (itemId) data.itemId = itemId;
        emit('floor.grant', data);
      },
      (p) => p.floorState(),
    );
  }

  floorNext(meetingId: string, actor: Actor) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        requireState(p, ['in_session']);
        // Skip requests of sites that dropped off; they stay queued for when they return.
        const head = p.queue.find((q) => p.isConnected(q.siteId));
        if (!head) {
          if (p.holder) emit('floor.revoke', { siteId: p.holder.siteId, reason: 'revoked' });
          return;
        }
        const data: MeetingEvents['floor.grant'] = {
          siteId: head.siteId,
          limitSeconds: p.meeting.speakingLimitSeconds,
        };
        const itemId = head.itemId ?? p.meeting.currentItemId;
        if (itemId) data.itemId = itemId;
        emit('floor.grant', data);
      },
      (p) => p.floorState(),
    );
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
      (p, emit) => {
        if (!p.holder) {
          if (onlyIfGrantedAt) return;
          throw new HubError('INVALID_STATE', 'nobody holds the floor');
        }
        // Timers pass the grant they were armed for: a newer grant must not be cut short.
        if (onlyIfGrantedAt && p.holder.grantedAt !== onlyIfGrantedAt) return;
        emit('floor.revoke', { siteId: p.holder.siteId, reason });
      },
      (p) => p.floorState(),
    );
  }

  floorSpotlight(meetingId: string, actor: Actor, spotlight: Spotlight | null) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        if (spotlight?.kind === 'site' && !p.isInvited(spotlight.siteId)) {
          throw new HubError('NOT_FOUND', `site ${spotlight.siteId} is not in this meeting`);
        }
        emit('floor.spotlight', { spotlight });
      },
      (p) => p.floorState(),
    );
  }

  // --- presence & moderation -----------------------------------------------------------------

  siteJoin(meetingId: string, actor: Actor, siteId: string, connId: string, node: string) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        assertSiteMayJoin(p, siteId);
        if (p.sites.get(siteId)?.connId === connId) return;
        emit('site.join', { siteId, connId, node });
      },
      (p) => p,
    );
  }

  /** The checks of a join without the join (a site's lobby: no attendance yet). */
  checkSiteJoin(meetingId: string, siteId: string): Promise<void> {
    return this.read(meetingId, (p) => assertSiteMayJoin(p, siteId));
  }

  /**
   * Records that connection `connId` of a site ended; a no-op when the site has a newer
   * connection (or none), so a late or repeated leave (another hub sweeping too) changes nothing.
   * Resolves to whether a leave was recorded.
   */
  siteLeave(
    meetingId: string,
    actor: Actor,
    siteId: string,
    connId: string,
    reason?: SiteLeaveReason,
  ) {
    let recorded = false;
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        recorded = false;
        if (p.sites.get(siteId)?.connId !== connId) return;
        emit('site.leave', reason ? { siteId, connId, reason } : { siteId, connId });
        recorded = true;
      },
      () => recorded,
    );
  }

  siteMedia(meetingId: string, actor: Actor, data: MeetingEvents['site.media']) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        const s = p.sites.get(data.siteId);
        if (!s || s.connId === undefined) return;
        if (s.media.audio !== data.audio || s.media.video !== data.video) emit('site.media', data);
      },
      () => null,
    );
  }

  askUnmute(meetingId: string, actor: Actor, siteId: string) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        requireState(p, ['open', 'in_session']);
        requireConnected(p, siteId);
        emit('mic.allow', { siteId, allowed: true });
      },
      () => null,
    );
  }

  mute(meetingId: string, actor: Actor, siteId: string | null) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        if (siteId !== null && !p.isInvited(siteId)) {
          throw new HubError('NOT_FOUND', `site ${siteId} is not in this meeting`);
        }
        emit('moderation.mute', { siteId });
      },
      () => null,
    );
  }

  remove(meetingId: string, actor: Actor, siteId: string, reason?: string) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        const s = p.sites.get(siteId);
        if (!s) throw new HubError('NOT_FOUND', `site ${siteId} is not in this meeting`);
        if (!s.removed) emit('moderation.remove', reason ? { siteId, reason } : { siteId });
      },
      () => null,
    );
  }

  // --- attendance & roll-call ----------------------------------------------------------------

  mark(meetingId: string, actor: Actor, data: MeetingEvents['attendance.mark']) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        if (!p.isInvited(data.siteId))
          throw new HubError('NOT_FOUND', `site ${data.siteId} is not in this meeting`);
        emit('attendance.mark', data);
      },
      (p) => p.attendanceRow(data.siteId, this.clock.now()),
    );
  }

  rollCallStart(meetingId: string, actor: Actor, deadlineSeconds: number) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        requireState(p, ['open', 'in_session']);
        const cur = p.currentRollCall();
        if (cur && !cur.closedAt && Date.parse(cur.deadline) > this.clock.now()) {
          throw new HubError('CONFLICT', 'a roll-call is already running');
        }
        const expectedSiteIds = [...p.sites.values()]
          .filter((s) => s.connId !== undefined)
          .map((s) => s.siteId);
        emit('rollcall.start', {
          id: newId('rc_'),
          deadline: new Date(this.clock.now() + deadlineSeconds * 1000).toISOString(),
          expectedSiteIds,
        });
      },
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
      (p, emit) => {
        const rc = p.rollCalls.find((r) => r.id === rollCallId);
        if (!rc) throw new HubError('NOT_FOUND', `roll-call ${rollCallId} not found`);
        if (rc.closedAt || Date.parse(rc.deadline) < this.clock.now()) {
          throw new HubError('INVALID_STATE', 'roll-call is closed');
        }
        requireConnected(p, siteId);
        emit('rollcall.answer', { id: rollCallId, siteId, headcount });
      },
      (p) => {
        const a = p.rollCalls
          .find((r) => r.id === rollCallId)!
          .answers.find((x) => x.siteId === siteId)!;
        return { ...a };
      },
    );
  }

  rollCallClose(meetingId: string, actor: Actor, rollCallId: string) {
    return this.command(
      meetingId,
      actor,
      (p, emit) => {
        const rc = p.rollCalls.find((r) => r.id === rollCallId);
        if (!rc) throw new HubError('NOT_FOUND', `roll-call ${rollCallId} not found`);
        if (!rc.closedAt) emit('rollcall.close', { id: rollCallId });
      },
      (p) => structuredClone(p.rollCalls.find((r) => r.id === rollCallId)!),
    );
  }
}

function assertSiteMayJoin(p: MeetingProjection, siteId: string): void {
  const s = p.sites.get(siteId);
  if (!s) throw new HubError('FORBIDDEN', 'this site is not invited to the meeting');
  if (s.removed) throw new HubError('REMOVED', 'this site was removed from the meeting');
  if (
    p.meeting.state !== 'open' &&
    p.meeting.state !== 'in_session' &&
    p.meeting.state !== 'adjourned'
  ) {
    throw new HubError('INVALID_STATE', `meeting is ${p.meeting.state}: sites cannot join yet`);
  }
  if (p.meeting.locked && s.intervals.length === 0) {
    throw new HubError('MEETING_LOCKED', 'the meeting is locked');
  }
}

function requireState(p: MeetingProjection, states: MeetingState[]): void {
  if (!states.includes(p.meeting.state)) {
    throw new HubError('INVALID_STATE', `not allowed while the meeting is ${p.meeting.state}`);
  }
}

function requireConnected(p: MeetingProjection, siteId: string): void {
  const s = p.sites.get(siteId);
  if (!s) throw new HubError('NOT_FOUND', `site ${siteId} is not in this meeting`);
  if (s.removed) throw new HubError('REMOVED', `site ${siteId} was removed`);
  if (s.connId === undefined)
    throw new HubError('INVALID_STATE', `site ${siteId} is not connected`);
}
