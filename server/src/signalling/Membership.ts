import { type Snapshot, STAFF_ROLES } from '@giaoban/shared';
import { actorOf, meetingRole } from '../domain/access';
import type { MeetingService } from '../domain/MeetingService';
import type { MediaEnforcer } from '../media/MediaEnforcer';
import type { MeetingMedia } from '../media/MeetingMedia';
import type { HubMetrics } from '../observability/HubMetrics';
import type { Store } from '../store/Store';
import type { Clock } from '../util/Clock';
import { displaceSite } from './displace';
import { rooms } from './rooms';
import { snapshotFor } from './snapshot';
import type { HubServer, HubSocket, Joined } from './types';

export interface MembershipDeps {
  io: HubServer;
  meetings: MeetingService;
  store: Store;
  media: MeetingMedia;
  enforcer: MediaEnforcer;
  metrics: HubMetrics;
  clock: Clock;
  nodeId: string;
  /** Several hub processes share the adapter (displacements are told to the others). */
  cluster: boolean;
}

/**
 * Which meeting a socket is in and as what: joining (a site's join is recorded in the log and
 * replaces its older connection on any node), the lobby (a site's pre-join screen: pushes and
 * media, no attendance), leaving, and the snapshot each role gets.
 */
export class Membership {
  /** One join or leave at a time per socket (a leave or drop during a join waits for it). */
  private readonly chains = new WeakMap<HubSocket, Promise<unknown>>();

  constructor(private readonly d: MembershipDeps) {}

  private serial<T>(socket: HubSocket, fn: () => Promise<T>): Promise<T> {
    const run = (this.chains.get(socket) ?? Promise.resolve()).then(fn, fn);
    this.chains.set(
      socket,
      run.catch(() => {}),
    );
    return run;
  }

  /** `fresh` = catch up with the store first (false right after a command that just did). */
  async snapshot(socket: Joined, fresh = true): Promise<Snapshot> {
    const { d } = this;
    const meetingId = socket.data.meetingId;
    const view = fresh ? d.meetings.read.bind(d.meetings) : d.meetings.peek.bind(d.meetings);
    const p = await view(meetingId, (x) => x);
    const { chairId, secretaryId } = p.meeting;
    // (The meeting's media node is not in it: no push would keep it current. REST has it.)
    const [chair, secretary] = await Promise.all([
      d.store.getAccount(chairId),
      d.store.getAccount(secretaryId),
    ]);
    const person = (a: typeof chair, id: string) => {
      const out: Snapshot['chair'] = { id, name: a?.displayName ?? id };
      if (a?.title) out.title = a.title;
      return out;
    };
    const producers = (d.media.getRoom(meetingId)?.listProducers() ?? []).map((x) => ({
      producerId: x.id,
      peerId: x.peerId,
      kind: x.kind,
      source: x.source,
      paused: x.paused,
    }));
    const g = socket.data.grant;
    return snapshotFor(
      {
        role: socket.data.role,
        accountId: g.sub,
        name: g.name,
        siteId: g.siteId,
        peerId: socket.data.peerId,
      },
      p,
      {
        chair: person(chair, chairId),
        secretary: person(secretary, secretaryId),
        producers,
        now: d.clock.now(),
      },
    );
  }

  /**
   * Joins (or enters from the lobby). Serialised with the socket's leaves: a leave or a drop
   * that comes while the join is being recorded runs after it, so no join outlives its socket
   * (a site "connected" with no connection).
   */
  join(socket: HubSocket, meetingId: string, lobby: boolean): Promise<Snapshot> {
    return this.serial(socket, () => this.joinNow(socket, meetingId, lobby));
  }

  private async joinNow(socket: HubSocket, meetingId: string, lobby: boolean): Promise<Snapshot> {
    const { d } = this;
    if (socket.data.meetingId === meetingId) {
      // Already in (or still in the lobby and asking to stay there): nothing to record.
      if (!socket.data.lobby || lobby) return this.snapshot(socket as Joined);
      return this.enterFromLobby(socket as Joined, meetingId);
    }
    if (socket.data.meetingId) await this.leaveNow(socket, 'left');
    const grant = socket.data.grant;
    // Who may join depends on the definition only (chair, secretary, invited sites), which does
    // not change once the meeting is open: no need to catch up with the store for it.
    const role = await d.meetings.peek(meetingId, (p) => meetingRole(grant, p.meeting));
    if (role === 'site' && lobby) {
      // The lobby's connectivity check must not count as attendance nor replace the site's
      // live connection elsewhere: validate only, and stay out of the site's own room.
      await d.meetings.checkSiteJoin(meetingId, grant.siteId!);
      socket.join([
        rooms.all(meetingId),
        rooms.sites(meetingId),
        rooms.siteSockets(meetingId, grant.siteId!),
      ]);
      socket.data.lobby = true;
    } else if (role === 'site') {
      const siteId = grant.siteId!;
      await this.recordJoin(socket, meetingId, siteId);
      socket.join([
        rooms.all(meetingId),
        rooms.sites(meetingId),
        rooms.site(meetingId, siteId),
        rooms.siteSockets(meetingId, siteId),
      ]);
    } else {
      socket.join(
        STAFF_ROLES.includes(role)
          ? [rooms.all(meetingId), rooms.staff(meetingId)]
          : [rooms.all(meetingId)],
      );
    }
    socket.data.meetingId = meetingId;
    socket.data.role = role;
    // A site's join command has just caught up with the store; staff did not run a command.
    return this.snapshot(socket as Joined, role !== 'site' || lobby);
  }

  /**
   * One browser per site: a newer connection replaces the older one (on any node). The join is
   * recorded first so the old connection's leave is ignored (no gap in attendance); the old
   * one is told which device took over (displace.ts). This socket is excluded explicitly.
   */
  private async recordJoin(socket: HubSocket, meetingId: string, siteId: string): Promise<void> {
    const { d } = this;
    await d.meetings.siteJoin(meetingId, actorOf(socket.data.grant), siteId, socket.id, d.nodeId);
    displaceSite(d.io, d.cluster, meetingId, siteId, socket, d.clock.now());
    d.metrics.connectedSites.inc();
  }

  /** A site leaves its lobby for the meeting: its presence (and attendance) starts now. */
  private async enterFromLobby(socket: Joined, meetingId: string): Promise<Snapshot> {
    const siteId = socket.data.grant.siteId!;
    await this.recordJoin(socket, meetingId, siteId);
    socket.join(rooms.site(meetingId, siteId));
    socket.data.lobby = false;
    // Media sent from the lobby was not recorded (nor allowed) while the site was not present.
    void this.d.enforcer.reportSite(meetingId, siteId);
    return this.snapshot(socket, false);
  }

  /** `how`: the site said goodbye (`left`) or its socket closed (`dropped`). */
  leave(socket: HubSocket, how: 'left' | 'dropped' = 'left'): Promise<void> {
    return this.serial(socket, () => this.leaveNow(socket, how));
  }

  private async leaveNow(socket: HubSocket, how: 'left' | 'dropped'): Promise<void> {
    const meetingId = socket.data.meetingId;
    if (!meetingId) return;
    const { d } = this;
    socket.data.meetingId = undefined;
    const role = socket.data.role;
    const lobby = socket.data.lobby;
    socket.data.role = undefined;
    socket.data.lobby = undefined;
    d.media.closePeer(meetingId, socket.data.peerId);
    d.enforcer.forgetPeer(socket.data.peerId);
    for (const r of [...socket.rooms]) if (rooms.isOf(r, meetingId)) socket.leave(r);
    if (role === 'site' && !lobby) {
      d.metrics.connectedSites.dec();
      await d.meetings.siteLeave(
        meetingId,
        actorOf(socket.data.grant),
        socket.data.grant.siteId!,
        socket.id,
        how === 'left' ? 'left' : undefined,
      );
    }
  }
}
