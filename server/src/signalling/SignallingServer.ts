import { C2S_EVENTS, type C2SEventName, peerIdOf, socketOfPeer } from '@giaoban/shared';
import type { SessionService } from '../auth/SessionService';
import { SocketRevoker } from '../auth/SocketRevoker';
import { principalOf, type TokenService } from '../auth/TokenService';
import type { BriefingService } from '../domain/briefing/BriefingService';
import type { MeetingService } from '../domain/MeetingService';
import { MeetingTimers } from '../domain/MeetingTimers';
import { MediaEnforcer } from '../media/MediaEnforcer';
import type { MediaGateway } from '../media/MediaGateway';
import { type MediaNotifier, MeetingMedia } from '../media/MeetingMedia';
import type { HubMetrics } from '../observability/HubMetrics';
import type { Store } from '../store/Store';
import type { Clock } from '../util/Clock';
import { toErrorBody } from '../util/HubError';
import type { Logger } from '../util/logger';
import { TokenBucket } from '../util/TokenBucket';
import { listenForDisplacements } from './displace';
import { buildHandlers } from './handlers';
import { Membership } from './Membership';
import { dispatch, type PipelineDeps, unknownEvent } from './pipeline';
import { evictionsFor, pushesFor } from './pushesFor';
import { deliver, rooms } from './rooms';
import { armSessionExpiry } from './session';
import type { HubServer, HubSocket } from './types';

export type { HubServer, SocketData } from './types';

export interface SignallingDeps {
  io: HubServer;
  tokens: TokenService;
  /** Verifies access tokens against revoked sessions and epochs (auth/SessionService). */
  sessions: SessionService;
  meetings: MeetingService;
  briefing: BriefingService;
  store: Store;
  media?: MediaGateway | undefined;
  metrics: HubMetrics;
  logger: Logger;
  clock: Clock;
  nodeId: string;
  rate: { burst: number; refillPerSecond: number };
  /** Several hub processes share the Socket.IO adapter (Redis): tell them about log appends. */
  cluster?: boolean;
}

/** How long a removal or end notice gets to leave before its sockets are disconnected. */
const EVICT_DELAY_MS = 100;

/**
 * Socket.IO signalling: the handshake (access token), the request pipeline, the rooms and the
 * handler table. It owns no meeting rule: commands go to MeetingService, media to MeetingMedia
 * and the MediaEnforcer, and what each applied log entry sends to whom comes from `pushesFor`,
 * so the same pushes go out whichever node, request or timer caused them.
 */
export class SignallingServer {
  readonly media: MeetingMedia;
  readonly enforcer: MediaEnforcer;
  readonly timers: MeetingTimers;
  private readonly membership: Membership;
  private readonly pipeline: PipelineDeps;
  private readonly buckets = new WeakMap<HubSocket, TokenBucket>();
  private closed = false;

  constructor(private readonly d: SignallingDeps) {
    const { io } = d;
    const notify: MediaNotifier = {
      toMeeting: (meetingId: string, event: string, p: unknown) =>
        (io.to(rooms.all(meetingId)).emit as (e: string, p: unknown) => void)(event, p),
      toSocket: (socketId: string, event: string, p: unknown) =>
        (io.to(socketId).emit as (e: string, p: unknown) => void)(event, p),
    };
    this.media = new MeetingMedia({ ...d, notify, logger: d.logger });
    this.enforcer = new MediaEnforcer({
      rooms: this.media,
      meetings: d.meetings,
      notify,
      logger: d.logger,
    });
    this.timers = new MeetingTimers({
      meetings: d.meetings,
      clock: d.clock,
      logger: d.logger,
      // Every hub holding the meeting runs its timers: each warns its own sockets once.
      onWarning: (meetingId, siteId, secondsLeft) =>
        io.local.to(rooms.all(meetingId)).emit('floor:warning', { siteId, secondsLeft }),
    });
    this.membership = new Membership({
      io,
      meetings: d.meetings,
      store: d.store,
      media: this.media,
      enforcer: this.enforcer,
      metrics: d.metrics,
      clock: d.clock,
      nodeId: d.nodeId,
      cluster: d.cluster ?? false,
    });
    if (d.cluster) listenForDisplacements(io);
    this.pipeline = {
      handlers: buildHandlers({
        meetings: d.meetings,
        briefing: d.briefing,
        membership: this.membership,
        media: this.media,
        enforcer: this.enforcer,
        clock: d.clock,
      }),
      metrics: d.metrics,
      logger: d.logger,
      clock: d.clock,
      bucketOf: (s) => this.buckets.get(s),
      isRevoked: (s) => d.sessions.revocations.isRevoked(s.data.auth),
    };

    io.use((socket, next) => this.handshake(socket, next));
    io.on('connection', (socket) => this.onConnection(socket));
    // A dead worker took meeting rooms down: every client renegotiates on a fresh room.
    this.media.onRoomsLost((ids) => {
      for (const id of ids) io.to(rooms.all(id)).emit('media:reset', { reason: 'workerdied' });
    });
    // Cluster: a node, its worker or a pipe went; only the peers it carried renegotiate.
    this.media.onPeersLost((_meetingId, peerIds, reason) => {
      for (const peerId of peerIds) {
        const socketId = socketOfPeer(peerId);
        if (socketId) io.to(socketId).emit('media:reset', { reason });
      }
    });
    d.meetings.on('applied', (meetingId, entry, p, fx, local) => {
      if (this.closed || !local) return;
      try {
        deliver(io, meetingId, pushesFor(entry, p, fx));
        for (const ev of evictionsFor(entry, fx)) {
          const room =
            'siteId' in ev ? rooms.siteSockets(meetingId, ev.siteId) : rooms.sites(meetingId);
          // Let the notice leave first, then end those sockets on every node.
          setTimeout(() => io.in(room).disconnectSockets(true), EVICT_DELAY_MS).unref();
        }
        if (d.cluster) io.serverSideEmit('meeting:advanced', meetingId, entry.seq);
      } catch (e) {
        d.logger.error('pushes failed', { err: String(e) });
      }
    });
    // Another hub appended: catch up if this one holds the meeting (its media may be here).
    io.on('meeting:advanced', (meetingId) => {
      if (this.closed || !d.meetings.isLoaded(meetingId)) return;
      void d.meetings.read(meetingId, () => null).catch(() => {});
    });
  }

  close(): void {
    this.closed = true;
    this.timers.close();
    this.enforcer.close();
  }

  private handshake(socket: HubSocket, next: (err?: Error) => void): void {
    try {
      const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
      const v = this.d.sessions.verifyAccess(typeof token === 'string' ? token : '');
      const { grant, expiresAt } = v;
      socket.data.grant = grant;
      socket.data.expiresAt = expiresAt;
      socket.data.auth = {
        principal: principalOf(grant, v.session),
        epoch: v.session.epoch,
        sessionId: v.session.sessionId,
        issuedAt: v.issuedAt,
      };
      socket.data.userAgent = String(socket.handshake.headers['user-agent'] ?? '').slice(0, 512);
      socket.data.peerId ??= peerIdOf(
        { role: grant.role, siteId: grant.siteId, accountId: grant.sub },
        socket.id,
      );
      next();
    } catch (e) {
      const body = toErrorBody(e);
      const err = new Error(body.code) as Error & { data?: unknown };
      err.data = body;
      next(err);
    }
  }

  private onConnection(socket: HubSocket): void {
    const { d } = this;
    if (SocketRevoker.joinAndRecheck(d.io, socket, d.sessions)) return;
    d.metrics.sockets.inc();
    this.buckets.set(socket, new TokenBucket(d.rate.burst, d.rate.refillPerSecond));
    const stopExpiry = armSessionExpiry(d.io, socket, d.clock);
    for (const name of C2S_EVENTS) {
      socket.on(name, ((...args: unknown[]) => {
        void dispatch(this.pipeline, socket, name as C2SEventName, args);
      }) as never);
    }
    socket.onAny((event: string, ...args: unknown[]) => {
      if (!(C2S_EVENTS as string[]).includes(event)) unknownEvent(event, args);
    });
    socket.on('disconnect', () => {
      d.metrics.sockets.dec();
      stopExpiry();
      void this.membership
        .leave(socket, 'dropped')
        .catch((e) => d.logger.warn('leave on disconnect failed', { err: String(e) }));
    });
    // A recovered socket (connection-state recovery) got its missed pushes replayed and kept its
    // id, rooms and data; but its disconnect was recorded as a leave, so it must `meeting:join`
    // again (which records the join): forget the meeting it was in.
    if (socket.recovered) {
      socket.data.meetingId = undefined;
      socket.data.role = undefined;
      socket.data.lobby = undefined;
      for (const r of [...socket.rooms]) if (rooms.isMeetingRoom(r)) socket.leave(r);
    }
  }
}
