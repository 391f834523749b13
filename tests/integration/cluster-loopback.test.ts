// The media cluster without test hosts (no root needed): two hub processes on loopback, each a
// media node with its own worker, one redis-server. The chair produces on node A (the origin);
// 12 werift WebRTC sites join through both hubs; placement (least loaded) puts some of their
// media on node B, whose room pipes the chair in from A over a PipeTransport; every site decodes
// the chair and loses < 1 % of it. The three-host version with faults: cluster-netns.test.ts.
import { createClient } from 'redis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type HubProcess, startHubProcess } from '../harness/processes';
import { RedisServer } from '../harness/redis';
import { prepareMedia } from '../load/mediaFiles';
import { RunnerProcess, SiteFleet } from '../load/SiteFleet';

const SITES = 12;
const SECRET = 'cluster-loopback-test-secret-0123456789ab';
let redis: RedisServer | undefined;
const hubs: HubProcess[] = [];
let chair: RunnerProcess | undefined;
let fleet: SiteFleet | undefined;

const env = (id: string, extra: Record<string, string> = {}) => ({
  NODE_ID: id,
  REDIS_URL: redis!.url,
  JWT_SECRET: 'test-secret-for-integration-0123456789',
  MEDIA_ENABLED: 'true',
  SFU_WORKERS: '1',
  SFU_LISTEN_IP: '127.0.0.1',
  SFU_PORT_BASE: '0',
  SFU_LOG_LEVEL: 'error',
  SOCKET_RATE_BURST: '200',
  CLUSTER_SECRET: SECRET,
  CLUSTER_INTERNAL_PORT: '0',
  LOG_LEVEL: 'warn',
  ...(process.env.MEDIASOUP_WORKER_BIN
    ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN }
    : {}),
  ...extra,
});

beforeAll(async () => {
  prepareMedia(() => {});
  redis = await RedisServer.start();
  hubs.push(
    await startHubProcess(env('node-a', { SEED_SITES: String(SITES), SEED_PROVINCE: '*' })),
  );
  hubs.push(await startHubProcess(env('node-b')));
  chair = await RunnerProcess.start();
  fleet = await SiteFleet.start(2);
}, 180_000);

afterAll(async () => {
  await Promise.allSettled([fleet?.close(), chair?.close()]);
  await Promise.allSettled(hubs.map((h) => h.stop('SIGKILL')));
  await redis?.stop().catch(() => {});
});

it('sites placed on node B decode the chair producing on node A (piped), < 1 % loss', async () => {
  const seed = hubs[0]!.seed!;
  await chair!.request(
    {
      type: 'chair',
      hubUrl: hubs[0]!.url,
      username: seed.people.chair.username,
      password: seed.people.chair.password,
      meetingId: seed.meetingId,
    },
    'chair',
  );
  const sites = seed.sites.map((s) => ({ label: s.siteId, invitation: s.inviteUrl }));
  const half = SITES / 2;
  let failed = await fleet!.join({
    hubUrl: hubs[0]!.url,
    sites: sites.slice(0, half),
    rampMs: 1000,
    send: false,
  });
  failed += await fleet!.join({
    hubUrl: hubs[1]!.url,
    sites: sites.slice(half),
    rampMs: 1000,
    send: false,
  });
  expect(failed).toBe(0);
  const end = Date.now() + 30_000;
  for (;;) {
    const st = (await fleet!.stats()).peers;
    if (st.filter((p) => p.video?.firstKeyFrameAt != null).length === SITES) break;
    if (Date.now() > end) throw new Error('not every site decodes the chair in 30 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  // Where placement put them: each node's registry record (sites with a receive transport).
  const reg = createClient({ url: redis!.url });
  await reg.connect();
  const load = async (id: string) =>
    (JSON.parse((await reg.get(`gb:cluster:node:${id}`)) ?? '{}') as { load?: { sites: number } })
      .load?.sites ?? 0;
  // The records count the sites at the nodes' next beats (1 s apart): waited for, not slept for
  // (a fixed 1.5 s can miss a late beat on a loaded machine).
  let [a, b] = [0, 0];
  for (const until = Date.now() + 30_000; Date.now() < until; ) {
    [a, b] = [await load('node-a'), await load('node-b')];
    if (a + b === SITES + 1) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const pipes = await reg.hGetAll('gb:cluster:origin');
  await reg.quit();
  expect(a + b).toBe(SITES + 1); // the chair's receive transport counts on A
  expect(b).toBeGreaterThanOrEqual(SITES / 2 - 1); // least loaded: an even split
  expect(pipes[seed.meetingId]).toBe('node-a');
  fleet!.mark();
  await new Promise((r) => setTimeout(r, 3000));
  for (const p of (await fleet!.stats()).peers) {
    const exp = (p.video?.expected ?? 0) + (p.audio?.expected ?? 0);
    const lost = (p.video?.lost ?? 0) + (p.audio?.lost ?? 0);
    expect(exp, p.label).toBeGreaterThan(100);
    expect(lost / exp, p.label).toBeLessThan(0.01);
  }
});
