import type { C2SEventName, C2SPayload, C2SResponses, Snapshot } from '@giaoban/shared';
import type { AuthStore } from '../AuthStore';
import { defaultReconnectPolicy, type ReconnectPolicy } from '../lib/backoff';
import { Emitter } from '../lib/Emitter';
import { applyPush, closedMeeting, fromSnapshot, type MeetingState } from '../lib/meetingState';
import { applyAck, pushesForAck } from './ackPushes';
import { Gate } from './Gate';
import { MediaEngine } from './MediaEngine';
import type { MediaSession, SelectedPair } from './MediaSession';
import { type AttemptOutcome, Reconnector, type ReconnectorState } from './Reconnector';
import { isLinkError, RequestError } from './RequestError';
import {
  type S2CEventName,
  type S2CPayload,
  SignalClient,
  type SignalSocket,
} from './SignalClient';
import type { ConnectionStatus, ConnectionView, SessionView } from './types';

export type {
  ConnectionStatus,
  ConnectionView,
  LocalView,
  MediaStatus,
  QualityLevel,
  QualityView,
  SessionView,
} from './types';

/**
 * One participant's presence in one meeting (LiveKit's Room): it joins through the signal client,
 * keeps the meeting state from the snapshot and the pushes, lets the reconnector bring the link
 * back and resyncs, and drives the media engine. React hooks subscribe to `view()`; the class
 * keeps what the user did (device choices, mic/camera wishes, actions sent while offline) across
 * reconnects.
 */

export type MeetingSessionEvents = {
  change: [];
  /** Every push as it came (panels with their own state listen: the briefing, issue #14). */
  push: [event: S2CEventName, payload: unknown];
  /** Joined (again): the snapshot was applied; panels with their own state reload. */
  joined: [];
};

const FATAL_CODES = new Set(['REMOVED', 'FORBIDDEN', 'UNAUTHENTICATED']);
const JOIN_TIMEOUT_MS = 20_000;
/** Renew the access token before a reconnect when it expires within this. */
const RENEW_MARGIN_MS = 10_000;

export class MeetingSession extends Emitter<MeetingSessionEvents> {
  readonly meetingId: string;
  readonly #auth: AuthStore;
  readonly #signal: SignalClient;
  readonly #reconnector: Reconnector;
  readonly #engine: MediaEngine;
  readonly #ready = new Gate();
  #connection: Omit<ConnectionView, 'media'> = {
    status: 'idle',
    attempt: 0,
    nextRetryAt: null,
    lastError: null,
    restoredAt: null,
  };
  #state: MeetingState | null = null;
  /** Pushes received while a join is in flight (re-applied on top of its snapshot). */
  #joining: Array<[S2CEventName, unknown]> | null = null;
  #view: SessionView;
  #expectedDisconnect = false;
  /** Left the lobby: joins are real joins (a site's attendance runs) from now on. */
  #entered = false;
  /** The hub said the access token expired: renew it before the next connection attempt. */
  #mustRenew = false;
  /** Set by `session:displaced` / `session:revoked`, read when the disconnect follows. */
  #replacedBy: { device: string; at: string } | undefined;
  #revoked: ConnectionView['revoked'];

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
    const policy = opts.policy ?? defaultReconnectPolicy();
    // A function, so every (re)connect presents the freshest access token.
    this.#signal = new SignalClient({
      url: opts.url,
      socket: opts.socket,
      token: () => this.#auth.accessToken() ?? '',
    });
    this.#signal.on('disconnect', (reason) => this.#onDisconnect(reason));
    this.#signal.onPush((event, payload) => this.#onPush(event, payload));
    this.#reconnector = new Reconnector({ policy, attempt: () => this.#attempt() });
    this.#reconnector.on('state', (s) => this.#onReconnectorState(s));
    this.#engine = new MediaEngine({
      request: this.#signal.request,
      policy,
      state: () => this.#state,
      role: () => this.#state?.you.role ?? this.#auth.session?.grant.role,
      linkUp: () => this.#connection.status === 'connected',
      waitLink: () => this.#ready.wait(),
    });
    this.#engine.on('change', () => this.#render());
    this.#view = this.#compose();
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
    return this.#engine.session;
  }

  /** Connects and joins; resolves with the first snapshot. */
  async start(): Promise<MeetingState> {
    if (this.#state) return this.#state;
    this.#setConnection({ status: 'connecting' });
    try {
      await this.#signal.connect();
      await this.#join();
    } catch (err) {
      // Opened after the close, or after a removal: the end screen, not an error to retry.
      if (err instanceof RequestError && err.code === 'MEETING_CLOSED') this.#teardown('ended');
      if (err instanceof RequestError && err.code === 'REMOVED') this.#teardown('removed');
      // Hub unreachable at first: keep trying with the backoff instead of giving up at once.
      if (!isLinkError(err)) throw err;
      this.#onDrop();
      await this.#ready.wait();
    }
    this.#engine.startSampling();
    return this.#state!;
  }

  /**
   * Leaves the lobby for the meeting. Until then the hub holds this connection in the lobby
   * (media checks allowed, no attendance); from now on every (re)join enters the meeting.
   */
  async enter(): Promise<void> {
    if (this.#entered) return;
    this.#entered = true;
    // Not connected: the reconnect's resync joins for real.
    if (this.#connection.status === 'connected') await this.#join();
  }

  /** A user action: sent now when connected, else after the reconnect's resync (not lost). */
  async act<E extends C2SEventName>(event: E, payload: C2SPayload<E>): Promise<C2SResponses[E]> {
    if (this.#connection.status !== 'connected') await this.#ready.wait();
    let result: C2SResponses[E];
    try {
      try {
        result = await this.#signal.request(event, payload);
      } catch (err) {
        if (!isLinkError(err)) throw err;
        // The link dropped mid-request: wait for the resync and try once more.
        await this.#ready.wait();
        result = await this.#signal.request(event, payload);
      }
    } catch (err) {
      // Refused because the meeting is over (its `meeting:ended` was missed): end here too.
      if (err instanceof RequestError && err.code === 'MEETING_CLOSED') this.#closedByRefusal();
      throw err;
    }
    // Shown at once, so the UI does not wait for the matching broadcast.
    const before = this.#state;
    if (before) {
      this.#setState(applyAck(before, event, payload, result, Date.now()));
      if (this.#state?.meeting.state === 'closed' && before.meeting.state !== 'closed')
        this.#onMeetingClosed();
    }
    // Push listeners (the briefing panels) get the ack as the push it stands for: a site's own
    // vote answer comes only in its ack, never in a broadcast.
    for (const p of pushesForAck(event, payload, result)) this.emit('push', p.event, p.payload);
    return result;
  }

  publish(tracks: { mic: MediaStreamTrack | null; camera: MediaStreamTrack | null }) {
    return this.#engine.publish(tracks);
  }

  replaceTrack(source: 'mic' | 'camera', track: MediaStreamTrack | null): Promise<void> {
    return this.#engine.replaceTrack(source, track);
  }

  receive(): Promise<void> {
    return this.#engine.receive();
  }

  /** The send transport's selected candidate pair, once ICE connects (lobby check). */
  connectivityCheck(timeoutMs = 15_000): Promise<SelectedPair | null> {
    return this.#engine.connectivityCheck(timeoutMs);
  }

  setMic(on: boolean): Promise<void> {
    return this.#engine.setMic(on);
  }

  /**
   * The site accepts the chair's ask-to-unmute (one click): the hub answers with the site's mic
   * state, and the mic opens once that says it may (never on the chair's push alone).
   */
  async acceptUnmute(): Promise<void> {
    const mic = await this.act('mic:acceptUnmute', {});
    const state = this.#state;
    if (state?.you.siteId)
      this.#setState(
        applyPush(state, 'mic:allowed', { siteId: state.you.siteId, ...mic }, Date.now()),
      );
    return this.#engine.acceptUnmute();
  }

  setCamera(on: boolean): Promise<void> {
    return this.#engine.setCamera(on);
  }

  shareScreen(track: MediaStreamTrack | null): Promise<void> {
    return this.#engine.shareScreen(track);
  }

  setVisibleSites(siteIds: Iterable<string>): void {
    this.#engine.setVisibleSites(siteIds);
  }

  /** Skips the backoff wait (the banner's "retry now"). */
  retryNow(): void {
    const status = this.#connection.status;
    if (status !== 'reconnecting' && status !== 'failed') return;
    this.#reconnector.retryNow();
  }

  async leave(): Promise<void> {
    const status = this.#connection.status;
    // Already over (left, ended, removed): nothing left to close.
    if (status === 'left' || status === 'ended' || status === 'removed') return;
    this.#expectedDisconnect = true;
    if (this.#signal.connected)
      await this.#signal.request('meeting:leave', {}, 2000).catch(() => {});
    this.#teardown('left');
  }

  // --- connection -------------------------------------------------------------------------------

  #onDisconnect(reason: string): void {
    if (this.#expectedDisconnect) return;
    if (reason === 'io client disconnect') return;
    if (this.#revoked) {
      // Access was taken back: these tokens will not work again, never retry with them.
      this.#ready.close();
      this.#setConnection({ status: 'failed', revoked: this.#revoked, nextRetryAt: null });
      return;
    }
    if (reason === 'io server disconnect' && this.#mustRenew) {
      // Closed because the token expired (`session:expired`): renew and come back by ourselves.
      this.#onDrop();
      return;
    }
    if (reason === 'io server disconnect' && this.#connection.status === 'connected') {
      // The hub closed this socket on purpose: the same site opened elsewhere replaces this
      // one. Retrying by ourselves would kick the other one out in turn, so wait for the user.
      this.#ready.close();
      const replacedBy = this.#replacedBy;
      this.#replacedBy = undefined;
      this.#setConnection({
        status: 'failed',
        replaced: true,
        nextRetryAt: null,
        ...(replacedBy ? { replacedBy } : {}),
      });
      return;
    }
    this.#onDrop();
  }

  async #join(): Promise<void> {
    // A push can be written before the ack of a snapshot taken before it: keep the pushes that
    // come meanwhile and apply them again on top of the snapshot (the reducers are idempotent).
    const meanwhile: Array<[S2CEventName, unknown]> = [];
    this.#joining = meanwhile;
    let snap: Snapshot;
    try {
      snap = await this.#signal.request(
        'meeting:join',
        this.#entered ? { meetingId: this.meetingId } : { meetingId: this.meetingId, lobby: true },
        JOIN_TIMEOUT_MS,
      );
    } finally {
      if (this.#joining === meanwhile) this.#joining = null;
    }
    const prev = this.#state;
    let next = fromSnapshot(snap, Date.now(), this.#state);
    for (const [event, payload] of meanwhile)
      next = applyPush(next, event, payload as never, Date.now());
    this.#state = next;
    this.#setConnection({
      status: 'connected',
      attempt: 0,
      nextRetryAt: null,
      lastError: null,
      replaced: false,
      replacedBy: undefined,
    });
    this.#ready.open();
    this.emit('joined');
    if (this.#state.meeting.state === 'closed' && prev?.meeting.state !== 'closed')
      this.#onMeetingClosed();
  }

  /**
   * The meeting closed: media stops for everyone. A site's session ends (its end screen); staff
   * stay connected without media, so the secretary can still export and the chair sees the end.
   */
  #onMeetingClosed(): void {
    this.#engine.shutDown();
    const role = this.#state?.you.role;
    if (role === 'site' || role === 'observer') this.#teardown('ended');
  }

  /** The hub said MEETING_CLOSED: the meeting is over even if its `meeting:ended` never came. */
  #closedByRefusal(): void {
    const state = this.#state;
    if (!state || state.meeting.state === 'closed') return;
    this.#setState({
      ...state,
      meeting: closedMeeting(state.meeting, new Date().toISOString()),
      activeSpeakerPeerId: null,
    });
    this.#onMeetingClosed();
  }

  #onDrop(): void {
    const status = this.#connection.status;
    if (
      status === 'left' ||
      status === 'removed' ||
      status === 'ended' ||
      status === 'reconnecting'
    )
      return;
    this.#ready.close();
    this.#engine.linkDown();
    this.#setConnection({ status: 'reconnecting' });
    this.#reconnector.begin();
  }

  #onReconnectorState(s: ReconnectorState): void {
    if (s.phase === 'waiting')
      this.#setConnection({
        status: 'reconnecting',
        attempt: s.attempt,
        nextRetryAt: s.nextRetryAt,
      });
    else if (s.phase === 'gaveUp') this.#setConnection({ status: 'failed', nextRetryAt: null });
  }

  /** One reconnect attempt: fresh token if needed, socket, resync. */
  async #attempt(): Promise<AttemptOutcome> {
    const session = this.#auth.session;
    if (this.#mustRenew || (session && session.expiresAt - Date.now() < RENEW_MARGIN_MS)) {
      this.#mustRenew = false;
      await this.#auth.renew();
    }
    try {
      if (!this.#signal.connected) await this.#signal.connect();
      await this.#resync();
      return 'connected';
    } catch (err) {
      const code = err instanceof RequestError ? err.code : 'NETWORK';
      if (code === 'TOKEN_EXPIRED') await this.#auth.renew();
      this.#setConnection({ lastError: code });
      if (code === 'MEETING_CLOSED') {
        // Closed while this browser was away: the end screen, and no reconnect loop.
        this.#closedByRefusal();
        if (this.#connection.status !== 'ended') this.#teardown('ended');
        return 'stop';
      }
      if (FATAL_CODES.has(code)) {
        this.#teardown(code === 'REMOVED' ? 'removed' : 'failed');
        return 'stop';
      }
      if (this.#signal.connected) this.#signal.disconnect();
      return 'retry';
    }
  }

  /** After a reconnect: fresh snapshot, media repaired or rebuilt, pending actions released. */
  async #resync(): Promise<void> {
    await this.#join();
    this.#setConnection({ restoredAt: Date.now() });
    await this.#engine.resync();
  }

  /** Token renewal per the contract: refresh, then reconnect the socket with the new token. */
  async #refreshSocket(): Promise<void> {
    if (!(await this.#auth.renew())) return;
    this.#expectedDisconnect = true;
    this.#signal.disconnect();
    this.#expectedDisconnect = false;
    this.#ready.close();
    try {
      await this.#signal.connect();
      await this.#resync();
    } catch {
      this.#onDrop();
    }
  }

  #teardown(status: ConnectionStatus): void {
    globalThis.removeEventListener?.('online', this.#onOnline);
    this.#reconnector.stop();
    this.#expectedDisconnect = true;
    this.#engine.close();
    this.#signal.disconnect();
    const code =
      status === 'removed' ? 'REMOVED' : status === 'ended' ? 'MEETING_CLOSED' : 'NETWORK';
    this.#ready.fail(new RequestError('session', code, status));
    this.#setConnection({ status, nextRetryAt: null });
  }

  // --- pushes -----------------------------------------------------------------------------------

  #onPush<E extends S2CEventName>(event: E, payload: S2CPayload<E>): void {
    this.#joining?.push([event, payload]);
    const state = this.#state;
    if (!state) return;
    const next = applyPush(state, event, payload, Date.now());
    this.#setState(next);
    this.emit('push', event, payload);
    if (next.meeting.state === 'closed' && state.meeting.state !== 'closed') {
      this.#onMeetingClosed();
      return;
    }
    this.#engine.onPush(event, payload, state, next);
    switch (event) {
      case 'session:expiring':
        void this.#refreshSocket();
        break;
      case 'session:expired':
        // The hub disconnects right after this; the disconnect handler reconnects.
        this.#mustRenew = true;
        break;
      case 'session:displaced':
        this.#replacedBy = payload as S2CPayload<'session:displaced'>;
        break;
      case 'session:revoked':
        this.#revoked = payload as S2CPayload<'session:revoked'>;
        break;
      case 'moderation:removed':
        if (next.removed) this.#teardown('removed');
        break;
      default:
        break;
    }
  }

  // --- view -------------------------------------------------------------------------------------

  #setState(next: MeetingState): void {
    if (next === this.#state) return;
    this.#state = next;
    this.#render();
  }

  #setConnection(patch: Partial<Omit<ConnectionView, 'media'>>): void {
    this.#connection = { ...this.#connection, ...patch };
    this.#render();
  }

  #compose(): SessionView {
    const media = this.#engine.view;
    return {
      connection: { ...this.#connection, media: media.status },
      state: this.#state,
      local: media.local,
      quality: media.quality,
      mediaVersion: media.version,
    };
  }

  #render(): void {
    this.#view = this.#compose();
    this.emit('change');
  }

  /** Per-consumer inbound-rtp numbers, for tests and support. */
  inboundStats(): Promise<Record<string, unknown>[]> {
    return this.#engine.inboundStats();
  }

  /** Debug view for tests (window.__giaoban). */
  debug(): Record<string, unknown> {
    return {
      meetingId: this.meetingId,
      connection: this.#view.connection,
      quality: this.#view.quality,
      you: this.#state?.you ?? null,
      floor: this.#state?.floor ?? null,
      local: this.#view.local,
      visibleSiteIds: this.#engine.visibleSiteIds,
      ...this.#engine.debug(),
    };
  }
}
