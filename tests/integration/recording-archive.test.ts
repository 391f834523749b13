/**
 * The recording in a meeting, on real parts (a hub with a mediasoup worker, Debian's ffmpeg for
 * the test sources, the recorder and the composer): the chair starts recording, the agenda moves
 * on and a ward gets the floor, the chair stops it and closes the meeting; the archive then holds
 * the composed recording (chapters from the log), the minutes, the attendance and the log, each
 * with the SHA-256 its `archive.file` entry wrote; downloads answer Range requests, are limited
 * to the meeting's chair, secretary and admins, and a file altered on disk is refused.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { recording } from '@giaoban/server';
import type { MediaRoom } from '@giaoban/sfu';
import { FfmpegTestSource } from '@giaoban/sfu/testing';
import type { Actor, ArchiveFileView, ArchiveListing, MeetingEventEntry } from '@giaoban/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, login, rest, startTestHub, type TestHub } from '../harness/hub';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
let t: TestHub;
let dir: string;
const stops: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'giaoban-archive-test-'));
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

describe('a recorded meeting files its archive', () => {
  it('start → agenda item 2 and a ward speaks → stop → close: recording with chapters, minutes, attendance, log', {
    timeout: 240_000,
  }, async () => {
    const { hub } = t;
    const id = t.seed.meetingId;
    const p = t.seed.people;
    const chairActor: Actor = { id: p.chair.id, role: 'chair', name: p.chair.name };
    const site = t.seed.sites[0]!;
    const [chairTok, secTok, obsTok, siteTok] = await Promise.all([
      login(t.url, p.chair.username, p.chair.password),
      login(t.url, p.secretary.username, p.secretary.password),
      login(t.url, p.observer.username, p.observer.password),
      login(t.url, site.username!, site.password!),
    ]).then((x) => x.map((r) => r.accessToken));

    await hub.meetings.transition(id, chairActor, 'in_session');
    const items = await hub.meetings.peek(id, (q) => q.meeting.agenda.map((a) => a.id));
    await hub.meetings.agendaStart(id, chairActor, items[0]!);
    const room = (await hub.media!.getOrCreateRoom(id)) as unknown as MediaRoom;
    const [chair, ward] = await Promise.all([
      FfmpegTestSource.start({
        room,
        peerId: `user:${p.chair.id}:chair-sock`,
        video: { pattern: 'testsrc2' },
        audio: { frequency: 880 },
      }),
      FfmpegTestSource.start({
        room,
        peerId: `site:${site.siteId}:site-sock`,
        video: { pattern: { color: 'red' } },
        audio: { frequency: 300 },
      }),
    ]);
    stops.push(
      () => chair.stop(),
      () => ward.stop(),
    );

    const m = await hub.meetings.setRecording(id, chairActor, true);
    expect(m.recording).toMatchObject({ on: true, segments: 1 });
    const recorder = (await eventually(async () => hub.recordings.recorderOf(id), 30_000))!;
    await eventually(async () => {
      const s = recorder.port.stats();
      return s['chair.video'].producerId === chair.videoProducerId ? true : undefined;
    }, 10_000);
    await sleep(4000);
    // Item 2's chapter starts when the hub started it, counted from the segment's start: bracketed
    // by the clock around the call (the waits above take longer on a loaded machine).
    const item2From = Date.now() - recorder.segments[0]!.startedAt;
    await hub.meetings.agendaStart(id, chairActor, items[1]!);
    const item2To = Date.now() - recorder.segments[0]!.startedAt;
    // The ward is in the meeting (its socket's join, without a browser).
    const siteActor: Actor = { id: site.siteId, role: 'site', name: site.name };
    await hub.meetings.siteJoin(id, siteActor, site.siteId, 'site-sock', hub.config.nodeId);
    await hub.meetings.floorGrant(id, chairActor, site.siteId, 120);
    // The floor holder joins the recording within a reconciliation.
    await eventually(async () => {
      const s = recorder.port.stats();
      return s['floor.video'].producerId === ward.videoProducerId ? true : undefined;
    }, 10_000);
    await sleep(4000);
    // The recorder dies: the meeting goes on, a new segment starts, the archive files both.
    const restarted = new Promise((r) => recorder.once('segmentstart', r));
    // How long the first segment ran: the waits above stretch on a loaded machine.
    const firstSegmentS = (Date.now() - recorder.segments[0]!.startedAt) / 1000;
    process.kill(recorder.recorderPid!, 'SIGKILL');
    await restarted;
    await sleep(3000);
    const stopped = await hub.meetings.setRecording(id, chairActor, false);
    expect(stopped.recording).toMatchObject({ on: false, stopReason: 'stopped' });
    await hub.meetings.transition(id, chairActor, 'adjourned');
    await hub.meetings.transition(id, chairActor, 'closed');
    await Promise.all([chair.stop(), ward.stop()]);

    // The archive fills in the background; `pending` until the recording is filed.
    const listing = (await eventually(async () => {
      const r = await rest<ArchiveListing>(t.url, 'GET', `/api/meetings/${id}/archive`, {
        token: secTok,
      });
      if (process.env.DEBUG_LOG_LEVEL) console.log(r.status, JSON.stringify(r.body).slice(0, 400));
      return r.status === 200 &&
        !r.body.pending &&
        r.body.files.some((f) => f.kind === 'recording') &&
        r.body.files.some((f) => f.kind === 'log')
        ? r.body
        : undefined;
    }, 120_000))!;
    expect(listing.files.map((f) => f.kind).sort()).toEqual([
      'attendance.csv',
      'attendance.pdf',
      'attendance.xlsx',
      'log',
      'minutes.docx',
      'minutes.pdf',
      'recording',
      'recording',
    ]);
    const [rec, rec2] = listing.files.filter((f) => f.kind === 'recording') as [
      ArchiveFileView,
      ArchiveFileView,
    ];
    expect(rec2.name).toMatch(/-2\.webm$/);
    // The second segment opens on the item and the turn still running.
    expect(rec2.chapters!.map((c) => [c.title.slice(0, 6), c.startMs])).toEqual([
      ['Mục 2:', 0],
      [site.name.slice(0, 6), 0],
    ]);
    expect(rec.name).toMatch(/^GhiHinh-\d{4}-\d{2}-\d{2}-\d{4}-1\.webm$/);
    const titles = rec.chapters!.map((c) => c.title);
    expect(titles[0]).toMatch(/^Mục 1: /);
    expect(titles).toContain(`${site.name} phát biểu`);
    expect(titles.some((x) => x.startsWith('Mục 2: '))).toBe(true);
    const item2 = rec.chapters!.find((c) => c.title.startsWith('Mục 2: '))!;
    expect(item2From).toBeGreaterThan(3000); // four seconds into the recording, not at its start
    expect(item2.startMs).toBeGreaterThanOrEqual(item2From - 1);
    expect(item2.startMs).toBeLessThanOrEqual(item2To + 1);

    // The log: who started and stopped, and every filed file with its checksum.
    const log = (await hub.store.readEvents(id, 0, 10_000)) as MeetingEventEntry[];
    const rec0 = log.filter((e) => e.type.startsWith('recording.'));
    expect(rec0.map((e) => [e.type, e.actor.id])).toEqual([
      ['recording.start', p.chair.id],
      ['recording.segment', 'system'],
      ['recording.stop', p.chair.id],
    ]);
    const filed = log.filter((e) => e.type === 'archive.file');
    for (const f of listing.files)
      expect(filed.some((e) => e.type === 'archive.file' && e.data.sha256 === f.sha256)).toBe(true);

    // Download: whole (checksum), a range (206), by role only.
    const url = `/api/meetings/${id}/archive/${rec.sha256}`;
    const whole = await rest(t.url, 'GET', url, { token: chairTok });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(createHash('sha256').update(whole.bytes).digest('hex')).toBe(rec.sha256);
    const part = await fetch(t.url + url, {
      headers: { authorization: `Bearer ${secTok}`, range: 'bytes=100-1099' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${rec.size}`);
    expect(
      Buffer.from(await part.arrayBuffer()).equals(Buffer.from(whole.bytes.slice(100, 1100))),
    ).toBe(true);
    for (const tok of [obsTok, siteTok]) {
      const r = await rest(t.url, 'GET', url, { token: tok });
      expect(r.status).toBe(403);
      expect((await rest(t.url, 'GET', `/api/meetings/${id}/archive`, { token: tok })).status).toBe(
        403,
      );
    }

    // The file plays: VP8 + opus, the ~8 s recorded, the chapters inside.
    const file = path.join(dir, 'downloaded.webm');
    await writeFile(file, whole.bytes);
    const probe = await recording.probe(tools, file);
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual([
      'video:vp8',
      'audio:opus',
    ]);
    // Killed after `firstSegmentS` (8 s and more): at most its last cluster (~1 s) is lost.
    expect(Number(probe.format.duration)).toBeGreaterThan(firstSegmentS - 1.5);
    expect(Number(probe.format.duration)).toBeLessThan(firstSegmentS + 1.5);
    expect(probe.chapters.length).toBeGreaterThanOrEqual(2);

    // A filed file altered on disk is no longer served.
    const csv = listing.files.find((f) => f.kind === 'attendance.csv')!;
    await appendFile(
      path.join(dir, 'files', `sha256/${csv.sha256.slice(0, 2)}/${csv.sha256}`),
      'x',
    );
    const altered = await rest<{ error: { code: string } }>(
      t.url,
      'GET',
      `/api/meetings/${id}/archive/${csv.sha256}`,
      { token: secTok },
    );
    expect(altered.status).toBe(404);
  });
});

describe('the archive disk is full', () => {
  it('the recording stops cleanly with disk_full, the chair sees why, the meeting goes on', {
    timeout: 120_000,
  }, async () => {
    const full = await startTestHub({
      env: {
        MEDIA_ENABLED: 'true',
        ARCHIVE_DIR: path.join(dir, 'archive-full'),
        FILES_DIR: path.join(dir, 'files-full'),
        // More free space than any disk has.
        ARCHIVE_MIN_FREE_MB: '10000000',
      },
      hub: {
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
    stops.push(() => full.close());
    const id = full.seed.meetingId;
    const chairActor: Actor = {
      id: full.seed.people.chair.id,
      role: 'chair',
      name: full.seed.people.chair.name,
    };
    await full.hub.meetings.transition(id, chairActor, 'in_session');
    await full.hub.meetings.setRecording(id, chairActor, true);
    const m = await eventually(
      () =>
        full.hub.meetings.peek(id, (q) =>
          q.meeting.recording?.stopReason ? q.meetingView() : undefined,
        ),
      30_000,
    );
    expect(m!.recording).toMatchObject({ on: false, stopReason: 'disk_full' });
    expect(m!.state).toBe('in_session');
    const log = await full.hub.store.readEvents(id, 0, 10_000);
    const stop = log.find((e) => e.type === 'recording.stop');
    expect(stop?.actor.id).toBe('system');
    expect(stop?.type === 'recording.stop' && stop.data.message).toMatch(/archive disk is full/);
    // The meeting goes on: the chair still moves the agenda.
    const items = await full.hub.meetings.peek(id, (q) => q.meeting.agenda.map((a) => a.id));
    await full.hub.meetings.agendaStart(id, chairActor, items[0]!);
  });
});
