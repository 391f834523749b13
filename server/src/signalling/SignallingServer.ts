import {
  type AckResult,
  C2S,
  C2S_EVENTS,
  type C2SEventName,
  type C2SPayload,
  type C2SResponses,
  type ClientToServerEvents,
  EVENT_ROLES,
  type Grant,
  type InterServerEvents,
  type MeetingEventEntry,
  type Role,
  type ServerToClientEvents,
  type Snapshot,
  STAFF_ROLES,
} from '@giaoban/shared';
import type { Server, Socket } from 'socket.io';
import type { TokenService } from '../auth/TokenService';
import { actorOf, meetingRole, SYSTEM_ACTOR } from '../domain/access';
import type { MeetingEvents, MeetingProjection } from '../domain/MeetingProjection';
import type { MeetingService } from '../domain/MeetingService';
import type { MediaGateway, MediaRoomPort } from '../media/MediaGateway';
import type { HubMetrics } from '../observability/HubMetrics';
import type { Store } from '../store/Store';
import type { Clock } from '../util/Clock';
import { badRequest, HubError, toErrorBody } from '../util/HubError';
import type { Logger } from '../util/logger';
import { TokenBucket } from '../util/TokenBucket';

export interface SocketData {
  grant: Grant;
  expiresAt: number;
  /** Set by meeting:join. */
  meetingId?: string;
  /** Role in the joined meeting. */
  role?: Role;
  /** A site on its pre-join screen: may test media, is not present (no attendance) yet. */
  lobby?: boolean;
  peerId: string;
}

export type HubServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface SignallingDeps {
  io: HubServer;
  tokens: TokenService;
  meetings: MeetingService;
  store: Store;
  media?: MediaGateway;
  metrics: HubMetrics;
  logger: Logger;
  clock: Clock;
  nodeId: string;
  rate: { burst: number; refillPerSecond: number };
}

const room = (meetingId: string) => `m:${meetingId}`;
const staffRoom = (meetingId: string) => `m:${meetingId}:staff`;
const siteRoom = (meetingId: string, siteId: string) => `m:${meetingId}:site:${siteId}`;

/** `site:<siteId>:<socketId>` or `user:<accountId>:<socketId>`. */
export function siteOfPeer(peerId: string): string | undefined {
  const m = /^site:([^:]+):/.exec(peerId);
  return m?.[1];
}

type Handler<E extends C2SEventName> = (
  socket: HubSocket,
  payload: C2SPayload<E>,
) => Promise<C2SResponses[E]>;

const WARN_AT = [60, 10];

/** setTimeout's delay is a signed 32-bit number: clamp (a longer one would fire at once). */
const timerDelay = (ms: number): number => Math.max(0, Math.min(ms, 2 ** 31 - 1));

/**
 * Socket.IO signalling: authenticates the handshake, validates each request with its zod schema,
 * authorises it by role and meeting, rate-limits per socket, runs the command and answers through
 * the ack. State changes are broadcast from the meeting log (`applied`), so the same pushes go out
 * whichever node, request or timer caused them.
 */
export class SignallingServer {
  private readonly handlers: { [E in C2SEventName]: Handler<E> };
  private readonly buckets = new WeakMap<HubSocket, TokenBucket>();
  private readonly timers = new Map<string, NodeJS.Timeout[]>();
  private readonly sessionTimers = new WeakMap<HubSocket, NodeJS.Timeout[]>();
  private readonly roomsWired = new WeakSet<MediaRoomPort>();
  private closed = false;

  constructor(private readonly d: SignallingDeps) {
    this.handlers = this.buildHandlers();
    d.io.use((socket, next) => {
      try {
        const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
        const { grant, expiresAt } = d.tokens.verify(
          typeof token === 'string' ? token : '',
          'access',
        );
        socket.data.grant = grant;
        socket.data.expiresAt = expiresAt;
        socket.data.peerId ??= `${grant.role === 'site' ? `site:${grant.siteId}` : `user:${grant.sub}`}:${socket.id}`;
        next();
      } catch (e) {
        const body = toErrorBody(e);
        const err = new Error(body.code) as Error & { data?: unknown };
        err.data = body;
        next(err);
      }
    });
    d.io.on('connection', (socket) => this.onConnection(socket));
    // A dead worker took meeting rooms down: every client renegotiates on a fresh room.
    d.media?.onRoomsLost((roomIds) => {
      for (const id of roomIds) d.io.to(room(id)).emit('media:reset', { reason: 'workerdied' });
    });
    // After a restart the log is folded again but no timer runs: re-arm the floor limit and the
    // roll-call deadline from the state (both commands are idempotent if another node fires too).
    d.meetings.on('loaded', (meetingId, proj) => {
      if (this.closed) return;
      const h = proj.holder;
      if (h && h.limitSeconds > 0) {
        const left = Math.max(0, Date.parse(h.grantedAt) + h.limitSeconds * 1000 - d.clock.now());
        this.setTimer(meetingId, 'floor', left, () =>
          d.meetings.floorRevoke(meetingId, SYSTEM_ACTOR, 'expired', h.grantedAt),
        );
      }
      const rc = proj.currentRollCall();
      if (rc && !rc.closedAt) {
        const left = Math.max(0, Date.parse(rc.deadline) - d.clock.now());
        this.setTimer(meetingId, 'rollcall', left, () =>
          d.meetings.rollCallClose(meetingId, SYSTEM_ACTOR, rc.id),
        );
      }
    });
    d.meetings.on('applied', (meetingId, entry, proj, local) => {
      if (this.closed) return;
      try {
        if (local) this.broadcast(meetingId, entry, proj);
        void this.enforce(meetingId, entry, proj);
        if (local) this.armTimers(meetingId, entry);
      } catch (e) {
        d.logger.error('applied hook failed', { err: String(e) });
      }
    });
  }

  close(): void {
    this.closed = true;
    for (const ts of this.timers.values()) for (const t of ts) clearTimeout(t);
    this.timers.clear();
  }

  // --- connection ----------------------------------------------------------------------------

  private onConnection(socket: HubSocket): void {
    const { d } = this;
    d.metrics.sockets.inc();
    this.buckets.set(socket, new TokenBucket(d.rate.burst, d.rate.refillPerSecond));
    const timers: NodeJS.Timeout[] = [];
    const untilExpiry = socket.data.expiresAt - d.clock.now();
    timers.push(
      setTimeout(
        () =>
          socket.emit('session:expiring', {
            expiresAt: new Date(socket.data.expiresAt).toISOString(),
          }),
        timerDelay(untilExpiry - 60_000),
      ),
      // Requests are refused past expiry anyway, but an idle socket would keep receiving the
      // meeting's pushes (and a site would count as present) on a token nobody renewed.
      setTimeout(() => {
        // `local`: with connection-state recovery a plain emit goes through the Redis adapter
        // and would be delivered after the disconnect; this one is written to the socket now.
        d.io.local
          .to(socket.id)
          .emit('session:expired', { code: 'TOKEN_EXPIRED', message: 'access token expired' });
        socket.disconnect(true);
      }, timerDelay(untilExpiry)),
    );
    this.sessionTimers.set(socket, timers);
    for (const name of C2S_EVENTS) {
      socket.on(name, ((payload: unknown, ack: unknown) => {
        void this.handle(socket, name, payload, ack);
      }) as never);
    }
    socket.onAny((event: string, ...args: unknown[]) => {
      if ((C2S_EVENTS as string[]).includes(event)) return;
      const ack = args.at(-1);
      if (typeof ack === 'function') {
        ack({
          ok: false,
          error: { code: 'BAD_REQUEST', message: `unknown event ${String(event).slice(0, 64)}` },
        });
      }
    });
    socket.on('disconnect', () => {
      d.metrics.sockets.dec();
      for (const t of this.sessionTimers.get(socket) ?? []) clearTimeout(t);
      void this.leaveMeeting(socket).catch((e) =>
        d.logger.warn('leave on disconnect failed', { err: String(e) }),
      );
    });
    // A recovered socket (connection-state recovery) got its missed pushes replayed and kept its
    // id, rooms and data; but its disconnect was recorded as a leave, so it must `meeting:join`
    // again (which records the join): forget the meeting it was in.
    if (socket.recovered) {
      socket.data.meetingId = undefined;
      socket.data.role = undefined;
      socket.data.lobby = undefined;
      for (const r of [...socket.rooms]) if (r.startsWith('m:')) socket.leave(r);
    }
  }

  private async handle(
    socket: HubSocket,
    name: C2SEventName,
    payload: unknown,
    rawAck: unknown,
  ): Promise<void> {
    const started = performance.now();
    const ack = (typeof rawAck === 'function' ? rawAck : () => {}) as (
      r: AckResult<unknown>,
    ) => void;
    let outcome = 'ok';
    try {
      if (!this.buckets.get(socket)?.take())
        throw new HubError('RATE_LIMITED', 'too many requests');
      if (this.d.clock.now() >= socket.data.expiresAt)
        throw new HubError('TOKEN_EXPIRED', 'access token expired');
      const parsed = C2S[name].safeParse(payload);
      if (!parsed.success) throw badRequest(parsed.error.issues);
      if (!EVENT_ROLES[name].includes(socket.data.grant.role)) {
        throw new HubError('FORBIDDEN', `${socket.data.grant.role} may not ${name}`);
      }
      if (name !== 'meeting:join' && !socket.data.meetingId) {
        throw new HubError('NOT_IN_MEETING', 'join a meeting first');
      }
      if (socket.data.lobby && !name.startsWith('meeting:') && !name.startsWith('media:')) {
        throw new HubError(
          'NOT_IN_MEETING',
          'enter the meeting first (this socket is in the lobby)',
        );
      }
      const data = await (this.handlers[name] as Handler<C2SEventName>)(
        socket,
        parsed.data as never,
      );
      ack({ ok: true, data });
    } catch (e) {
      const error = toErrorBody(e);
      outcome = error.code;
      if (error.code === 'INTERNAL')
        this.d.logger.error('handler failed', {
          event: name,
          err: String(e),
          stack: (e as Error).stack,
        });
      this.d.metrics.rejected.inc({ code: error.code });
      ack({ ok: false, error });
    } finally {
      this.d.metrics.eventDuration.observe(
        { event: name, outcome },
        (performance.now() - started) / 1000,
      );
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private mid(socket: HubSocket): string {
    return socket.data.meetingId!;
  }

  private actor(socket: HubSocket) {
    return actorOf(socket.data.grant);
  }

  private siteId(socket: HubSocket): string {
    const s = socket.data.grant.siteId;
    if (socket.data.grant.role !== 'site' || !s) throw new HubError('FORBIDDEN', 'sites only');
    return s;
  }

  private async mediaRoom(meetingId: string): Promise<MediaRoomPort> {
    if (!this.d.media) throw new HubError('MEDIA_UNAVAILABLE', 'this node has no media plane');
    const existing = this.d.media.getRoom(meetingId);
    if (existing && !existing.closed) return existing;
    await this.d.store.claimMediaNode(meetingId, this.d.nodeId);
    const r = await this.d.media.getOrCreateRoom(meetingId);
    this.wireRoom(meetingId, r);
    return r;
  }

  private wireRoom(meetingId: string, r: MediaRoomPort): void {
    if (this.roomsWired.has(r)) return;
    this.roomsWired.add(r);
    const io = this.d.io;
    r.on('producerclosed', ({ peerId, producerId }) => {
      io.to(room(meetingId)).emit('media:producerClosed', { producerId });
      const siteId = siteOfPeer(peerId);
      if (siteId) void this.reportSiteMedia(meetingId, siteId);
    });
    r.on('consumerclosed', ({ peerId, consumerId }) => {
      const socketId = peerId.split(':').at(-1);
      if (socketId) io.to(socketId).emit('media:consumerClosed', { consumerId });
    });
    r.on('activespeaker', (p) => io.to(room(meetingId)).emit('media:activeSpeaker', p));
    // Dynacast: only the producer's own socket needs to know which of its layers are taken.
    r.on('layerswanted', ({ peerId, producerId, layers }) => {
      const socketId = peerId.split(':').at(-1);
      if (socketId) io.to(socketId).emit('media:layersWanted', { producerId, layers });
    });
  }

  /** Records a site's media state (from its producers) in the log when it changed. */
  private async reportSiteMedia(meetingId: string, siteId: string): Promise<void> {
    const r = this.d.media?.getRoom(meetingId);
    const flags = {
      audio: 'none' as 'none' | 'live' | 'paused',
      video: 'none' as 'none' | 'live' | 'paused',
    };
    for (const p of r?.listProducers() ?? []) {
      if (siteOfPeer(p.peerId) !== siteId) continue;
      const k = p.kind;
      if (flags[k] !== 'live') flags[k] = p.paused ? 'paused' : 'live';
    }
    await this.d.meetings
      .siteMedia(meetingId, SYSTEM_ACTOR, { siteId, ...flags })
      .catch((e) => this.d.logger.warn('site media report failed', { err: String(e) }));
  }

  /** `fresh` = catch up with the store first (false right after a command that just did). */
  private async snapshot(socket: HubSocket, fresh = true): Promise<Snapshot> {
    const meetingId = this.mid(socket);
    const role = socket.data.role!;
    const staff = STAFF_ROLES.includes(role);
    const view = fresh
      ? this.d.meetings.read.bind(this.d.meetings)
      : this.d.meetings.peek.bind(this.d.meetings);
    const { p, chairId, secretaryId } = await view(meetingId, (p) => ({
      p,
      chairId: p.meeting.chairId,
      secretaryId: p.meeting.secretaryId,
    }));
    const [chair, secretary] = await Promise.all([
      this.d.store.getAccount(chairId),
      this.d.store.getAccount(secretaryId),
    ]);
    const now = this.d.clock.now();
    const siteId = socket.data.grant.siteId;
    const person = (a: typeof chair, id: string) => {
      const out: Snapshot['chair'] = { id, name: a?.displayName ?? id };
      if (a?.title) out.title = a.title;
      return out;
    };
    const r = this.d.media?.getRoom(meetingId);
    const ids = staff ? [...p.sites.keys()] : siteId ? [siteId] : [];
    // Sites do not need the invitation list (30 kB per snapshot in a national meeting).
    const meeting = staff ? p.meetingView() : p.meetingView(siteId ? [siteId] : []);
    const mediaNode = await this.d.store.getMediaNode(meetingId);
    if (mediaNode) meeting.mediaNode = mediaNode;
    return {
      meeting,
      you: {
        role,
        accountId: socket.data.grant.sub,
        name: socket.data.grant.name,
        ...(role === 'site' && siteId ? { siteId } : {}),
        peerId: socket.data.peerId,
        micAllowed:
          role === 'site' && siteId
            ? p.micAllowed(siteId)
            : role !== 'observer' && role !== 'secretary',
      },
      chair: person(chair, chairId),
      secretary: person(secretary, secretaryId),
      sites: ids.map((id) => {
        const row = { siteId: id, code: id, name: p.siteName(id) };
        return row;
      }),
      floor: p.floorState(),
      rollCall: (() => {
        const rc = p.currentRollCall();
        if (!rc || staff) return structuredClone(rc);
        // A site sees whether it is expected and its own answer only.
        return {
          ...rc,
          expectedSiteIds: rc.expectedSiteIds.filter((x) => x === siteId),
          answers: rc.answers.filter((a) => a.siteId === siteId).map((a) => ({ ...a })),
        };
      })(),
      attendance: staff ? p.attendanceTable(now) : [],
      producers:
        r && !r.closed
          ? r.listProducers().map((x) => ({
              producerId: x.id,
              peerId: x.peerId,
              kind: x.kind,
              source: x.source,
              paused: x.paused,
            }))
          : [],
      seq: p.seq,
      serverTime: new Date(now).toISOString(),
    };
  }

  private async joinMeeting(
    socket: HubSocket,
    meetingId: string,
    lobby: boolean,
  ): Promise<Snapshot> {
    const { d } = this;
    if (socket.data.meetingId === meetingId) {
      // Already in (or still in the lobby and asking to stay there): nothing to record.
      if (!socket.data.lobby || lobby) return this.snapshot(socket);
      return this.enterFromLobby(socket, meetingId);
    }
    if (socket.data.meetingId) await this.leaveMeeting(socket);
    const grant = socket.data.grant;
    // Who may join depends on the definition only (chair, secretary, invited sites), which does
    // not change once the meeting is open: no need to catch up with the store for it.
    const role = await d.meetings.peek(meetingId, (p) => meetingRole(grant, p.meeting));
    if (role === 'site' && lobby) {
      // The lobby's connectivity check must not count as attendance nor replace the site's
      // live connection elsewhere: validate only, and stay out of the site's own room.
      await d.meetings.checkSiteJoin(meetingId, grant.siteId!);
      socket.join(room(meetingId));
      socket.data.lobby = true;
    } else if (role === 'site') {
      const siteId = grant.siteId!;
      // One browser per site: a newer connection replaces the older one (on any node). Record
      // the join first so the old connection's leave is ignored (no gap in attendance). With the
      // Redis adapter the local part of disconnectSockets runs after a round trip, by when this
      // socket may have joined the room: exclude it explicitly.
      await d.meetings.siteJoin(meetingId, this.actor(socket), siteId, socket.id, d.nodeId);
      d.io.in(siteRoom(meetingId, siteId)).except(socket.id).disconnectSockets(true);
      socket.join([room(meetingId), siteRoom(meetingId, siteId)]);
      d.metrics.connectedSites.inc();
    } else {
      socket.join(
        STAFF_ROLES.includes(role) ? [room(meetingId), staffRoom(meetingId)] : [room(meetingId)],
      );
    }
    socket.data.meetingId = meetingId;
    socket.data.role = role;
    // A site's join command has just caught up with the store; staff did not run a command.
    return this.snapshot(socket, role !== 'site' || lobby);
  }

  /** A site leaves its lobby for the meeting: its presence (and attendance) starts now. */
  private async enterFromLobby(socket: HubSocket, meetingId: string): Promise<Snapshot> {
    const { d } = this;
    const siteId = socket.data.grant.siteId!;
    await d.meetings.siteJoin(meetingId, this.actor(socket), siteId, socket.id, d.nodeId);
    d.io.in(siteRoom(meetingId, siteId)).except(socket.id).disconnectSockets(true);
    socket.join(siteRoom(meetingId, siteId));
    socket.data.lobby = false;
    d.metrics.connectedSites.inc();
    // Media sent from the lobby was not recorded while the site was not present.
    await this.reportSiteMedia(meetingId, siteId);
    return this.snapshot(socket, false);
  }

  private async leaveMeeting(socket: HubSocket): Promise<void> {
    const meetingId = socket.data.meetingId;
    if (!meetingId) return;
    socket.data.meetingId = undefined;
    const role = socket.data.role;
    const lobby = socket.data.lobby;
    socket.data.role = undefined;
    socket.data.lobby = undefined;
    try {
      this.d.media?.getRoom(meetingId)?.closePeer(socket.data.peerId);
    } catch {
      // unknown peer: never produced or consumed
    }
    for (const r of [...socket.rooms]) if (r.startsWith(`m:${meetingId}`)) socket.leave(r);
    if (role === 'site' && !lobby) {
      this.d.metrics.connectedSites.dec();
      await this.d.meetings.siteLeave(
        meetingId,
        this.actor(socket),
        socket.data.grant.siteId!,
        socket.id,
      );
    }
  }

  // --- pushes --------------------------------------------------------------------------------

  private broadcast(meetingId: string, entry: MeetingEventEntry, p: MeetingProjection): void {
    const io = this.d.io;
    const all = io.to(room(meetingId));
    const staff = io.to(staffRoom(meetingId));
    const now = this.d.clock.now();
    const presence = (siteId: string) => {
      const row = p.attendanceRow(siteId, now);
      staff.emit('presence:updated', {
        siteId,
        connected: row.connected,
        media: row.media,
        micAllowed: row.micAllowed,
        at: entry.at,
      });
    };
    const toSite = (siteId: string) => io.to(siteRoom(meetingId, siteId));
    // Staff get the full object; everyone else a trimmed copy (no per-site lists), so a
    // broadcast to thousands of sites stays small.
    const nonStaff = io.to(room(meetingId)).except(staffRoom(meetingId));
    const meetingUpdated = () => {
      const m = p.meetingView();
      staff.emit('meeting:updated', m);
      nonStaff.emit('meeting:updated', p.meetingView([]));
      return m;
    };
    const rollCallTo = (
      event: 'rollcall:started' | 'rollcall:closed',
      rc: NonNullable<ReturnType<MeetingProjection['currentRollCall']>>,
    ) => {
      staff.emit(event, structuredClone(rc));
      nonStaff.emit(event, { ...rc, expectedSiteIds: [], answers: [] });
    };
    const type = entry.type as keyof MeetingEvents;
    const data = entry.data as Record<string, unknown>;
    // A site that just lost the floor lost its mic permission with it (unless asked to unmute):
    // tell it, so its client agrees with the pause the hub enforces.
    const released = p.releasedHolderSiteId;
    if (released && released !== data.siteId) {
      toSite(released).emit('mic:allowed', { siteId: released, allowed: p.micAllowed(released) });
      presence(released);
    }
    switch (type) {
      case 'state':
      case 'lock':
        meetingUpdated();
        if (type === 'state') all.emit('floor:updated', p.floorState());
        break;
      case 'agenda.start':
      case 'agenda.end':
      case 'agenda.extend':
      case 'agenda.reorder':
      case 'agenda.note': {
        const m = meetingUpdated();
        all.emit('agenda:updated', { agenda: m.agenda, currentItemId: m.currentItemId ?? null });
        if (type === 'agenda.start') all.emit('floor:updated', p.floorState());
        break;
      }
      case 'floor.grant':
      case 'floor.revoke': {
        all.emit('floor:updated', p.floorState());
        const siteId = data.siteId as string;
        if (type === 'floor.revoke' && data.reason === 'expired')
          all.emit('floor:warning', { siteId, secondsLeft: 0 });
        toSite(siteId).emit('mic:allowed', { siteId, allowed: p.micAllowed(siteId) });
        presence(siteId);
        break;
      }
      case 'floor.request':
      case 'floor.cancel':
      case 'floor.reorder':
      case 'floor.spotlight':
        all.emit('floor:updated', p.floorState());
        break;
      case 'site.join':
      case 'site.leave':
      case 'site.media':
        presence(data.siteId as string);
        break;
      case 'mic.allow': {
        const siteId = data.siteId as string;
        toSite(siteId).emit('mic:allowed', { siteId, allowed: p.micAllowed(siteId) });
        if (data.allowed) {
          toSite(siteId).emit('moderation:askUnmute', { siteId });
          staff.emit('moderation:askUnmute', { siteId });
        }
        presence(siteId);
        break;
      }
      case 'moderation.mute': {
        const siteId = data.siteId as string | null;
        if (siteId === null) {
          all.emit('moderation:muted', { siteId: null });
          for (const s of p.sites.values())
            if (s.connId)
              toSite(s.siteId).emit('mic:allowed', {
                siteId: s.siteId,
                allowed: p.micAllowed(s.siteId),
              });
        } else {
          toSite(siteId).emit('moderation:muted', { siteId });
          staff.emit('moderation:muted', { siteId });
          toSite(siteId).emit('mic:allowed', { siteId, allowed: p.micAllowed(siteId) });
          presence(siteId);
        }
        break;
      }
      case 'moderation.remove': {
        const siteId = data.siteId as string;
        const payload = data.reason ? { siteId, reason: data.reason as string } : { siteId };
        toSite(siteId).emit('moderation:removed', payload);
        staff.emit('moderation:removed', payload);
        all.emit('floor:updated', p.floorState());
        presence(siteId);
        // Let the removal notice leave first, then drop the site's sockets on every node.
        setTimeout(() => io.in(siteRoom(meetingId, siteId)).disconnectSockets(true), 100).unref();
        break;
      }
      case 'attendance.mark':
        staff.emit('attendance:updated', p.attendanceRow(data.siteId as string, now));
        break;
      case 'rollcall.start':
        rollCallTo('rollcall:started', p.currentRollCall()!);
        break;
      case 'rollcall.answer': {
        const rc = p.rollCalls.find((r) => r.id === data.id);
        const a = rc?.answers.find((x) => x.siteId === data.siteId);
        if (a) staff.emit('rollcall:answered', { rollCallId: data.id as string, ...a });
        // The answer is the site's headcount on the board unless the secretary recorded one.
        staff.emit('attendance:updated', p.attendanceRow(data.siteId as string, now));
        break;
      }
      case 'rollcall.close': {
        const rc = p.rollCalls.find((r) => r.id === data.id);
        if (rc) rollCallTo('rollcall:closed', rc);
        break;
      }
    }
  }

  /**
   * Server-side microphone enforcement on this node's media room: only the chair and sites that
   * may speak (floor holder, asked to unmute, open-mic meeting) keep a live mic producer.
   */
  private async enforce(
    meetingId: string,
    entry: MeetingEventEntry,
    p: MeetingProjection,
  ): Promise<void> {
    const type = entry.type as keyof MeetingEvents;
    const relevant = [
      'floor.grant',
      'floor.revoke',
      'mic.allow',
      'moderation.mute',
      'moderation.remove',
      'state',
      'site.join',
    ];
    if (!relevant.includes(type)) return;
    const r = this.d.media?.getRoom(meetingId);
    if (!r || r.closed) return;
    const data = entry.data as Record<string, unknown>;
    const touched = new Set<string>();
    for (const prod of r.listProducers()) {
      const siteId = siteOfPeer(prod.peerId);
      if (!siteId || prod.kind !== 'audio') continue;
      // The projection decides (a chair's mute included: it outlasts the floor), so this pause
      // and the `mic:allowed` push the site gets always agree.
      const allowed = p.micAllowed(siteId);
      const grantHit = type === 'floor.grant' && data.siteId === siteId;
      try {
        if (!allowed && !prod.paused) {
          await r.pauseProducer(prod.id);
          this.d.io.to(room(meetingId)).emit('media:producerPaused', {
            producerId: prod.id,
            peerId: prod.peerId,
            paused: true,
          });
          touched.add(siteId);
        } else if (grantHit && allowed && prod.paused) {
          await r.resumeProducer(prod.id);
          this.d.io.to(room(meetingId)).emit('media:producerPaused', {
            producerId: prod.id,
            peerId: prod.peerId,
            paused: false,
          });
          touched.add(siteId);
        }
      } catch (e) {
        this.d.logger.warn('mic enforcement failed', { producerId: prod.id, err: String(e) });
      }
    }
    for (const siteId of touched) await this.reportSiteMedia(meetingId, siteId);
  }

  private setTimer(meetingId: string, kind: string, ms: number, fn: () => Promise<unknown>): void {
    const key = `${meetingId}:${kind}`;
    for (const t of this.timers.get(key) ?? []) clearTimeout(t);
    const t = setTimeout(
      () => {
        void fn().catch((e) => this.d.logger.warn(`${kind} timer failed`, { err: String(e) }));
      },
      Math.min(ms, 2 ** 31 - 1),
    );
    this.timers.set(key, [t]);
  }

  private armTimers(meetingId: string, entry: MeetingEventEntry): void {
    const type = entry.type as keyof MeetingEvents;
    const data = entry.data as Record<string, unknown>;
    const key = (k: string) => `${meetingId}:${k}`;
    const clear = (k: string) => {
      for (const t of this.timers.get(key(k)) ?? []) clearTimeout(t);
      this.timers.delete(key(k));
    };
    if (
      type === 'floor.grant' ||
      type === 'floor.revoke' ||
      type === 'moderation.remove' ||
      type === 'state'
    )
      clear('floor');
    if (type === 'floor.grant' && (data.limitSeconds as number) > 0) {
      const limit = data.limitSeconds as number;
      const siteId = data.siteId as string;
      const ts: NodeJS.Timeout[] = [];
      for (const left of WARN_AT) {
        if (limit > left) {
          ts.push(
            setTimeout(
              () =>
                this.d.io.to(room(meetingId)).emit('floor:warning', { siteId, secondsLeft: left }),
              (limit - left) * 1000,
            ),
          );
        }
      }
      ts.push(
        setTimeout(() => {
          void this.d.meetings
            .floorRevoke(meetingId, SYSTEM_ACTOR, 'expired', entry.at)
            .catch((e) => this.d.logger.warn('floor expiry failed', { err: String(e) }));
        }, limit * 1000),
      );
      this.timers.set(key('floor'), ts);
    }
    if (type === 'rollcall.start') {
      clear('rollcall');
      const id = data.id as string;
      const ms = Math.max(0, Date.parse(data.deadline as string) - this.d.clock.now());
      this.timers.set(key('rollcall'), [
        setTimeout(() => {
          void this.d.meetings
            .rollCallClose(meetingId, SYSTEM_ACTOR, id)
            .catch((e) => this.d.logger.warn('roll-call close failed', { err: String(e) }));
        }, ms),
      ]);
    }
  }

  // --- handlers ------------------------------------------------------------------------------

  private buildHandlers(): { [E in C2SEventName]: Handler<E> } {
    const m = this.d.meetings;
    const ownProducer = (r: MediaRoomPort, socket: HubSocket, producerId: string) => {
      const p = r
        .listProducers()
        .find((x) => x.id === producerId && x.peerId === socket.data.peerId);
      if (!p) throw new HubError('NOT_FOUND', `producer ${producerId} not found`);
      return p;
    };
    const mayTalk = async (socket: HubSocket): Promise<boolean> => {
      const role = socket.data.role;
      if (role !== 'site') return role === 'chair' || role === 'admin';
      const siteId = socket.data.grant.siteId!;
      return m.read(this.mid(socket), (p) => p.micAllowed(siteId));
    };
    return {
      'meeting:join': (s, p) => this.joinMeeting(s, p.meetingId, p.lobby ?? false),
      'meeting:leave': async (s) => {
        await this.leaveMeeting(s);
        return null;
      },
      'meeting:snapshot': (s) => this.snapshot(s),
      'meeting:transition': (s, p) => m.transition(this.mid(s), this.actor(s), p.to),

      'agenda:start': (s, p) => m.agendaStart(this.mid(s), this.actor(s), p.itemId),
      'agenda:next': (s) => m.agendaNext(this.mid(s), this.actor(s)),
      'agenda:extend': (s, p) => m.agendaExtend(this.mid(s), this.actor(s), p.minutes),
      'agenda:reorder': (s, p) => m.agendaReorder(this.mid(s), this.actor(s), p.itemIds),
      'agenda:note': (s, p) => {
        const data: MeetingEvents['agenda.note'] = { itemId: p.itemId };
        if (p.notes !== undefined) data.notes = p.notes;
        if (p.conclusions !== undefined) data.conclusions = p.conclusions;
        return m.agendaNote(this.mid(s), this.actor(s), data);
      },

      'floor:request': (s, p) =>
        m.floorRequest(this.mid(s), this.actor(s), this.siteId(s), p.itemId),
      'floor:cancel': (s) => m.floorCancel(this.mid(s), this.actor(s), this.siteId(s)),
      'floor:reorder': (s, p) => m.floorReorder(this.mid(s), this.actor(s), p.siteIds),
      'floor:grant': (s, p) => m.floorGrant(this.mid(s), this.actor(s), p.siteId, p.limitSeconds),
      'floor:revoke': (s) => m.floorRevoke(this.mid(s), this.actor(s)),
      'floor:next': (s) => m.floorNext(this.mid(s), this.actor(s)),
      'floor:spotlight': (s, p) => m.floorSpotlight(this.mid(s), this.actor(s), p.spotlight),

      'moderation:mute': async (s, p) => {
        await m.mute(this.mid(s), this.actor(s), p.siteId);
        return null;
      },
      'moderation:muteAll': async (s) => {
        await m.mute(this.mid(s), this.actor(s), null);
        const muted = await m.read(
          this.mid(s),
          (pr) => [...pr.sites.values()].filter((x) => x.connId).length,
        );
        return { muted };
      },
      'moderation:askUnmute': async (s, p) => {
        await m.askUnmute(this.mid(s), this.actor(s), p.siteId);
        return null;
      },
      'moderation:remove': async (s, p) => {
        await m.remove(this.mid(s), this.actor(s), p.siteId, p.reason);
        return null;
      },
      'moderation:lock': (s, p) => m.lock(this.mid(s), this.actor(s), p.locked),

      'attendance:table': (s) =>
        m.read(this.mid(s), (pr) => pr.attendanceTable(this.d.clock.now())),
      'attendance:mark': (s, p) => {
        const data: MeetingEvents['attendance.mark'] = { siteId: p.siteId };
        if (p.mark !== undefined) data.mark = p.mark;
        if (p.absenceReason !== undefined) data.absenceReason = p.absenceReason;
        if (p.headcount !== undefined) data.headcount = p.headcount;
        if (p.siteChair !== undefined) data.siteChair = p.siteChair;
        if (p.note !== undefined) data.note = p.note;
        return m.mark(this.mid(s), this.actor(s), data);
      },

      'rollcall:start': (s, p) => m.rollCallStart(this.mid(s), this.actor(s), p.deadlineSeconds),
      'rollcall:answer': async (s, p) =>
        m.rollCallAnswer(this.mid(s), this.actor(s), this.siteId(s), p.rollCallId, p.headcount),
      'rollcall:close': (s, p) => m.rollCallClose(this.mid(s), this.actor(s), p.rollCallId),

      'media:routerCapabilities': async (s) => ({
        rtpCapabilities: (await this.mediaRoom(this.mid(s))).rtpCapabilities,
      }),
      'media:createTransport': async (s, p) => {
        const r = await this.mediaRoom(this.mid(s));
        const t = await r.createWebRtcTransport(s.data.peerId, { direction: p.direction });
        return {
          id: t.id,
          iceParameters: t.iceParameters,
          iceCandidates: t.iceCandidates,
          dtlsParameters: t.dtlsParameters,
        };
      },
      'media:connectTransport': async (s, p) => {
        const r = await this.mediaRoom(this.mid(s));
        await r.connectTransport(s.data.peerId, p.transportId, p.dtlsParameters as never);
        return null;
      },
      'media:restartIce': async (s, p) => {
        const r = await this.mediaRoom(this.mid(s));
        return { iceParameters: await r.restartIce(s.data.peerId, p.transportId) };
      },
      'media:produce': async (s, p) => {
        const meetingId = this.mid(s);
        const state = await m.read(meetingId, (pr) => pr.meeting.state);
        if (state === 'closed') throw new HubError('INVALID_STATE', 'meeting is closed');
        if ((p.kind === 'audio') !== (p.source === 'mic')) {
          throw new HubError('BAD_REQUEST', 'source "mic" is audio; camera and screen are video');
        }
        const r = await this.mediaRoom(meetingId);
        const { id } = await r.produce(s.data.peerId, p.transportId, {
          kind: p.kind,
          rtpParameters: p.rtpParameters as never,
          appData: { source: p.source },
        });
        let paused = false;
        if (p.kind === 'audio' && !(await mayTalk(s))) {
          // Floor enforcement: a site without the floor starts muted, whatever its UI shows.
          await r.pauseProducer(id);
          paused = true;
        }
        this.d.io.to(room(meetingId)).emit('media:newProducer', {
          producerId: id,
          peerId: s.data.peerId,
          kind: p.kind,
          source: p.source,
          paused,
        });
        const siteId = siteOfPeer(s.data.peerId);
        if (siteId) void this.reportSiteMedia(meetingId, siteId);
        return { id, paused };
      },
      'media:closeProducer': async (s, p) => {
        const r = await this.mediaRoom(this.mid(s));
        ownProducer(r, s, p.producerId);
        r.closeProducer(s.data.peerId, p.producerId);
        return null;
      },
      'media:setProducerPaused': async (s, p) => {
        const meetingId = this.mid(s);
        const r = await this.mediaRoom(meetingId);
        const prod = ownProducer(r, s, p.producerId);
        if (!p.paused && prod.kind === 'audio' && !(await mayTalk(s))) {
          throw new HubError('FORBIDDEN', 'the floor is closed for this site');
        }
        if (p.paused) await r.pauseProducer(prod.id);
        else await r.resumeProducer(prod.id);
        this.d.io.to(room(meetingId)).emit('media:producerPaused', {
          producerId: prod.id,
          peerId: prod.peerId,
          paused: p.paused,
        });
        const siteId = siteOfPeer(s.data.peerId);
        if (siteId) void this.reportSiteMedia(meetingId, siteId);
        return { paused: p.paused };
      },
      'media:consume': async (s, p) => {
        const r = await this.mediaRoom(this.mid(s));
        const c = await r.consume(
          s.data.peerId,
          p.transportId,
          p.producerId,
          p.rtpCapabilities as never,
        );
        return {
          id: c.id,
          producerId: c.producerId,
          kind: c.kind,
          rtpParameters: c.rtpParameters,
          type: c.type,
          producerPaused: c.producerPaused,
        };
      },
      'media:resumeConsumer': async (s, p) => {
        await (await this.mediaRoom(this.mid(s))).resumeConsumer(s.data.peerId, p.consumerId);
        return null;
      },
      'media:pauseConsumer': async (s, p) => {
        await (await this.mediaRoom(this.mid(s))).pauseConsumer(s.data.peerId, p.consumerId);
        return null;
      },
      'media:setPreferredLayers': async (s, p) => {
        const layers =
          p.temporalLayer === undefined
            ? { spatialLayer: p.spatialLayer }
            : { spatialLayer: p.spatialLayer, temporalLayer: p.temporalLayer };
        await (await this.mediaRoom(this.mid(s))).setPreferredLayers(
          s.data.peerId,
          p.consumerId,
          layers,
        );
        return null;
      },
    };
  }
}
