// The real hub for browser tests and the join benchmark: a redis-server of its own, the server
// from server/src on a free loopback port with real mediasoup workers, serving the production
// client build; plus one cuttable proxy per participant whose network a test wants to cut.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Hub } from '@giaoban/server';
import { chromiumPath, repoRoot } from './browser.js';
import { clientDist, ensureClientBuilt } from './browser-client-build.js';
import { HubApi } from './browser-hub-api.js';
import { MediaTransportTracker } from './browser-mediasoup.js';
import { CuttableProxy } from './browser-netcut.js';
import { RedisServer } from './redis.js';

export interface E2EHub {
  /** http://127.0.0.1:<port> of the hub itself. */
  origin: string;
  port: number;
  redis: RedisServer;
  tracker: MediaTransportTracker;
  /** One per requested proxy, in order: give each participant whose network is cut its own. */
  proxies: CuttableProxy[];
  /** REST client signed in as the bootstrap admin. */
  admin: HubApi;
  /** The hub itself (in this process), for set-up the UI cannot do (e.g. filing a recording). */
  server: Hub;
  adminCredentials: Credentials;
  chromiumVersion: string;
  /** Fresh invitation token for one site. */
  invite(meetingId: string, siteId: string): Promise<string>;
  /** Moves the meeting to in_session (from open). */
  startSession(meetingId: string): Promise<void>;
  /** The producers of a meeting's media room as the SFU has them (paused or not), on this hub. */
  serverProducers(meetingId: string): ServerProducer[];
  /** Peer ids holding a media transport in the meeting's room, as the SFU has them. */
  serverTransports(meetingId: string): string[];
  /** How many live sockets of this site (lobby or not) the hub holds. */
  siteSockets(siteId: string): number;
  /**
   * The chair grants the floor with a limit of its own, as `floor:grant {limitSeconds}` does. The
   * console grants with the meeting's limit (minutes); a limit of a few seconds keeps the
   * "cut off at the limit" run short.
   */
  grantFloor(
    meetingId: string,
    chair: { id: string; name: string },
    siteId: string,
    limitSeconds: number,
  ): Promise<void>;
  stop(): Promise<void>;
}

export interface ServerProducer {
  id: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: string;
  paused: boolean;
}

export interface Credentials {
  username: string;
  password: string;
}

const ADMIN: Credentials = { username: 'admin', password: 'e2e-admin-password' };

export async function startE2EHub(
  opts: { proxies?: number; log?: (line: string) => void; buildClient?: boolean } = {},
): Promise<E2EHub> {
  const log = opts.log ?? (() => {});
  if (opts.buildClient !== false) await ensureClientBuilt(log);
  // Before the hub loads mediasoup: the tracker must see the workers being created.
  const tracker = await MediaTransportTracker.attach();
  const proxies: CuttableProxy[] = [];
  const cleanups: Array<() => Promise<void>> = [async () => tracker.detach()];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch((e) => log(`cleanup: ${String(e)}`));
  };
  try {
    const redis = await RedisServer.start();
    cleanups.push(() => redis.stop());
    for (let i = 0; i < (opts.proxies ?? 0); i++) {
      const p = await CuttableProxy.start();
      proxies.push(p);
      cleanups.push(() => p.close());
    }
    const server = await startServer({
      redisUrl: redis.url,
      extraOrigins: proxies.map((p) => p.origin),
      admin: ADMIN,
    });
    cleanups.push(server.close);
    for (const p of proxies) p.target = server.port;
    const origin = `http://127.0.0.1:${server.port}`;
    const admin = new HubApi(origin);
    await admin.login(ADMIN.username, ADMIN.password);
    return {
      origin,
      port: server.port,
      redis,
      tracker,
      proxies,
      admin,
      server: server.hub,
      adminCredentials: ADMIN,
      chromiumVersion: chromiumVersion(),
      async invite(meetingId, siteId) {
        const [inv] = await admin.invitations(meetingId, [siteId]);
        if (!inv) throw new Error(`no invitation returned for ${siteId}`);
        return inv.token;
      },
      async startSession(meetingId) {
        const m = await admin.request<{ state: string }>('GET', `/api/meetings/${meetingId}`);
        if (m.state === 'open') await admin.transition(meetingId, 'in_session');
      },
      serverProducers: server.producers,
      serverTransports: server.transports,
      siteSockets: server.siteSockets,
      grantFloor: server.grantFloor,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function chromiumVersion(): string {
  try {
    return execFileSync(chromiumPath, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Starts server/src in this process: Redis store, one mediasoup worker on OS-chosen ports, the
 * private client build served at `/`. Bootstraps what an installer would: the admin account and the
 * Hà Nội directory (126 wards, read from the reference data at run time).
 */
async function startServer(opts: {
  redisUrl: string;
  extraOrigins: string[];
  admin: Credentials;
}): Promise<{
  hub: Hub;
  port: number;
  close: () => Promise<void>;
  producers: (meetingId: string) => ServerProducer[];
  transports: (meetingId: string) => string[];
  siteSockets: (siteId: string) => number;
  grantFloor: E2EHub['grantFloor'];
}> {
  const { createHub, loadConfig } = await import('@giaoban/server');
  // The hub's own origin is only known after listen: take a free port first (the OS could hand
  // it out again before we bind, hence the retry).
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: origin,
      REDIS_URL: opts.redisUrl,
      LOG_LEVEL: process.env.E2E_HUB_LOG ?? 'warn',
      CORS_ORIGINS: [origin, ...opts.extraOrigins].join(','),
      NODE_ID: `e2e-${process.pid}`,
      CLIENT_DIST: clientDist,
    });
    const hub = await createHub(config, {
      // The recording's program composed at the browsers' priority, not production's nice 10,
      // which a loaded machine starves (see tests/integration/recording-archive.test.ts).
      recording: { composeNice: 0 },
      sfuEnv: {
        ...process.env,
        SFU_WORKERS: '1',
        SFU_LISTEN_IP: '127.0.0.1',
        SFU_PORT_BASE: '0',
        SFU_LOG_LEVEL: 'warn',
      },
    });
    try {
      await hub.listen();
    } catch (err) {
      await hub.close();
      if (attempt < 3 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw err;
    }
    try {
      const actor = { id: 'e2e-installer', role: 'admin' as const, name: 'e2e installer' };
      await hub.accounts.create(
        {
          username: opts.admin.username,
          password: opts.admin.password,
          displayName: 'Quản trị e2e',
          role: 'admin',
        },
        actor,
      );
      const file = path.resolve(repoRoot, '../shared/data/vn-admin-units-2025.json');
      const provinces = JSON.parse(readFileSync(file, 'utf8')) as Array<{ Code: string }>;
      await hub.directory.import(
        { format: 'json', data: provinces.filter((p) => p.Code === '01') },
        actor,
      );
    } catch (err) {
      await hub.close();
      throw err;
    }
    const producers = (meetingId: string): ServerProducer[] =>
      (hub.media?.getRoom(meetingId)?.listProducers() ?? []).map((p) => ({
        id: p.id,
        peerId: p.peerId,
        kind: p.kind,
        source: p.source,
        paused: p.paused,
      }));
    const grantFloor: E2EHub['grantFloor'] = async (meetingId, chair, siteId, limitSeconds) => {
      await hub.meetings.floorGrant(
        meetingId,
        { id: chair.id, role: 'chair', name: chair.name },
        siteId,
        limitSeconds,
      );
    };
    const transports = (meetingId: string): string[] =>
      (hub.media?.getRoom(meetingId)?.describe().transports ?? []).map((t) => t.peerId);
    const siteSockets = (siteId: string): number =>
      [...hub.io.sockets.sockets.values()].filter(
        (s) => s.connected && s.data.grant?.siteId === siteId,
      ).length;
    return { hub, port, close: () => hub.close(), producers, transports, siteSockets, grantFloor };
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface SeededSite {
  siteId: string;
  name: string;
  fullName: string;
  token: string;
}

export interface BriefingSeed {
  meetingId: string;
  title: string;
  chair: Credentials & { id: string; displayName: string };
  secretary: Credentials & { id: string; displayName: string };
  /** Invited sites that take part (each with its invitation token). */
  sites: SeededSite[];
  /** Invited sites that never join (candidates for "absent with reason"). */
  absentSites: SeededSite[];
  agendaTitles: string[];
}

/** Hà Nội's wards from the reference data, read at run time (never copied into the repo). */
export function hanoiWards(count: number): Array<{ code: string; name: string; fullName: string }> {
  const file = path.resolve(repoRoot, '../shared/data/vn-admin-units-2025.json');
  const provinces = JSON.parse(readFileSync(file, 'utf8')) as Array<{
    Code: string;
    Wards: Array<{ Code: string; Name: string; FullName: string }>;
  }>;
  const hanoi = provinces.find((p) => p.Code === '01');
  if (!hanoi) throw new Error('Hà Nội (01) missing from the reference data');
  return hanoi.Wards.slice(0, count).map((w) => ({
    code: w.Code,
    name: w.Name,
    fullName: w.FullName,
  }));
}

let seedCounter = 0;

/**
 * A meeting ready to join: chair and secretary accounts, `sites` participating wards plus
 * `absent` invited wards that never join, an agenda, invitations; state `open` (or `scheduled`).
 */
export async function seedBriefing(
  hub: E2EHub,
  opts: { sites?: number; absent?: number; state?: 'scheduled' | 'open' } = {},
): Promise<BriefingSeed> {
  const n = opts.sites ?? 3;
  const absent = opts.absent ?? 0;
  const wards = hanoiWards(n + absent);
  const api = hub.admin;
  const known = new Set((await api.units()).map((u) => u.code));
  if (wards.some((w) => !known.has(w.code))) {
    throw new Error('the hub directory lacks Hà Nội wards: import them first');
  }
  const suffix = `${Date.now().toString(36)}${seedCounter++}`;
  const chairPw = 'chair-password-1';
  const secPw = 'secretary-password-1';
  const chair = await api.createAccount({
    username: `chair.${suffix}`,
    password: chairPw,
    displayName: 'Nguyễn Văn Chủ Trì',
    role: 'chair',
    title: 'Phó Chủ tịch UBND Thành phố',
  });
  const secretary = await api.createAccount({
    username: `thuky.${suffix}`,
    password: secPw,
    displayName: 'Trần Thị Thư Ký',
    role: 'secretary',
  });
  const agendaTitles = ['Tình hình kinh tế - xã hội tháng 11', 'Công tác chuyển đổi số'];
  const title = 'Giao ban trực tuyến UBND Thành phố Hà Nội với các phường, xã — tháng 11';
  const meeting = await api.createMeeting({
    title,
    scheduledStart: new Date().toISOString(),
    chairId: chair.id,
    secretaryId: secretary.id,
    siteIds: wards.map((w) => w.code),
    agenda: agendaTitles.map((t) => ({ title: t, plannedMinutes: 15 })),
    lateGraceMinutes: 15,
    speakingLimitSeconds: 0,
    place: 'Hà Nội',
  });
  await api.transition(meeting.id, 'scheduled');
  if ((opts.state ?? 'open') === 'open') await api.transition(meeting.id, 'open');
  const invitations = await api.invitations(meeting.id);
  const siteOf = (w: { code: string; name: string; fullName: string }): SeededSite => {
    const inv = invitations.find((i) => i.siteId === w.code);
    if (!inv) throw new Error(`no invitation for ${w.code}`);
    return { siteId: w.code, name: w.name, fullName: w.fullName, token: inv.token };
  };
  return {
    meetingId: meeting.id,
    title,
    chair: {
      id: chair.id,
      displayName: chair.displayName,
      username: chair.username,
      password: chairPw,
    },
    secretary: {
      id: secretary.id,
      displayName: secretary.displayName,
      username: secretary.username,
      password: secPw,
    },
    sites: wards.slice(0, n).map(siteOf),
    absentSites: wards.slice(n).map(siteOf),
    agendaTitles,
  };
}
