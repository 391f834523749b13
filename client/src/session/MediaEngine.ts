import type { MediaSource, Role } from '@giaoban/shared';
import type { ReconnectPolicy } from '../lib/backoff';
import { Emitter } from '../lib/Emitter';
import type { MeetingState } from '../lib/meetingState';
import { mayOpenMic, stepMicWish } from '../lib/micPolicy';
import { MediaSession, type SelectedPair } from './MediaSession';
import { inboundStats, mediaDebug } from './mediaDebug';
import { qualityLevel } from './quality';
import { reconcileConsumers } from './reconcileConsumers';
import type { Requester, S2CEventName, S2CPayload } from './SignalClient';
import type { LocalView, MediaStatus, QualityView } from './types';

/**
 * The media plane of one participant (LiveKit's RTCEngine): what to send (the local tracks, the
 * mic only as the hub allows), what to receive (the consume policy), ICE repair, link quality.
 * It reads the meeting state and the link's health from the session and never touches the
 * signalling socket beyond the typed requester.
 */

export interface MediaEngineView {
  status: MediaStatus;
  local: LocalView;
  quality: QualityView;
  /** Bumped whenever consumers or producers change, so tiles re-read `consumerFor()`. */
  version: number;
}

export type MediaEngineEvents = { change: [] };

export interface MediaEngineHost {
  request: Requester;
  policy: ReconnectPolicy;
  state(): MeetingState | null;
  /** The role as far as known (the snapshot's, else the sign-in grant's). */
  role(): Role | undefined;
  /** The signalling link is up and in sync. */
  linkUp(): boolean;
  /** Resolves when the link is back (the session's resync then repairs media itself). */
  waitLink(): Promise<void>;
}

const PRODUCER_ROLES = new Set<Role>(['site', 'admin', 'chair']);
const QUALITY_SAMPLE_MS = 3000;

export class MediaEngine extends Emitter<MediaEngineEvents> {
  readonly #host: MediaEngineHost;
  #media: MediaSession | null = null;
  #starting: Promise<MediaSession> | null = null;
  #view: MediaEngineView = {
    status: 'idle',
    local: { micOn: false, cameraOn: true, sharing: false, micProducerPaused: true },
    quality: { level: 'unknown', rttMs: null, lossPct: null, protocol: null },
    version: 0,
  };
  readonly #tracks: Record<MediaSource, MediaStreamTrack | null> = {
    mic: null,
    camera: null,
    screen: null,
  };
  #receiving = false;
  #visible = new Set<string>();
  #iceTimer: ReturnType<typeof setTimeout> | null = null;
  #iceRecovering = false;
  #qualityTimer: ReturnType<typeof setInterval> | null = null;
  #reconcileChain: Promise<void> = Promise.resolve();
  #reconcileQueued = false;
  /** Media ended for good (the meeting closed): nothing starts again. */
  #shutDown = false;
  /** The site wants its mic open as soon as the hub allows it (see `stepMicWish`). */
  #micWish = false;

  constructor(host: MediaEngineHost) {
    super();
    this.#host = host;
  }

  get view(): MediaEngineView {
    return this.#view;
  }

  /** The transports and consumers (tiles read tracks from it); null before media starts. */
  get session(): MediaSession | null {
    return this.#media;
  }

  get visibleSiteIds(): string[] {
    return [...this.#visible];
  }

  canProduce(): boolean {
    const role = this.#host.role();
    return role !== undefined && PRODUCER_ROLES.has(role);
  }

  // --- sending ------------------------------------------------------------------------------------

  /** Sets the local tracks (from the lobby) and sends them when the role may produce. */
  async publish(tracks: {
    mic: MediaStreamTrack | null;
    camera: MediaStreamTrack | null;
  }): Promise<void> {
    if (this.#shutDown) return;
    this.#tracks.mic = tracks.mic;
    this.#tracks.camera = tracks.camera;
    if (!this.canProduce()) return;
    const media = await this.#ensureMedia();
    await this.#produceAll(media);
  }

  /** Replaces a device (camera/mic switch) without renegotiation. */
  async replaceTrack(source: 'mic' | 'camera', track: MediaStreamTrack | null): Promise<void> {
    if (this.#shutDown) return;
    if (this.#tracks[source] === track && (!track || this.#media?.producer(source))) return;
    this.#tracks[source] = track;
    const media = this.#media;
    if (!media || !this.canProduce()) return;
    if (!track) {
      await media.closeProducer(source);
      return;
    }
    if (media.producer(source)) await media.replaceTrack(source, track);
    else await this.#produceAll(media);
  }

  async setMic(on: boolean): Promise<void> {
    const state = this.#host.state();
    if (on && state && !mayOpenMic(state)) {
      // The hub closed this mic (no floor, or the chair muted it): never reopen it ourselves.
      this.#patchLocal({ micOn: false });
      return;
    }
    this.#patchLocal({ micOn: on });
    const media = this.#media;
    if (!media?.producer('mic')) return;
    try {
      const paused = await media.setProducerPaused('mic', !on);
      this.#patchLocal({ micProducerPaused: paused, micOn: !paused });
    } catch (err) {
      this.#patchLocal({ micOn: false, micProducerPaused: true });
      throw err;
    }
  }

  async setCamera(on: boolean): Promise<void> {
    this.#patchLocal({ cameraOn: on });
    const media = this.#media;
    if (!media?.producer('camera')) return;
    await media.setProducerPaused('camera', !on);
  }

  async shareScreen(track: MediaStreamTrack | null): Promise<void> {
    const media = await this.#ensureMedia();
    if (!track) {
      this.#tracks.screen = null;
      await media.closeProducer('screen');
      this.#patchLocal({ sharing: false });
      return;
    }
    this.#tracks.screen = track;
    track.addEventListener('ended', () => {
      if (this.#tracks.screen === track) void this.shareScreen(null);
    });
    await media.produce('screen', track);
    this.#patchLocal({ sharing: true });
  }

  // --- receiving ----------------------------------------------------------------------------------

  /** Starts receiving (the meeting screen is shown). */
  async receive(): Promise<void> {
    if (this.#shutDown) return;
    this.#receiving = true;
    await this.#ensureMedia();
    this.queueReconcile();
  }

  /** Site tiles on screen in the chair's grid (IntersectionObserver). */
  setVisibleSites(siteIds: Iterable<string>): void {
    const next = new Set(siteIds);
    if (next.size === this.#visible.size && [...next].every((id) => this.#visible.has(id))) return;
    this.#visible = next;
    this.queueReconcile();
  }

  /** The send transport's selected candidate pair, once ICE connects (lobby check). */
  async connectivityCheck(timeoutMs: number): Promise<SelectedPair | null> {
    const media = await this.#ensureMedia();
    const direction =
      this.canProduce() && (this.#tracks.mic || this.#tracks.camera) ? 'send' : 'recv';
    if (direction === 'recv') {
      this.#receiving = true;
      this.queueReconcile();
    }
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const state = media.connectionStates()[direction];
      if (state === 'connected') {
        const pair = await media.selectedPair(direction);
        if (pair) {
          this.#patch({ quality: { ...this.#view.quality, protocol: pair.protocol } });
          return pair;
        }
      }
      if (state === 'failed') return null;
      await sleep(250);
    }
    return null;
  }

  // --- the hub's word -----------------------------------------------------------------------------

  /**
   * The user accepted the chair's ask-to-unmute: open the mic once the hub allows it (at once if
   * it already does).
   */
  async acceptUnmute(): Promise<void> {
    const state = this.#host.state();
    if (state && mayOpenMic(state)) {
      this.#micWish = false;
      await this.setMic(true);
      return;
    }
    this.#micWish = true;
  }

  /** A push, after the session applied it to the state (`prev` → `next`). */
  onPush<E extends S2CEventName>(
    event: E,
    payload: S2CPayload<E>,
    prev: MeetingState,
    next: MeetingState,
  ): void {
    const media = this.#media;
    const wish = stepMicWish(prev, next, this.#micWish);
    this.#micWish = wish.pending;
    // Given the floor (or accepted the chair's ask): open the mic, once, now the hub allows it.
    if (wish.open && this.#tracks.mic) void this.setMic(true).catch(() => {});
    switch (event) {
      case 'media:producerClosed':
        media?.dropByProducer((payload as S2CPayload<'media:producerClosed'>).producerId);
        break;
      case 'media:consumerClosed':
        media?.dropByConsumerId((payload as S2CPayload<'media:consumerClosed'>).consumerId);
        break;
      case 'media:layersWanted': {
        const p = payload as S2CPayload<'media:layersWanted'>;
        void media?.setLayersWanted(p.producerId, p.layers);
        break;
      }
      case 'media:producerPaused': {
        const p = payload as S2CPayload<'media:producerPaused'>;
        if (media?.producerIds().includes(p.producerId)) {
          media.mirrorServerPause(p.producerId, p.paused);
          if (media.producer('mic')?.id === p.producerId)
            this.#patchLocal({ micProducerPaused: p.paused, micOn: !p.paused });
        }
        break;
      }
      case 'moderation:muted':
        if (next.you.role === 'site' && !mayOpenMic(next) && media?.producer('mic')) {
          media.mirrorServerPause(media.producer('mic')!.id, true);
          this.#patchLocal({ micOn: false, micProducerPaused: true });
        }
        break;
      case 'mic:allowed':
        if (!(payload as S2CPayload<'mic:allowed'>).allowed)
          this.#patchLocal({ micOn: false, micProducerPaused: true });
        break;
      case 'media:reset':
        // The hub lost this meeting's media worker, or only this peer's (its node, a pipe, a
        // transport the SFU closed under it: 'transportlost'): negotiate everything again.
        if (media) {
          this.#patch({ status: 'reconnecting' });
          void this.#rebuild()
            .then(() => this.queueReconcile())
            .catch(() => this.#patch({ status: 'failed' }));
        }
        break;
      default:
        break;
    }
    if (
      event === 'media:newProducer' ||
      event === 'media:producerPaused' ||
      event === 'floor:updated' ||
      event === 'media:producerClosed'
    ) {
      this.queueReconcile();
    }
  }

  /** The signalling link dropped: media waits for the resync. */
  linkDown(): void {
    this.#patch({ status: this.#media ? 'reconnecting' : 'idle' });
  }

  /** After a reconnect's fresh snapshot: repair the transports, or rebuild them if ours are gone. */
  async resync(): Promise<void> {
    const media = this.#media;
    if (!media) return;
    this.#patch({ status: 'reconnecting' });
    const snapProducers = new Set(this.#host.state()?.producers.map((p) => p.producerId));
    const ownLost = media.producerIds().some((id) => !snapProducers.has(id));
    let rebuilt = false;
    if (ownLost) {
      await this.#rebuild();
      rebuilt = true;
    } else {
      try {
        await media.restartIce();
      } catch {
        await this.#rebuild();
        rebuilt = true;
      }
    }
    if (!rebuilt) {
      // Consumers of producers that vanished while we were away.
      for (const c of media.consumers())
        if (!snapProducers.has(c.producerId)) media.dropByProducer(c.producerId);
    }
    this.queueReconcile();
  }

  startSampling(): void {
    this.#qualityTimer ??= setInterval(() => void this.#sampleQuality(), QUALITY_SAMPLE_MS);
  }

  /** The meeting closed: stop sending and receiving, and never start again. */
  shutDown(): void {
    this.#shutDown = true;
    this.#tracks.mic = null;
    this.#tracks.camera = null;
    this.#tracks.screen = null;
    this.#micWish = false;
    this.close();
    this.#patchLocal({ micOn: false, micProducerPaused: true, sharing: false });
  }

  close(): void {
    if (this.#iceTimer) clearTimeout(this.#iceTimer);
    if (this.#qualityTimer) clearInterval(this.#qualityTimer);
    this.#iceTimer = null;
    this.#qualityTimer = null;
    this.#media?.close();
    this.#media = null;
    this.#patch({ status: 'idle' });
  }

  // --- transports ---------------------------------------------------------------------------------

  #ensureMedia(): Promise<MediaSession> {
    if (this.#shutDown) return Promise.reject(new Error('media ended'));
    if (this.#media && !this.#media.closed) return Promise.resolve(this.#media);
    this.#starting ??= (async () => {
      this.#patch({ status: 'connecting' });
      const media = await MediaSession.create(this.#host.request);
      media.on('connectionstate', () => this.#onIceState(media));
      media.on('consumerschanged', () => this.#bump());
      media.on('producerschanged', () => this.#bump());
      this.#media = media;
      return media;
    })();
    return this.#starting.finally(() => {
      this.#starting = null;
    });
  }

  async #rebuild(): Promise<void> {
    this.#media?.close();
    this.#media = null;
    this.#starting = null;
    const media = await this.#ensureMedia();
    if (this.canProduce()) await this.#produceAll(media);
    if (this.#tracks.screen && this.#tracks.screen.readyState === 'live')
      await media.produce('screen', this.#tracks.screen);
  }

  async #produceAll(media: MediaSession): Promise<void> {
    const { mic, camera } = this.#tracks;
    const state = this.#host.state();
    const local = this.#view.local;
    if (camera && camera.readyState === 'live' && !media.producer('camera')) {
      await media.produce('camera', camera, { paused: !local.cameraOn });
      if (!local.cameraOn) await media.setProducerPaused('camera', true).catch(() => {});
    }
    if (mic && mic.readyState === 'live' && !media.producer('mic')) {
      // Sites start muted unless the server lets their mic through; the chair starts live.
      const allowed = state ? mayOpenMic(state) : true;
      // A holder re-sending after a rebuild keeps talking; one only asked to unmute has not
      // accepted yet.
      const wantOn =
        allowed &&
        (state?.you.role !== 'site' ||
          this.#view.local.micOn ||
          (state.floor.holder?.siteId === state.you.siteId && !state.askedToUnmute));
      const producer = await media.produce('mic', mic, { paused: !wantOn });
      // The hub may still create it paused (no floor): show what it enforces.
      this.#patchLocal({ micOn: !producer.paused, micProducerPaused: producer.paused });
    }
  }

  #onIceState(media: MediaSession): void {
    const states = Object.values(media.connectionStates()).filter((s) => s !== null);
    const bad = states.some((s) => s === 'failed' || s === 'disconnected');
    const allConnected = states.length > 0 && states.every((s) => s === 'connected');
    if (allConnected) {
      if (this.#iceTimer) clearTimeout(this.#iceTimer);
      this.#iceTimer = null;
      this.#patch({ status: 'connected' });
      return;
    }
    if (!bad) return;
    this.#patch({ status: 'reconnecting' });
    const failed = states.includes('failed');
    if (this.#iceTimer) clearTimeout(this.#iceTimer);
    // "disconnected" often heals by itself within a few seconds; "failed" never does.
    this.#iceTimer = setTimeout(() => void this.#recoverIce(), failed ? 0 : 2500);
  }

  async #recoverIce(): Promise<void> {
    if (this.#iceRecovering) return;
    this.#iceRecovering = true;
    const started = Date.now();
    let attempt = 0;
    try {
      while (this.#media && !this.#media.closed) {
        const states = Object.values(this.#media.connectionStates()).filter((s) => s !== null);
        if (states.every((s) => s === 'connected')) return;
        if (!this.#host.linkUp()) {
          await this.#host.waitLink(); // the socket reconnect repairs media in its resync
          continue;
        }
        try {
          if (attempt >= 3) await this.#rebuild();
          else await this.#media.restartIce();
        } catch {
          // fall through to the wait and the next attempt
        }
        const delay = this.#host.policy.nextRetryDelayMs({
          retryCount: attempt,
          elapsedMs: Date.now() - started,
        });
        if (delay === null) {
          this.#patch({ status: 'failed' });
          return;
        }
        attempt++;
        await sleep(Math.max(delay, 3000));
      }
    } catch {
      // the session ended while waiting for the link
    } finally {
      this.#iceRecovering = false;
    }
  }

  // --- consumers ----------------------------------------------------------------------------------

  queueReconcile(): void {
    if (this.#reconcileQueued) return;
    this.#reconcileQueued = true;
    this.#reconcileChain = this.#reconcileChain.then(async () => {
      this.#reconcileQueued = false;
      try {
        await this.#reconcile();
      } catch (err) {
        console.warn('[giaoban] reconcile', err);
      }
    });
  }

  async #reconcile(): Promise<void> {
    const state = this.#host.state();
    const media = this.#media;
    if (!state || !media || media.closed || !this.#receiving) return;
    if (!this.#host.linkUp()) return;
    await reconcileConsumers(media, state, this.#visible);
  }

  // --- quality and debug --------------------------------------------------------------------------

  async #sampleQuality(): Promise<void> {
    const media = this.#media;
    if (!media || media.closed) return;
    try {
      const q = await media.quality();
      this.#patch({
        quality: {
          ...this.#view.quality,
          level: qualityLevel(q),
          rttMs: q.rttMs,
          lossPct: q.lossPct,
        },
      });
    } catch {
      // stats are best effort
    }
  }

  inboundStats(): Promise<Record<string, unknown>[]> {
    return this.#media ? inboundStats(this.#media) : Promise.resolve([]);
  }

  /** Transports, producers and consumers, for `window.__giaoban`. */
  debug(): Record<string, unknown> {
    return mediaDebug(this.#media);
  }

  // --- view ---------------------------------------------------------------------------------------

  #patch(patch: Partial<MediaEngineView>): void {
    this.#view = { ...this.#view, ...patch };
    this.emit('change');
  }

  #patchLocal(patch: Partial<LocalView>): void {
    this.#patch({ local: { ...this.#view.local, ...patch } });
  }

  #bump(): void {
    this.#patch({ version: this.#view.version + 1 });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
