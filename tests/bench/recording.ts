/**
 * What recording one meeting costs (issue #13): a real mediasoup worker, the chair and a floor
 * holder from Debian's ffmpeg (a clip replayed, VP8 640x360 + opus), the recorder (Debian's ffmpeg,
 * stream copy) for RECORD_SECONDS with the floor changing hands half way, then the program
 * composed (VP8 + opus WebM, chapters). Prints JSON and a table: the recorder's ffmpeg CPU and
 * RSS, the hub process's relays, the worker, beside the test sources feeding them (the floor:
 * what producing the same streams costs), disk per hour of the raw tracks and of the program,
 * the composer's CPU per minute recorded, and the program's A/V drift (flash vs beep).
 *
 *   flock /work/.heavy.lock flock /work/.bench.lock npm run bench:recording -- [--seconds 60]
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { recording } from '@giaoban/server';
import { MediaPlane, silentLogger } from '@giaoban/sfu';
import { FfmpegTestSource, testSfuConfig } from '@giaoban/sfu/testing';
import { onsets, regionLuma, tonePower } from '../harness/mediaAnalysis';
import { childPids, procStats } from '../load/processes';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 60);
const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
const log = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim();
/** CPU ms of this process's reaped children (the composer, once it exited). */
const childrenCpuMs = () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / 100; // cutime + cstime, USER_HZ = 100
};

async function main() {
  const before = loadavg();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'giaoban-bench-rec-'));
  const plane = await MediaPlane.create(await testSfuConfig({ numWorkers: 1 }), {
    logger: silentLogger,
  });
  const room = await plane.getOrCreateRoom('bench');
  const [chair, a, b] = await Promise.all([
    FfmpegTestSource.start({
      room,
      peerId: 'chair',
      video: { pattern: 'testsrc2', flash: true },
      audio: { frequency: 880, beep: true },
    }),
    FfmpegTestSource.start({
      room,
      peerId: 'a',
      video: { pattern: { color: 'red' } },
      audio: { frequency: 300 },
    }),
    FfmpegTestSource.start({
      room,
      peerId: 'b',
      video: { pattern: { color: 'blue' } },
      audio: { frequency: 500 },
    }),
  ]);
  const comm = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  const kids = childPids(process.pid);
  const sourcePids = kids.filter((p) => comm(p) === 'ffmpeg');
  const workerPid = kids.find((p) => comm(p).startsWith('mediasoup-worke'));
  const recorder = await recording.Recorder.start({
    meetingId: 'bench',
    room,
    dir,
    tools,
    logger: log,
    minFreeBytes: 0,
  });
  await recorder.setSources({
    chair: { video: chair.videoProducerId, audio: chair.audioProducerId },
    floor: { siteId: 'A', name: 'Phường A', video: a.videoProducerId, audio: a.audioProducerId },
  });
  const recPid = recorder.recorderPid!;
  const start = {
    rec: procStats(recPid),
    worker: workerPid ? procStats(workerPid) : undefined,
    node: process.cpuUsage(),
    sources: sourcePids.map((p) => procStats(p).cpuMs),
    at: performance.now(),
  };
  let rssMax = 0;
  const t0 = Date.now();
  for (let s = 0; s < SECONDS; s++) {
    if (s === Math.floor(SECONDS / 2))
      await recorder.setSources({
        floor: { siteId: 'B', name: 'Xã B', video: b.videoProducerId, audio: b.audioProducerId },
      });
    rssMax = Math.max(rssMax, procStats(recPid).rssMb);
    await sleep(t0 + (s + 1) * 1000 - Date.now());
  }
  const wallMs = performance.now() - start.at;
  const recCpu = procStats(recPid).cpuMs - start.rec.cpuMs;
  const workerCpu = workerPid ? procStats(workerPid).cpuMs - start.worker!.cpuMs : Number.NaN;
  const nodeCpu = process.cpuUsage(start.node);
  const srcCpu = sourcePids.reduce(
    (sum, p, i) => sum + (procStats(p).cpuMs - start.sources[i]!),
    0,
  );
  const [segment] = await recorder.stop();
  await Promise.all([chair.stop(), a.stop(), b.stop()]);
  const seg = segment!;
  let rawBytes = 0;
  for (const f of Object.values(seg.liveFiles))
    rawBytes += (await stat(f).catch(() => null))?.size ?? 0;

  const lengthMs = seg.endedAt! - seg.startedAt;
  const { tracks, durationMs } = await recording.finalizeSegment({
    tools,
    liveFiles: seg.liveFiles,
    lengthMs,
  });
  const programFile = path.join(dir, 'program.webm');
  const layout = recording.DEFAULT_PROGRAM_LAYOUT;
  const c0 = childrenCpuMs();
  const w0 = performance.now();
  await recording.composeProgram({
    tools,
    tracks,
    programFile,
    timeline: recording.programTimeline(seg.marks, seg.startedAt, durationMs),
    layout,
    chapters: [],
    title: 'bench',
    nice: 0,
  });
  const composeWallMs = performance.now() - w0;
  const composeCpuMs = childrenCpuMs() - c0;
  const programBytes = (await stat(programFile)).size;

  // A/V drift in the program: the chair's flashes (top-left quarter of its pillarboxed picture)
  // against its beeps in the mix.
  const scale = layout.height / 360;
  const luma = await regionLuma(programFile, {
    x: Math.round((layout.width - (layout.height * 4) / 3) / 2 + 70 * scale),
    y: Math.round(60 * scale),
    w: Math.round(40 * scale),
    h: Math.round(40 * scale),
  });
  const flashes = onsets(luma, 245, 10).map((i) => (i / layout.fps) * 1000);
  const power = await tonePower(programFile, 880, 10);
  const peak = Math.max(...power);
  const beeps = onsets(power, peak / 10, 30).map((i) => i * 10);
  const drifts = flashes
    .filter((f) => f > 1000)
    .map((f) => f - beeps.reduce((x, y) => (Math.abs(y - f) < Math.abs(x - f) ? y : x)));
  const absDrift = drifts.map(Math.abs).sort((x, y) => x - y);

  const perHour = (bytes: number) => (bytes / (durationMs / 1000)) * 3600;
  const pct = (ms: number) => (ms / wallMs) * 100;
  const result = {
    seconds: SECONDS,
    cores: os.cpus().length,
    loadavgBefore: before,
    loadavgAfter: loadavg(),
    recorderFfmpeg: { cpuPercent: pct(recCpu), rssMbMax: rssMax },
    hubProcessRelays: { cpuPercent: pct(nodeCpu.user / 1000 + nodeCpu.system / 1000) },
    worker: { cpuPercent: pct(workerCpu) },
    testSources3: { cpuPercent: pct(srcCpu) },
    rawTracks: { bytes: rawBytes, gibPerHour: perHour(rawBytes) / 1024 ** 3 },
    program: {
      layout: `${layout.width}x${layout.height}@${layout.fps} ${layout.videoKbps}k`,
      bytes: programBytes,
      gibPerHour: perHour(programBytes) / 1024 ** 3,
      composeWallSeconds: composeWallMs / 1000,
      composeCpuSecondsPerMinuteRecorded: composeCpuMs / 1000 / (durationMs / 60_000),
      realtimeFactor: durationMs / composeWallMs,
    },
    avDriftMs: {
      n: drifts.length,
      median: absDrift[Math.floor(absDrift.length / 2)] ?? null,
      max: absDrift.at(-1) ?? null,
    },
  };
  console.log(JSON.stringify(result, null, 2));
  console.table({
    'recorder ffmpeg (stream copy)': {
      'CPU % of a core': result.recorderFfmpeg.cpuPercent.toFixed(1),
      'RSS MB': rssMax.toFixed(0),
    },
    'hub process (relays)': { 'CPU % of a core': result.hubProcessRelays.cpuPercent.toFixed(1) },
    'mediasoup worker': { 'CPU % of a core': result.worker.cpuPercent.toFixed(1) },
    'floor: 3 test sources (replay)': {
      'CPU % of a core': result.testSources3.cpuPercent.toFixed(1),
    },
    'composer (after the stop)': {
      'CPU % of a core': ((composeCpuMs / durationMs) * 100).toFixed(1),
      'x real time': result.program.realtimeFactor.toFixed(2),
    },
  });
  console.table({
    'raw tracks': { 'GiB/hour': result.rawTracks.gibPerHour.toFixed(2) },
    program: { 'GiB/hour': result.program.gibPerHour.toFixed(2) },
    'A/V drift ms (median/max)': {
      'GiB/hour': `${result.avDriftMs.median ?? '-'} / ${result.avDriftMs.max ?? '-'}`,
    },
  });
  await plane.close();
  await rm(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
