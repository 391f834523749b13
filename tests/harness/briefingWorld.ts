// The real world of the property suite: a hub on a real redis-server with a real mediasoup
// worker (useBriefingHub), a fresh briefing made through REST, and every tab a real Socket.IO
// client whose state is built from its join snapshot and the pushes, as the browser's is.

import { MeetingService } from '@giaoban/server';
import type { AckResult, C2SEventName, Role } from '@giaoban/shared';
import type { MeetingProjection } from '../../server/src/domain/MeetingProjection';
import {
  type Client,
  type Observation,
  type ServerSocketView,
  SITES,
  Tab,
  tabSnapshots,
  type Who,
  type World,
  whoName,
} from '../property/briefingModel';
import type { BriefingHub } from './briefingHub';
import { newBriefing } from './briefings';
import { type ClientSocket, connect, exchangeInvite, login } from './hub';

class RealClient extends Tab {
  socket: ClientSocket | null = null;

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  async open(url: string): Promise<void> {
    this.socket?.close();
    this.reset();
    let s: ClientSocket;
    try {
      s = await connect(url, this.token, 10_000);
    } catch {
      return;
    }
    this.socket = s;
    s.onAny((event: string, payload: unknown) => {
      if (this.socket === s) this.onPush(event, payload);
    });
    s.on('disconnect', () => {
      if (this.socket === s) this.reset();
    });
  }

  protected send(event: C2SEventName, payload: unknown, ack: (r: AckResult<unknown>) => void) {
    const s = this.socket;
    if (!s) return ack({ ok: false, error: { code: 'NOT_IN_MEETING', message: 'no socket' } });
    const timer = setTimeout(
      () => ack({ ok: false, error: { code: 'INTERNAL', message: `${event}: no ack` } }),
      15_000,
    );
    (s.emit as (e: string, p: unknown, cb: (r: AckResult<unknown>) => void) => void)(
      event,
      payload,
      (r) => {
        clearTimeout(timer);
        ack(r);
      },
    );
  }

  async drop(): Promise<void> {
    this.socket?.close();
    this.socket = null;
    this.reset();
  }
}

export class RealWorld implements World {
  readonly transient: string[] = [];
  private readonly clients = new Map<string, RealClient>();

  private constructor(
    private readonly fx: BriefingHub,
    readonly meetingId: string,
    readonly siteIds: readonly string[],
    readonly itemIds: readonly string[],
    private readonly tokens: Map<string, string>,
  ) {}

  static async start(fx: BriefingHub): Promise<RealWorld> {
    const t = fx.t;
    const b = await newBriefing(t, { sites: SITES, state: 'open' });
    const tokens = new Map<string, string>();
    for (const who of ['chair', 'secretary', 'observer'] as const) {
      const p = t.seed.people[who];
      tokens.set(who, (await login(t.url, p.username, p.password)).accessToken);
    }
    for (const [i, s] of b.sites.entries())
      tokens.set(`site${i}`, (await exchangeInvite(t.url, s.inviteToken)).accessToken);
    const world = new RealWorld(
      fx,
      b.meetingId,
      b.sites.map((s) => s.siteId),
      b.meeting.agenda.map((a) => a.id),
      tokens,
    );
    for (const who of ['chair', 'secretary', 'observer'] as const) {
      const c = await world.open(who);
      await c.request('meeting:join', { meetingId: b.meetingId });
    }
    return world;
  }

  client(who: Who): Client | undefined {
    return this.clients.get(whoName(who));
  }

  async open(who: Who): Promise<Client> {
    const name = whoName(who);
    const base = typeof who === 'string' ? who : `site${who.site}`;
    let c = this.clients.get(name);
    if (!c) {
      const role: Role = typeof who === 'string' ? who : 'site';
      const siteId = typeof who === 'string' ? undefined : this.siteIds[who.site];
      c = new RealClient(name, role, this.tokens.get(base)!, siteId);
      this.clients.set(name, c);
    }
    await c.open(this.fx.t.url);
    return c;
  }

  async restart(): Promise<void> {
    const joined = [...this.clients.values()].map((c) => ({
      c,
      was: c.state !== null,
      lobby: c.lobby,
    }));
    await this.fx.restart();
    for (const { c, was, lobby } of joined) {
      await c.open(this.fx.t.url);
      if (was && c.connected) await c.request('meeting:join', { meetingId: this.meetingId, lobby });
    }
  }

  async advance(ms: number): Promise<void> {
    // Real time: only short waits (a 1 s speaking limit); longer deadlines are left running.
    await new Promise((r) => setTimeout(r, Math.min(ms, 1_500)));
  }

  async settle(): Promise<void> {
    await new Promise((r) => setTimeout(r, 150));
  }

  projection(): Promise<MeetingProjection> {
    return this.fx.t.hub.meetings.peek(this.meetingId, (p) => p);
  }

  async observe(opts: { snapshots?: boolean } = {}): Promise<Observation> {
    const hub = this.fx.t.hub;
    const projection = await hub.meetings.read(this.meetingId, (p) => p);
    const replayed = await new MeetingService(hub.store, { now: () => Date.now() }).fold(
      this.meetingId,
    );
    const room = hub.media?.getRoom(this.meetingId);
    const open = room && !room.closed;
    const sockets: ServerSocketView[] = [...hub.io.sockets.sockets.values()].map((s) => ({
      id: s.id,
      role: s.data.grant.role,
      siteId: s.data.grant.siteId,
      meetingId: s.data.meetingId,
      lobby: s.data.lobby === true,
      rooms: [...s.rooms].filter((r) => r.startsWith(`m:${this.meetingId}`)),
    }));
    // Pushes cross the Redis adapter: give one still in flight a second (see tabSnapshots).
    const clients = opts.snapshots === false ? [] : await tabSnapshots(this.clients.values(), 4);
    return {
      meetingId: this.meetingId,
      projection,
      replayed,
      roomClosed: !open,
      producers: open ? room.listProducers() : [],
      transports: open ? room.describe().transports : [],
      sockets,
      clients,
    };
  }

  async close(): Promise<void> {
    for (const c of this.clients.values()) await c.drop();
  }
}
