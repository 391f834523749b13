/**
 * How many meetings one node records at once while carrying their media (issue #13). N meetings
 * on one hub process and one mediasoup worker; each is the recorded meeting of
 * tests/harness/recordedMeeting.ts at a browser's bitrates: the chair's camera VP8 1280x720 at
 * 30 fps, 1.2 Mbit/s, and opus (real libvpx/libopus output, a clip encoded once and replayed),
 * two wards (VP8 640x360 at 30 fps, 0.6 Mbit/s, and opus) of which one holds the floor and
 * hands it to the other half way, and `--sites K` receiving sites. The receiving sites are SRTP
 * PlainTransport receivers (the chair and the floor holder, audio and video, like a ward's
 * browser receives them), counted in one child process (bench:sfu's receiver): K werift peers per meeting
 * would spend the same two cores on their own DTLS/ICE/JS and measure werift, not the node
 * (bench:webrtc measures those). Every meeting is recorded (Debian's ffmpeg, stream copy, the
 * relays in this process, as in the hub).
 *
 * N steps up (1, 2, 4, 6, 8, …) until a recording falls behind: RTP lost at the relays over
 * 1 %, a gap in a recorded chair video over 500 ms, a recorder restarted, the kernel dropping
 * datagrams, or this run's own processes needing the cores (over 95 % of both; the machine's
 * busy share is printed beside it, others' work included). Per step: the recorders' CPU and RSS per
 * meeting, the relays' (this process's main thread) and the worker's CPU, disk per hour, loss.
 * The first meeting of the first step is then composed into the program as production does
 * after the recording stops (at nice 0 here): the composer's CPU per recorded hour, the
 * program's size per hour and its A/V drift.
 *
 *   flock /work/.heavy.lock flock /work/.bench.lock unshare -n bash -c 'ip link set lo up && \
 *     exec npm run -s bench:recording -- --meetings 12 [--seconds 40] [--sites 4] [--all] [--json]'
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { recording } from '@giaoban/server';
import { MediaPlane, type MediaRoom, RECORDING_SLOTS, silentLogger } from '@giaoban/sfu';
import { testSfuConfig } from '@giaoban/sfu/testing';
import {
  avDrift,
  BROWSER_LIKE,
  type MeetingSources,
  startMeetingSources,
} from '../harness/recordedMeeting';
import { childPids, procStats } from '../load/processes';
import { argValue, numberArg, printResults, progress } from './lib/report';
import { SfuReceiver, udpReceiveBufferErrors } from './lib/SfuReceiver';

const MAX_MEETINGS = numberArg('meetings', 1);
const SECONDS = numberArg('seconds', 40);
const SITES = numberArg('sites', 4);
const ALL = process.argv.includes('--all');
const STEPS = (() => {
  const raw = argValue('steps');
  if (raw) return raw.split(',').map(Number);
  const out = [1, 2, 4];
  for (let n = 6; n <= MAX_MEETINGS; n += n < 12 ? 2 : 4) out.push(n);
  return out.filter((n) => n <= MAX_MEETINGS);
})();
const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
const log = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').trim();

/** CPU ms of this process's reaped children (the composer, once it exited). */
const childrenCpuMs = () => {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / 100; // cutime + cstime, USER_HZ = 100
};
/** Busy and total jiffies of all cores (/proc/stat). */
const cpuJiffies = () => {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
  const n = f.map(Number);
  const idle = n[3]! + n[4]!;
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
};
/** CPU ms of one thread of this process (the main thread's id is the pid). */
const threadCpuMs = (tid: number) => {
  const st = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
};
const comm = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
};

interface Meeting {
  room: MediaRoom;
  media: MeetingSources;
  recorder: recording.Recorder;
  /** Receivers' consumers of site A and of site B (A's resumed first, then B's). */
  siteConsumers: { a: Array<[string, string]>; b: Array<[string, string]> };
}

interface StepResult {
  meetings: number;
  sitesPerMeeting: number;
  seconds: number;
  loadavgBefore: string;
  loadavgAfter: string;
  /** Both cores, whole machine (everything else running on it included: a shared machine). */
  machineBusyPct: number;
  /** What this run's processes took (hub, worker, recorders, sources, receivers), % of a core. */
  ownCpuPct: number;
  /** What the node itself takes (hub process, worker, recorders), % of a core. */
  nodeCpuPct: number;
  recorderCpuPctPerMeeting: number;
  recorderRssMbPerMeeting: number;
  /** This process's main thread: the relays (and the mediasoup channel). */
  relaysCpuPct: number;
  relaysCpuPctPerMeeting: number;
  /** The whole hub process (relays, the mediasoup channel, GC). */
  hubProcessCpuPct: number;
  hubRssMb: number;
  workerCpuPct: number;
  /** The test sources (3 replaying ffmpegs per meeting), for comparison. */
  sourcesCpuPct: number;
  relayLossPct: number;
  relayNacked: number;
  /** Largest gap between two packets of a recorded chair video (ms). */
  maxChairVideoGapMs: number;
  /** Recorded chair video length against the wall clock, worst meeting (ms short). */
  maxShortMs: number;
  recorderRestarts: number;
  rcvbufDrops: number | null;
  /** Bits/s one receiving site got (chair + holder, audio + video). */
  receivedKbpsPerSite: number;
  /** Bits/s the recorder of one meeting wrote (its five tracks). */
  rawKbpsPerMeeting: number;
  rawGibPerHourPerMeeting: number;
  behind: string[];
}

async function chairVideoGaps(
  file: string,
  fromS: number,
): Promise<{ maxGapMs: number; lengthMs: number }> {
  const out = await recording.runTool(tools.ffprobe, [
    ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time'],
    ...['-of', 'csv=p=0', file],
  ]);
  const ts = out
    .toString()
    .split('\n')
    .map(Number)
    // From the window's start: before it the file waits for its first key frame (filler).
    .filter((x) => Number.isFinite(x) && x >= fromS)
    .sort((a, b) => a - b);
  let maxGapMs = 0;
  let gapAtS = 0;
  for (let i = 1; i < ts.length; i++) {
    const gap = (ts[i]! - ts[i - 1]!) * 1000;
    if (gap > maxGapMs) [maxGapMs, gapAtS] = [gap, ts[i - 1]!];
  }
  if (process.env.DEBUG_GAPS)
    progress(`    gap ${maxGapMs.toFixed(0)} ms at ${gapAtS} s of ${ts.at(-1)} s (first ${ts[0]})`);
  return { maxGapMs, lengthMs: ts.length ? ts.at(-1)! * 1000 : 0 };
}

async function main() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'giaoban-bench-rec-'));
  const plane = await MediaPlane.create(
    await testSfuConfig({ numWorkers: 1 }, 40 + Math.max(...STEPS) * (8 + SITES)),
    { logger: silentLogger },
  );
  const [w] = await plane.workerStats();
  const workerPid = w!.pid;
  const sink = await SfuReceiver.start();
  // The receiver is a child process: it goes with the bench, also when a step throws.
  process.once('exit', () => {
    try {
      process.kill(sink.pid);
    } catch {
      // already gone
    }
  });
  const results: StepResult[] = [];
  let compose: Record<string, unknown> | undefined;

  for (const N of STEPS) {
    progress(`step: ${N} meeting(s), ${SITES} receiving sites each, ${SECONDS} s …`);
    const loadBefore = loadavg();
    const meetings: Meeting[] = [];
    for (let i = 0; i < N; i++) {
      const room = await plane.getOrCreateRoom(`bench-${N}-${i}`);
      const media = await startMeetingSources(room, {
        chair: BROWSER_LIKE.chair,
        site: BROWSER_LIKE.site,
      });
      const siteConsumers: Meeting['siteConsumers'] = { a: [], b: [] };
      for (let k = 0; k < SITES; k++) {
        const peer = `site-r${k}`;
        const t = await room.createPlainTransport(peer, {
          direction: 'recv',
          enableSrtp: true,
          srtpCryptoSuite: 'AES_CM_128_HMAC_SHA1_80',
        });
        await room.connectPlainTransport(peer, t.id, {
          ip: '127.0.0.1',
          port: sink.port,
          srtpParameters: t.srtpParameters!,
        });
        const take = async (producerId: string | undefined, resume: boolean) => {
          const c = await room.consume(peer, t.id, producerId!, room.rtpCapabilities);
          if (resume) await room.resumeConsumer(peer, c.id);
          return [peer, c.id] as [string, string];
        };
        await take(media.chair.videoProducerId, true);
        await take(media.chair.audioProducerId, true);
        siteConsumers.a.push(
          await take(media.a.videoProducerId, true),
          await take(media.a.audioProducerId, true),
        );
        siteConsumers.b.push(
          await take(media.b.videoProducerId, false),
          await take(media.b.audioProducerId, false),
        );
      }
      const recorder = await recording.Recorder.start({
        meetingId: `bench-${N}-${i}`,
        room,
        dir: path.join(dir, `n${N}`, `m${i}`),
        tools,
        logger: log,
        minFreeBytes: 0,
      });
      await recorder.setSources({
        chair: { video: media.chair.videoProducerId, audio: media.chair.audioProducerId },
        floor: {
          siteId: 'A',
          name: 'Phường A',
          video: media.a.videoProducerId,
          audio: media.a.audioProducerId,
        },
      });
      meetings.push({ room, media, recorder, siteConsumers });
    }
    // Let every recorder see its first key frames before the window opens.
    await sleep(2000);
    const kids = childPids(process.pid);
    const recPids = meetings.map((m) => m.recorder.recorderPid!);
    const sourcePids = kids.filter((p) => comm(p) === 'ffmpeg' && !recPids.includes(p));
    const mainThread = () => threadCpuMs(process.pid);
    const slotTotals = () => {
      let received = 0;
      let lost = 0;
      let nacked = 0;
      for (const m of meetings) {
        const s = m.recorder.port.stats();
        for (const slot of RECORDING_SLOTS) {
          received += s[slot].received;
          lost += s[slot].lost;
          nacked += s[slot].nacked;
        }
      }
      return { received, lost, nacked };
    };
    const bytesIn = async () => {
      // SRTP packets: the counter sees packets only; bytes come from the relays' octets below.
      const snap = await sink.snapshot();
      let n = 0;
      for (const v of snap.counts.values()) n += v;
      return n;
    };
    const start = {
      rec: recPids.map((p) => procStats(p).cpuMs),
      src: sourcePids.map((p) => procStats(p).cpuMs),
      sink: procStats(sink.pid).cpuMs,
      worker: procStats(workerPid).cpuMs,
      main: mainThread(),
      proc: process.cpuUsage(),
      jiffies: cpuJiffies(),
      slots: slotTotals(),
      rcvbuf: await udpReceiveBufferErrors(),
      packets: await bytesIn(),
      stats: await Promise.all(
        meetings.map((m) => m.room.transportStats('site-r0') as Promise<unknown[]>),
      ),
      at: performance.now(),
    };
    const windowStartedAt = Date.now();
    const rssMax = recPids.map(() => 0);
    let hubRss = 0;
    const t0 = Date.now();
    for (let s = 0; s < SECONDS; s++) {
      if (s === Math.floor(SECONDS / 2)) {
        await Promise.all(
          meetings.map(async (m) => {
            await m.recorder.setSources({
              floor: {
                siteId: 'B',
                name: 'Xã B',
                video: m.media.b.videoProducerId,
                audio: m.media.b.audioProducerId,
              },
            });
            for (const [peer, id] of m.siteConsumers.b) await m.room.resumeConsumer(peer, id);
            for (const [peer, id] of m.siteConsumers.a) await m.room.pauseConsumer(peer, id);
          }),
        );
      }
      recPids.forEach((p, i) => {
        rssMax[i] = Math.max(rssMax[i]!, procStats(p).rssMb);
      });
      hubRss = Math.max(hubRss, process.memoryUsage.rss() / 1048576);
      await sleep(t0 + (s + 1) * 1000 - Date.now());
    }
    const wallMs = performance.now() - start.at;
    const pct = (ms: number) => (ms / wallMs) * 100;
    const recCpu = recPids.reduce((a, p, i) => a + procStats(p).cpuMs - start.rec[i]!, 0);
    const srcCpu = sourcePids.reduce((a, p, i) => a + procStats(p).cpuMs - start.src[i]!, 0);
    const workerCpu = procStats(workerPid).cpuMs - start.worker;
    const mainCpu = mainThread() - start.main;
    const sinkCpu = procStats(sink.pid).cpuMs - start.sink;
    const procCpu = process.cpuUsage(start.proc);
    const j = cpuJiffies();
    const slots = slotTotals();
    const rcvbuf = await udpReceiveBufferErrors();
    const packets = (await bytesIn()) - start.packets;
    const end = await Promise.all(
      meetings.map((m) => m.room.transportStats('site-r0') as Promise<unknown[]>),
    );
    // Bytes one receiving site got: its transport's bytesSent over the window, averaged.
    const sent = (x: unknown[]) =>
      x.reduce<number>((a, s) => a + Number((s as { bytesSent?: number }).bytesSent ?? 0), 0);
    const siteBytes =
      end.reduce<number>((a, e, i) => a + sent(e) - sent(start.stats[i]!), 0) / meetings.length;

    const segments = await Promise.all(meetings.map((m) => m.recorder.stop()));
    await Promise.all(meetings.map((m) => m.media.stop()));
    let rawBytes = 0;
    let maxGap = 0;
    let maxShort = 0;
    let restarts = 0;
    for (const segs of segments) {
      restarts += segs.length - 1;
      for (const seg of segs) {
        for (const f of Object.values(seg.liveFiles))
          rawBytes += (await stat(f).catch(() => null))?.size ?? 0;
      }
      const seg = segs[0]!;
      const { maxGapMs, lengthMs } = await chairVideoGaps(
        seg.liveFiles['chair.video'],
        (windowStartedAt - seg.startedAt) / 1000,
      );
      maxGap = Math.max(maxGap, maxGapMs);
      maxShort = Math.max(maxShort, seg.endedAt! - seg.startedAt - lengthMs);
    }
    const recordedMs = segments.reduce(
      (a, segs) => a + segs.reduce((b, s) => b + (s.endedAt! - s.startedAt), 0),
      0,
    );
    const rawBps = (rawBytes * 8) / (recordedMs / 1000);
    const lossPct =
      (100 * (slots.lost - start.slots.lost)) /
      Math.max(1, slots.received - start.slots.received + slots.lost - start.slots.lost);
    const busyPct = (100 * (j.busy - start.jiffies.busy)) / (j.total - start.jiffies.total);
    const drops = rcvbuf !== undefined && start.rcvbuf !== undefined ? rcvbuf - start.rcvbuf : null;
    const behind: string[] = [];
    if (lossPct > 1) behind.push(`relay loss ${lossPct.toFixed(2)} %`);
    if (maxGap > 500) behind.push(`chair video gap ${maxGap.toFixed(0)} ms`);
    if (restarts > 0) behind.push(`${restarts} recorder restart(s)`);
    if (drops) behind.push(`${drops} datagrams dropped`);
    const ownPct = pct(
      recCpu + srcCpu + workerCpu + sinkCpu + (procCpu.user + procCpu.system) / 1000,
    );
    // Saturated: this run's own processes need the cores (others' load shows as loss and gaps).
    if (ownPct > 95 * os.cpus().length) behind.push(`own processes ${ownPct.toFixed(0)} % CPU`);
    if (packets === 0) behind.push('receivers got nothing');
    const r: StepResult = {
      meetings: N,
      sitesPerMeeting: SITES,
      seconds: SECONDS,
      loadavgBefore: loadBefore,
      loadavgAfter: loadavg(),
      machineBusyPct: busyPct,
      ownCpuPct: ownPct,
      nodeCpuPct: pct(recCpu + workerCpu + (procCpu.user + procCpu.system) / 1000),
      recorderCpuPctPerMeeting: pct(recCpu) / N,
      recorderRssMbPerMeeting: rssMax.reduce((a, b) => a + b, 0) / N,
      relaysCpuPct: pct(mainCpu),
      relaysCpuPctPerMeeting: pct(mainCpu) / N,
      hubProcessCpuPct: pct((procCpu.user + procCpu.system) / 1000),
      hubRssMb: hubRss,
      workerCpuPct: pct(workerCpu),
      sourcesCpuPct: pct(srcCpu),
      relayLossPct: lossPct,
      relayNacked: slots.nacked - start.slots.nacked,
      maxChairVideoGapMs: maxGap,
      maxShortMs: maxShort,
      recorderRestarts: restarts,
      rcvbufDrops: drops,
      receivedKbpsPerSite: (siteBytes * 8) / wallMs,
      rawKbpsPerMeeting: rawBps / 1000,
      rawGibPerHourPerMeeting: ((rawBps / 8) * 3600) / 1024 ** 3,
      behind,
    };
    results.push(r);
    progress(
      `  ${N}: recorder ${r.recorderCpuPctPerMeeting.toFixed(1)} %/meeting, relays ` +
        `${r.relaysCpuPct.toFixed(1)} %, worker ${r.workerCpuPct.toFixed(1)} %, own ` +
        `${ownPct.toFixed(0)} %, machine ${busyPct.toFixed(0)} %, loss ${lossPct.toFixed(3)} %, gap ${maxGap.toFixed(0)} ms` +
        (behind.length ? ` — BEHIND: ${behind.join(', ')}` : ''),
    );

    if (!compose) compose = await composeOne(segments[0]![0]!, dir);
    for (const m of meetings) plane.closeRoom(m.room.id);
    await rm(path.join(dir, `n${N}`), { recursive: true, force: true });
    if (behind.length && !ALL) break;
    await sleep(2000);
  }

  const fine = results.filter((r) => r.behind.length === 0);
  const capacity = fine.length ? Math.max(...fine.map((r) => r.meetings)) : 0;
  const firstBehind = results.find((r) => r.behind.length);
  printResults<StepResult>({
    title:
      `bench:recording — ${SITES} receiving sites per meeting, ${SECONDS} s per step, one worker, ` +
      `${os.cpus().length} cores`,
    columns: [
      { header: 'meetings', value: (r) => r.meetings },
      { header: 'machine busy %', value: (r) => r.machineBusyPct },
      { header: 'own CPU %', value: (r) => r.ownCpuPct },
      { header: 'node CPU %', value: (r) => r.nodeCpuPct, digits: 1 },
      { header: 'recorder CPU %/mtg', value: (r) => r.recorderCpuPctPerMeeting, digits: 2 },
      { header: 'recorder RSS MB/mtg', value: (r) => r.recorderRssMbPerMeeting },
      { header: 'relays CPU %', value: (r) => r.relaysCpuPct, digits: 1 },
      { header: 'worker CPU %', value: (r) => r.workerCpuPct, digits: 1 },
      { header: 'sources CPU %', value: (r) => r.sourcesCpuPct, digits: 1 },
      { header: 'site kbit/s', value: (r) => r.receivedKbpsPerSite },
      { header: 'raw GiB/h/mtg', value: (r) => r.rawGibPerHourPerMeeting, digits: 2 },
      { header: 'relay loss %', value: (r) => r.relayLossPct, digits: 3 },
      { header: 'max gap ms', value: (r) => r.maxChairVideoGapMs },
      { header: 'behind', value: (r) => r.behind.join('; ') || '-' },
    ],
    rows: results,
    json: {
      cores: os.cpus().length,
      sitesPerMeeting: SITES,
      seconds: SECONDS,
      media: BROWSER_LIKE,
      steps: results,
      capacity: {
        meetingsRecordedWithoutFallingBehind: capacity,
        firstBehind: firstBehind ?? null,
      },
      program: compose ?? null,
    },
    notes: [
      `recorded at once without falling behind: ${capacity} meeting(s)` +
        (firstBehind
          ? `; behind at ${firstBehind.meetings}: ${firstBehind.behind.join(', ')}`
          : ' (the last step; raise --meetings to go further)'),
      compose
        ? `program (composed after the stop, ${compose.layout}): ` +
          `${Number(compose.cpuMinutesPerRecordedHour).toFixed(1)} CPU-min per recorded hour, ` +
          `${Number(compose.realtimeFactor).toFixed(2)}x real time, ` +
          `${Number(compose.gibPerHour).toFixed(2)} GiB/h, A/V drift median/max ` +
          `${compose.avDriftMedianMs ?? '-'}/${compose.avDriftMaxMs ?? '-'} ms`
        : 'program: not composed',
    ],
  });
  await sink.close();
  await plane.close();
  await rm(dir, { recursive: true, force: true });
}

/** Composes one meeting's segment as the hub does after the stop, and measures it. */
async function composeOne(seg: recording.RawSegment, dir: string) {
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
  const wallMs = performance.now() - w0;
  const cpuMs = childrenCpuMs() - c0;
  const bytes = (await stat(programFile)).size;
  const { drifts } = await avDrift(programFile, layout, BROWSER_LIKE.chair);
  const abs = drifts.map(Math.abs).sort((x, y) => x - y);
  await rm(programFile, { force: true });
  return {
    layout: `${layout.width}x${layout.height}@${layout.fps} ${layout.videoKbps}k`,
    recordedSeconds: durationMs / 1000,
    cpuMinutesPerRecordedHour: (cpuMs / durationMs) * 60,
    realtimeFactor: durationMs / wallMs,
    gibPerHour: ((bytes / (durationMs / 1000)) * 3600) / 1024 ** 3,
    avDriftN: drifts.length,
    avDriftMedianMs: abs[Math.floor(abs.length / 2)] ?? null,
    avDriftMaxMs: abs.at(-1) ?? null,
  };
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
