/**
 * SFU fan-out benchmark: one chair (VP8-like video ~1 Mbps in ~1,200-byte packets + opus-like
 * audio at 50 packets/s) into a PlainTransport; N sites, each a video+audio consumer pair on its
 * own SRTP PlainTransport, all sending to one receiving socket on 127.0.0.1 in a child process
 * (lib/sfu-receiver.mjs) that counts them and, like a browser, answers every transport with
 * transport-cc feedback (SRTCP) every 50 ms.
 *
 *   npm run bench:sfu [-- --json] [--steps 50,100] [--seconds 5] [--workers 1,2]
 *                     [--srtp AES_CM_128_HMAC_SHA1_80|AEAD_AES_128_GCM|...|off]
 *                     [--header-extensions on|off] [--feedback on|off]
 *
 * What the figure means (the SFU's cost, two artefacts of the first version removed):
 *  - transport-cc feedback: without it the worker's send-side congestion controller keeps
 *    every packet it sent in its history (never pruned), which is not what a real site costs.
 *    `--feedback off` shows the old figure.
 *  - the receiver's wake-ups: on loopback, sendmsg() delivers the datagram into the receiving
 *    socket in the sender's syscall context, and when the receiver sleeps in epoll the wake-up
 *    (try_to_wake_up from the softirq) is charged to the worker's system time too. The receiver
 *    counts its sleeps (voluntary context switches of its polling thread: each ended by one
 *    wake-up); the floor program (infra/bench/floor.c), run first in the same process, measures
 *    sendmsg() with and without a sleeping receiver and so the cost of one wake-up. The table
 *    gives the worker's CPU per delivered packet as measured (`µs/pkt`), the wake-ups' share
 *    (`wake µs`), the rest (`SFU µs` = µs/pkt − wake µs), and the ratios to the floor:
 *    `× floor` = µs/pkt ÷ (sendmsg + srtp_protect, the receiver woken as it happens: the
 *    issue's floor) and `SFU × floor` = SFU µs ÷ (sendmsg with nobody to wake + srtp_protect):
 *    the same path, like for like, with the wake-ups out of both.
 * Worker CPU is worker-only: utime + stime of each worker process from /proc/<pid>/stat (the
 * receiver is another process; the bench's own process is not counted). RSS from
 * /proc/<pid>/status. For 2 workers the spill threshold is set to N consumers, so half the
 * sites land on the second worker through pipeToRouter.
 */
import {
  loadSfuConfig,
  MediaPlane,
  type MediaRoom,
  type PoolWorker,
  silentLogger,
} from '@giaoban/sfu';
import { SyntheticMediaSender } from '@giaoban/sfu/testing';
import { type Floor, measureFloor } from './lib/floor';
import { argValue, type Column, numberArg, numberList, printResults, progress } from './lib/report';
import { processCpuUs, SfuReceiver, udpReceiveBufferErrors } from './lib/SfuReceiver';

const TRANSPORT_CC_URI =
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

interface StepResult {
  sites: number;
  workers: number;
  lossPct: number;
  workerCpuPct: number;
  cpuUsPerPacket: number;
  /** The kernel's share of cpuUsPerPacket (sendto on loopback includes delivery). */
  sysUsPerPacket: number;
  /** Receiver sleeps (= wake-ups the sender paid) per 1,000 delivered packets. */
  wakeupsPerKPacket: number | null;
  /** The wake-ups' share of cpuUsPerPacket (wake-ups × the floor's cost of one). */
  wakeUsPerPacket: number;
  /** cpuUsPerPacket without the receiver's wake-ups: the SFU's own cost. */
  sfuUsPerPacket: number;
  /** cpuUsPerPacket ÷ floor.floorUs. */
  timesFloor: number;
  /** sfuUsPerPacket ÷ (floor without wake-ups). */
  sfuTimesFloor: number;
  /** transport-cc feedback packets per second the worker received. */
  feedbackPps: number;
  receiverCpuPct: number;
  /** The worker's send-side estimate for one site at the end (moves only with feedback). */
  site0OutgoingKbps: number;
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
const feedbackArg = argValue('feedback') ?? 'on';
if (feedbackArg !== 'on' && feedbackArg !== 'off') {
  throw new Error(`--feedback expects on or off, got "${feedbackArg}"`);
}
const DRAIN_MS = 200;
const SETUP_CONCURRENCY = 16;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Summed user and system CPU (ms) of the worker processes, from /proc/<pid>/stat. */
async function cpuMs(workers: readonly PoolWorker[]): Promise<{ user: number; sys: number }> {
  const usages = await Promise.all(workers.map((w) => processCpuUs(w.pid)));
  return usages.reduce(
    (acc, u) => ({ user: acc.user + u.user / 1000, sys: acc.sys + u.sys / 1000 }),
    {
      user: 0,
      sys: 0,
    },
  );
}

async function addSites(room: MediaRoom, n: number, producerIds: string[], receiver: SfuReceiver) {
  const port = receiver.port;
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
    let registered = false;
    for (const producerId of producerIds) {
      const caps =
        extArg === 'on' ? room.rtpCapabilities : { ...room.rtpCapabilities, headerExtensions: [] };
      const c = await room.consume(peerId, t.id, producerId, caps);
      const ssrc = c.rtpParameters.encodings![0]!.ssrc!;
      ssrcs.push(ssrc);
      const ext = c.rtpParameters.headerExtensions?.find((h) => h.uri === TRANSPORT_CC_URI);
      if (feedbackArg === 'on' && ext && !registered) {
        // Before the consumer resumes: the first packet is already answered.
        await receiver.addTransport({
          port: t.port,
          extId: ext.id,
          mediaSsrc: ssrc,
          ...(t.srtpParameters
            ? {
                cryptoSuite: t.srtpParameters.cryptoSuite,
                keyBase64: t.srtpParameters.keyBase64,
              }
            : {}),
        });
        registered = true;
      }
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

async function runStep(sites: number, workers: number, floor: Floor): Promise<StepResult> {
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
  const receiver = await SfuReceiver.start();
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
    const ssrcs = await addSites(room, sites, [video.id, audio.id], receiver);
    const setupMs = performance.now() - t0;
    const split = room
      .describe()
      .routers.map((r) => r.consumers)
      .join('/');

    // Every consumer is resumed before the first packet, and the sender's first frame is a key
    // frame, so every packet sent should arrive: count from zero, no warm-up window needed.
    const pool = plane.workerPool.workers;
    const [cpu0, drops0, recv0] = await Promise.all([
      cpuMs(pool),
      udpReceiveBufferErrors(),
      receiver.snapshot(),
    ]);
    const w0 = performance.now();
    sender.start({ ip: chair.ip, port: chair.port });
    await sleep(seconds * 1000);
    sender.stop();
    const w1 = performance.now();
    const sent = sender.sentVideo + sender.sentAudio;
    // Drain: wait until the counter stops moving (a loaded worker may still be catching up).
    let recv1 = await receiver.snapshot();
    for (let i = 0; i < 50; i++) {
      await sleep(DRAIN_MS);
      const next = await receiver.snapshot();
      const settled = sum(next.counts, ssrcs) === sum(recv1.counts, ssrcs);
      recv1 = next;
      if (settled) break;
    }
    const [cpu1, drops1] = await Promise.all([cpuMs(pool), udpReceiveBufferErrors()]);
    // Did the worker take the feedback? Its send-side estimate leaves the initial 600 kbps
    // only on transport-cc feedback it decrypted and parsed.
    const [site0] = (await room.transportStats('site-0')) as Array<{
      availableOutgoingBitrate?: number;
    }>;
    // workerStats reads VmRSS from /proc/<pid>/status.
    const rssKb = (await plane.workerStats()).reduce((s, w) => s + w.rssKb, 0);

    const windowMs = w1 - w0;
    const expected = sent * sites;
    const received = sum(recv1.counts, ssrcs);
    const cpuDeltaMs = cpu1.user + cpu1.sys - (cpu0.user + cpu0.sys);
    const sysDeltaMs = cpu1.sys - cpu0.sys;
    const cpuUsPerPacket = received > 0 ? (cpuDeltaMs * 1000) / received : 0;
    const wakeups =
      recv0.sleeps !== null && recv1.sleeps !== null ? recv1.sleeps - recv0.sleeps : null;
    const wakeUsPerPacket =
      wakeups !== null && received > 0 ? (wakeups * floor.wakeupUs) / received : 0;
    const sfuUsPerPacket = cpuUsPerPacket - wakeUsPerPacket;
    const receiverCpuUs =
      recv1.cpuUs.user + recv1.cpuUs.system - (recv0.cpuUs.user + recv0.cpuUs.system);
    const elapsedMs = performance.now() - w0;
    const result: StepResult = {
      sites,
      workers,
      lossPct: expected > 0 ? Math.max(0, (1 - received / expected) * 100) : 0,
      workerCpuPct: (cpuDeltaMs / windowMs) * 100,
      cpuUsPerPacket,
      sysUsPerPacket: received > 0 ? (sysDeltaMs * 1000) / received : 0,
      wakeupsPerKPacket: wakeups !== null && received > 0 ? (wakeups * 1000) / received : null,
      wakeUsPerPacket,
      sfuUsPerPacket,
      timesFloor: cpuUsPerPacket / floor.floorUs,
      sfuTimesFloor: sfuUsPerPacket / floor.floorNoWakeUs,
      feedbackPps: ((recv1.feedbackPackets - recv0.feedbackPackets) * 1000) / elapsedMs,
      receiverCpuPct: (receiverCpuUs / 1000 / elapsedMs) * 100,
      site0OutgoingKbps: (site0?.availableOutgoingBitrate ?? 0) / 1000,
      rssMb: rssKb / 1024,
      consumers: ssrcs.length,
      split,
      forwardedPps: received / (windowMs / 1000),
      rcvbufDrops: drops0 !== undefined && drops1 !== undefined ? drops1 - drops0 : null,
    };
    progress(
      `  ${sites} sites on ${workers} worker(s): setup ${(setupMs / 1000).toFixed(1)} s, ` +
        `loss ${result.lossPct.toFixed(2)}%, cpu ${result.workerCpuPct.toFixed(0)}%, ` +
        `${result.cpuUsPerPacket.toFixed(2)} µs/pkt (SFU ${result.sfuUsPerPacket.toFixed(2)}), ` +
        `${Math.round(result.forwardedPps)} pkt/s out, ${Math.round(result.feedbackPps)} feedback/s in, ` +
        `site-0 estimate ${Math.round(result.site0OutgoingKbps)} kbps`,
    );
    return result;
  } finally {
    await sender.close();
    await receiver.close();
    await plane.close();
  }
}

async function main(): Promise<void> {
  progress(
    `sfu fan-out: steps ${steps.join(',')} sites, workers ${workerCounts.join(',')}, ` +
      `${seconds} s of media per step, SRTP ${srtpArg}, header extensions ${extArg}`,
  );
  // The floor first, in the same run (same machine, same minute).
  const floor = measureFloor();
  progress(
    `floor: sendmsg ${floor.sendmsgUs.toFixed(2)} µs (${floor.receiverWakeupsPerPacket.toFixed(3)} receiver ` +
      `wake-ups per packet; ${floor.sendmsgNoWakeUs.toFixed(2)} µs with nobody to wake, one wake-up ` +
      `${floor.wakeupUs.toFixed(2)} µs) + srtp_protect ${floor.srtpProtectUs.toFixed(2)} µs = ` +
      `${floor.floorUs.toFixed(2)} µs (${floor.floorNoWakeUs.toFixed(2)} µs without wake-ups)`,
  );
  const results: StepResult[] = [];
  for (const workers of workerCounts) {
    for (const sites of steps) results.push(await runStep(sites, workers, floor));
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
    { header: '× floor', value: (r) => r.timesFloor, digits: 2 },
    { header: 'wake-ups/1k pkt', value: (r) => r.wakeupsPerKPacket ?? 'n/a', digits: 1 },
    { header: 'wake µs', value: (r) => r.wakeUsPerPacket, digits: 2 },
    { header: 'SFU µs', value: (r) => r.sfuUsPerPacket, digits: 2 },
    { header: 'SFU × floor', value: (r) => r.sfuTimesFloor, digits: 2 },
    { header: 'tcc fb/s', value: (r) => r.feedbackPps },
    { header: 'receiver CPU %', value: (r) => r.receiverCpuPct, digits: 0 },
    { header: 'RSS MB', value: (r) => r.rssMb, digits: 1 },
    { header: 'out pkt/s', value: (r) => r.forwardedPps },
    { header: 'rcvbuf drops', value: (r) => r.rcvbufDrops ?? 'n/a' },
  ];
  const target = results.find((r) => r.workers === 1 && r.sites === 300);
  const notes = [
    'worker CPU % is summed over workers (200% = two full cores); µs/packet = worker CPU / packets delivered;',
    'RSS MB is summed VmRSS of the workers; rcvbuf drops are host-wide UDP receive-buffer overflows in the window.',
    `floor (same run): sendmsg 1,200 B ${floor.sendmsgUs.toFixed(2)} µs + srtp_protect ${floor.srtpProtectUs.toFixed(2)} µs = ` +
      `${floor.floorUs.toFixed(2)} µs; without receiver wake-ups ${floor.floorNoWakeUs.toFixed(2)} µs; ` +
      `one wake-up ${floor.wakeupUs.toFixed(2)} µs (${floor.srtpVersion}, ${floor.srtp}); load ${floor.loadavg}.`,
    'wake µs = receiver wake-ups × one wake-up ÷ packets; SFU µs = µs/packet − wake µs; SFU × floor = SFU µs ÷ floor without wake-ups.',
    `transport-cc feedback ${feedbackArg}; worker send batching: MEDIASOUP_UDP_SEND_BATCH=${process.env.MEDIASOUP_UDP_SEND_BATCH ?? '(worker default)'}.`,
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
      feedback: feedbackArg,
      sendBatch: process.env.MEDIASOUP_UDP_SEND_BATCH ?? null,
      floor,
      results: results.map((r) => ({
        sites: r.sites,
        workers: r.workers,
        lossPct: round(r.lossPct, 3),
        workerCpuPct: round(r.workerCpuPct, 1),
        cpuUsPerPacket: round(r.cpuUsPerPacket, 3),
        sysUsPerPacket: round(r.sysUsPerPacket, 3),
        timesFloor: round(r.timesFloor, 3),
        wakeupsPerKPacket: r.wakeupsPerKPacket === null ? null : round(r.wakeupsPerKPacket, 2),
        wakeUsPerPacket: round(r.wakeUsPerPacket, 3),
        sfuUsPerPacket: round(r.sfuUsPerPacket, 3),
        sfuTimesFloor: round(r.sfuTimesFloor, 3),
        feedbackPps: Math.round(r.feedbackPps),
        receiverCpuPct: round(r.receiverCpuPct, 1),
        site0OutgoingKbps: Math.round(r.site0OutgoingKbps),
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
