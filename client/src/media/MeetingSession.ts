import type {
  C2SEventName,
  C2SPayload,
  C2SResponses,
  MediaSource,
  ServerToClientEvents,
  Snapshot,
} from '@giaoban/shared';
import type { AuthStore } from '../AuthStore';
import type { ClientErrorCode } from '../api';
import { defaultReconnectPolicy, type ReconnectPolicy } from '../lib/backoff';
import { type ConsumeContext, consumePlan } from '../lib/consumePolicy';
import { Emitter } from '../lib/Emitter';
import { applyPush, fromSnapshot, type MeetingState } from '../lib/meetingState';
import { mayOpenMic, shouldAutoOpenMic } from '../lib/micPolicy';
import { SERVER_EVENTS } from '../lib/serverEvents';
import {
  createSignalSocket,
  makeRequester,
  RequestError,
  type Requester,
  type SignalSocket,
} from '../socket';
import { MediaSession, type SelectedPair } from './MediaSession';

/**
 * One participant's presence in one meeting: the signalling socket, the media session, the state
 * from the server, and reconnection. React hooks subscribe to `view()`; the class keeps what the
 * user did (device choices, mic/camera wishes, actions sent while offline) across reconnects.
 */

export type ConnectionStatus =
  | 'idle'
  | 'connecting'
  | 'connected'
  | 'reconnecting'
  | 'failed'
  | 'removed'
  | 'left';
export type MediaStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed';
export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

export interface ConnectionView {
  status: ConnectionStatus;
  media: MediaStatus;
  /** Retry number being waited for (1-based) while reconnecting. */
  attempt: number;
  nextRetryAt: number | null;
  lastError: ClientErrorCode | null;
  /** Set after a successful reconnect, for a short "restored" notice. */
  restoredAt: number | null;
  /** The hub closed this connection because the same participant connected elsewhere. */
  replaced?: boolean;
}

export interface LocalView {
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  micProducerPaused: boolean;
}

export interface QualityView {
  level: QualityLevel;
  rttMs: number | null;
  lossPct: number | null;
  protocol: SelectedPair['protocol'] | null;
}

export interface SessionView {
  connection: ConnectionView;
  state: MeetingState | null;
  local: LocalView;
  quality: QualityView;
  /** Bumped whenever consumers change, so tiles re-read `consumerFor()`. */
  mediaVersion: number;
}

export type MeetingSessionEvents = { change: [] };

const STAFF_PRODUCERS = new Set(['admin', 'chair']);

export class MeetingSession extends Emitter<MeetingSessionEvents> {
  readonly meetingId: string;
  readonly #auth: AuthStore;
  readonly #policy: ReconnectPolicy;
  readonly #socket: SignalSocket;
  readonly #request: Requester;
  #media: MediaSession | null = null;
  #mediaStarting: Promise<MediaSession> | null = null;
  #view: SessionView;
  #tracks: {
    mic: MediaStreamTrack | null;
    camera: MediaStreamTrack | null;
    screen: MediaStreamTrack | null;
  } = {
    mic: null,
    camera: null,
    screen: null,
  };
  #receiving = false;
  #visible = new Set<string>();
  #dropAt = 0;
  #retryCount = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #iceTimer: ReturnType<typeof setTimeout> | null = null;
  #iceRecovering = false;
  #qualityTimer: ReturnType<typeof setInterval> | null = null;
  #reconcileChain: Promise<void> = Promise.resolve();
  #reconcileQueued = false;
  #ready: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void };
  #expectedDisconnect = false;
  /** Left the lobby: joins are real joins (a site's attendance runs) from now on. */
  #entered = false;
  /** The hub said the access token expired: renew it before the next connection attempt. */
  #mustRenew = false;

  constructor(opts: {
    meetingId: string;
    auth: AuthStore;
    policy?: ReconnectPolicy;
    url?: string;
    /** Injected in unit tests; the browser uses the real Socket.IO client. */
    socket?: SignalSocket;
  }) {
    super();
    this.meetingId = opts.meetingId;
    this.#auth = opts.auth;
    this.#policy = opts.policy ?? defaultReconnectPolicy();
    this.#socket =
      opts.socket ?? createSignalSocket({ url: opts.url, token: opts.auth.accessToken() ?? '' });
    // A function, so every (re)connect presents the freshest access token.
    this.#socket.auth = (cb) => cb({ token: this.#auth.accessToken() ?? '' });
    this.#request = makeRequester(this.#socket);
    this.#ready = deferred();
    this.#view = {
      connection: {
        status: 'idle',
        media: 'idle',
        attempt: 0,
        nextRetryAt: null,
        lastError: null,
        restoredAt: null,
      },
      state: null,
      local: { micOn: false, cameraOn: true, sharing: false, micProducerPaused: true },
      quality: { level: 'unknown', rttMs: null, lossPct: null, protocol: null },
      mediaVersion: 0,
    };
    this.#wireSocket();
    // The OS says the network is back: retry now instead of waiting out the backoff.
    globalThis.addEventListener?.('online', this.#onOnline);
  }

  #onOnline = (): void => {
    this.retryNow();
  };

  // --- public API -------------------------------------------------------------------------------

  view = (): SessionView => this.#view;

  subscribe = (listener: () => void): (() => void) => this.on('change', listener);

  get media(): MediaSession | null {
    return this.#media;
  }

  /** Connects and joins; resolves with the first snapshot. */
  async start(): Promise<MeetingState> {
    if (this.#view.state) return this.#view.state;
    this.#setConnection({ status: 'connecting' });
    try {
      await this.#connectOnce();
      await this.#join();
    } catch (err) {
      // Hub unreachable at first: keep trying with the backoff instead of giving up at once.
      if (!(err instanceof RequestError) || (err.code !== 'NETWORK' && err.code !== 'TIMEOUT'))
        throw err;
      this.#onDrop();
      await this.#ready.promise;
    }
    this.#qualityTimer ??= setInterval(() => void this.#sampleQuality(), 3000);
    return this.#view.state!;
  }

  /**
   * Leaves the lobby for the meeting. Until then the hub holds this connection in the lobby
   * (media checks allowed, no attendance); from now on every (re)join enters the meeting.
   */
  async enter(): Promise<void> {
    if (this.#entered) return;
    this.#entered = true;
    // Not connected: the reconnect's resync joins for real.
    if (this.#view.connection.status === 'connected') await this.#join();
  }

  /** A user action: sent now when connected, else after the reconnect's resync (not lost). */
  async act<E extends C2SEventName>(event: E, payload: C2SPayload<E>): Promise<C2SResponses[E]> {
    if (this.#view.connection.status !== 'connected') await this.#ready.promise;
    let result: C2SResponses[E];
    try {
      result = await this.#request(event, payload);
    } catch (err) {
      if (!(err instanceof RequestError && (err.code === 'NETWORK' || err.code === 'TIMEOUT')))
        throw err;
      // The link dropped mid-request: wait for the resync and try once more.
      await this.#ready.promise;
      result = await this.#request(event, payload);
    }
    this.#applyAck(event, result);
    return result;
  }

  /** Applies an ack's data at once, so the UI does not wait for the matching broadcast. */
  #applyAck(event: C2SEventName, data: unknown): void {
    const state = this.#view.state;
    if (!state || data === null || data === undefined) return;
    let next = state;
    const now = Date.now();
    if (
      event === 'meeting:transition' ||
      event.startsWith('agenda:') ||
      event === 'moderation:lock'
    ) {
      next = applyPush(state, 'meeting:updated', data as C2SResponses['agenda:next'], now);
    } else if (event.startsWith('floor:')) {
      next = applyPush(state, 'floor:updated', data as C2SResponses['floor:grant'], now);
    } else if (event === 'attendance:mark') {
      next = applyPush(state, 'attendance:updated', data as C2SResponses['attendance:mark'], now);
    } else if (event === 'attendance:table') {
      next = { ...state, attendance: data as C2SResponses['attendance:table'] };
    } else if (event === 'rollcall:start') {
      next = applyPush(state, 'rollcall:started', data as C2SResponses['rollcall:start'], now);
    } else if (event === 'rollcall:close') {
      next = applyPush(state, 'rollcall:closed', data as C2SResponses['rollcall:close'], now);
    } else if (event === 'rollcall:answer' && state.rollCall) {
      const a = data as C2SResponses['rollcall:answer'];
      next = applyPush(state, 'rollcall:answered', { ...a, rollCallId: state.rollCall.id }, now);
    }
    if (next !== state) {
      this.#view = { ...this.#view, state: next };
      this.emit('change');
    }
  }

  /** Sets the local tracks (from the lobby) and sends them when the role may produce. */
  async publish(tracks: {
    mic: MediaStreamTrack | null;
    camera: MediaStreamTrack | null;
  }): Promise<void> {
    this.#tracks.mic = tracks.mic;
    this.#tracks.camera = tracks.camera;
    if (!this.#canProduce()) return;
    const media = await this.#ensureMedia();
    await this.#produceAll(media);
  }

  /** Replaces a device (camera/mic switch) without renegotiation. */
  async replaceTrack(source: 'mic' | 'camera', track: MediaStreamTrack | null): Promise<void> {
    if (this.#tracks[source] === track && (!track || this.#media?.producer(source))) return;
    this.#tracks[source] = track;
    const media = this.#media;
    if (!media || !this.#canProduce()) return;
    if (!track) {
      await media.closeProducer(source);
      return;
    }
    if (media.producer(source)) await media.replaceTrack(source, track);
    else await this.#produceAll(media);
  }

  /** Starts receiving (the meeting screen is shown). */
  async receive(): Promise<void> {
    this.#receiving = true;
    await this.#ensureMedia();
    this.#queueReconcile();
  }

  /** The send transport's selected candidate pair, once ICE connects (lobby check). */
  async connectivityCheck(timeoutMs = 15_000): Promise<SelectedPair | null> {
    const media = await this.#ensureMedia();
    const direction =
      this.#canProduce() && (this.#tracks.mic || this.#tracks.camera) ? 'send' : 'recv';
    if (direction === 'recv') {
      this.#receiving = true;
      this.#queueReconcile();
    }
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const state = media.connectionStates()[direction];
      if (state === 'connected') {
        const pair = await media.selectedPair(direction);
        if (pair) {
          this.#view = {
            ...this.#view,
            quality: { ...this.#view.quality, protocol: pair.protocol },
          };
          this.emit('change');
          return pair;
        }
      }
      if (state === 'failed') return null;
      await sleep(250);
    }
    return null;
  }

  async setMic(on: boolean): Promise<void> {
    if (on && this.#view.state && !mayOpenMic(this.#view.state)) {
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

  /** Site tiles on screen in the chair's grid (IntersectionObserver). */
  setVisibleSites(siteIds: Iterable<string>): void {
    const next = new Set(siteIds);
    if (next.size === this.#visible.size && [...next].every((id) => this.#visible.has(id))) return;
    this.#visible = next;
    this.#queueReconcile();
  }

  /** Skips the backoff wait (the banner's "retry now"). */
  retryNow(): void {
    if (
      this.#view.connection.status !== 'reconnecting' &&
      this.#view.connection.status !== 'failed'
    )
      return;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    if (this.#view.connection.status === 'failed') {
      this.#dropAt = Date.now();
      this.#retryCount = 0;
    }
    void this.#attempt();
  }

  async leave(): Promise<void> {
    if (this.#view.connection.status === 'left') return;
    this.#expectedDisconnect = true;
    if (this.#socket.connected) await this.#request('meeting:leave', {}, 2000).catch(() => {});
    this.#teardown('left');
  }

  // --- connection -------------------------------------------------------------------------------

  #wireSocket(): void {
    const s = this.#socket;
    s.on('disconnect', (reason) => {
      if (this.#expectedDisconnect) return;
      if (reason === 'io client disconnect') return;
      if (reason === 'io server disconnect' && this.#mustRenew) {
        // Closed because the token expired (`session:expired`): renew and come back by ourselves.
        this.#onDrop();
        return;
      }
      if (reason === 'io server disconnect' && this.#view.connection.status === 'connected') {
        // The hub closed this socket on purpose: the same site opened elsewhere replaces this
        // one. Retrying by ourselves would kick the other one out in turn, so wait for the user.
        this.#ready = deferred();
        this.#setConnection({ status: 'failed', replaced: true, nextRetryAt: null });
        return;
      }
      this.#onDrop();
    });
    for (const event of SERVER_EVENTS) {
      (s as unknown as { on(e: string, h: (p: unknown) => void): void }).on(event, (payload) =>
        this.#onPush(event, payload as never),
      );
    }
  }

  #connectOnce(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = this.#socket;
      const ok = () => {
        s.off('connect_error', fail);
        resolve();
      };
      const fail = (err: Error) => {
        s.off('connect', ok);
        reject(new RequestError('connect', toCode(err.message), err.message));
      };
      s.once('connect', ok);
      s.once('connect_error', fail);
      s.connect();
    });
  }

  async #join(): Promise<void> {
    const snap: Snapshot = await this.#request(
      'meeting:join',
      this.#entered ? { meetingId: this.meetingId } : { meetingId: this.meetingId, lobby: true },
      20_000,
    );
    this.#view = { ...this.#view, state: fromSnapshot(snap, Date.now(), this.#view.state) };
    this.#setConnection({
      status: 'connected',
      attempt: 0,
      nextRetryAt: null,
      lastError: null,
      replaced: false,
    });
    this.#ready.resolve();
  }

  #onDrop(): void {
    const status = this.#view.connection.status;
    if (status === 'left' || status === 'removed' || status === 'reconnecting') return;
    this.#ready = deferred();
    this.#dropAt = Date.now();
    this.#retryCount = 0;
    this.#setConnection({ status: 'reconnecting', media: this.#media ? 'reconnecting' : 'idle' });
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const delay = this.#policy.nextRetryDelayMs({
      retryCount: this.#retryCount,
      elapsedMs: Date.now() - this.#dropAt,
    });
    if (delay === null) {
      this.#setConnection({ status: 'failed', nextRetryAt: null });
      return;
    }
    this.#setConnection({
      status: 'reconnecting',
      attempt: this.#retryCount + 1,
      nextRetryAt: Date.now() + delay,
    });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#attempt();
    }, delay);
  }

  async #attempt(): Promise<void> {
    this.#retryCount++;
    const session = this.#auth.session;
    if (this.#mustRenew || (session && session.expiresAt - Date.now() < 10_000)) {
      this.#mustRenew = false;
      await this.#auth.renew();
    }
    try {
      if (!this.#socket.connected) await this.#connectOnce();
      await this.#resync();
    } catch (err) {
      const code = err instanceof RequestError ? err.code : 'NETWORK';
      if (code === 'TOKEN_EXPIRED') await this.#auth.renew();
      if (code === 'REMOVED' || code === 'FORBIDDEN' || code === 'UNAUTHENTICATED') {
        this.#setConnection({ lastError: code });
        this.#teardown(code === 'REMOVED' ? 'removed' : 'failed');
        return;
      }
      this.#setConnection({ lastError: code });
      if (this.#socket.connected) this.#socket.disconnect();
      this.#scheduleRetry();
    }
  }

  /** After a reconnect: fresh snapshot, media repaired or rebuilt, pending actions released. */
  async #resync(): Promise<void> {
    await this.#join();
    this.#setConnection({ restoredAt: Date.now() });
    const media = this.#media;
    if (media) {
      this.#setConnection({ media: 'reconnecting' });
      const snapProducers = new Set(this.#view.state?.producers.map((p) => p.producerId));
      const ownLost = media.producerIds().some((id) => !snapProducers.has(id));
      let rebuilt = false;
      if (ownLost) {
        await this.#rebuildMedia();
        rebuilt = true;
      } else {
        try {
          await media.restartIce();
        } catch {
          await this.#rebuildMedia();
          rebuilt = true;
        }
      }
      if (!rebuilt) {
        // Consumers of producers that vanished while we were away.
        for (const c of media.consumers())
          if (!snapProducers.has(c.producerId)) media.dropByProducer(c.producerId);
      }
      this.#queueReconcile();
    }
  }

  async #rebuildMedia(): Promise<void> {
    this.#media?.close();
    this.#media = null;
    this.#mediaStarting = null;
    const media = await this.#ensureMedia();
    if (this.#canProduce()) await this.#produceAll(media);
    if (this.#tracks.screen && this.#tracks.screen.readyState === 'live')
      await media.produce('screen', this.#tracks.screen);
  }

  #teardown(status: ConnectionStatus): void {
    globalThis.removeEventListener?.('online', this.#onOnline);
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    if (this.#iceTimer) clearTimeout(this.#iceTimer);
    if (this.#qualityTimer) clearInterval(this.#qualityTimer);
    this.#retryTimer = null;
    this.#qualityTimer = null;
    this.#expectedDisconnect = true;
    this.#media?.close();
    this.#media = null;
    this.#socket.disconnect();
    this.#ready.reject(
      new RequestError('session', status === 'removed' ? 'REMOVED' : 'NETWORK', status),
    );
    this.#ready.promise.catch(() => {});
    this.#setConnection({ status, media: 'idle', nextRetryAt: null });
  }

  // --- pushes -----------------------------------------------------------------------------------

  #onPush<E extends keyof ServerToClientEvents>(
    event: E,
    payload: Parameters<ServerToClientEvents[E]>[0],
  ): void {
    const state = this.#view.state;
    if (!state) return;
    const next = applyPush(state, event, payload, Date.now());
    if (next !== state) {
      this.#view = { ...this.#view, state: next };
      this.emit('change');
    }
    const media = this.#media;
    switch (event) {
      case 'media:producerClosed':
        media?.dropByProducer((payload as { producerId: string }).producerId);
        break;
      case 'media:consumerClosed':
        media?.dropByConsumerId((payload as { consumerId: string }).consumerId);
        break;
      case 'media:producerPaused': {
        const p = payload as { producerId: string; paused: boolean };
        if (media?.producerIds().includes(p.producerId)) {
          media.mirrorServerPause(p.producerId, p.paused);
          if (media.producer('mic')?.id === p.producerId)
            this.#patchLocal({ micProducerPaused: p.paused, micOn: !p.paused });
        }
        break;
      }
      case 'moderation:muted':
        if (next.you.role === 'site' && !next.micAllowed && media?.producer('mic')) {
          media.mirrorServerPause(media.producer('mic')!.id, true);
          this.#patchLocal({ micOn: false, micProducerPaused: true });
        }
        break;
      case 'mic:allowed':
        if (!(payload as { allowed: boolean }).allowed)
          this.#patchLocal({ micOn: false, micProducerPaused: true });
        else if (shouldAutoOpenMic(next) && this.#tracks.mic) {
          // Given the floor: open the mic the user wants open (sites keep it "on" by default).
          void this.setMic(true).catch(() => {});
        }
        break;
      case 'session:expiring':
        void this.#refreshSocket();
        break;
      case 'session:expired':
        // The hub disconnects right after this; the disconnect handler reconnects.
        this.#mustRenew = true;
        break;
      case 'media:reset':
        // The hub lost this meeting's media worker: negotiate everything again.
        if (media) {
          this.#setConnection({ media: 'reconnecting' });
          void this.#rebuildMedia()
            .then(() => this.#queueReconcile())
            .catch(() => this.#setConnection({ media: 'failed' }));
        }
        break;
      case 'moderation:removed':
        if (next.removed) this.#teardown('removed');
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
      this.#queueReconcile();
    }
  }

  /** Token renewal per the contract: refresh, then reconnect the socket with the new token. */
  async #refreshSocket(): Promise<void> {
    if (!(await this.#auth.renew())) return;
    this.#expectedDisconnect = true;
    this.#socket.disconnect();
    this.#expectedDisconnect = false;
    this.#ready = deferred();
    try {
      await this.#connectOnce();
      await this.#resync();
    } catch {
      this.#onDrop();
    }
  }

  // --- media ------------------------------------------------------------------------------------

  #canProduce(): boolean {
    const role = this.#view.state?.you.role ?? this.#auth.session?.grant.role;
    return role === 'site' || (role !== undefined && STAFF_PRODUCERS.has(role));
  }

  #ensureMedia(): Promise<MediaSession> {
    if (this.#media && !this.#media.closed) return Promise.resolve(this.#media);
    this.#mediaStarting ??= (async () => {
      this.#setConnection({ media: 'connecting' });
      const media = await MediaSession.create(this.#request);
      media.on('connectionstate', () => this.#onIceState(media));
      media.on('consumerschanged', () => this.#bumpMedia());
      media.on('producerschanged', () => this.#bumpMedia());
      this.#media = media;
      return media;
    })();
    return this.#mediaStarting.finally(() => {
      this.#mediaStarting = null;
    });
  }

  async #produceAll(media: MediaSession): Promise<void> {
    const { mic, camera } = this.#tracks;
    const state = this.#view.state;
    if (camera && camera.readyState === 'live' && !media.producer('camera')) {
      await media.produce('camera', camera, { paused: !this.#view.local.cameraOn });
      if (!this.#view.local.cameraOn) await media.setProducerPaused('camera', true).catch(() => {});
    }
    if (mic && mic.readyState === 'live' && !media.producer('mic')) {
      // Sites start muted unless the server lets their mic through; the chair starts live.
      const allowed = state ? mayOpenMic(state) : true;
      const wantOn =
        allowed &&
        (state?.you.role !== 'site' ||
          this.#view.local.micOn ||
          state.floor.holder?.siteId === state.you.siteId);
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
      this.#setConnection({ media: 'connected' });
      return;
    }
    if (!bad) return;
    this.#setConnection({ media: 'reconnecting' });
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
        if (this.#view.connection.status !== 'connected') {
          await this.#ready.promise; // the socket reconnect will repair media in its resync
          continue;
        }
        try {
          if (attempt >= 3) await this.#rebuildMedia();
          else await this.#media.restartIce();
        } catch {
          // fall through to the wait and the next attempt
        }
        const delay = this.#policy.nextRetryDelayMs({
          retryCount: attempt,
          elapsedMs: Date.now() - started,
        });
        if (delay === null) {
          this.#setConnection({ media: 'failed' });
          return;
        }
        attempt++;
        await sleep(Math.max(delay, 3000));
      }
    } finally {
      this.#iceRecovering = false;
    }
  }

  #queueReconcile(): void {
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

  /** Brings consumers in line with the consume policy (what to receive, paused or not, layer). */
  async #reconcile(): Promise<void> {
    const state = this.#view.state;
    const media = this.#media;
    if (!state || !media || media.closed || !this.#receiving) return;
    if (this.#view.connection.status !== 'connected') return;
    const spotlight = state.floor.spotlight;
    const ctx: ConsumeContext = {
      role: state.you.role,
      myPeerId: state.you.peerId,
      chairAccountId: state.meeting.chairId,
      holderSiteId: state.floor.holder?.siteId ?? null,
      spotlightSiteId:
        spotlight.kind === 'site' ? spotlight.siteId : (state.floor.holder?.siteId ?? null),
      visibleSiteIds: this.#visible,
    };
    const plan = consumePlan(state.producers, ctx);
    const jobs: Promise<unknown>[] = [];
    for (const p of state.producers) {
      const intent = plan.get(p.producerId);
      const existing = media.consumerFor(p.producerId);
      if (!intent) {
        if (existing && !existing.paused) jobs.push(media.pause(p.producerId));
        continue;
      }
      if (!existing) {
        jobs.push(media.consume(p, intent));
        continue;
      }
      if (intent.spatialLayer !== null)
        jobs.push(media.setLayer(p.producerId, intent.spatialLayer));
      if (intent.active && existing.paused) jobs.push(media.resume(p.producerId));
      if (!intent.active && !existing.paused) jobs.push(media.pause(p.producerId));
    }
    const results = await Promise.allSettled(jobs);
    for (const r of results) if (r.status === 'rejected') console.warn('[giaoban] media', r.reason);
  }

  async #sampleQuality(): Promise<void> {
    const media = this.#media;
    if (!media || media.closed) return;
    try {
      const q = await media.quality();
      const level: QualityLevel =
        q.rttMs === null && q.lossPct === null
          ? 'unknown'
          : (q.rttMs ?? 0) < 200 && (q.lossPct ?? 0) < 2
            ? 'good'
            : (q.rttMs ?? 0) < 500 && (q.lossPct ?? 0) < 8
              ? 'fair'
              : 'poor';
      this.#view = {
        ...this.#view,
        quality: { ...this.#view.quality, level, rttMs: q.rttMs, lossPct: q.lossPct },
      };
      this.emit('change');
    } catch {
      // stats are best effort
    }
  }

  // --- view helpers -----------------------------------------------------------------------------

  #setConnection(patch: Partial<ConnectionView>): void {
    this.#view = { ...this.#view, connection: { ...this.#view.connection, ...patch } };
    this.emit('change');
  }

  #patchLocal(patch: Partial<LocalView>): void {
    this.#view = { ...this.#view, local: { ...this.#view.local, ...patch } };
    this.emit('change');
  }

  #bumpMedia(): void {
    this.#view = { ...this.#view, mediaVersion: this.#view.mediaVersion + 1 };
    this.emit('change');
  }

  /**
   * Per-consumer receive stats (from each consumer's RTCRtpReceiver), for tests and support:
   * proves which site's or the chair's media this browser actually decodes.
   */
  async inboundStats(): Promise<Record<string, unknown>[]> {
    const media = this.#media;
    if (!media) return [];
    const out: Record<string, unknown>[] = [];
    for (const c of media.consumers()) {
      const report = await c.consumer.getStats().catch(() => null);
      let inbound: Record<string, unknown> | null = null;
      report?.forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp') inbound = s;
      });
      const r = (inbound ?? {}) as Record<string, unknown>;
      out.push({
        consumerId: c.consumer.id,
        producerId: c.producerId,
        peerId: c.peerId,
        siteId: c.siteId,
        kind: c.kind,
        source: c.source,
        paused: c.paused,
        packetsReceived: r.packetsReceived ?? 0,
        bytesReceived: r.bytesReceived ?? 0,
        framesDecoded: r.framesDecoded ?? null,
        frameWidth: r.frameWidth ?? null,
        frameHeight: r.frameHeight ?? null,
        totalAudioEnergy: r.totalAudioEnergy ?? null,
        trackIdentifier: r.trackIdentifier ?? null,
      });
    }
    return out;
  }

  /** Debug view for tests (window.__giaoban). */
  debug(): Record<string, unknown> {
    const media = this.#media;
    return {
      meetingId: this.meetingId,
      connection: this.#view.connection,
      quality: this.#view.quality,
      you: this.#view.state?.you ?? null,
      floor: this.#view.state?.floor ?? null,
      local: this.#view.local,
      visibleSiteIds: [...this.#visible],
      transports: media?.connectionStates() ?? null,
      producers: media
        ? (['mic', 'camera', 'screen'] as MediaSource[])
            .map((s) => media.producer(s))
            .filter((p) => p !== undefined)
            .map((p) => ({
              id: p.id,
              kind: p.kind,
              source: (p.appData as { source?: string }).source,
              paused: p.paused,
            }))
        : [],
      consumers: (media?.consumers() ?? []).map((c) => ({
        consumerId: c.consumer.id,
        producerId: c.producerId,
        peerId: c.peerId,
        siteId: c.siteId,
        kind: c.kind,
        source: c.source,
        paused: c.paused,
        spatialLayer: c.spatialLayer,
        trackId: c.consumer.track.id,
        mid: c.consumer.rtpParameters.mid ?? null,
      })),
    };
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const CODES = new Set<string>([
  'UNAUTHENTICATED',
  'TOKEN_EXPIRED',
  'FORBIDDEN',
  'MEETING_LOCKED',
  'REMOVED',
  'RATE_LIMITED',
  'NOT_FOUND',
]);

function toCode(message: string): ClientErrorCode {
  return CODES.has(message) ? (message as ClientErrorCode) : 'NETWORK';
}
