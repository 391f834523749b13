/**
 * SFU fan-out benchmark: one chair (VP8-like video ~1 Mbps in ~1,200-byte packets + opus-like
 * audio at 50 packets/s) into a PlainTransport; N sites, each a video+audio consumer pair on its
 * own SRTP PlainTransport, all sending to one counting socket on 127.0.0.1.
 *
 *   npm run bench:sfu [-- --json] [--steps 50,100] [--seconds 5] [--workers 1,2]
 *                     [--srtp AES_CM_128_HMAC_SHA1_80|AEAD_AES_128_GCM|...|off]
 *                     [--header-extensions on|off]
 *
 * For 2 workers the spill threshold is set to N consumers, so half the sites land on the
 * second worker through pipeToRouter. Worker CPU comes from getResourceUsage deltas, RSS from
 * /proc/<pid>/status.
 */
import {
  loadSfuConfig,
  MediaPlane,
  type MediaRoom,
  type PoolWorker,
  silentLogger,
} from '@giaoban/sfu';
import { SyntheticMediaSender } from '@giaoban/sfu/testing';
import { argValue, type Column, numberArg, numberList, printResults, progress } from './lib/report';
import { UdpCounterThread, udpReceiveBufferErrors } from './lib/UdpCounterThread';

interface StepResult {
  sites: number;
  workers: number;
  lossPct: number;
  workerCpuPct: number;
  cpuUsPerPacket: number;
  /** The kernel's share of cpuUsPerPacket (sendto on loopback includes delivery). */
  sysUsPerPacket: number;
  rssMb: number;
  consumers: number;
  /** Consumers per worker, e.g. "300/300". */
  split: string;
  forwardedPps: number;
  /** Datagrams the kernel dropped at full receive buffers during the window (host-wide). */
  rcvbufDrops: number | null;
}

const steps = numberList('steps', [50, 100, 200, 300, 400, 800]);
const workerCounts = numberList('workers', [1, 2]);
const seconds = numberArg('seconds', 5);
const SUITES = [
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
  'AEAD_AES_256_GCM',
] as const;
type Suite = (typeof SUITES)[number];
const srtpArg = argValue('srtp') ?? 'AES_CM_128_HMAC_SHA1_80';
if (srtpArg !== 'off' && !SUITES.includes(srtpArg as Suite)) {
  throw new Error(`--srtp expects off or one of ${SUITES.join(', ')}, got "${srtpArg}"`);
}
const srtp: Suite | undefined = srtpArg === 'off' ? undefined : (srtpArg as Suite);
// 'on': sites take the router's capabilities with every header extension, like a browser
// (transport-cc, abs-send-time: per-packet send-side BWE work); 'off': a plain RTP endpoint.
const extArg = argValue('header-extensions') ?? 'on';
if (extArg !== 'on' && extArg !== 'off') {
  throw new Error(`--header-extensions expects on or off, got "${extArg}"`);
}
const DRAIN_MS = 200;
const SETUP_CONCURRENCY = 16;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Summed user and system CPU (ms) of the workers, from getResourceUsage. */
async function cpuMs(workers: readonly PoolWorker[]): Promise<{ user: number; sys: number }> {
  const usages = await Promise.all(workers.map((w) => w.worker.getResourceUsage()));
  return usages.reduce((acc, u) => ({ user: acc.user + u.ru_utime, sys: acc.sys + u.ru_stime }), {
    user: 0,
    sys: 0,
  });
}

async function addSites(room: MediaRoom, n: number, producerIds: string[], port: number) {
  const ssrcs: number[] = [];
  let next = 0;
  async function one(i: number) {
    const peerId = `site-${i}`;
    const t = await room.createPlainTransport(peerId, {
      direction: 'recv',
      enableSrtp: srtp !== undefined,
      ...(srtp ? { srtpCryptoSuite: srtp } : {}),
    });
    // The far end's key: any valid key does, the counter never decrypts.
    await room.connectPlainTransport(peerId, t.id, {
      ip: '127.0.0.1',
      port,
      ...(t.srtpParameters ? { srtpParameters: t.srtpParameters } : {}),
    });
    for (const producerId of producerIds) {
      const caps =
        extArg === 'on' ? room.rtpCapabilities : { ...room.rtpCapabilities, headerExtensions: [] };
      const c = await room.consume(peerId, t.id, producerId, caps);
      ssrcs.push(c.rtpParameters.encodings![0]!.ssrc!);
      await room.resumeConsumer(peerId, c.id);
    }
  }
  await Promise.all(
    Array.from({ length: SETUP_CONCURRENCY }, async () => {
      while (next < n) await one(next++);
    }),
  );
  return ssrcs;
}

function sum(counts: Map<number, number>, ssrcs: readonly number[]): number {
  let s = 0;
  for (const x of ssrcs) s += counts.get(x) ?? 0;
  return s;
}

async function runStep(sites: number, workers: number): Promise<StepResult> {
  const base = loadSfuConfig({
    ...process.env,
    SFU_RTC_MIN_PORT: process.env.SFU_RTC_MIN_PORT ?? '20000',
    SFU_RTC_MAX_PORT: process.env.SFU_RTC_MAX_PORT ?? '29999',
  });
  const plane = await MediaPlane.create(
    {
      ...base,
      numWorkers: workers,
      portBase: 0,
      listenIp: '127.0.0.1',
      logLevel: 'error',
      // Two workers: fill the home router with half the consumers, spill the other half.
      consumersPerRouter: workers === 1 ? 100_000 : Math.max(1, (sites * 2) / workers),
    },
    { logger: silentLogger },
  );
  const counter = await UdpCounterThread.start();
  const sender = await SyntheticMediaSender.create();
  try {
    const room = await plane.getOrCreateRoom('bench');
    const chair = await room.createPlainTransport('chair', { comedia: true });
    const video = await room.produce('chair', chair.id, {
      kind: 'video',
      rtpParameters: sender.rtpParameters.video,
    });
    const audio = await room.produce('chair', chair.id, {
      kind: 'audio',
      rtpParameters: sender.rtpParameters.audio,
    });
    const t0 = performance.now();
    const ssrcs = await addSites(room, sites, [video.id, audio.id], counter.port);
    const setupMs = performance.now() - t0;
    const split = room
      .describe()
      .routers.map((r) => r.consumers)
      .join('/');

    // Every consumer is resumed before the first packet, and the sender's first frame is a key
    // frame, so every packet sent should arrive: count from zero, no warm-up window needed.
    const pool = plane.workerPool.workers;
    const [cpu0, drops0] = await Promise.all([cpuMs(pool), udpReceiveBufferErrors()]);
    const w0 = performance.now();
    sender.start({ ip: chair.ip, port: chair.port });
    await sleep(seconds * 1000);
    sender.stop();
    const w1 = performance.now();
    const sent = sender.sentVideo + sender.sentAudio;
    // Drain: wait until the counter stops moving (a loaded worker may still be catching up).
    let recv1 = await counter.snapshot();
    for (let i = 0; i < 50; i++) {
      await sleep(DRAIN_MS);
      const next = await counter.snapshot();
      const settled = sum(next, ssrcs) === sum(recv1, ssrcs);
      recv1 = next;
      if (settled) break;
    }
    const [cpu1, drops1] = await Promise.all([cpuMs(pool), udpReceiveBufferErrors()]);
    // workerStats reads VmRSS from /proc/<pid>/status.
    const rssKb = (await plane.workerStats()).reduce((s, w) => s + w.rssKb, 0);

    const windowMs = w1 - w0;
    const expected = sent * sites;
    const received = sum(recv1, ssrcs);
    const cpuDeltaMs = cpu1.user + cpu1.sys - (cpu0.user + cpu0.sys);
    const sysDeltaMs = cpu1.sys - cpu0.sys;
    const result: StepResult = {
      sites,
      workers,
      lossPct: expected > 0 ? Math.max(0, (1 - received / expected) * 100) : 0,
      workerCpuPct: (cpuDeltaMs / windowMs) * 100,
      cpuUsPerPacket: received > 0 ? (cpuDeltaMs * 1000) / received : 0,
      sysUsPerPacket: received > 0 ? (sysDeltaMs * 1000) / received : 0,
      rssMb: rssKb / 1024,
      consumers: ssrcs.length,
      split,
      forwardedPps: received / (windowMs / 1000),
      rcvbufDrops: drops0 !== undefined && drops1 !== undefined ? drops1 - drops0 : null,
    };
    progress(
      `  ${sites} sites on ${workers} worker(s): setup ${(setupMs / 1000).toFixed(1)} s, ` +
        `loss ${result.lossPct.toFixed(2)}%, cpu ${result.workerCpuPct.toFixed(0)}%, ` +
        `${result.cpuUsPerPacket.toFixed(2)} µs/pkt, ${Math.round(result.forwardedPps)} pkt/s out`,
    );
    return result;
  } finally {
    await sender.close();
    await counter.close();
    await plane.close();
  }
}

async function main(): Promise<void> {
  progress(
    `sfu fan-out: steps ${steps.join(',')} sites, workers ${workerCounts.join(',')}, ` +
      `${seconds} s of media per step, SRTP ${srtpArg}, header extensions ${extArg}`,
  );
  const results: StepResult[] = [];
  for (const workers of workerCounts) {
    for (const sites of steps) results.push(await runStep(sites, workers));
  }
  const columns: Column<StepResult>[] = [
    { header: 'sites', value: (r) => r.sites },
    { header: 'workers', value: (r) => r.workers },
    { header: 'consumers', value: (r) => r.consumers },
    { header: 'per router', value: (r) => r.split },
    { header: 'loss %', value: (r) => r.lossPct, digits: 2 },
    { header: 'worker CPU %', value: (r) => r.workerCpuPct, digits: 1 },
    { header: 'µs/packet', value: (r) => r.cpuUsPerPacket, digits: 2 },
    { header: 'of it sys', value: (r) => r.sysUsPerPacket, digits: 2 },
    { header: 'RSS MB', value: (r) => r.rssMb, digits: 1 },
    { header: 'out pkt/s', value: (r) => r.forwardedPps },
    { header: 'rcvbuf drops', value: (r) => r.rcvbufDrops ?? 'n/a' },
  ];
  const target = results.find((r) => r.workers === 1 && r.sites === 300);
  const notes = [
    'worker CPU % is summed over workers (200% = two full cores); µs/packet = worker CPU / packets delivered;',
    'RSS MB is summed VmRSS of the workers; rcvbuf drops are host-wide UDP receive-buffer overflows in the window.',
  ];
  if (target) {
    const ok = target.lossPct < 1 && target.cpuUsPerPacket <= 10;
    notes.push(
      `target (300 sites on 1 worker: loss < 1%, ≤ 10 µs/packet): ${ok ? 'MET' : 'NOT MET'} ` +
        `(${target.lossPct.toFixed(2)}%, ${target.cpuUsPerPacket.toFixed(2)} µs)`,
    );
  }
  printResults({
    title:
      `SFU fan-out, ${seconds} s per step (VP8-like 1 Mbps + opus-like 50 pkt/s per site, ` +
      `SRTP ${srtpArg}, header extensions ${extArg})`,
    columns,
    rows: results,
    notes,
    json: {
      srtp: srtpArg,
      headerExtensions: extArg,
      seconds,
      results: results.map((r) => ({
        sites: r.sites,
        workers: r.workers,
        lossPct: round(r.lossPct, 3),
        workerCpuPct: round(r.workerCpuPct, 1),
        cpuUsPerPacket: round(r.cpuUsPerPacket, 3),
        sysUsPerPacket: round(r.sysUsPerPacket, 3),
        rssMb: round(r.rssMb, 1),
        consumers: r.consumers,
        forwardedPps: Math.round(r.forwardedPps),
        rcvbufDrops: r.rcvbufDrops,
      })),
    },
  });
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

main().catch((error) => {
  process.stderr.write(`bench:sfu failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
