import {
  type MediaFlags,
  type MediaSource,
  type MeetingEventEntry,
  mayProduce,
  parsePeerId,
  type Role,
} from '@giaoban/shared';
import { SYSTEM_ACTOR } from '../domain/access';
import type { ApplyEffects, MeetingProjection } from '../domain/MeetingProjection';
import type { MeetingService } from '../domain/MeetingService';
import type { Logger } from '../util/logger';
import type { MediaNotifier, MeetingMedia } from './MeetingMedia';

/** Who sends a producer: its socket's role and site (from the signalling layer). */
export interface ProducerOwner {
  peerId: string;
  role: Role;
  siteId?: string | undefined;
}

export interface MediaEnforcerDeps {
  rooms: MeetingMedia;
  meetings: MeetingService;
  notify: MediaNotifier;
  logger: Logger;
  /** Delay before recording a site's media again when its log budget was spent (ms). */
  retryMs?: number;
}

interface ProducerView {
  id: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: string;
  paused: boolean;
}

/**
 * The one place that pauses and resumes producers on the SFU. From the projection alone, through
 * `mayProduce`, it decides which producers may flow, and reconciles the meeting's media room to
 * it after every applied log entry (written here or by another hub), when a producer appears,
 * and when its owner pauses or resumes it. A producer flows when its owner may send that source
 * and has not paused it itself; a grant of the floor and an accepted unmute open the site's mic.
 * It also records each site's media flags in the log (`site.media`) when they change.
 */
export class MediaEnforcer {
  private readonly owners = new Map<string, ProducerOwner>();
  /** Producers their owner paused (self-mute): kept paused even when allowed. */
  private readonly ownerPaused = new Set<string>();
  /** One reconciliation at a time per meeting. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly d: MediaEnforcerDeps) {
    d.meetings.on('applied', (meetingId, entry, p, fx) => this.afterEntry(meetingId, entry, p, fx));
    d.meetings.on('loaded', (meetingId) =>
      this.enqueue(meetingId, () => this.reconcileNow(meetingId, 'all')),
    );
    d.rooms.onProducerClosed((meetingId, peerId) => {
      const siteId = parsePeerId(peerId);
      if (siteId?.kind === 'site') void this.reportSite(meetingId, siteId.siteId);
    });
  }

  close(): void {
    this.closed = true;
    for (const t of this.retries.values()) clearTimeout(t);
    this.retries.clear();
  }

  /** A socket leaves: forget its producers' owner. */
  forgetPeer(peerId: string): void {
    this.owners.delete(peerId);
  }

  /** Waits for the meeting's pending reconciliations (tests, and before answering a command). */
  async settled(meetingId: string): Promise<void> {
    await this.chains.get(meetingId);
  }

  /**
   * A producer was just created by `owner`: it starts paused unless it may flow now. Tells the
   * meeting about it and returns its paused state.
   */
  async admit(
    meetingId: string,
    owner: ProducerOwner,
    producerId: string,
    kind: 'audio' | 'video',
    source: MediaSource,
  ): Promise<boolean> {
    this.owners.set(owner.peerId, owner);
    let paused = false;
    await this.enqueue(meetingId, async () => {
      const r = this.d.rooms.getRoom(meetingId);
      const prod = r?.listProducers().find((x) => x.id === producerId);
      if (!r || !prod) return;
      const may = await this.d.meetings.peek(meetingId, (p) => this.mayFlow(p, prod));
      if (!may) {
        await r.pauseProducer(producerId);
        paused = true;
      }
    });
    this.d.notify.toMeeting(meetingId, 'media:newProducer', {
      producerId,
      peerId: owner.peerId,
      kind,
      source,
      paused,
    });
    if (owner.siteId) void this.reportSite(meetingId, owner.siteId);
    return paused;
  }

  /**
   * The owner pauses or resumes its own producer. Resuming what it may not send is FORBIDDEN
   * (`refuse` builds the error), so the client cannot open a mic the floor does not allow.
   */
  async setOwnerPaused(
    meetingId: string,
    producerId: string,
    paused: boolean,
    refuse: () => Error,
  ): Promise<void> {
    await this.enqueue(meetingId, async () => {
      const r = this.d.rooms.getRoom(meetingId);
      const prod = r?.listProducers().find((x) => x.id === producerId);
      if (!r || !prod) return;
      if (paused) this.ownerPaused.add(producerId);
      else {
        const may = await this.d.meetings.read(meetingId, (p) => this.mayFlow(p, prod));
        if (!may) throw refuse();
        this.ownerPaused.delete(producerId);
      }
      await this.apply(meetingId, prod, paused);
    });
    const owner = parsePeerId(
      this.d.rooms
        .getRoom(meetingId)
        ?.listProducers()
        .find((x) => x.id === producerId)?.peerId ?? '',
    );
    if (owner?.kind === 'site') void this.reportSite(meetingId, owner.siteId);
  }

  private afterEntry(
    meetingId: string,
    entry: MeetingEventEntry,
    _p: MeetingProjection,
    fx: ApplyEffects,
  ): void {
    if (this.closed || !this.d.rooms.getRoom(meetingId)) return;
    if (fx.ended) {
      // Media stops with the meeting: every transport, producer and consumer goes.
      this.d.rooms.closeMeeting(meetingId);
      return;
    }
    if (entry.type === 'moderation.remove') this.d.rooms.evictSite(meetingId, entry.data.siteId);
    // The sites whose mic may have changed; a state change can change everyone's.
    const sites: 'all' | Set<string> =
      entry.type === 'state' ? 'all' : new Set([...fx.mic.map((m) => m.siteId), ...fx.presence]);
    // A grant and an accepted unmute are the site's "talk now": they open its mic.
    const opened =
      entry.type === 'floor.grant' || entry.type === 'mic.unmuteAccept'
        ? entry.data.siteId
        : undefined;
    void this.enqueue(meetingId, () => this.reconcileNow(meetingId, sites, opened)).catch((e) =>
      this.d.logger.warn('media enforcement failed', { err: String(e) }),
    );
  }

  private enqueue(meetingId: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(meetingId) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => {});
    this.chains.set(meetingId, tail);
    void tail.then(() => {
      if (this.chains.get(meetingId) === tail) this.chains.delete(meetingId);
    });
    return run;
  }

  private mayFlow(p: MeetingProjection, prod: ProducerView): boolean {
    const who = parsePeerId(prod.peerId);
    if (!who) return false;
    const owner = this.owners.get(prod.peerId);
    const role: Role = who.kind === 'site' ? 'site' : (owner?.role ?? 'observer');
    const siteId = who.kind === 'site' ? who.siteId : undefined;
    const source = (['mic', 'camera', 'screen'] as const).find((s) => s === prod.source) ?? 'mic';
    return mayProduce(role, { siteId, connId: who.socketId }, p)[source];
  }

  /** Brings the room's producers of `sites` (or all) in line with the projection. */
  private async reconcileNow(
    meetingId: string,
    sites: 'all' | ReadonlySet<string>,
    opened?: string,
  ): Promise<void> {
    const r = this.d.rooms.getRoom(meetingId);
    if (!r) return;
    const touched = new Set<string>();
    const p = await this.d.meetings.peek(meetingId, (x) => x);
    for (const prod of r.listProducers()) {
      // In a cluster every hub lists the meeting's producers: each enforces its own peers'.
      if (!r.hasPeer(prod.peerId)) continue;
      const who = parsePeerId(prod.peerId);
      const siteId = who?.kind === 'site' ? who.siteId : undefined;
      if (sites !== 'all' && (!siteId || !sites.has(siteId))) continue;
      if (opened && siteId === opened && prod.kind === 'audio') this.ownerPaused.delete(prod.id);
      const want = !this.mayFlow(p, prod) || this.ownerPaused.has(prod.id);
      if (want !== prod.paused) {
        await this.apply(meetingId, prod, want);
        if (siteId) touched.add(siteId);
      }
    }
    for (const siteId of touched) void this.reportSite(meetingId, siteId);
  }

  private async apply(meetingId: string, prod: ProducerView, paused: boolean): Promise<void> {
    const r = this.d.rooms.getRoom(meetingId);
    if (!r) return;
    try {
      if (paused) await r.pauseProducer(prod.id);
      else await r.resumeProducer(prod.id);
    } catch (e) {
      this.d.logger.warn('producer pause/resume failed', { producerId: prod.id, err: String(e) });
      return;
    }
    this.d.notify.toMeeting(meetingId, 'media:producerPaused', {
      producerId: prod.id,
      peerId: prod.peerId,
      paused,
    });
  }

  /** Records the media flags of the site's live connection in the log when they changed. */
  async reportSite(meetingId: string, siteId: string): Promise<void> {
    if (this.closed) return;
    const r = this.d.rooms.getRoom(meetingId);
    const conn = await this.d.meetings.peek(meetingId, (p) => p.sites.get(siteId)?.connId);
    const flags: MediaFlags = { audio: 'none', video: 'none' };
    for (const p of r?.listProducers() ?? []) {
      const who = parsePeerId(p.peerId);
      if (who?.kind !== 'site' || who.siteId !== siteId || who.socketId !== conn) continue;
      if (flags[p.kind] !== 'live') flags[p.kind] = p.paused ? 'paused' : 'live';
    }
    try {
      await this.d.meetings.siteMedia(meetingId, SYSTEM_ACTOR, { siteId, ...flags });
    } catch (e) {
      if ((e as { code?: string }).code !== 'RATE_LIMITED') {
        this.d.logger.warn('site media report failed', { err: String(e) });
        return;
      }
      // The site's log budget is spent: record the then-current flags once it refills.
      const key = `${meetingId}\u0000${siteId}`;
      if (this.retries.has(key)) return;
      this.retries.set(
        key,
        setTimeout(() => {
          this.retries.delete(key);
          void this.reportSite(meetingId, siteId);
        }, this.d.retryMs ?? 6_000).unref(),
      );
    }
  }
}
