/**
 * The meeting archive beyond the recording (issue #13), on a real hub (no media): what a closed
 * meeting files besides the minutes — its documents, the wards' report attachments and the
 * compiled reports, then the signed minutes the secretary uploads — each with the SHA-256 its
 * `archive.file` entry wrote; the player's short-lived signed link (Range → 206, refused once
 * expired or forged); the retention policy (admin only, zod-checked), and its sweep: a recording
 * past its term is removed from the store with an `archive.expire` line, listed as removed and no
 * longer served, while minutes, attendance, documents and the log stay.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { recording } from '@giaoban/server';
import type {
  ArchiveListing,
  ArchivePlayLink,
  ArchiveSearchResult,
  FileRef,
  MeetingEventEntry,
  RetentionSettings,
  SignedMinutesResult,
} from '@giaoban/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCa, type TestCa } from '../../server/src/records/testSigning';
import { newBriefing } from '../harness/briefings';
import {
  eventually,
  exchangeInvite,
  login,
  rest,
  startTestHub,
  type TestHub,
} from '../harness/hub';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gb-archive-retention-'));
const FILES_DIR = path.join(dir, 'files');
let t: TestHub;
let ca: TestCa;
const token: Record<'admin' | 'chair' | 'secretary' | 'observer', string> = {
  admin: '',
  chair: '',
  secretary: '',
  observer: '',
};

beforeAll(async () => {
  t = await startTestHub({
    env: { FILES_DIR, ARCHIVE_DIR: path.join(dir, 'archive'), LOG_LEVEL: 'error' },
    seed: { maxSites: 3, siteAccounts: 1 },
  });
  ca = await makeTestCa();
  for (const role of Object.keys(token) as Array<keyof typeof token>) {
    const p = t.seed.people[role];
    token[role] = (await login(t.url, p.username, p.password)).accessToken;
  }
}, 60_000);
afterAll(async () => {
  ca?.close();
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

const pdf = (label: string) =>
  new TextEncoder().encode(`%PDF-1.4\n% ${label}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function upload(pathname: string, bearer: string, bytes: Uint8Array) {
  const res = await fetch(t.url + pathname, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/octet-stream' },
    body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
  });
  return { status: res.status, body: (await res.json()) as { file?: FileRef } & Partial<FileRef> };
}

async function events(meetingId: string): Promise<MeetingEventEntry[]> {
  const r = await rest<{ events: MeetingEventEntry[] }>(
    t.url,
    'GET',
    `/api/meetings/${meetingId}/events?limit=1000`,
    { token: token.secretary },
  );
  return r.body.events;
}

async function closeMeeting(meetingId: string) {
  for (const to of ['in_session', 'adjourned', 'closed']) {
    const r = await rest(t.url, 'POST', `/api/meetings/${meetingId}/transition`, {
      token: token.admin,
      body: { to },
    });
    expect(r.status, `${to}: ${JSON.stringify(r.body)}`).toBe(200);
  }
}

const listing = async (meetingId: string, bearer = token.secretary) =>
  rest<ArchiveListing>(t.url, 'GET', `/api/meetings/${meetingId}/archive`, { token: bearer });

async function filed(meetingId: string): Promise<ArchiveListing> {
  return eventually(async () => {
    const l = (await listing(meetingId)).body;
    if (l.pending || !l.files.some((f) => f.kind === 'log')) throw new Error('not filed yet');
    return l;
  }, 30_000);
}

describe('the archive files the briefing papers and the signed minutes', () => {
  it('documents, report attachments, compiled reports at the close; signed minutes when filed', async () => {
    const b = await newBriefing(t, { sites: 2, state: 'open' });
    const M = `/api/meetings/${b.meetingId}`;
    const doc = pdf('tai lieu hop');
    const attached = await upload(`${M}/documents?name=Tài liệu họp.pdf`, token.secretary, doc);
    expect(attached.status).toBe(201);
    const asked = await rest(t.url, 'PUT', `${M}/reports/request`, {
      token: token.secretary,
      body: {
        deadline: new Date(Date.now() + 86_400_000).toISOString(),
        template: 'Báo cáo tuần',
        fields: [],
      },
    });
    expect(asked.status).toBe(200);
    const ward = await exchangeInvite(t.url, b.sites[0]!.inviteToken);
    const annex = pdf('phu luc phuong A');
    const att = await upload(`${M}/reports/files?name=phu-luc.pdf`, ward.accessToken, annex);
    expect(att.status).toBe(201);
    const sent = await rest(t.url, 'PUT', `${M}/reports/mine`, {
      token: ward.accessToken,
      body: { text: 'Đã hoàn thành kế hoạch tuần.', fields: {}, files: [att.body] },
    });
    expect(sent.status).toBe(200);

    await closeMeeting(b.meetingId);
    const l = await filed(b.meetingId);
    const byKind = (k: string) => l.files.filter((f) => f.kind === k);
    expect(byKind('document').map((f) => [f.name, f.sha256])).toEqual([
      ['Tài liệu họp.pdf', sha(doc)],
    ]);
    expect(byKind('report.file')).toHaveLength(1);
    expect(byKind('report.file')[0]!.sha256).toBe(sha(annex));
    expect(byKind('report.file')[0]!.name).toMatch(/^BaoCao-.+-phu-luc\.pdf$/);
    expect(byKind('reports.pdf')).toHaveLength(1);
    expect(byKind('reports.docx')).toHaveLength(1);
    // Kept for good: no term on anything but recordings.
    expect(l.files.every((f) => f.keepUntil === undefined && f.expired === undefined)).toBe(true);

    // Every file's download matches the SHA-256 its `archive.file` line wrote.
    const lines = (await events(b.meetingId)).filter((e) => e.type === 'archive.file');
    for (const f of l.files) {
      expect(lines.some((e) => e.type === 'archive.file' && e.data.sha256 === f.sha256)).toBe(true);
      const got = await rest(t.url, 'GET', `${M}/archive/${f.sha256}`, { token: token.chair });
      expect(got.status, f.name).toBe(200);
      expect(sha(got.bytes)).toBe(f.sha256);
    }
    const compiled = await rest(t.url, 'GET', `${M}/archive/${byKind('reports.pdf')[0]!.sha256}`, {
      token: token.secretary,
    });
    expect(Buffer.from(compiled.bytes).subarray(0, 5).toString()).toBe('%PDF-');

    // The secretary files the signed minutes: in the archive with its own line.
    const issued = await rest(t.url, 'GET', `${M}/minutes.pdf`, { token: token.secretary });
    const signed = await ca.sign(Buffer.from(issued.bytes), 'secretary');
    const up = await rest<SignedMinutesResult>(t.url, 'POST', `${M}/minutes/signed`, {
      token: token.secretary,
      body: { pdf: signed.toString('base64'), fileName: 'BienBan-da-ky.pdf' },
    });
    expect(up.body).toMatchObject({ accepted: true });
    const after = (await listing(b.meetingId)).body;
    const signedFile = after.files.find((f) => f.kind === 'minutes.signed');
    expect(signedFile).toMatchObject({ sha256: sha(signed), mediaType: 'application/pdf' });
    expect(signedFile!.name).toMatch(/^BienBan-\d{4}-\d{2}-\d{2}.*-DaKy\.pdf$/);
    expect(
      (await events(b.meetingId)).some(
        (e) =>
          e.type === 'archive.file' &&
          e.data.kind === 'minutes.signed' &&
          e.data.sha256 === sha(signed),
      ),
    ).toBe(true);
  }, 120_000);
});

describe('the player link and the retention policy', () => {
  it('streams a recording through a short-lived link, then removes it at the end of its term', async () => {
    const { hub } = t;
    const b = await newBriefing(t, { sites: 1, state: 'open' });
    const M = `/api/meetings/${b.meetingId}`;
    const ward = await exchangeInvite(t.url, b.sites[0]!.inviteToken);
    await closeMeeting(b.meetingId);
    await filed(b.meetingId);
    // The recorder's output is tested elsewhere (recording-archive.test.ts): here the archive
    // files bytes as it files a composed recording, with its chapter index beside it.
    const video = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
    const rec = await hub.archive.fileBytes(b.meetingId, {
      name: 'GhiHinh-test-1.webm',
      kind: 'recording',
      mediaType: 'video/webm',
      bytes: video,
    });
    await hub.archive.fileBytes(b.meetingId, {
      name: 'GhiHinh-test-1.webm.chapters.json',
      kind: 'chapters',
      mediaType: 'application/json',
      bytes: new TextEncoder().encode(
        JSON.stringify({
          chapters: [{ kind: 'agenda', title: 'Khai mạc', startMs: 0, endMs: 1000 }],
        }),
      ),
    });

    // The listing says until when it is kept (the default: 24 months).
    const settings = await rest<RetentionSettings>(t.url, 'GET', '/api/archive/retention', {
      token: token.secretary,
    });
    expect(settings.body).toMatchObject({
      policy: { recordingMonths: 24 },
      source: 'default',
      expiringKinds: ['recording', 'recording.tracks', 'chapters'],
    });
    const before = (await listing(b.meetingId)).body;
    const r = before.files.find((f) => f.kind === 'recording')!;
    expect(r.chapters?.map((c) => c.title)).toEqual(['Khai mạc']);
    const months = (Date.parse(r.keepUntil!) - Date.parse(r.at)) / (30.44 * 86_400_000);
    expect(Math.round(months)).toBe(24);
    expect(before.files.find((f) => f.kind === 'minutes.pdf')?.keepUntil).toBeUndefined();

    // The link: issued to the archive's roles only, serves Range requests with no bearer.
    for (const role of ['observer'] as const)
      expect(
        (await rest(t.url, 'POST', `${M}/archive/${rec.sha256}/link`, { token: token[role] }))
          .status,
      ).toBe(403);
    expect(
      (await rest(t.url, 'POST', `${M}/archive/${rec.sha256}/link`, { token: ward.accessToken }))
        .status,
    ).toBe(403);
    const link = await rest<ArchivePlayLink>(t.url, 'POST', `${M}/archive/${rec.sha256}/link`, {
      token: token.chair,
    });
    expect(link.status).toBe(200);
    expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const part = await fetch(t.url + link.body.url, { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${video.length}`);
    expect(part.headers.get('content-disposition')).toMatch(/^inline/);
    expect(
      Buffer.from(await part.arrayBuffer()).equals(Buffer.from(video.subarray(1000, 2000))),
    ).toBe(true);
    const whole = await fetch(t.url + link.body.url);
    expect(sha(new Uint8Array(await whole.arrayBuffer()))).toBe(rec.sha256);
    // A forged or altered link is refused.
    const forged = link.body.url.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await fetch(t.url + forged)).status).toBe(401);
    expect((await fetch(`${t.url}/api/archive/play/not-a-token`)).status).toBe(401);

    // Admin only, zod-checked.
    for (const role of ['secretary', 'chair'] as const)
      expect(
        (
          await rest(t.url, 'PUT', '/api/archive/retention', {
            token: token[role],
            body: { policy: { recordingMonths: 1 } },
          })
        ).status,
      ).toBe(403);
    for (const body of [
      { policy: { recordingMonths: -1 } },
      { policy: { recordingMonths: 1.5 } },
      { policy: { recordingMonths: 1, minutesMonths: 1 } },
      {},
    ])
      expect(
        (await rest(t.url, 'PUT', '/api/archive/retention', { token: token.admin, body })).status,
        JSON.stringify(body),
      ).toBe(400);
    const set = await rest<RetentionSettings>(t.url, 'PUT', '/api/archive/retention', {
      token: token.admin,
      body: { policy: { recordingMonths: 1 } },
    });
    expect(set.body).toMatchObject({ policy: { recordingMonths: 1 }, source: 'admin' });
    expect(set.body.updatedBy).toBeTruthy();

    // The same bytes filed by a meeting still running: they stay until that one lets go too.
    const other = await newBriefing(t, { sites: 1, state: 'open' });
    await hub.archive.fileBytes(other.meetingId, {
      name: 'GhiHinh-chung.webm',
      kind: 'recording',
      mediaType: 'video/webm',
      bytes: video,
    });

    // Two months later: the sweep (the hub's, on a clock moved on) writes why, then removes.
    const later = new recording.RetentionSweeper({
      store: hub.store,
      meetings: hub.meetings,
      files: hub.files,
      settings: hub.archive.retention,
      clock: { now: () => Date.now() + 62 * 86_400_000 },
      logger: { info: () => {}, warn: () => {} },
    });
    const first = await later.sweep();
    // The recording is shared with the running meeting: kept; the chapter index went.
    expect(first.sharedKept).toBe(1);
    expect(first.expired.map((e) => e.name)).toEqual(['GhiHinh-test-1.webm.chapters.json']);
    expect(existsSync(path.join(FILES_DIR, 'sha256', rec.sha256.slice(0, 2), rec.sha256))).toBe(
      true,
    );
    await closeMeeting(other.meetingId);
    await filed(other.meetingId);
    const second = await later.sweep();
    expect(second.expired.map((e) => e.name).sort()).toEqual([
      'GhiHinh-chung.webm',
      'GhiHinh-test-1.webm',
    ]);
    expect(second.removed).toBe(1);
    expect(existsSync(path.join(FILES_DIR, 'sha256', rec.sha256.slice(0, 2), rec.sha256))).toBe(
      false,
    );
    // Idempotent: a second hub's pass (or the next one) writes nothing again.
    expect((await later.sweep()).expired).toEqual([]);

    const log = await events(b.meetingId);
    const expiry = log.find((e) => e.type === 'archive.expire' && e.data.sha256 === rec.sha256);
    expect(expiry).toMatchObject({
      actor: { id: 'system' },
      data: {
        name: 'GhiHinh-test-1.webm',
        kind: 'recording',
        policy: 'retention',
        recordingMonths: 1,
      },
    });
    const after = (await listing(b.meetingId)).body;
    const gone = after.files.find((f) => f.kind === 'recording')!;
    expect(gone.expired).toMatchObject({ recordingMonths: 1 });
    expect(gone.chapters).toBeUndefined();
    expect(
      (await rest(t.url, 'GET', `${M}/archive/${rec.sha256}`, { token: token.chair })).status,
    ).toBe(404);
    expect((await fetch(t.url + link.body.url)).status).toBe(404);
    // Minutes, attendance, the log: all still there and whole.
    for (const f of after.files.filter((x) => x.kind !== 'recording')) {
      const got = await rest(t.url, 'GET', `${M}/archive/${f.sha256}`, { token: token.secretary });
      expect(got.status, f.name).toBe(200);
      expect(sha(got.bytes)).toBe(f.sha256);
    }

    // Back to the deployment's default; the change is audited.
    const reset = await rest<RetentionSettings>(t.url, 'PUT', '/api/archive/retention', {
      token: token.admin,
      body: { policy: null },
    });
    expect(reset.body).toMatchObject({ policy: { recordingMonths: 24 }, source: 'default' });
  }, 120_000);
});

describe('the archive search', () => {
  it('finds closed meetings by title, unit and day, without diacritics, for their chair and secretary', async () => {
    const { hub } = t;
    const b = await newBriefing(t, { sites: 2, state: 'open' });
    await closeMeeting(b.meetingId);
    const [unit] = await hub.store.getUnits([b.sites[1]!.siteId]);
    expect(unit).toBeDefined();
    const find = async (query: Record<string, string>, bearer = token.secretary) => {
      const r = await rest<ArchiveSearchResult>(
        t.url,
        'GET',
        `/api/archive/meetings?${new URLSearchParams(query)}`,
        { token: bearer },
      );
      return { status: r.status, ids: r.status === 200 ? r.body.meetings.map((m) => m.id) : [], r };
    };
    // Title words, typed without diacritics.
    expect((await find({ q: 'giao ban kiem thu' })).ids).toContain(b.meetingId);
    expect((await find({ q: 'không có cuộc họp này' })).ids).toEqual([]);
    // A unit: an invited ward by name (folded), listed as what matched.
    const byUnit = await find({ unit: recording.fold(unit!.name) });
    expect(byUnit.ids).toContain(b.meetingId);
    const row = byUnit.r.body.meetings.find((m) => m.id === b.meetingId)!;
    expect(row.matchedUnits.some((n) => n.startsWith(unit!.fullName))).toBe(true);
    // …or the issuing body.
    expect((await find({ unit: 'ubnd' })).ids).toContain(b.meetingId);
    expect((await find({ unit: 'Xã Không Tồn Tại Nào' })).ids).toEqual([]);
    // The day, as the meeting's local day.
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(
      new Date(b.meeting.scheduledStart),
    );
    expect((await find({ from: day, to: day })).ids).toContain(b.meetingId);
    expect((await find({ to: '2020-01-01' })).ids).toEqual([]);
    // Bad queries are refused with the field; the archive's roles only.
    const bad = await find({ from: '03/12/2026' });
    expect(bad.status).toBe(400);
    expect((await find({ nope: 'x' })).status).toBe(400);
    expect((await find({}, token.observer)).status).toBe(403);
    expect((await find({}, token.chair)).ids).toContain(b.meetingId);
    // Only closed meetings: a running one is not in the archive yet.
    const running = await newBriefing(t, { sites: 1, state: 'open' });
    expect((await find({})).ids).not.toContain(running.meetingId);
  }, 60_000);
});
