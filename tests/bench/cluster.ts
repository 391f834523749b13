/**
 * Cluster benchmark: one meeting's media over N media nodes, each a test host of its own (a
 * network namespace with a veth on a private bridge, tests/harness/netns.ts), Redis on the first
 * (the origin, where the chair produces), the werift sites on one more host. Sites join in steps
 * through every node's hub in turn (a load balancer's choice); placement puts their media on the
 * least loaded node; every site consumes the chair (video + audio, piped origin → edge) and, once
 * a floor holder speaks, its low video layer and audio (piped its node → origin → the others).
 * Per step and node: sites and consumers (the node's registry record), the chair loss its sites
 * see, its worker's and hub's CPU, its pipe traffic; and the sites the whole cluster held under
 * 1 % loss. N = 1 is the same code on one node (no pipes): the baseline of the same run.
 *
 *   npm run bench:cluster [-- --json] [--nodes 1,2,3] [--steps 40,80,126] [--seconds 8]
 *                         [--processes 2] [--no-holder]
 *
 * Needs root (ip netns). Take the locks on a shared machine:
 *   flock /work/.heavy.lock flock /work/.bench.lock npm run bench:cluster
 * /proc/loadavg before/after is printed with the table. Steps stop once a step's loss passes 5 %.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createClient } from 'redis';
import { NetnsLab, netnsUnavailable } from '../harness/netns';
import { type HubProcess, startHubProcess } from '../harness/processes';
import { RedisServer } from '../harness/redis';
import { prepareMedia } from '../load/mediaFiles';
import { procStats, workerPids } from '../load/processes';
import { RunnerProcess, SiteFleet } from '../load/SiteFleet';
import type { PeerStats } from '../load/WebRtcSite';
import { type Column, numberArg, numberList, printResults, progress } from './lib/report';

const nodeCounts = numberList('nodes', [1, 2, 3]);
const steps = numberList('steps', [40, 80, 126]);
const seconds = numberArg('seconds', 8);
const processes = numberArg('processes', 2);
const withHolder = !process.argv.includes('--no-holder');
const SECRET = 'bench-cluster-secret-0123456789abcdefghij';
const PREFIX = 'gb:';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

interface NodeStep {
  node: string;
  sites: number;
  consumers: number;
  /** Chair video+audio packets lost / expected over the window, its sites (%). */
  lossPct: number | null;
  /** Its mediasoup worker, % of one core over the window. */
  workerCpuPct: number;
  /** Its hub process (signalling + cluster), % of one core. */
  hubCpuPct: number;
  /** Pipe traffic in + out, Mbit/s (the node's own record). */
  pipeMbps: number;
}

interface StepResult {
  nodes: number;
  sites: number;
  joined: number;
  /** Sites that decoded the chair (a complete key frame) by the end of the step. */
  decoding: number;
  lossPct: number;
  worstLossPct: number;
  holder: string | null;
  perNode: NodeStep[];
  loadavg: string;
}

function lossOf(ps: PeerStats[]): { lost: number; expected: number } {
  let lost = 0;
  let expected = 0;
  for (const p of ps) {
    lost += (p.video?.lost ?? 0) + (p.audio?.lost ?? 0);
    expected += (p.video?.expected ?? 0) + (p.audio?.expected ?? 0);
  }
  return { lost, expected };
}

async function runCluster(n: number, out: StepResult[]): Promise<void> {
  const names = Array.from({ length: n }, (_x, i) => `n${i + 1}`);
  const lab = NetnsLab.create([...names, 's']);
  const wrapIn = (host: string) => (command: string, args: string[]) =>
    lab.wrap(host, command, args);
  const hubs: HubProcess[] = [];
  let redis: RedisServer | undefined;
  let chair: RunnerProcess | undefined;
  let fleet: SiteFleet | undefined;
  let reg: ReturnType<typeof createClient> | undefined;
  try {
    const first = lab.host('n1');
    redis = await RedisServer.start({
      bind: { host: first.ip, port: 6379 },
      wrap: wrapIn('n1'),
      appendfsync: 'everysec',
    });
    const maxSites = Math.max(...steps);
    const env = (name: string, extra: Record<string, string> = {}) => {
      const h = lab.host(name);
      return {
        NODE_ID: name,
        HOST: h.ip,
        PORT: '3000',
        PUBLIC_URL: `http://${h.ip}:3000`,
        REDIS_URL: redis!.url,
        JWT_SECRET: 'bench-secret-for-the-cluster-0123456789',
        MEDIA_ENABLED: 'true',
        SFU_WORKERS: '1',
        SFU_LISTEN_IP: h.ip,
        SFU_PORT_BASE: '40000',
        SFU_LOG_LEVEL: 'error',
        SOCKET_RATE_BURST: '200',
        CLUSTER_SECRET: SECRET,
        CLUSTER_INTERNAL_IP: h.ip,
        // Placement's own limit (default 600 consumers per worker: 135 sites a node) holds: a
        // step above it is refused by placement, as in production.
        LOG_LEVEL: 'warn',
        ...(process.env.MEDIASOUP_WORKER_BIN
          ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN }
          : {}),
        ...extra,
      };
    };
    progress(`cluster ${n}: hosts ${names.map((x) => lab.host(x).ip).join(', ')}`);
    hubs.push(
      await startHubProcess(
        env('n1', { SEED_SITES: String(maxSites), SEED_PROVINCE: '*' }),
        180_000,
        wrapIn('n1'),
      ),
    );
    hubs.push(
      ...(await Promise.all(
        names.slice(1).map((x) => startHubProcess(env(x), 180_000, wrapIn(x))),
      )),
    );
    for (const h of hubs) lab.track(h.pid);
    const ipOf = new Map(names.map((x) => [lab.host(x).ip, x]));
    const url = (i: number) => `http://${lab.host(names[i % n]!).ip}:3000`;
    reg = createClient({ url: redis.url });
    reg.on('error', () => {});
    await reg.connect();
    const record = async (id: string) => {
      const raw = await reg!.get(`${PREFIX}cluster:node:${id}`);
      return raw
        ? (JSON.parse(raw) as {
            load: { sites: number; consumers: number; pipeBitrate?: number };
          })
        : undefined;
    };

    chair = await RunnerProcess.start(wrapIn('s'));
    fleet = await SiteFleet.start(processes, wrapIn('s'));
    lab.track(chair.pid);
    for (const r of fleet.runners) lab.track(r.pid);
    const seed = hubs[0]!.seed!;
    await chair.request(
      {
        type: 'chair',
        hubUrl: url(0),
        username: seed.people.chair.username,
        password: seed.people.chair.password,
        meetingId: seed.meetingId,
      },
      'chair',
    );
    const emit = async (event: string, payload: unknown) => {
      const r = await chair!.request<{ type: 'done'; data?: unknown; error?: string }>(
        { type: 'emit', event, payload },
        'done',
      );
      if (r.error) throw new Error(`${event}: ${r.error}`);
      return r.data;
    };
    await emit('meeting:transition', { to: 'in_session' });

    const all = seed.sites.map((s) => ({ label: s.siteId, invitation: s.inviteUrl }));
    let joinedCount = 0;
    let holder: string | null = null;
    let holderProducers: string[] = [];
    for (const target of steps) {
      if (target > all.length) break;
      const fresh = all.slice(joinedCount, target);
      // Signalling through every node's hub in turn (chunks of the new sites).
      const chunk = Math.ceil(fresh.length / n);
      let failed = 0;
      for (let i = 0; i < n; i++) {
        const part = fresh.slice(i * chunk, (i + 1) * chunk);
        if (part.length === 0) continue;
        failed += await fleet.join({ hubUrl: url(i), sites: part, rampMs: 2000, send: false });
      }
      joinedCount = target;
      const labels = fresh.map((s) => s.label);
      if (withHolder && holder === null) {
        // The floor holder: a site on the last node (an edge when n > 1) takes the floor.
        const st = (await fleet.stats()).peers;
        const last = names[n - 1]!;
        holder = (st.find((p) => p.mediaIp && ipOf.get(p.mediaIp) === last) ?? st[0])!.label;
        await fleet.all({ type: 'send', labels: [holder] });
        await emit('floor:grant', { siteId: holder });
        await fleet.all({ type: 'speak', labels: [holder], on: true });
        const end = Date.now() + 15_000;
        while (holderProducers.length < 2 && Date.now() < end) {
          const snap = (await emit('meeting:snapshot', {})) as {
            producers: Array<{ producerId: string; peerId: string }>;
          };
          holderProducers = snap.producers
            .filter((p) => p.peerId.startsWith(`site:${holder}:`))
            .map((p) => p.producerId);
          if (holderProducers.length < 2) await sleep(250);
        }
        await fleet.all({
          type: 'watch',
          labels: all.slice(0, joinedCount).map((s) => s.label),
          producerIds: holderProducers,
        });
      } else if (holderProducers.length) {
        await fleet.all({ type: 'watch', labels, producerIds: holderProducers });
      }
      // Wait (≤ 30 s) for every site's first complete key frame of the chair.
      const end = Date.now() + 30_000;
      let decoding = 0;
      for (;;) {
        const st = (await fleet.stats()).peers;
        decoding = st.filter((p) => p.video?.firstKeyFrameAt != null).length;
        if (decoding >= joinedCount || Date.now() > end) break;
        await sleep(500);
      }
      await sleep(2000); // settle: key frames, bandwidth estimate, the nodes' next beat
      fleet.mark();
      const wp = hubs.map((h) => workerPids(h.pid));
      const w0 = wp.map((ps) => ps.map(procStats));
      const h0 = hubs.map((h) => procStats(h.pid));
      const t0 = performance.now();
      await sleep(seconds * 1000);
      const windowMs = performance.now() - t0;
      const w1 = wp.map((ps) => ps.map(procStats));
      const h1 = hubs.map((h) => procStats(h.pid));
      const st = (await fleet.stats()).peers.filter((p) => !p.error);
      const perNode: NodeStep[] = [];
      for (let i = 0; i < n; i++) {
        const id = names[i]!;
        const rec = await record(id);
        const mine = st.filter((p) => p.mediaIp && ipOf.get(p.mediaIp) === id);
        const l = lossOf(mine);
        const wcpu = w1[i]!.reduce((s, w, j) => s + w.cpuMs - w0[i]![j]!.cpuMs, 0);
        perNode.push({
          node: id,
          sites: rec?.load.sites ?? mine.length,
          consumers: rec?.load.consumers ?? 0,
          lossPct: l.expected > 0 ? round((100 * l.lost) / l.expected, 2) : null,
          workerCpuPct: round((100 * wcpu) / windowMs),
          hubCpuPct: round((100 * (h1[i]!.cpuMs - h0[i]!.cpuMs)) / windowMs),
          pipeMbps: round((rec?.load.pipeBitrate ?? 0) / 1e6, 2),
        });
      }
      const tot = lossOf(st);
      const worst = Math.max(
        0,
        ...st.map((p) => {
          const x = lossOf([p]);
          return x.expected > 0 ? (100 * x.lost) / x.expected : 100;
        }),
      );
      const r: StepResult = {
        nodes: n,
        sites: target,
        joined: target - failed,
        decoding,
        lossPct: tot.expected > 0 ? round((100 * tot.lost) / tot.expected, 2) : 100,
        worstLossPct: round(worst, 2),
        holder,
        perNode,
        loadavg: loadavg(),
      };
      out.push(r);
      progress(
        `cluster ${n}, ${target} sites: loss ${r.lossPct} % (worst ${r.worstLossPct} %), ${perNode
          .map((x) => `${x.node} ${x.sites} sites/${x.consumers} consumers ${x.workerCpuPct} %`)
          .join('; ')}`,
      );
      if (r.lossPct > 5) break;
    }
  } finally {
    await reg?.quit().catch(() => {});
    await Promise.allSettled([fleet?.close(), chair?.close()]);
    await Promise.allSettled(hubs.map((h) => h.stop('SIGKILL')));
    await redis?.stop().catch(() => {});
    lab.destroySync();
  }
}

async function main(): Promise<void> {
  const why = netnsUnavailable();
  if (why) {
    process.stderr.write(`bench:cluster needs test hosts (network namespaces): ${why}\n`);
    process.exit(2);
  }
  prepareMedia(progress);
  const before = loadavg();
  const results: StepResult[] = [];
  for (const n of nodeCounts) await runCluster(n, results);
  const after = loadavg();
  const held = nodeCounts.map((n) => ({
    nodes: n,
    sitesUnder1Pct: Math.max(
      0,
      ...results
        .filter((r) => r.nodes === n && r.lossPct < 1 && r.decoding === r.sites)
        .map((r) => r.sites),
    ),
  }));
  interface Row {
    step: StepResult;
    node: NodeStep;
  }
  const rows: Row[] = results.flatMap((step) => step.perNode.map((node) => ({ step, node })));
  const columns: Column<Row>[] = [
    { header: 'nodes', value: (r) => r.step.nodes },
    { header: 'sites', value: (r) => r.step.sites },
    { header: 'decoding', value: (r) => r.step.decoding },
    { header: 'loss %', value: (r) => r.step.lossPct, digits: 2 },
    { header: 'worst %', value: (r) => r.step.worstLossPct, digits: 2 },
    { header: 'node', value: (r) => r.node.node },
    { header: 'node sites', value: (r) => r.node.sites },
    { header: 'consumers', value: (r) => r.node.consumers },
    { header: 'node loss %', value: (r) => r.node.lossPct ?? '—', digits: 2 },
    { header: 'worker CPU %', value: (r) => r.node.workerCpuPct, digits: 1 },
    { header: 'hub CPU %', value: (r) => r.node.hubCpuPct, digits: 1 },
    { header: 'pipe Mbit/s', value: (r) => r.node.pipeMbps, digits: 2 },
  ];
  printResults({
    title: `bench:cluster — ${os.cpus().length} cores, ${seconds} s windows, sites receive the chair${withHolder ? ' and one floor holder' : ''}; load average before ${before}, after ${after}`,
    columns,
    rows,
    json: {
      bench: 'cluster',
      cores: os.cpus().length,
      seconds,
      loadavg: { before, after },
      held,
      results,
    },
    notes: [
      ...held.map(
        (h) =>
          `${h.nodes} node(s): ${h.sitesUnder1Pct} sites held under 1 % loss (every site decoding)`,
      ),
      'loss %: chair video+audio packets never received (after NACK) / expected over the window; node loss %: the sites placed on that node.',
      "consumers / node sites: the node's registry record; worker CPU: its one mediasoup worker; pipe: its PipeTransports in + out.",
      "All hosts, the sites (werift) and Redis share this machine's cores: the figures are the machine's, not one node's ceiling.",
    ],
  });
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench:cluster failed: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
