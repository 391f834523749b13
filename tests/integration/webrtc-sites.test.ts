// Shortened bench:webrtc: 20 real WebRTC sites (werift: ICE, DTLS, SRTP, RTCP) join through the
// hub by their invitation links, receive the chair's ffmpeg-encoded VP8 + opus and send their
// camera as three simulcast layers (plus a paused mic) for 10 s while the chair's grid takes the
// low layer of every tile and the spotlight the high layer of one; every site must get a complete
// chair key frame and lose < 1 % of the chair's packets. All those cameras and the chair land on
// the worker's one WebRtcServer UDP socket: with the kernel's default 208 KiB receive buffer it
// overflowed (39,530 datagrams dropped at that socket in one run, /proc/net/udp), so the test
// also asserts that the worker's sockets dropped nothing (worker patch 0003, SFU_UDP_RECV_BUFFER).
// Dynacast: the chair's grid shows 10 of the 20 cameras; sites off the page must stop sending,
// and when the grid turns the page the new tiles' sites resume and their first frames arrive.
// Two workers: the home router takes 20 consumers, the later sites land on the second worker's
// router, fed through pipeToRouter (a site there once got no chair media). A site without the
// chair's key frame fails with where its receive path stopped (WebRtcSite.recvDiagnosis) and the
// worker's view of its transports and consumers (MediaRoom.diagnose).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type HubProcess, startHubProcess } from '../harness/processes';
import { prepareMedia } from '../load/mediaFiles';
import { workerPids } from '../load/processes';
import { RunnerProcess, SiteFleet } from '../load/SiteFleet';
import type { RunnerReply } from '../load/site-runner';
import { dropsBetween, sampleUdpDrops } from '../load/udpDrops';
import type { PeerStats } from '../load/WebRtcSite';

const SITES = 20;
const TILES = 10; // the chair's grid page: half the sites, so dynacast has layers to turn off
let hub: HubProcess | undefined;
let chair: RunnerProcess | undefined;
let fleet: SiteFleet | undefined;

beforeAll(async () => {
  prepareMedia(() => {});
  hub = await startHubProcess({
    JWT_SECRET: 'test-secret-for-integration-0123456789',
    MEDIA_ENABLED: 'true',
    SFU_WORKERS: '2',
    SFU_CONSUMERS_PER_ROUTER: String(SITES),
    SFU_LISTEN_IP: '127.0.0.1',
    SFU_PORT_BASE: '0',
    SFU_LOG_LEVEL: 'error',
    SEED_SITES: String(SITES),
    SEED_PROVINCE: '*',
    SOCKET_RATE_BURST: '200',
    ...(process.env.MEDIASOUP_WORKER_BIN
      ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN }
      : {}),
  });
  chair = await RunnerProcess.start();
  fleet = await SiteFleet.start(2);
}, 180_000);

afterAll(async () => {
  await Promise.all([fleet?.close(), chair?.close()]);
  await hub?.stop('SIGKILL');
});

const layerCounts = (peers: PeerStats[]) => {
  const n: Record<string, number> = {};
  for (const p of peers) {
    const k = p.activeLayers.map((on) => (on ? 'T' : 'F')).join('');
    n[k] = (n[k] ?? 0) + 1;
  }
  return n;
};

it('20 werift sites sending simulcast decode the chair and lose < 1 %; dynacast follows the grid', async () => {
  const seed = hub!.seed!;
  await chair!.request(
    {
      type: 'chair',
      hubUrl: hub!.url,
      username: seed.people.chair.username,
      password: seed.people.chair.password,
      meetingId: seed.meetingId,
    },
    'chair',
  );
  const failed = await fleet!.join({
    hubUrl: hub!.url,
    sites: seed.sites.map((s) => ({ label: s.siteId, invitation: s.inviteUrl })),
    rampMs: 2000,
    send: true,
  });
  expect(failed).toBe(0);
  await chair!.request({ type: 'grid', tiles: TILES }, 'watching');
  await new Promise((r) => setTimeout(r, 2000));
  fleet!.mark();
  const roles = { worker: workerPids(hub!.pid) };
  expect(roles.worker).toHaveLength(2);
  const before = sampleUdpDrops(roles);
  await new Promise((r) => setTimeout(r, 10_000));
  const workerDrops = dropsBetween(before, sampleUdpDrops(roles)).worker ?? 0;
  const { peers } = await fleet!.stats();
  expect(workerDrops, "datagrams dropped at the worker's full UDP receive buffer").toBe(0);
  expect(peers).toHaveLength(SITES);
  const sfuView = (await hub!.diagnose(
    seed.meetingId,
    peers.map((p) => `site:${p.label}:${p.socketId}`),
  )) as Record<string, { transports: Array<{ direction: string; home: boolean }> } | null>;
  const worker = (p: PeerStats) => sfuView[`site:${p.label}:${p.socketId}`];
  // Both routers carry sites: the test covers the piped one.
  const piped = peers.filter((p) =>
    worker(p)?.transports.some((t) => t.direction === 'recv' && !t.home),
  );
  expect(piped.length, 'sites whose receive transport is on the piped router').toBeGreaterThan(0);
  expect(piped.length).toBeLessThan(SITES);
  for (const p of peers) {
    expect(p.error, p.label).toBeUndefined();
    // A site whose transport the worker closed is reset and recovers (issue #11), but at this
    // load none should lose one: say which, with the worker's own line about it.
    expect(
      p.resetReasons,
      `${p.label} was reset; hub: ${hub!
        .stderr()
        .split('\n')
        .filter((l) => l.includes('transport lost'))
        .join(' | ')}`,
    ).toEqual({});
    expect(
      p.video?.firstKeyFrameAt,
      `${p.label} decoded no chair key frame, stopped at ${p.recv?.stage}: ${JSON.stringify(p)}; ` +
        `worker: ${JSON.stringify(worker(p))}`,
    ).not.toBeNull();
    const expected = (p.video?.expected ?? 0) + (p.audio?.expected ?? 0);
    const lost = (p.video?.lost ?? 0) + (p.audio?.lost ?? 0);
    expect(expected, p.label).toBeGreaterThan(1000); // ~175 packets/s for 10 s
    expect(lost / expected, `${p.label} lost ${lost}/${expected}`).toBeLessThan(0.01);
  }
  // Dynacast: the spotlight's site sends all three layers, the other tiles of the page the low
  // one, the sites off the page nothing (the hub's media:layersWanted → setParameters).
  expect(layerCounts(peers)).toEqual({ TTT: 1, TFF: TILES - 1, FFF: SITES - TILES });
  // The next page: its tiles' sites resume the low layer and the first frames come within a
  // key frame or so; the page that left stops after the off delay (1 s).
  const paged = await chair!.request<Extract<RunnerReply, { type: 'watching' }>>(
    { type: 'grid', tiles: TILES, page: 1 },
    'watching',
  );
  expect(paged.firstFrameMs).toHaveLength(TILES);
  for (const ms of paged.firstFrameMs ?? []) {
    expect(ms, `tile visible → first frame: ${paged.firstFrameMs}`).not.toBeNull();
    expect(ms!).toBeLessThan(3000);
  }
  await new Promise((r) => setTimeout(r, 2000));
  expect(layerCounts((await fleet!.stats()).peers)).toEqual({
    TTT: 1,
    TFF: TILES,
    FFF: TILES - 1,
  });
}, 240_000);
