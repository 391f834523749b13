// One meeting's media over three real hosts (network namespaces joined by veth pairs and a
// bridge): the origin A (with Redis) where the chair produces, edges B and C serving Hà Nội, and a
// fourth host for the sites. 40 werift WebRTC sites join through hubs A and C; placement puts
// their media on B and C (their region, least loaded). Every site decodes the chair, piped
// A → edge; a floor holder on B is heard by the sites on C (B → A → C); B is killed with SIGKILL
// and its sites decode the chair again from C within 5 s; attendance keeps one unbroken interval
// per site. Then the origin dies: a new hub B' runs on host b, A (origin, the chair's and half the
// sites' signalling hub) is SIGKILLed; the chair reconnects through B' and produces there (the
// new origin), C re-pipes the chair from B', the sites whose hub was A reconnect through C, and
// every site decodes the chair again within 5 s; attendance shows reconnections, not leaves.
// Needs root (ip netns); says why and skips otherwise. Every namespace is torn down.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetnsLab, netnsUnavailable } from '../harness/netns';
import { type HubProcess, startHubProcess } from '../harness/processes';
import { RedisServer } from '../harness/redis';
import { prepareMedia } from '../load/mediaFiles';
import { RunnerProcess, SiteFleet } from '../load/SiteFleet';
import type { PeerStats } from '../load/WebRtcSite';

const SITES = 40;
const SECRET = 'cluster-netns-test-secret-0123456789abcdef';
const why = netnsUnavailable();
if (why) console.warn(`cluster-netns: skipped — ${why}`);

let lab: NetnsLab | undefined;
let redis: RedisServer | undefined;
const hubs: Partial<Record<'a' | 'b' | 'c', HubProcess>> = {};
let chair: RunnerProcess | undefined;
let fleet: SiteFleet | undefined;

function hubEnv(host: 'a' | 'b' | 'c', extra: Record<string, string> = {}) {
  const h = lab!.host(host);
  return {
    NODE_ID: `node-${host}`,
    HOST: h.ip,
    PORT: '3000',
    PUBLIC_URL: `http://${h.ip}:3000`,
    REDIS_URL: redis!.url,
    JWT_SECRET: 'test-secret-for-integration-0123456789',
    MEDIA_ENABLED: 'true',
    SFU_WORKERS: '1',
    SFU_LISTEN_IP: h.ip,
    SFU_PORT_BASE: '40000',
    SFU_LOG_LEVEL: 'error',
    SOCKET_RATE_BURST: '200',
    CLUSTER_SECRET: SECRET,
    CLUSTER_INTERNAL_IP: h.ip,
    CLUSTER_REGION: host === 'a' ? 'central' : 'hanoi',
    CLUSTER_PROVINCES: host === 'a' ? '' : '01',
    LOG_LEVEL: 'warn',
    ...(process.env.MEDIASOUP_WORKER_BIN
      ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN }
      : {}),
    ...extra,
  };
}

const url = (host: 'a' | 'b' | 'c') => `http://${lab!.host(host).ip}:3000`;
const wrapIn = (host: string) => (command: string, args: string[]) =>
  lab!.wrap(host, command, args);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stats of every site, with times on the epoch clock (each runner has its own). */
async function siteStats(): Promise<Array<PeerStats & { epoch: number }>> {
  const all = await Promise.all(fleet!.runners.map((r) => r.stats()));
  return all.flatMap((a) => a.peers.map((p) => ({ ...p, epoch: a.epochOffsetMs })));
}

async function until<T>(what: string, ms: number, fn: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await sleep(250);
  }
}

describe.skipIf(why !== undefined)('cluster on three hosts', () => {
  beforeAll(async () => {
    prepareMedia(() => {});
    lab = NetnsLab.create(['a', 'b', 'c', 's']);
    redis = await RedisServer.start({
      bind: { host: lab.host('a').ip, port: 6379 },
      wrap: wrapIn('a'),
    });
    hubs.a = await startHubProcess(
      hubEnv('a', { SEED_SITES: String(SITES), SEED_PROVINCE: '01' }),
      120_000,
      wrapIn('a'),
    );
    lab.track(hubs.a.pid);
    [hubs.b, hubs.c] = await Promise.all([
      startHubProcess(hubEnv('b'), 120_000, wrapIn('b')),
      startHubProcess(hubEnv('c'), 120_000, wrapIn('c')),
    ]);
    lab.track(hubs.b.pid);
    lab.track(hubs.c.pid);
    chair = await RunnerProcess.start(wrapIn('s'));
    fleet = await SiteFleet.start(2, wrapIn('s'));
    for (const r of [chair, ...fleet.runners]) lab.track(r.pid);
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled([fleet?.close(), chair?.close()]);
    await Promise.allSettled(Object.values(hubs).map((h) => h?.stop('SIGKILL')));
    await redis?.stop().catch(() => {});
    await lab?.destroy();
  });

  it('40 sites over two edges, a floor holder heard across them, an edge killed', async () => {
    const seed = hubs.a!.seed!;
    const ip = { a: lab!.host('a').ip, b: lab!.host('b').ip, c: lab!.host('c').ip };
    await chair!.request(
      {
        type: 'chair',
        hubUrl: url('a'),
        username: seed.people.chair.username,
        password: seed.people.chair.password,
        meetingId: seed.meetingId,
        fallbackUrls: [url('b')],
      },
      'chair',
    );
    // Signalling through hubs A and C (a load balancer's choice); media where placement says.
    const sites = seed.sites.map((s) => ({ label: s.siteId, invitation: s.inviteUrl }));
    const failed =
      (await fleet!.join({
        hubUrl: url('a'),
        sites: sites.slice(0, 20),
        rampMs: 2000,
        send: false,
        fallbackUrls: [url('c')],
      })) +
      (await fleet!.join({
        hubUrl: url('c'),
        sites: sites.slice(20),
        rampMs: 2000,
        send: false,
        fallbackUrls: [url('a')],
      }));
    expect(failed).toBe(0);

    // Every site decodes the chair (a complete key frame through the pipe from A).
    const first = await until('every site decodes the chair', 30_000, async () => {
      const s = await siteStats();
      return s.length === SITES && s.every((p) => p.video?.firstKeyFrameAt != null) ? s : undefined;
    });
    const onB = first.filter((p) => p.mediaIp === ip.b).map((p) => p.label);
    const onC = first.filter((p) => p.mediaIp === ip.c).map((p) => p.label);
    // Region first (no Hà Nội site on the origin), least loaded (an even split, not by order).
    expect(onB.length + onC.length, JSON.stringify(first.map((p) => p.mediaIp))).toBe(SITES);
    expect(Math.abs(onB.length - onC.length)).toBeLessThanOrEqual(2);
    const drops = () =>
      Object.fromEntries(
        ['a', 'b', 'c', 's'].map((h) => {
          const snmp = execFileSync(
            'ip',
            ['netns', 'exec', lab!.host(h).ns, 'cat', '/proc/net/snmp'],
            {
              encoding: 'utf8',
            },
          );
          const [names, values] = snmp.split('\n').filter((l) => l.startsWith('Udp:'));
          const i = names!.split(/\s+/).indexOf('RcvbufErrors');
          return [h, Number(values!.split(/\s+/)[i])];
        }),
      );
    const before = drops();
    fleet!.mark();
    await sleep(4000);
    const after = drops();
    console.log(
      `cluster-netns: UDP receive-buffer drops in 4 s: ${Object.keys(after)
        .map((h) => `${h} ${after[h]! - before[h]!}`)
        .join(', ')}`,
    );
    // Media keeps flowing to every site; loss is the machine's (2 shared cores carry the hosts and
    // the 40 werift peers): the median site must stay under 1 %, the worst is printed.
    const losses: number[] = [];
    for (const p of await siteStats()) {
      const exp = (p.video?.expected ?? 0) + (p.audio?.expected ?? 0);
      const lost = (p.video?.lost ?? 0) + (p.audio?.lost ?? 0);
      expect(exp, p.label).toBeGreaterThan(300);
      losses.push(lost / exp);
    }
    losses.sort((x, y) => x - y);
    console.log(
      `cluster-netns: chair loss per site median ${(100 * losses[SITES >> 1]!).toFixed(2)} %, worst ${(100 * losses.at(-1)!).toFixed(2)} %`,
    );
    expect(losses[SITES >> 1]!).toBeLessThan(0.01);

    // A site on B takes the floor and speaks; the sites on C hear it (B → A → C).
    const holder = onB[0]!;
    await fleet!.all({ type: 'send', labels: [holder] });
    const mic = await until('the holder mic producer', 15_000, async () => {
      const r = await chair!.request<{
        type: 'done';
        data?: { producers: Array<{ producerId: string; peerId: string; kind: string }> };
      }>({ type: 'emit', event: 'meeting:snapshot', payload: {} }, 'done');
      return r.data?.producers.find(
        (p) => p.peerId.startsWith(`site:${holder}:`) && p.kind === 'audio',
      )?.producerId;
    });
    const started = await chair!.request<{ type: 'done'; error?: string }>(
      { type: 'emit', event: 'meeting:transition', payload: { to: 'in_session' } },
      'done',
    );
    expect(started.error).toBeUndefined();
    const granted = await chair!.request<{ type: 'done'; error?: string }>(
      { type: 'emit', event: 'floor:grant', payload: { siteId: holder } },
      'done',
    );
    expect(granted.error).toBeUndefined();
    await fleet!.all({ type: 'speak', labels: [holder], on: true });
    const listeners = onC.slice(0, 8);
    await fleet!.all({ type: 'watch', labels: listeners, producerIds: [mic] });
    await until('sites on C hear the floor holder on B', 20_000, async () => {
      const s = (await siteStats()).filter((p) => listeners.includes(p.label));
      return s.every((p) => (p.tiles[0]?.received ?? 0) > 50) ? s : undefined;
    });

    // B dies without a word; its sites come back on C within 5 s.
    const killedAt = Date.now();
    await hubs.b!.stop('SIGKILL');
    const back = await until('B sites decode the chair again', 20_000, async () => {
      const s = (await siteStats()).filter((p) => onB.includes(p.label));
      const ok = s.every(
        (p) =>
          (p.resets ?? 0) >= 1 &&
          p.mediaIp !== ip.b &&
          p.video?.firstKeyFrameAt != null &&
          p.video.firstKeyFrameAt + p.epoch > killedAt,
      );
      return ok ? s : undefined;
    });
    const recoveryMs = back.map((p) => p.video!.firstKeyFrameAt! + p.epoch - killedAt);
    const phase = (f: (p: PeerStats) => number | null | undefined) => {
      const v = back.map((p) => (f(p) ?? Number.NaN) + p.epoch - killedAt).sort((x, y) => x - y);
      return `${Math.round(v[0]!)}/${Math.round(v[Math.floor(v.length / 2)]!)}/${Math.round(v.at(-1)!)}`;
    };
    console.log(
      `cluster-netns: after the kill (min/median/max ms): reset ${phase((p) => p.resetAt)}, snapshot ${phase((p) => p.resetSteps?.snapshot)}, transport ${phase((p) => p.resetSteps?.transport)}, consume ${phase((p) => p.resetSteps?.consume)}, sdp ${phase((p) => p.resetSteps?.sdp)}, connect ${phase((p) => p.resetSteps?.connect)}, resumed ${phase((p) => p.resetSteps?.received)}, first RTP ${phase((p) => p.video?.firstRtpAt)}, key frame ${phase((p) => p.video?.firstKeyFrameAt)}`,
    );
    console.log(
      `cluster-netns: ${onB.length} sites of B back in ${Math.round(Math.min(...recoveryMs))}–${Math.round(Math.max(...recoveryMs))} ms on ${[...new Set(back.map((p) => p.mediaIp))].join(', ')}`,
    );
    expect(back.every((p) => p.mediaIp === ip.c)).toBe(true);
    expect(Math.max(...recoveryMs)).toBeLessThan(5000);
    // The sites that were on C were not disturbed.
    const rest = (await siteStats()).filter((p) => onC.includes(p.label));
    expect(rest.every((p) => (p.resets ?? 0) === 0)).toBe(true);

    // Attendance: one unbroken interval per site, nobody left.
    await expectUnbrokenAttendance('a', 'c');
  }, 240_000);

  it('the origin killed: the chair re-produces on a new origin, every edge re-pipes, every site decodes it again', async () => {
    const ip = { a: lab!.host('a').ip, b: lab!.host('b').ip, c: lab!.host('c').ip };
    // A fresh node on host b (B's address, a new node id): where the chair's reconnect lands.
    hubs.b = await startHubProcess(hubEnv('b', { NODE_ID: 'node-b2' }), 120_000, wrapIn('b'));
    lab!.track(hubs.b.pid);
    const viaA = new Set(hubs.a!.seed!.sites.slice(0, 20).map((s) => s.siteId));
    const killedAt = Date.now();
    await hubs.a!.stop('SIGKILL'); // origin, the chair's hub and 20 sites' hub; Redis lives on
    const chairBack = await until('the chair produces again on B', 20_000, async () => {
      const [c] = (await chair!.stats()).peers;
      return c && (c.reconnects ?? 0) >= 1 && c.mediaIp === ip.b && (c.sent?.packets ?? 0) > 0
        ? c
        : undefined;
    });
    const back = await until('every site decodes the new chair', 20_000, async () => {
      const s = await siteStats();
      return s.length === SITES &&
        s.every(
          (p) => p.video?.firstKeyFrameAt != null && p.video.firstKeyFrameAt + p.epoch > killedAt,
        )
        ? s
        : undefined;
    });
    const recoveryMs = back.map((p) => p.video!.firstKeyFrameAt! + p.epoch - killedAt);
    const onC = back.filter((p) => p.mediaIp === ip.c);
    const onB = back.filter((p) => p.mediaIp === ip.b);
    const reconnected = back.filter((p) => (p.reconnects ?? 0) >= 1);
    console.log(
      `cluster-netns: origin killed: chair on B' after ${Math.round(chairBack.resetAt! + (await chair!.stats()).epochOffsetMs - killedAt)} ms (reset start); ${SITES} sites decode the new chair in ${Math.round(Math.min(...recoveryMs))}–${Math.round(Math.max(...recoveryMs))} ms (median ${Math.round(recoveryMs.sort((x, y) => x - y)[SITES >> 1]!)}); ${onB.length} on B', ${onC.length} on C (piped B' → C); ${reconnected.length} reconnected their socket`,
    );
    expect(back.every((p) => p.mediaIp === ip.b || p.mediaIp === ip.c)).toBe(true);
    // C is an edge of the new origin: its sites get the chair over a new pipe B' → C.
    expect(onC.length).toBeGreaterThan(0);
    // Every site was placed again (C's lost the chair's pipe, A's lost their hub), least loaded
    // over B' and C: an even split — not the whole burst on B' because C's record still counted
    // the sites that had just left it, nor on C because its hub did not list B' yet (issue #12).
    expect(Math.abs(onB.length - onC.length)).toBeLessThanOrEqual(2);
    // The sites whose hub was A (20) reconnected through C; the others kept their socket.
    expect(reconnected.map((p) => p.label).sort()).toEqual([...viaA].sort());
    expect(back.filter((p) => p.error)).toEqual([]);
    expect(Math.max(...recoveryMs)).toBeLessThan(5000);
    // Attendance (asked through C): the gap was a reconnection, not a leave.
    await expectUnbrokenAttendance('c', 'c');
  }, 120_000);
});

/** Every site connected, one interval each, never closed (signed in and asked through `via`). */
async function expectUnbrokenAttendance(login: 'a' | 'b' | 'c', via: 'a' | 'b' | 'c') {
  const seed = hubs.a!.seed!;
  const auth = await fetch(`${url(login)}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: seed.people.secretary.username,
      password: seed.people.secretary.password,
    }),
  }).then((r) => r.json() as Promise<{ accessToken: string }>);
  const rows = await fetch(`${url(via)}/api/meetings/${seed.meetingId}/attendance`, {
    headers: { authorization: `Bearer ${auth.accessToken}` },
  }).then(
    (r) =>
      r.json() as Promise<{
        rows: Array<{ siteId: string; connected: boolean; intervals: Array<{ leaveAt?: string }> }>;
      }>,
  );
  const table = Array.isArray(rows) ? rows : rows.rows;
  expect(table).toHaveLength(SITES);
  for (const row of table) {
    expect(row.connected, row.siteId).toBe(true);
    expect(row.intervals, row.siteId).toHaveLength(1);
    expect(row.intervals[0]!.leaveAt, row.siteId).toBeUndefined();
  }
}
