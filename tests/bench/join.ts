// npm run bench:join [-- --sites N] [-- --json] [-- --redis [--fsync always|everysec]]
// N simulated sites (socket.io-client, real invitation tokens exchanged over REST) join one
// meeting and answer a roll-call. The hub runs as a child process so its RSS and CPU can be
// measured. Signalling only (MEDIA_ENABLED=false): what is measured is the hub's control plane.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ClientToServerEvents, ServerToClientEvents } from '@giaoban/shared';
import { io, type Socket } from 'socket.io-client';
import { type HubProcess, startHubProcess } from '../harness/processes';
import { RedisServer } from '../harness/redis';
import { argValue, numberArg, printResults, progress, wantsJson } from './lib/report';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

const SECRET = 'bench-secret-0123456789abcdefghijklmnop';
const sitesArg = argValue('sites');
const all = sitesArg === 'all';
const requested = all ? 3321 : numberArg('sites', 1000);
const useRedis = process.argv.includes('--redis');
// Production's infra/redis/redis.conf fsyncs the AOF every second; `always` shows the disk's cost.
const fsync = (argValue('fsync') ?? 'everysec') as 'always' | 'everysec';
if (fsync !== 'always' && fsync !== 'everysec') {
  throw new Error(`--fsync expects always or everysec, got "${fsync}"`);
}
// Sites arrive spread over this window (as browsers do when a briefing opens), so the latency of
// one join is measured rather than the depth of a queue built by this one client process.
// --ramp-ms 0 = every site at the same instant.
const rampArg = argValue('ramp-ms');
const rampMs = rampArg === undefined ? Math.round(requested * 2.5) : Number(rampArg);

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** utime+stime of a process in ms and its RSS in MB, from /proc. */
function procStats(pid: number): { cpuMs: number; rssMb: number; hwmMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 100; // USER_HZ on Linux
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / tick;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { cpuMs, rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

function numberArg0(name: string, fallback: number): number {
  const raw = argValue(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} expects an integer ≥ 0, got "${raw}"`);
  return n;
}

async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (t: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

function ack<T>(s: Client, event: string, payload: unknown, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${event}: no ack in ${timeoutMs} ms`)), timeoutMs);
    (
      s.emit as (
        e: string,
        p: unknown,
        cb: (r: { ok: boolean; data?: T; error?: { code: string; message: string } }) => void,
      ) => void
    )(event, payload, (r) => {
      clearTimeout(t);
      if (r.ok) resolve(r.data as T);
      else reject(new Error(`${event}: ${r.error?.code} ${r.error?.message}`));
    });
  });
}

async function main(): Promise<void> {
  let redis: RedisServer | undefined;
  let hub: HubProcess | undefined;
  const clients: Client[] = [];
  const workers: Worker[] = [];
  try {
    if (useRedis) redis = await RedisServer.start({ appendfsync: fsync });
    progress(
      `starting hub (${useRedis ? 'redis' : 'memory'} store) with ${all ? 'all' : requested} sites…`,
    );
    hub = await startHubProcess({
      JWT_SECRET: SECRET,
      SEED_SITES: all ? 'all' : String(requested),
      SEED_PROVINCE: '*',
      SOCKET_RATE_BURST: '100',
      ...(redis ? { REDIS_URL: redis.url } : {}),
    });
    const seed = hub.seed!;
    const sites = seed.sites;
    const url = hub.url;
    progress(
      `hub pid ${hub.pid} at ${url}; ${sites.length} sites invited; exchanging invitations…`,
    );

    // Real tokens: each site exchanges its invitation link for an access token.
    const tokens = await mapLimit(sites, 32, async (s) => {
      const res = await fetch(`${url}/api/auth/invitation`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: s.inviteToken }),
      });
      if (!res.ok) throw new Error(`invitation ${s.siteId}: ${res.status}`);
      return ((await res.json()) as { accessToken: string }).accessToken;
    });
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: seed.people.secretary.username,
        password: seed.people.secretary.password,
      }),
    });
    const secToken = ((await login.json()) as { accessToken: string }).accessToken;
    const secretary: Client = io(url, {
      auth: { token: secToken },
      transports: ['websocket'],
      reconnection: false,
    });
    clients.push(secretary);
    await ack(secretary, 'meeting:join', { meetingId: seed.meetingId });

    // Join phase: sites arrive over the ramp. --client-threads N > 0 spreads the clients over
    // worker threads; 0 (default) drives them from this thread.
    const nWorkers = Math.min(numberArg0('client-threads', 0), sites.length);
    progress(
      `joining ${sites.length} sites over ${rampMs} ms from ${nWorkers || 'the main'} client thread(s)…`,
    );
    const joined: Array<Promise<{ latencies: number[]; failed: number; doneAt: number }>> = [];
    const ready: Array<Promise<void>> = [];
    const starters: Array<(epoch: number) => void> = [];
    if (nWorkers === 0) {
      let startAt: (epoch: number) => void = () => {};
      const started = new Promise<number>((r) => (startAt = r));
      starters.push((e) => startAt(e));
      joined.push(
        started.then(async (epoch) => {
          const latencies: number[] = [];
          let failed = 0;
          await Promise.all(
            sites.map(
              (_s, i) =>
                new Promise<void>((resolve) => {
                  setTimeout(
                    () => {
                      const start = performance.now();
                      const c: Client = io(url, {
                        auth: { token: tokens[i]! },
                        transports: ['websocket'],
                        reconnection: false,
                        forceNew: true,
                      });
                      clients.push(c);
                      c.on('rollcall:started', (rc) => {
                        void ack(c, 'rollcall:answer', {
                          rollCallId: rc.id,
                          headcount: 5 + (i % 20),
                        }).catch((e) => progress(String(e)));
                      });
                      c.once('connect_error', () => {
                        failed++;
                        resolve();
                      });
                      c.once('connect', () => {
                        ack(c, 'meeting:join', { meetingId: seed.meetingId }).then(
                          () => {
                            latencies.push(performance.now() - start);
                            resolve();
                          },
                          () => {
                            failed++;
                            resolve();
                          },
                        );
                      });
                    },
                    Math.max(0, epoch + (rampMs * i) / sites.length - Date.now()),
                  );
                }),
            ),
          );
          return { latencies, failed, doneAt: Date.now() };
        }),
      );
    }
    for (let w = 0; w < nWorkers; w++) {
      const idx = sites.map((_s, i) => i).filter((i) => i % nWorkers === w);
      const worker = new Worker(new URL('./join-clients.worker.mjs', import.meta.url), {
        workerData: {
          url,
          meetingId: seed.meetingId,
          tokens: idx.map((i) => tokens[i]!),
          offsetsMs: idx.map((i) => (rampMs * i) / sites.length),
        },
      });
      workers.push(worker);
      starters.push((epoch) => worker.postMessage({ epoch }));
      let onReady: () => void;
      ready.push(new Promise<void>((r) => (onReady = r)));
      joined.push(
        new Promise((resolve, reject) => {
          worker.on(
            'message',
            (m: { type: string; latencies: number[]; failed: number; doneAt: number }) => {
              if (m.type === 'ready') onReady();
              else if (m.type === 'joined') resolve(m);
            },
          );
          worker.once('error', reject);
        }),
      );
    }
    await Promise.all(ready);
    const before = procStats(hub.pid);
    const epoch = Date.now() + 50;
    for (const start of starters) start(epoch);
    const results = await Promise.all(joined);
    const joinMs = results.flatMap((r) => r.latencies);
    const failedJoins = results.reduce((n, r) => n + r.failed, 0);
    if (failedJoins > 0) throw new Error(`${failedJoins} sites failed to join`);
    const totalMs = Math.max(...results.map((r) => r.doneAt)) - epoch;
    const t0 = performance.now() - totalMs;
    progress(`all joined in ${totalMs.toFixed(0)} ms; roll-call…`);

    // Roll-call: the secretary starts it; each site answers when told; done when the secretary
    // has seen the last answer.
    let answered = 0;
    const allAnswered = new Promise<void>((resolve) => {
      secretary.on('rollcall:answered', () => {
        if (++answered === sites.length) resolve();
      });
    });
    const r0 = performance.now();
    await ack(secretary, 'rollcall:start', { deadlineSeconds: 600 });
    await allAnswered;
    const rollCallMs = performance.now() - r0;
    const wall = performance.now() - t0;
    const after = procStats(hub.pid);
    const sorted = [...joinMs].sort((a, b) => a - b);
    const result = {
      sites: sites.length,
      joinMs: {
        p50: Math.round(pct(sorted, 50)),
        p95: Math.round(pct(sorted, 95)),
        p99: Math.round(pct(sorted, 99)),
      },
      totalMs: Math.round(totalMs),
      rollCallMs: Math.round(rollCallMs),
      rssMb: Math.round(after.rssMb),
      rssBeforeJoinMb: Math.round(before.rssMb),
      rampMs,
      peakRssMb: Math.round(after.hwmMb),
      cpuPct: Math.round(((after.cpuMs - before.cpuMs) / wall) * 100),
      store: useRedis ? `redis (appendfsync ${fsync})` : 'memory',
      loadAvg1: Math.round(os.loadavg()[0]! * 10) / 10,
      cpus: os.cpus().length,
    };
    printResults({
      title: `bench:join — ${result.sites} sites, ${result.store} store, signalling only (hub pid ${hub.pid})`,
      columns: [
        { header: 'sites', value: (r: typeof result) => r.sites },
        { header: 'join p50 ms', value: (r) => r.joinMs.p50 },
        { header: 'p95 ms', value: (r) => r.joinMs.p95 },
        { header: 'p99 ms', value: (r) => r.joinMs.p99 },
        { header: 'all joined ms', value: (r) => r.totalMs },
        { header: 'roll-call ms', value: (r) => r.rollCallMs },
        { header: 'ramp ms', value: (r) => r.rampMs },
        { header: 'RSS before MB', value: (r) => r.rssBeforeJoinMb },
        { header: 'hub RSS MB', value: (r) => r.rssMb },
        { header: 'peak RSS MB', value: (r) => r.peakRssMb },
        { header: 'hub CPU %', value: (r) => r.cpuPct },
      ],
      rows: [result],
      json: result,
      notes: [
        'targets (1,000 sites): all joined < 5000 ms, p99 < 500 ms, RSS < 300 MB.',
        'CPU % = hub process CPU time / wall time of join + roll-call (100 % = one core); clients share the machine.',
        `load average during the run: ${result.loadAvg1} on ${result.cpus} CPUs.`,
      ],
    });
  } finally {
    // Kill the hub first so its side closes the connections: TIME_WAIT then sits on the hub's
    // one listening port instead of thousands of this machine's ephemeral ports (other tests pick
    // free port ranges from those). The measurement is over; nothing needs a graceful stop.
    await hub?.stop('SIGKILL');
    for (const c of clients) c.close();
    for (const w of workers) {
      w.postMessage('close');
      await w.terminate();
    }
    await redis?.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench:join failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
void wantsJson;
