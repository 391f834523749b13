/**
 * A recording survives its worker (issue #13): a hub with a real mediasoup worker records the
 * chair (Debian's ffmpeg as its camera); the worker is killed; the room is rebuilt on the
 * replacement worker and the chair produces again (what its browser does after `media:reset`).
 * The recording goes on in a new segment on the new room: the log says so with the gap, the
 * recording is never stopped as failed, and the archive lists both segments, each playable.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { recording } from '@giaoban/server';
import type { MediaRoom } from '@giaoban/sfu';
import { FfmpegTestSource } from '@giaoban/sfu/testing';
import type { Actor, ArchiveListing, MeetingEventEntry } from '@giaoban/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, login, rest, startTestHub, type TestHub } from '../harness/hub';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
let t: TestHub;
let dir: string;
const stops: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'giaoban-rec-worker-'));
  t = await startTestHub({
    env: {
      MEDIA_ENABLED: 'true',
      ARCHIVE_DIR: path.join(dir, 'archive'),
      FILES_DIR: path.join(dir, 'files'),
      ARCHIVE_MIN_FREE_MB: '16',
      LOG_LEVEL: process.env.DEBUG_LOG_LEVEL ?? 'error',
    },
    hub: {
      // Composed at the priority of everything else: at production's nice 10 a loaded CI machine
      // starved it (4 % of a core beside four busy processes, nothing filed in 5 min).
      recording: { composeNice: 0 },
      sfuEnv: {
        SFU_WORKERS: '1',
        SFU_LISTEN_IP: '127.0.0.1',
        SFU_PORT_BASE: '0',
        SFU_LOG_LEVEL: 'error',
        ...(process.env.MEDIASOUP_WORKER_BIN
          ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN }
          : {}),
      },
    },
  });
}, 120_000);
afterAll(async () => {
  for (const s of stops.reverse()) await s();
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a recording when its worker dies', () => {
  it('moves to the rebuilt room: a new segment, the gap in the log, both segments archived', {
    timeout: 240_000,
  }, async () => {
    const { hub } = t;
    const media = hub.media!;
    const id = t.seed.meetingId;
    const p = t.seed.people;
    const chairActor: Actor = { id: p.chair.id, role: 'chair', name: p.chair.name };
    const secTok = (await login(t.url, p.secretary.username, p.secretary.password)).accessToken;
    const chairPeer = `user:${p.chair.id}:chair-sock`;
    const camera = async () => {
      const room = (await media.getOrCreateRoom(id)) as unknown as MediaRoom;
      const s = await FfmpegTestSource.start({
        room,
        peerId: chairPeer,
        video: { pattern: 'testsrc2' },
        audio: { frequency: 880 },
      });
      stops.push(() => s.stop());
      return s;
    };
    const fedBy = async (source: FfmpegTestSource) => {
      await eventually(async () => {
        const r = hub.recordings.recorderOf(id);
        return r?.port.stats()['chair.video'].producerId === source.videoProducerId ? r : undefined;
      }, 20_000);
    };

    await hub.meetings.transition(id, chairActor, 'in_session');
    const first = await camera();
    await hub.meetings.setRecording(id, chairActor, true);
    await fedBy(first);
    await sleep(4000);

    const [worker] = await media.workerStats();
    process.kill(worker!.pid, 'SIGKILL');
    await eventually(
      async () => (await media.workerStats()).some((w) => w.pid !== worker!.pid) || undefined,
      60_000,
      'replacement worker',
    );
    await first.stop();
    // The chair's browser renegotiates onto the rebuilt room.
    const second = await camera();
    await fedBy(second);
    await sleep(4000);
    const m = await hub.meetings.setRecording(id, chairActor, false);
    expect(m.recording).toMatchObject({ on: false, stopReason: 'stopped', segments: 2 });
    await hub.meetings.transition(id, chairActor, 'adjourned');
    await hub.meetings.transition(id, chairActor, 'closed');
    await second.stop();

    const log = (await hub.store.readEvents(id, 0, 10_000)) as MeetingEventEntry[];
    const rec = log.filter((e) => e.type.startsWith('recording.'));
    expect(rec.map((e) => e.type)).toEqual([
      'recording.start',
      'recording.segment',
      'recording.stop',
    ]);
    const seg = rec[1]!;
    expect(seg.type === 'recording.segment' && seg.data).toMatchObject({
      segment: 2,
      cause: 'media_lost',
    });
    const gapMs = seg.type === 'recording.segment' ? (seg.data.gapMs ?? -1) : -1;
    expect(gapMs).toBeGreaterThan(0);
    expect(gapMs).toBeLessThan(60_000);

    const listing = (await eventually(async () => {
      const r = await rest<ArchiveListing>(t.url, 'GET', `/api/meetings/${id}/archive`, {
        token: secTok,
      });
      return r.status === 200 &&
        !r.body.pending &&
        r.body.files.filter((f) => f.kind === 'recording').length >= 2
        ? r.body
        : undefined;
    }, 120_000))!;
    const recordings = listing.files.filter((f) => f.kind === 'recording');
    expect(recordings.map((f) => f.name.replace(/^.*-(\d+)\.webm$/, '$1'))).toEqual(['1', '2']);
    for (const f of recordings) {
      const r = await rest(t.url, 'GET', `/api/meetings/${id}/archive/${f.sha256}`, {
        token: secTok,
      });
      expect(r.status).toBe(200);
      const file = path.join(dir, f.name);
      await writeFile(file, r.bytes);
      const probed = await recording.probe(tools, file);
      expect(probed.streams.map((s) => s.codec_name)).toEqual(['vp8', 'opus']);
      // Each side of the gap holds what was recorded there (about 4 s each).
      expect(Number(probed.format.duration)).toBeGreaterThan(2.5);
    }
  });
});
