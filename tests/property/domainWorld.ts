// The domain-level world of the property suite: the real signalling server (handshake, pipeline,
// handlers, Membership, pushesFor, MediaEnforcer, MeetingTimers, NodeLiveness) on a MemoryStore,
// with fake edges: an in-memory Socket.IO (FakeIo), a fake media plane (FakeSfu) and fake timers.

import type { AckResult, C2SEventName, Role } from '@giaoban/shared';
import { peerIdOf } from '@giaoban/shared';
import { vi } from 'vitest';
import { SessionService } from '../../server/src/auth/SessionService';
import { TokenService } from '../../server/src/auth/TokenService';
import { AccountService } from '../../server/src/domain/AccountService';
import { SYSTEM_ACTOR } from '../../server/src/domain/access';
import { BriefingService } from '../../server/src/domain/briefing/BriefingService';
import { DirectoryService } from '../../server/src/domain/DirectoryService';
import type { MeetingProjection } from '../../server/src/domain/MeetingProjection';
import { MeetingService } from '../../server/src/domain/MeetingService';
import { defineMeeting } from '../../server/src/domain/meetingDefinition';
import { NodeLiveness } from '../../server/src/domain/NodeLiveness';
import { HubMetrics } from '../../server/src/observability/HubMetrics';
import { type HubServer, SignallingServer } from '../../server/src/signalling/SignallingServer';
import { MemoryStore } from '../../server/src/store/MemoryStore';
import { systemClock } from '../../server/src/util/Clock';
import { Logger } from '../../server/src/util/logger';
import {
  type Client,
  mayFlow,
  type Observation,
  runStep,
  type ServerSocketView,
  SITES,
  type Step,
  Tab,
  tabSnapshots,
  violations,
  type Who,
  type World,
  whoName,
} from './briefingModel';
import { FakeIo, type FakeSocket } from './fakes/FakeIo';
import { FakeSfu } from './fakes/FakeSfu';

const JWT = {
  secret: 'property-suite-secret-0123456789abcdef',
  issuer: 'giaoban',
  audience: 'giaoban',
  accessTtlSeconds: 86_400,
  refreshTtlSeconds: 86_400,
  inviteTtlSeconds: 86_400,
};
const NODE = 'node-prop';
/** One registry for every fake hub (each new one would start its own default collectors). */
const METRICS = new HubMetrics(undefined);
const UNITS = [
  {
    code: '01',
    tier: 'province' as const,
    name: 'Hà Nội',
    fullName: 'Thành phố Hà Nội',
    kind: 'Thành phố',
  },
  ...['Ba Đình', 'Ngọc Hà', 'Giảng Võ', 'Hoàn Kiếm', 'Cửa Nam'].map((name, i) => ({
    code: `0000${i + 1}`,
    tier: 'ward' as const,
    name,
    fullName: `Phường ${name}`,
    kind: 'Phường',
    parentCode: '01',
  })),
];

/** Accounts and units, made once per file (scrypt is slow on purpose). */
export interface Directory {
  store: MemoryStore;
  chairId: string;
  secretaryId: string;
  observerId: string;
}

export async function makeDirectory(): Promise<Directory> {
  const store = new MemoryStore();
  await store.putUnits(UNITS);
  const accounts = new AccountService(store);
  const person = async (role: 'chair' | 'secretary' | 'observer', username: string) =>
    (
      await accounts.create(
        { username, password: `${username}-password`, displayName: username, role },
        SYSTEM_ACTOR,
      )
    ).id;
  return {
    store,
    chairId: await person('chair', 'chutri'),
    secretaryId: await person('secretary', 'thuky'),
    observerId: await person('observer', 'quansat'),
  };
}

class FakeClient extends Tab {
  socket: FakeSocket | null = null;

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }
  onDisconnect(): void {
    this.reset();
  }
  protected send(event: C2SEventName, payload: unknown, ack: (r: AckResult<unknown>) => void) {
    this.socket?.request(event, payload, ack);
  }
  async drop(): Promise<void> {
    this.socket?.drop();
  }
}

interface HubProcess {
  io: FakeIo;
  sfu: FakeSfu;
  meetings: MeetingService;
  signalling: SignallingServer;
  liveness: NodeLiveness;
}

export class DomainWorld implements World {
  readonly transient: string[] = [];
  private hub!: HubProcess;
  private readonly clients = new Map<string, FakeClient>();
  private readonly tokens = new TokenService(JWT);
  private readonly logger = new Logger('error');

  private constructor(
    private readonly dir: Directory,
    readonly meetingId: string,
    readonly siteIds: readonly string[],
    readonly itemIds: readonly string[],
  ) {}

  static async start(shared: Directory, opts: { openMics?: boolean } = {}): Promise<DomainWorld> {
    // A store of its own per briefing (the sweeper reads every live meeting of its store).
    const dir = { ...shared, store: new MemoryStore() };
    await dir.store.putUnits(UNITS);
    for (const a of await shared.store.listAccounts()) await dir.store.createAccount(a);
    const siteIds = UNITS.filter((u) => u.tier === 'ward')
      .slice(0, SITES)
      .map((u) => u.code);
    const directory = new DirectoryService(dir.store);
    const def = await defineMeeting(
      {
        title: 'Giao ban kiểm thử thuộc tính',
        scheduledStart: new Date().toISOString(),
        chairId: dir.chairId,
        secretaryId: dir.secretaryId,
        siteIds,
        agenda: [
          { title: 'Khai mạc', plannedMinutes: 5 },
          { title: 'Báo cáo', plannedMinutes: 20, presenterSiteIds: [siteIds[0]!] },
          { title: 'Ý kiến', plannedMinutes: 20 },
        ],
        speakingLimitSeconds: 300,
        ...(opts.openMics ? { openMics: true } : {}),
      },
      dir.store,
      directory,
    );
    const world = new DomainWorld(
      dir,
      def.id,
      siteIds,
      def.agenda.map((a) => a.id),
    );
    world.hub = await world.boot();
    await world.hub.meetings.create(def);
    for (const to of ['scheduled', 'open'] as const)
      await world.hub.meetings.transition(def.id, SYSTEM_ACTOR, to);
    for (const who of ['chair', 'secretary', 'observer'] as const) {
      const c = await world.open(who);
      await c.request('meeting:join', { meetingId: def.id });
    }
    await world.settle();
    return world;
  }

  private async boot(): Promise<HubProcess> {
    const io = new FakeIo();
    const meetings = new MeetingService(this.dir.store, systemClock);
    // A producer resumed while the projection (as it is at that instant) does not allow it.
    let current: MeetingProjection | undefined;
    meetings.on('loaded', (_id, p) => {
      current = p;
    });
    meetings.on('applied', (_id, _e, p) => {
      current = p;
    });
    const sfu = new FakeSfu((_room, prod) => {
      if (current && !mayFlow(current, prod, (peer) => this.staffRoleOf(peer)))
        this.transient.push(`producer ${prod.id} of ${prod.peerId} resumed while it may not flow`);
    });
    // Access tokens are checked against revoked sessions (#10); none are revoked here.
    const sessions = new SessionService({
      store: this.dir.store,
      tokens: this.tokens,
      jwt: JWT,
      clock: systemClock,
      logger: this.logger,
    });
    await sessions.start();
    const signalling = new SignallingServer({
      io: io as unknown as HubServer,
      tokens: this.tokens,
      sessions,
      meetings,
      briefing: new BriefingService(meetings, systemClock, 'property-ballot-key'),
      store: this.dir.store,
      media: sfu,
      metrics: METRICS,
      logger: this.logger,
      clock: systemClock,
      nodeId: NODE,
      rate: { burst: 1_000_000, refillPerSecond: 1_000_000 },
    });
    const liveness = new NodeLiveness(
      this.dir.store,
      meetings,
      NODE,
      this.logger,
      { enabled: true },
      (connId) => io.all().some((s) => s.id === connId),
    );
    return { io, sfu, meetings, signalling, liveness };
  }

  private staffRoleOf(peerId: string): Role | undefined {
    const s = this.hub.io.all().find((x) => peerId.endsWith(`:${x.id}`));
    return (
      (s?.data.role as Role | undefined) ?? (s?.data.grant as { role: Role } | undefined)?.role
    );
  }

  private tokenFor(who: Who): { role: Role; token: string; siteId?: string } {
    const { dir } = this;
    if (typeof who === 'string') {
      const sub =
        who === 'chair' ? dir.chairId : who === 'secretary' ? dir.secretaryId : dir.observerId;
      const grant = { sub, role: who, name: who };
      return { role: who, token: this.tokens.sign('access', grant).token };
    }
    const siteId = this.siteIds[who.site]!;
    const grant = {
      sub: `site:${siteId}`,
      role: 'site' as const,
      name: siteId,
      siteId,
      meetingId: this.meetingId,
    };
    return { role: 'site', siteId, token: this.tokens.sign('access', grant).token };
  }

  client(who: Who): Client | undefined {
    return this.clients.get(whoName(who));
  }

  async open(who: Who): Promise<Client> {
    const name = whoName(who);
    this.clients.get(name)?.socket?.drop();
    const { role, token, siteId } = this.tokenFor(who);
    const c = new FakeClient(name, role, token, siteId);
    this.clients.set(name, c);
    const s = this.hub.io.connect(token, c);
    if (!(s instanceof Error)) c.socket = s;
    await this.settle();
    return c;
  }

  async restart(): Promise<void> {
    const old = this.hub;
    // The process dies: its sockets, timers and media go without a word to the store.
    old.signalling.close();
    old.io.dropAllSilently();
    await old.sfu.close();
    this.hub = await this.boot();
    await this.hub.liveness.start();
    await this.hub.liveness.sweep();
    await this.hub.liveness.stop();
    // Every tab reconnects and joins again (staff and sites; lobby tabs to the lobby).
    for (const c of [...this.clients.values()]) {
      const wasIn = c.state !== null;
      const lobby = c.lobby;
      c.onDisconnect();
      const s = this.hub.io.connect(c.token, c);
      if (s instanceof Error) continue;
      c.socket = s;
      if (wasIn) await c.request('meeting:join', { meetingId: this.meetingId, lobby });
    }
    await this.settle();
  }

  async advance(ms: number): Promise<void> {
    await vi.advanceTimersByTimeAsync(ms);
    await this.settle();
  }

  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await this.hub.signalling.enforcer.settled(this.meetingId);
      // Evictions wait 100 ms for their notice to leave; enforcement and reports are promises.
      await vi.advanceTimersByTimeAsync(150);
    }
  }

  projection(): Promise<MeetingProjection> {
    return this.hub.meetings.peek(this.meetingId, (p) => p);
  }

  async observe(opts: { snapshots?: boolean } = {}): Promise<Observation> {
    const { hub } = this;
    const projection = await hub.meetings.peek(this.meetingId, (p) => p);
    const replayed = await new MeetingService(this.dir.store, systemClock).fold(this.meetingId);
    const room = hub.sfu.rooms.get(this.meetingId);
    const sockets: ServerSocketView[] = hub.io.all().map((s) => {
      const grant = s.data.grant as { role: Role; siteId?: string };
      return {
        id: s.id,
        role: grant.role,
        siteId: grant.siteId,
        meetingId: s.data.meetingId as string | undefined,
        lobby: s.data.lobby === true,
        rooms: [...s.rooms].filter((r) => r.startsWith(`m:${this.meetingId}`)),
      };
    });
    const clients = opts.snapshots === false ? [] : await tabSnapshots(this.clients.values());
    return {
      meetingId: this.meetingId,
      projection,
      replayed,
      roomClosed: room?.closed ?? true,
      producers: room && !room.closed ? room.listProducers() : [],
      transports: room && !room.closed ? room.describe().transports : [],
      sockets,
      clients,
    };
  }

  async close(): Promise<void> {
    this.hub.signalling.close();
    this.hub.io.dropAllSilently();
    await this.hub.liveness.stop();
  }

  /** Peer id of a site's tab socket (for tests that look at one producer). */
  peerOf(who: Who): string | undefined {
    const c = this.clients.get(whoName(who));
    if (!c?.socket) return undefined;
    return peerIdOf({ role: c.role, siteId: c.siteId, accountId: '' }, c.socket.id);
  }
}

const START = Date.parse('2026-12-01T01:00:00.000Z');

/** Runs one briefing; resolves to the first step whose invariants failed, with what failed. */
export async function runBriefing(
  d: Directory,
  steps: readonly Step[],
  opts: { openMics?: boolean } = {},
): Promise<{ step: number; failed: string[] } | null> {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
  vi.setSystemTime(START);
  const world = await DomainWorld.start(d, opts);
  try {
    for (const [i, step] of steps.entries()) {
      await runStep(world, step);
      const failed = [...world.transient.splice(0), ...violations(await world.observe())];
      if (failed.length) return { step: i, failed };
    }
    return null;
  } finally {
    await world.close();
    vi.useRealTimers();
  }
}
