/**
 * Recording on real parts: a mediasoup worker, test encoders (Debian's ffmpeg: VP8 + opus into
 * PlainTransports), the recorder (Debian's ffmpeg copying the RecorderPort's RTP into Matroska)
 * and the program composer. One 20 s recording with the floor passing from one site to another
 * in the middle; one recording whose recorder is killed half way.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { recording } from '@giaoban/server';
import { MediaPlane, type MediaRoom, RECORDING_SLOTS, silentLogger } from '@giaoban/sfu';
import { FfmpegTestSource, RtpCounter, testSfuConfig } from '@giaoban/sfu/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { regionColourAt, tonePower } from '../harness/mediaAnalysis';
import { avDrift, SITE_B, startMeetingSources } from '../harness/recordedMeeting';

const { Recorder, finalizeSegment, composeProgram, programTimeline, probe, segmentChapters } =
  recording;
const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
const quietLogger = { info() {}, warn() {}, error() {} };
/** A small program so the composer stays cheap in CI. */
const layout = { ...recording.DEFAULT_PROGRAM_LAYOUT, width: 640, height: 360, videoKbps: 600 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let plane: MediaPlane;
let dir: string;
const stops: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  plane = await MediaPlane.create(await testSfuConfig({ numWorkers: 1 }), { logger: silentLogger });
  dir = await mkdtemp(path.join(os.tmpdir(), 'giaoban-rec-'));
});
afterAll(async () => {
  for (const s of stops.reverse()) await s();
  await plane?.close();
  // KEEP_RECORDING_DIR=1 keeps the files to look at.
  if (!process.env.KEEP_RECORDING_DIR) await rm(dir, { recursive: true, force: true });
  else console.log('recordings kept in', dir);
});

async function sources(room: MediaRoom) {
  const m = await startMeetingSources(room);
  stops.push(() => m.stop());
  return m;
}

describe('recording (real worker, Debian ffmpeg)', () => {
  it('records 20 s with a floor change: streams, duration, chapters, the holder, A/V sync', {
    timeout: 180_000,
  }, async () => {
    const room = await plane.getOrCreateRoom('rec-floor');
    const meeting = await sources(room);
    const { chair, a, b } = meeting;
    const recorder = await Recorder.start({
      meetingId: 'mtg-floor',
      room,
      dir: path.join(dir, 'floor'),
      tools,
      logger: quietLogger,
      minFreeBytes: 1024 * 1024,
    });
    await recorder.setSources({
      chair: { video: chair.videoProducerId, audio: chair.audioProducerId },
      floor: {
        siteId: 'A',
        name: 'Phường Ba Đình',
        video: a.videoProducerId,
        audio: a.audioProducerId,
      },
    });
    // The recording's own clock sets the pace (a loaded machine delays the feeds, not the marks).
    const t0 = recorder.segments[0]!.startedAt;
    await sleep(t0 + 10_000 - Date.now());
    const switchedAt = Date.now();
    await recorder.setSources({
      floor: {
        siteId: 'B',
        name: 'Xã Sóc Sơn',
        video: b.videoProducerId,
        audio: b.audioProducerId,
      },
    });
    await sleep(t0 + 20_000 - Date.now());
    const stopCalledAt = Date.now();
    const [segment] = await recorder.stop();
    // The encoders are done: the composer and the checks get the machine.
    await meeting.stop();
    expect(recorder.segments).toHaveLength(1);
    expect(segment!.end).toBe('stopped');
    const wallMs = segment!.endedAt! - segment!.startedAt;
    // The segment ends at the stop instant, not when ffmpeg got round to exiting. Measured from
    // the call, not from t0 + 20 s: on a loaded machine the sleep itself wakes late.
    expect(segment!.endedAt! - stopCalledAt).toBeGreaterThanOrEqual(0);
    expect(segment!.endedAt! - stopCalledAt).toBeLessThan(200);
    expect(wallMs).toBeGreaterThanOrEqual(20_000 - 5);

    const { startedAt } = segment!;
    const chapters = segmentChapters(
      [
        {
          kind: 'agenda',
          title: 'Mục 1: Tình hình kinh tế',
          from: startedAt - 60_000,
          to: switchedAt - 3000,
          itemId: 'i1',
        },
        {
          kind: 'agenda',
          title: 'Mục 2: Công tác phòng chống lụt bão',
          from: switchedAt - 3000,
          itemId: 'i2',
        },
        {
          kind: 'turn',
          title: 'Phường Ba Đình phát biểu',
          from: startedAt,
          to: switchedAt,
          siteId: 'A',
        },
        { kind: 'turn', title: 'Xã Sóc Sơn phát biểu', from: switchedAt, siteId: 'B' },
      ],
      { startedAt, endedAt: segment!.endedAt! },
    );
    const { tracks, durationMs } = await finalizeSegment({
      tools,
      liveFiles: segment!.liveFiles,
      lengthMs: wallMs,
    });
    expect(Math.abs(durationMs - wallMs)).toBeLessThan(500);
    const codecs = [];
    for (const slot of RECORDING_SLOTS) {
      codecs.push((await probe(tools, tracks[slot]!)).streams.map((s) => s.codec_name).join());
    }
    expect(codecs).toEqual(['vp8', 'opus', 'vp8', 'opus', 'vp8']);

    const programFile = path.join(dir, 'floor', 'seg-001.webm');
    const timeline = programTimeline(segment!.marks, startedAt, durationMs);
    expect(timeline.floor.map((f) => f.caption)).toEqual(['Phường Ba Đình', 'Xã Sóc Sơn']);
    await composeProgram({
      tools,
      tracks,
      programFile,
      timeline,
      layout,
      chapters,
      title: 'Giao ban tuần',
      // Production composes below live media (nice 10); here nothing live is left to protect.
      nice: 0,
    });

    const p = await probe(tools, programFile);
    expect(p.format.format_name).toContain('webm');
    expect(p.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual([
      'video:vp8',
      'audio:opus',
    ]);
    expect(Math.abs(Number(p.format.duration) * 1000 - wallMs)).toBeLessThan(500);
    // Item 2 starts 3 s before the floor changes hands: three flat chapters.
    expect(p.chapters.map((c) => c.tags?.title)).toEqual([
      'Mục 1: Tình hình kinh tế — Phường Ba Đình phát biểu',
      'Mục 2: Công tác phòng chống lụt bão — Phường Ba Đình phát biểu',
      'Mục 2: Công tác phòng chống lụt bão — Xã Sóc Sơn phát biểu',
    ]);
    const switchAt = (switchedAt - startedAt) / 1000;
    expect(Number(p.chapters[1]!.start_time)).toBeCloseTo(switchAt - 3, 1);
    expect(Number(p.chapters[2]!.start_time)).toBeCloseTo(switchAt, 1);

    // The holder's box (bottom right): site A's red before the change, site B's blue after (6 s
    // after: a loaded machine delays the new source's first key frame, black until then).
    const pw = Math.round(640 / 3 / 2) * 2;
    const ph = Math.round((pw * 9) / 16 / 2) * 2;
    const margin = Math.round(640 / 64);
    const capH = Math.round(360 / 18);
    const box = {
      x: 640 - pw - margin + pw / 4,
      y: 360 - ph - margin - capH + ph / 4,
      w: pw / 2,
      h: ph / 2,
    };
    const before = await regionColourAt(programFile, switchAt - 2, box);
    const after = await regionColourAt(programFile, switchAt + 6, box);
    expect(before[0]).toBeGreaterThan(150);
    expect(before[2]).toBeLessThan(80);
    expect(after[2]).toBeGreaterThan(150);
    expect(after[0]).toBeLessThan(80);
    // Outside the box the chair's test pattern (its 4:3 picture is centred, 480x360 at x=80;
    // here its green bar, unless the pattern's moving grey bar passes), not the holder's blue.
    const corner = await regionColourAt(programFile, switchAt + 6, {
      x: 190,
      y: 225,
      w: 10,
      h: 10,
    });
    expect(corner[2] > 150 && corner[0] < 80 && corner[1] < 80).toBe(false);
    // Left and right of the chair's 4:3 picture: the program's background, not a stretched chair.
    const side = await regionColourAt(programFile, switchAt + 6, { x: 10, y: 100, w: 40, h: 40 });
    expect(Math.max(...side)).toBeLessThan(60);

    // Audio/video sync: the chair's flashes (top-left quarter of its picture, which the program
    // pillarboxes to 480x360 at x=80) against its beeps in the mixed track.
    const { flashes, beeps, drifts, peak, frames } = await avDrift(programFile, layout);
    expect(frames).toBeGreaterThan(20 * layout.fps - 15);
    expect(flashes.length).toBeGreaterThanOrEqual(17);
    expect(beeps.length).toBeGreaterThanOrEqual(17);
    // The video side is quantised to 40 ms frames; the whole offset stays under 100 ms.
    for (const d of drifts) expect(Math.abs(d)).toBeLessThan(100);
    // The holder's tone is in the mix too.
    const holder = await tonePower(programFile, SITE_B.toneHz, 10);
    const lateHolder = holder.slice(Math.round((switchAt + 1) * 100));
    expect(Math.max(...lateHolder)).toBeGreaterThan(peak / 50);
  });

  it('a recorder killed mid-recording: the meeting goes on, a new segment starts, both play', {
    timeout: 120_000,
  }, async () => {
    const room = await plane.getOrCreateRoom('rec-kill');
    const chair = await FfmpegTestSource.start({
      room,
      peerId: 'chair',
      video: { pattern: 'testsrc2' },
      audio: { frequency: 880 },
    });
    stops.push(() => chair.stop());
    // A site watching the chair the whole time, through the same router.
    const viewer = await RtpCounter.create();
    stops.push(() => viewer.close());
    const t = await room.createPlainTransport('viewer', { direction: 'recv' });
    await room.connectPlainTransport('viewer', t.id, { ip: '127.0.0.1', port: viewer.port });
    const c = await room.consume('viewer', t.id, chair.videoProducerId!, room.rtpCapabilities);
    await room.resumeConsumer('viewer', c.id);

    const recorder = await Recorder.start({
      meetingId: 'mtg-kill',
      room,
      dir: path.join(dir, 'kill'),
      tools,
      logger: quietLogger,
      minFreeBytes: 1024 * 1024,
    });
    await recorder.setSources({
      chair: { video: chair.videoProducerId, audio: chair.audioProducerId },
    });
    await sleep(4000);
    const restarted = new Promise((r) => recorder.once('segmentstart', r));
    const before = viewer.total;
    process.kill(recorder.recorderPid!, 'SIGKILL');
    await restarted;
    await sleep(4000);
    const segments = await recorder.stop();
    expect(viewer.total - before).toBeGreaterThan(20); // the viewer never stopped receiving
    expect(segments.map((s) => [s.index, s.end])).toEqual([
      [1, 'recorder_died'],
      [2, 'stopped'],
    ]);
    for (const s of segments) {
      const { tracks, durationMs } = await finalizeSegment({
        tools,
        liveFiles: s.liveFiles,
        lengthMs: s.endedAt! - s.startedAt,
      });
      // Killed: at most the last cluster (about a second) is lost.
      expect(durationMs).toBeGreaterThan(s.endedAt! - s.startedAt - 1500);
      const chairVideo = await probe(tools, tracks['chair.video']!);
      expect(Number(chairVideo.format.duration)).toBeGreaterThan(2);
    }
  });
});
