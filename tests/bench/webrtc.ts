/**
 * WebRTC city-scale benchmark: real werift peers (ICE, DTLS, SRTP, RR/NACK/PLI/transport-cc)
 * through the real hub (invitation link → Socket.IO join → WebRtcServer transports), spread
 * over a few load-client processes. The chair (werift, signed in) publishes ffmpeg-encoded VP8
 * 720p30 ~1.2 Mbps + opus; every site consumes it and sends its camera as three simulcast layers
 * plus a paused mic; the chair's grid consumes the low layer of 25 tiles, its spotlight the high
 * layer of the first site.
 *
 *   npm run bench:webrtc [-- --json] [--steps 50,126,168,300,500] [--workers 1,2]
 *                        [--seconds 10] [--processes 2] [--ramp-ms N] [--no-send]
 *                        [--loss-sites 10 --loss-pct 5] [--tiles 25] [--dynacast on|off|both]
 *                        [--sfu giaoban|janus|both]
 *
 * --sfu janus|both: the same werift sites watch the same chair clip through Debian's Janus 1.1.2
 * (streaming plugin, RTP mountpoint fed over plain RTP; installed with apt-get when missing;
 * needs a private network namespace: run under `unshare -n`). Janus rows: its process CPU in
 * the worker columns, sites receive only (no cameras), one process. `both` runs, at every step,
 * our SFU as asked, our SFU with receive-only sites (the Janus row's like for like) and Janus.
 * Every run first measures the machine's floor (infra/bench/floor.c, tests/bench/lib/floor.ts).
 *
 * Steps stop once a step's loss passes 5 %. Take `flock /work/.bench.lock` around it on a
 * shared machine; /proc/loadavg before/after is printed with the table.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { startHubProcess } from '../harness/processes';
import { JanusServer } from '../load/JanusServer';
import { prepareMedia } from '../load/mediaFiles';
import { procStats, workerPids } from '../load/processes';
import { RunnerProcess, SiteFleet } from '../load/SiteFleet';
import type { RunnerReply } from '../load/site-runner';
import { dropsBetween, sampleUdpDrops } from '../load/udpDrops';
import type { PeerStats } from '../load/WebRtcSite';
import { type Floor, measureFloor } from './lib/floor';
import { argValue, type Column, numberArg, numberList, printResults, progress } from './lib/report';

const steps = numberList('steps', [50, 126, 168, 300, 500]);
const workerCounts = numberList('workers', [1, 2]);
const seconds = numberArg('seconds', 10);
const processes = numberArg('processes', 2);
const tiles = numberArg('tiles', 25);
const send = !process.argv.includes('--no-send');
const lossSitesPct = Number(argValue('loss-sites') ?? 0);
const lossPct = Number(argValue('loss-pct') ?? 5);
const rampArg = argValue('ramp-ms');
/** SFU_KEYFRAME_REQUEST_DELAY_MS for the hub (default: the hub's own). */
const keyFrameDelayArg = argValue('keyframe-delay-ms');
const sfuArg = argValue('sfu') ?? 'giaoban';
const sfus: Sfu[] =
  sfuArg === 'both' ? ['giaoban', 'janus'] : sfuArg === 'janus' ? ['janus'] : ['giaoban'];
const dynacastArg = argValue('dynacast') ?? 'on';
const dynacastModes: boolean[] =
  dynacastArg === 'both' ? [false, true] : dynacastArg === 'off' ? [false] : [true];
const SECRET = 'bench-secret-0123456789abcdefghijklmnop';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

function pct(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export interface StepResult {
  sfu: Sfu;
  sites: number;
  workers: number;
  /** The hub told sites which layers anybody takes (SFU_DYNACAST). */
  dynacast: boolean;
  /**
   * After the window the chair's grid turns to its next page: per new tile, resume (tile
   * visible) → its first complete key frame; `missing` = tiles without one within 5 s.
   */
  tileFirstFrameMs: {
    p50: number | null;
    p95: number | null;
    max: number | null;
    missing: number;
  } | null;
  send: boolean;
  joined: number;
  failed: number;
  allJoinedMs: number;
  firstRtpMs: { p50: number | null; p95: number | null; p99: number | null };
  firstKeyFrameMs: { p50: number | null; p95: number | null; p99: number | null };
  noKeyFrame: number;
  lossPct: number;
  worstSiteLossPct: number;
  sitesOver1Pct: number;
  nackRecoveredPerSite: number;
  lossySites: { count: number; lossPct: number; recoveredPerSite: number } | null;
  ingressMbps: number;
  /** Of ingressMbps, the senders' retransmissions (answers to the SFU's NACKs). */
  ingressResentMbps: number;
  egressMbps: number;
  workerCpuPct: number;
  usPerForwardedPacket: number;
  forwardedPps: number;
  hubCpuPct: number;
  hubRssMb: number;
  workerRssMb: number;
  clientCpuPct: number;
  /** Share of the sites' camera frame slots skipped because their load process stalled. */
  framesSkippedPct: number;
  /** The same for the chair's camera (or the Janus feed): every site gets fewer frames. */
  chairFramesSkippedPct: number;
  /** Worst load process's event-loop delay in the window (ms): p99 and max. */
  clientLoopDelayMs: { p99: number; max: number };
  /** Datagrams dropped at full receive buffers in the window, by whose socket. */
  udpDrops: { worker: number; clients: number; hub: number };
  loadBefore: string;
  loadAfter: string;
  /**
   * Every site that got no complete chair key frame or lost over 5 % (injected loss aside):
   * where its receive path stopped (WebRtcSite.recvDiagnosis) and the worker's view of it
   * (MediaRoom.diagnose: transports' ICE/DTLS, consumers' state, layers, packet/PLI counters).
   */
  failures: SiteFailure[];
  /**
   * media:reset pushes the sites handled, by reason (issue #11: `transportlost` = the worker
   * closed a site's transport under it and the site rebuilt).
   */
  resets: Record<string, number>;
  /** Per join step (WebRtcSite timeline): ms from join start, p50 and p95 over the sites. */
  joinTimelineMs: Record<string, { p50: number | null; p95: number | null }>;
}

export interface SiteFailure {
  label: string;
  stage: string;
  lossPct: number;
  error?: string;
  /** Its media:reset pushes by reason (a lost transport is reset and rebuilt: issue #11). */
  resets?: Record<string, number>;
  client: PeerStats['recv'] | null;
  sfu: unknown;
}

/** Every (100/lossSitesPct)-th site, up to lossSitesPct % of them, gets inbound loss. */
function lossyIndices(sites: number): Set<number> {
  const lossy = Math.round((sites * lossSitesPct) / 100);
  const out = new Set<number>();
  if (lossy === 0) return out;
  const every = Math.max(1, Math.round(sites / lossy));
  for (let i = 0; i < sites && out.size < lossy; i += every) out.add(i);
  return out;
}

type Sfu = 'giaoban' | 'janus';

/** One line of the table per step: which SFU, how many workers, dynacast, cameras or not. */
interface Variant {
  sfu: Sfu;
  workers: number;
  dynacast: boolean;
  /** Sites send their camera (GiaoBan only: Janus's streaming plugin has no site cameras). */
  send: boolean;
}

/**
 * What each step runs, in this order, one after another in the same minute: our SFU as asked
 * (dynacast modes × workers); with --sfu both also our SFU with receive-only sites (the like for
 * like of the Janus row: same sites, same chair stream, nothing else) and Janus.
 */
function variants(): Variant[] {
  const out: Variant[] = [];
  if (sfus.includes('giaoban')) {
    for (const dynacast of dynacastModes) {
      for (const workers of workerCounts) out.push({ sfu: 'giaoban', workers, dynacast, send });
    }
    if (sfus.includes('janus') && send) {
      out.push({ sfu: 'giaoban', workers: 1, dynacast: dynacastModes.at(-1)!, send: false });
    }
  }
  if (sfus.includes('janus')) out.push({ sfu: 'janus', workers: 1, dynacast: false, send: false });
  return out;
}

async function runStep(v: Variant, sites: number): Promise<StepResult> {
  const { sfu, workers, dynacast, send: sending } = v;
  const loadBefore = loadavg();
  const lossyAt = lossyIndices(sites);
  const rampMs = rampArg !== undefined ? Number(rampArg) : Math.min(8000, sites * 30);
  const chair = await RunnerProcess.start();
  const fleet = await SiteFleet.start(Math.min(processes, sites));
  let hub: Awaited<ReturnType<typeof startHubProcess>> | undefined;
  let janus: JanusServer | undefined;
  try {
    let labels: string[];
    let failed: number;
    let t0: number;
    if (sfu === 'giaoban') {
      hub = await startHubProcess({
        JWT_SECRET: SECRET,
        MEDIA_ENABLED: 'true',
        SFU_WORKERS: String(workers),
        SFU_LISTEN_IP: '127.0.0.1',
        SFU_PORT_BASE: '0',
        SFU_LOG_LEVEL: 'error',
        SFU_DYNACAST: String(dynacast),
        ...(keyFrameDelayArg !== undefined
          ? { SFU_KEYFRAME_REQUEST_DELAY_MS: keyFrameDelayArg }
          : {}),
        // Two workers: fill the home router with half the consumers, spill the rest.
        ...(workers > 1
          ? { SFU_CONSUMERS_PER_ROUTER: String(Math.ceil((sites * 2) / workers)) }
          : {}),
        SEED_SITES: String(sites),
        SEED_PROVINCE: '*',
        SOCKET_RATE_BURST: '200',
        ...(process.env.MEDIASOUP_WORKER_BIN
          ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN }
          : {}),
      });
      const seed = hub.seed!;
      await chair.request(
        {
          type: 'chair',
          hubUrl: hub.url,
          username: seed.people.chair.username,
          password: seed.people.chair.password,
          meetingId: seed.meetingId,
        },
        'chair',
      );
      progress(
        `  giaoban: ${sites} sites on ${workers} worker(s), ${sending ? `cameras, dynacast ${dynacast ? 'on' : 'off'}` : 'receive only'}: joining over ${rampMs} ms…`,
      );
      labels = seed.sites.slice(0, sites).map((x) => x.siteId);
      t0 = performance.now();
      failed = await fleet.join({
        hubUrl: hub.url,
        sites: seed.sites.slice(0, sites).map((x, i) => ({
          label: x.siteId,
          invitation: x.inviteUrl,
          ...(lossyAt.has(i) ? { inboundLossPct: lossPct } : {}),
        })),
        rampMs,
        send: sending,
      });
    } else {
      janus = await JanusServer.start(progress);
      await chair.request({ type: 'janus-feed', mountpoint: janus.mountpoint }, 'feeding');
      progress(`  janus: ${sites} sites on its streaming plugin: joining over ${rampMs} ms…`);
      labels = Array.from({ length: sites }, (_, i) => `site-${i + 1}`);
      t0 = performance.now();
      failed = await fleet.joinJanus({
        janusUrl: janus.url,
        mountpointId: janus.mountpoint.id,
        sites: labels.map((label, i) => ({
          label,
          ...(lossyAt.has(i) ? { inboundLossPct: lossPct } : {}),
        })),
        rampMs,
      });
    }
    const allJoinedMs = performance.now() - t0;
    if (sending) await chair.request({ type: 'grid', tiles }, 'watching');
    await sleep(2000); // settle: key frames, BWE ramp-up
    fleet.mark();
    chair.post({ type: 'mark' });
    const wp = hub ? workerPids(hub.pid) : [janus!.pid];
    const hubPids = hub ? [hub.pid] : [];
    const pidsClient = [...fleet.pids, chair.pid];
    const w0 = wp.map(procStats);
    const h0 = hubPids.map(procStats);
    const c0 = pidsClient.map(procStats);
    const roles = () => ({ worker: wp, clients: pidsClient, hub: hubPids });
    const d0 = sampleUdpDrops(roles());
    const s0 = await fleet.stats();
    const ch0 = await chair.stats();
    const m0 = performance.now();
    await sleep(seconds * 1000);
    const m1 = performance.now();
    const w1 = wp.map(procStats);
    const h1 = hubPids.map(procStats);
    const c1 = pidsClient.map(procStats);
    const d1 = sampleUdpDrops(roles());
    const s1 = await fleet.stats();
    const ch1 = await chair.stats();
    const drops = dropsBetween(d0, d1);
    const windowMs = m1 - m0;
    // The grid's next page (when there are cameras for it): tile visible → first frame.
    let tileFirstFrameMs: StepResult['tileFirstFrameMs'] = null;
    if (sending && sites > tiles) {
      const paged = await chair.request<Extract<RunnerReply, { type: 'watching' }>>(
        { type: 'grid', tiles, page: 1 },
        'watching',
      );
      const got = (paged.firstFrameMs ?? []).filter((x): x is number => x !== null);
      tileFirstFrameMs = {
        p50: pct(got, 50),
        p95: pct(got, 95),
        max: got.length ? Math.max(...got) : null,
        missing: (paged.firstFrameMs ?? []).length - got.length,
      };
    }
    const peers = s1.peers.filter((p) => !p.error);
    const lossyLabels = new Set(labels.filter((_l, i) => lossyAt.has(i)));
    const lossOf = (p: PeerStats) => {
      const v = p.video;
      const a = p.audio;
      const exp = (v?.expected ?? 0) + (a?.expected ?? 0);
      const lost = (v?.lost ?? 0) + (a?.lost ?? 0);
      return exp > 0 ? (lost / exp) * 100 : 100;
    };
    const normal = peers.filter((p) => !lossyLabels.has(p.label));
    const bad = peers.filter((p) => lossyLabels.has(p.label));
    const sumOf = (xs: PeerStats[], f: (p: PeerStats) => number) =>
      xs.reduce((n, p) => n + f(p), 0);
    const framesOf = (xs: PeerStats[], k: 'frames' | 'framesSkipped') =>
      sumOf(xs, (p) => p.sent?.[k] ?? 0);
    const frameSlots = framesOf(s1.peers, 'frames') - framesOf(s0.peers, 'frames');
    const framesSkipped = framesOf(s1.peers, 'framesSkipped') - framesOf(s0.peers, 'framesSkipped');
    const expected = sumOf(normal, (p) => (p.video?.expected ?? 0) + (p.audio?.expected ?? 0));
    const lost = sumOf(normal, (p) => (p.video?.lost ?? 0) + (p.audio?.lost ?? 0));
    const rtp = peers
      .map((p) => (p.video?.firstRtpAt ?? Number.NaN) - p.joinStartedAt)
      .filter(Number.isFinite);
    const key = peers
      .map((p) => (p.video?.firstKeyFrameAt ?? Number.NaN) - p.joinStartedAt)
      .filter(Number.isFinite);
    const received = (xs: PeerStats[]) =>
      sumOf(
        xs,
        (p) =>
          (p.video?.received ?? 0) +
          (p.audio?.received ?? 0) +
          sumOf([p], (q) => q.tiles.reduce((n, t) => n + t.received, 0)),
      );
    const bytesIn = (xs: PeerStats[]) =>
      sumOf(
        xs,
        (p) =>
          (p.video?.bytes ?? 0) + (p.audio?.bytes ?? 0) + p.tiles.reduce((n, t) => n + t.bytes, 0),
      );
    const bytesSent = (xs: PeerStats[]) => sumOf(xs, (p) => p.sent?.bytes ?? 0);
    const bytesResent = (xs: PeerStats[]) => sumOf(xs, (p) => p.sent?.retransmittedBytes ?? 0);
    // Window deltas: summaries since mark() count packets; bytes are cumulative → subtract.
    const forwarded = received(s1.peers) + received(ch1.peers);
    const egressBytes =
      bytesIn(s1.peers) + bytesIn(ch1.peers) - bytesIn(s0.peers) - bytesIn(ch0.peers);
    const ingressBytes =
      bytesSent(s1.peers) + bytesSent(ch1.peers) - bytesSent(s0.peers) - bytesSent(ch0.peers);
    const workerCpuMs = w1.reduce((n, w, i) => n + w.cpuMs - w0[i]!.cpuMs, 0);
    const recovered = (xs: PeerStats[]) =>
      xs.length
        ? sumOf(xs, (p) => (p.video?.recovered ?? 0) + (p.audio?.recovered ?? 0)) / xs.length
        : 0;
    // Sites that did not get the chair: say why, from both ends, while everything still runs.
    const failing = s1.peers.filter(
      (p) =>
        p.error !== undefined ||
        p.video?.firstKeyFrameAt == null ||
        (!lossyLabels.has(p.label) && lossOf(p) > 5),
    );
    const sfuView =
      hub && failing.length
        ? await hub.diagnose(
            hub.seed!.meetingId,
            failing.flatMap((p) => (p.socketId ? [`site:${p.label}:${p.socketId}`] : [])),
          )
        : {};
    const failures: SiteFailure[] = failing.map((p) => ({
      label: p.label,
      stage: p.error ? 'join' : (p.recv?.stage ?? 'no-transport'),
      lossPct: lossOf(p),
      ...(p.error ? { error: p.error } : {}),
      ...(p.resets ? { resets: p.resetReasons ?? {} } : {}),
      client: p.recv ?? null,
      sfu: p.socketId ? (sfuView[`site:${p.label}:${p.socketId}`] ?? null) : null,
    }));
    for (const x of failures) {
      progress(
        `    FAILING SITE ${x.label}: stopped at ${x.stage}, loss ${x.lossPct.toFixed(1)} %${x.error ? ` (${x.error})` : ''}${x.resets ? `, resets ${JSON.stringify(x.resets)}` : ''}\n` +
          `      client: ${JSON.stringify(x.client)}\n      sfu: ${JSON.stringify(x.sfu)}`,
      );
    }
    const badExp = sumOf(bad, (p) => (p.video?.expected ?? 0) + (p.audio?.expected ?? 0));
    const badLost = sumOf(bad, (p) => (p.video?.lost ?? 0) + (p.audio?.lost ?? 0));
    const resets: Record<string, number> = {};
    for (const p of s1.peers) {
      for (const [why, n] of Object.entries(p.resetReasons ?? {}))
        resets[why] = (resets[why] ?? 0) + n;
    }
    const r: StepResult = {
      resets,
      sfu,
      sites,
      workers,
      dynacast,
      tileFirstFrameMs,
      send: sending,
      joined: peers.length,
      failed: failed + (sites - s1.peers.length),
      allJoinedMs: Math.round(allJoinedMs),
      firstRtpMs: { p50: pct(rtp, 50), p95: pct(rtp, 95), p99: pct(rtp, 99) },
      firstKeyFrameMs: { p50: pct(key, 50), p95: pct(key, 95), p99: pct(key, 99) },
      noKeyFrame: peers.length - key.length,
      lossPct: expected > 0 ? (lost / expected) * 100 : 100,
      worstSiteLossPct: Math.max(0, ...normal.map(lossOf)),
      sitesOver1Pct: normal.filter((p) => lossOf(p) > 1).length,
      nackRecoveredPerSite: recovered(normal),
      lossySites: bad.length
        ? {
            count: bad.length,
            lossPct: badExp ? (badLost / badExp) * 100 : 100,
            recoveredPerSite: recovered(bad),
          }
        : null,
      ingressMbps: (ingressBytes * 8) / (windowMs * 1000),
      ingressResentMbps:
        ((bytesResent(s1.peers) +
          bytesResent(ch1.peers) -
          bytesResent(s0.peers) -
          bytesResent(ch0.peers)) *
          8) /
        (windowMs * 1000),
      egressMbps: (egressBytes * 8) / (windowMs * 1000),
      workerCpuPct: (workerCpuMs / windowMs) * 100,
      usPerForwardedPacket: forwarded > 0 ? (workerCpuMs * 1000) / forwarded : 0,
      forwardedPps: forwarded / (windowMs / 1000),
      hubCpuPct: (((h1[0]?.cpuMs ?? 0) - (h0[0]?.cpuMs ?? 0)) / windowMs) * 100,
      hubRssMb: h1[0]?.rssMb ?? 0,
      workerRssMb: w1.reduce((n, w) => n + w.rssMb, 0),
      clientCpuPct: (c1.reduce((n, c, i) => n + c.cpuMs - c0[i]!.cpuMs, 0) / windowMs) * 100,
      framesSkippedPct: frameSlots > 0 ? (framesSkipped / frameSlots) * 100 : 0,
      chairFramesSkippedPct: ((): number => {
        const slots = framesOf(ch1.peers, 'frames') - framesOf(ch0.peers, 'frames');
        const miss = framesOf(ch1.peers, 'framesSkipped') - framesOf(ch0.peers, 'framesSkipped');
        return slots > 0 ? (miss / slots) * 100 : 0;
      })(),
      clientLoopDelayMs: {
        p99: Math.max(s1.loopDelayMs.p99, ch1.loopDelayMs?.p99 ?? 0),
        max: Math.max(s1.loopDelayMs.max, ch1.loopDelayMs?.max ?? 0),
      },
      udpDrops: {
        worker: drops.worker ?? 0,
        clients: drops.clients ?? 0,
        hub: drops.hub ?? 0,
      },
      loadBefore,
      loadAfter: loadavg(),
      failures,
      joinTimelineMs: ((): StepResult['joinTimelineMs'] => {
        const keys = ['token', 'socket', 'joined', 'transport', 'consume', 'sdp', 'connect'];
        keys.push('resumed', 'ice', 'dtls', 'firstRtp', 'firstKey');
        const out: StepResult['joinTimelineMs'] = {};
        for (const k of keys) {
          const xs = peers.flatMap((p) => (p.timeline?.[k] !== undefined ? [p.timeline[k]!] : []));
          out[k] = { p50: pct(xs, 50), p95: pct(xs, 95) };
        }
        return out;
      })(),
    };
    progress(
      `    join timeline p50/p95 ms: ${Object.entries(r.joinTimelineMs)
        .map(([k, v]) => `${k} ${f(v.p50)}/${f(v.p95)}`)
        .join(', ')}`,
    );
    progress(
      `    loss ${r.lossPct.toFixed(2)} %, key frame p95 ${r.firstKeyFrameMs.p95?.toFixed(0)} ms, ` +
        `worker ${r.workerCpuPct.toFixed(0)} % (${r.usPerForwardedPacket.toFixed(1)} µs/pkt), ` +
        `clients ${r.clientCpuPct.toFixed(0)} %, in ${r.ingressMbps.toFixed(1)} / out ${r.egressMbps.toFixed(1)} Mbps`,
    );
    return r;
  } finally {
    await Promise.all([fleet.close(), chair.close()]);
    await hub?.stop('SIGKILL');
    await janus?.stop();
  }
}

function floorNote(x: Floor): string {
  return (
    `floor (infra/bench/floor.c, this machine, thread CPU): sendmsg 1200 B to loopback ${x.sendmsgUs.toFixed(2)} µs + ` +
    `srtp_protect AES_CM_128_HMAC_SHA1_80 ${x.srtpProtectUs.toFixed(2)} µs = ${x.floorUs.toFixed(2)} µs (libsrtp2 ${x.srtp}, loadavg ${x.loadavg}); ` +
    "× floor = µs/fwd pkt ÷ that (the worker's µs also carry its ingress: the sites' cameras, RTCP)."
  );
}

const f = (n: number | null, d = 0) => (n === null ? '-' : n.toFixed(d));

async function main(): Promise<void> {
  prepareMedia(progress);
  progress(
    `bench:webrtc: steps ${steps.join(',')} sites, workers ${workerCounts.join(',')}, ${seconds} s ` +
      `window, ${processes} load processes, sites ${send ? 'send 3 layers + paused mic' : 'receive only'}` +
      (lossSitesPct ? `, ${lossPct} % inbound loss on ${lossSitesPct} % of sites` : ''),
  );
  const floor = measureFloor();
  progress(
    `  floor: sendmsg 1200 B ${floor.sendmsgUs.toFixed(2)} µs + srtp_protect ${floor.srtpProtectUs.toFixed(2)} µs = ` +
      `${floor.floorUs.toFixed(2)} µs per forwarded packet (libsrtp2 ${floor.srtp}, loadavg ${floor.loadavg})`,
  );
  const results: StepResult[] = [];
  // Step by step, every variant at that step before the next (same minute, same machine
  // load); a variant stops once one of its steps loses more than 5 %.
  let live = variants();
  for (const sites of steps) {
    const next: Variant[] = [];
    for (const v of live) {
      const r = await runStep(v, sites);
      results.push(r);
      if (r.lossPct <= 5) next.push(v);
    }
    live = next;
    if (live.length === 0) break;
  }
  const columns: Column<StepResult>[] = [
    { header: 'sfu', value: (r) => r.sfu },
    { header: 'sites', value: (r) => r.sites },
    { header: 'wk', value: (r) => r.workers },
    { header: 'cams', value: (r) => (r.send ? 'send' : 'rx') },
    { header: 'dyn', value: (r) => (r.send ? (r.dynacast ? 'on' : 'off') : '-') },
    { header: 'joined', value: (r) => `${r.joined}/${r.sites}` },
    { header: 'all in ms', value: (r) => r.allJoinedMs },
    {
      header: 'RTP p50/95/99 ms',
      value: (r) => `${f(r.firstRtpMs.p50)}/${f(r.firstRtpMs.p95)}/${f(r.firstRtpMs.p99)}`,
    },
    {
      header: 'key p50/95/99 ms',
      value: (r) =>
        `${f(r.firstKeyFrameMs.p50)}/${f(r.firstKeyFrameMs.p95)}/${f(r.firstKeyFrameMs.p99)}`,
    },
    { header: 'no key', value: (r) => r.noKeyFrame },
    {
      header: 'failing sites: stage',
      value: (r) => {
        const n: Record<string, number> = {};
        for (const x of r.failures) n[x.stage] = (n[x.stage] ?? 0) + 1;
        return (
          Object.entries(n)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ') || '-'
        );
      },
    },
    {
      header: 'resets',
      value: (r) =>
        Object.entries(r.resets)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ') || '-',
    },
    { header: 'loss %', value: (r) => r.lossPct, digits: 2 },
    { header: 'worst %', value: (r) => r.worstSiteLossPct, digits: 2 },
    { header: '>1 %', value: (r) => r.sitesOver1Pct },
    { header: 'NACK rec/site', value: (r) => r.nackRecoveredPerSite, digits: 1 },
    {
      header: 'lossy sites',
      value: (r) =>
        r.lossySites
          ? `${r.lossySites.count}: ${r.lossySites.lossPct.toFixed(2)} % (${r.lossySites.recoveredPerSite.toFixed(0)} rec)`
          : '-',
    },
    { header: 'in Mbps', value: (r) => r.ingressMbps, digits: 1 },
    { header: 'of it resent', value: (r) => r.ingressResentMbps, digits: 1 },
    { header: 'out Mbps', value: (r) => r.egressMbps, digits: 1 },
    { header: 'worker %', value: (r) => r.workerCpuPct, digits: 1 },
    { header: 'µs/fwd pkt', value: (r) => r.usPerForwardedPacket, digits: 2 },
    { header: '× floor', value: (r) => r.usPerForwardedPacket / floor.floorUs, digits: 1 },
    { header: 'fwd pkt/s', value: (r) => r.forwardedPps },
    {
      header: 'tile→frame p50/95/max ms',
      value: (r) =>
        r.tileFirstFrameMs
          ? `${f(r.tileFirstFrameMs.p50)}/${f(r.tileFirstFrameMs.p95)}/${f(r.tileFirstFrameMs.max)}` +
            (r.tileFirstFrameMs.missing ? ` (${r.tileFirstFrameMs.missing} none)` : '')
          : '-',
    },
    { header: 'hub %', value: (r) => r.hubCpuPct, digits: 1 },
    { header: 'hub MB', value: (r) => r.hubRssMb, digits: 0 },
    { header: 'clients %', value: (r) => r.clientCpuPct, digits: 0 },
    {
      header: 'client loop p99/max ms',
      value: (r) => `${f(r.clientLoopDelayMs.p99)}/${f(r.clientLoopDelayMs.max)}`,
    },
    {
      header: 'skipped % sites/chair',
      value: (r) => `${r.framesSkippedPct.toFixed(1)}/${r.chairFramesSkippedPct.toFixed(1)}`,
    },
    { header: 'drops wk/cl', value: (r) => `${r.udpDrops.worker}/${r.udpDrops.clients}` },
    { header: 'loadavg before → after', value: (r) => `${r.loadBefore} → ${r.loadAfter}` },
  ];
  printResults({
    title:
      `bench:webrtc — werift sites through the hub, ${seconds} s window per step, ${processes} load ` +
      `processes, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), node ${process.version}`,
    columns,
    rows: results,
    notes: [
      floorNote(floor),
      'RTP/key: join start (invitation exchange) → first chair RTP / first complete chair key frame, per site.',
      'loss %: chair video+audio packets never received (after NACK) / expected, sites without injected loss; worst %: the worst such site.',
      'µs/fwd pkt: mediasoup worker CPU (user+sys, /proc) / packets delivered to receivers; in/out: RTP payload Mbps sent by all peers / received by all peers.',
      "janus rows: the worker columns are the janus process (all its threads); its sites receive only (streaming plugin fed over plain RTP with the chair's clip); cams rx: the giaoban row with the same receive-only sites, its like for like.",
      'clients %: CPU of the werift load-client processes (100 % = one core), on the same machine as the hub; client loop: their worst event-loop delay.',
      "skipped %: camera frame slots the sites / the chair skipped because their load process stalled (sent late they would burst); ingress is lower by about as much, and a chair's skipped frame is one fewer for every site (no loss counted: the sequence numbers do not jump).",
      "dyn: dynacast (the hub tells sites which layers anybody takes; they stop the rest); tile→frame: after the window the chair turns its grid to the next page: each new tile's resume → first complete key frame.",
      "drops wk/cl: datagrams dropped at full UDP receive buffers in the window (/proc/net/udp), at the worker's sockets / at the load clients' sockets.",
    ],
    json: {
      bench: 'webrtc',
      at: new Date().toISOString(),
      seconds,
      processes,
      send,
      floor,
      results,
    },
  });
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench:webrtc failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
