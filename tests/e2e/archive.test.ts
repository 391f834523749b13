// The archive as a secretary meets it, in Debian's Chromium against the real hub (real redis, the
// production client build): from the meeting list she opens "Tra cứu lưu trữ", finds last
// month's briefing by a ward's name typed without accents, is told plainly when a date is not a
// date, opens the meeting's archive, plays the recording from its second agenda item — streamed
// through a short-lived link with Range requests, not fetched whole — and sees the documents,
// compiled reports and signed-minutes slot beside it. An admin sees a recording removed under
// the retention policy listed as such, and the retention setting. A complaint: the secretary
// holds the archive with its reason, the sweep keeps it years on, she releases it; an admin ends
// her sessions and the open player says its link was refused. Screenshots are looked at.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recording } from '@giaoban/server';
import type { ArchiveListing } from '@giaoban/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCa } from '../../server/src/records/testSigning';
import {
  type BrowserParticipant,
  launchParticipant,
  saveScreenshot,
  waitUntil,
} from '../harness/browser.js';
import { signIn, tid } from '../harness/browser-flows.js';
import {
  type BriefingSeed,
  type E2EHub,
  seedBriefing,
  startE2EHub,
} from '../harness/browser-hub.js';

const SYSTEM = { sub: 'system', role: 'admin' as const, name: 'GiaoBan' };

/** A 12 s VP8/Opus clip from Debian's ffmpeg (what the composer writes, in small). */
function clip(dir: string): Uint8Array {
  const out = path.join(dir, 'clip.webm');
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    '12',
    '-c:v',
    'libvpx',
    '-b:v',
    '400k',
    '-g',
    '25',
    '-c:a',
    'libopus',
    out,
  ]);
  return new Uint8Array(readFileSync(out));
}

async function closeAndFile(hub: E2EHub, meetingId: string): Promise<void> {
  for (const to of ['in_session', 'adjourned', 'closed'] as const)
    await hub.admin.transition(meetingId, to);
  await waitUntil(
    async () => {
      const l: ArchiveListing = await hub.server.archive.listing(meetingId, SYSTEM);
      return !l.pending && l.files.some((f) => f.kind === 'log');
    },
    { timeoutMs: 60_000, what: 'archive filed' },
  );
}

async function fileRecording(hub: E2EHub, meetingId: string, bytes: Uint8Array, titles: string[]) {
  const name = 'GhiHinh-2026-11-26-0800-1.webm';
  await hub.server.archive.fileBytes(meetingId, {
    name,
    kind: 'recording',
    mediaType: 'video/webm',
    bytes,
  });
  const chapters = [
    { kind: 'agenda', title: titles[0], startMs: 0, endMs: 6000 },
    { kind: 'agenda', title: titles[1], startMs: 6000, endMs: 12000 },
    { kind: 'turn', title: 'Phát biểu: Phường Ba Đình', startMs: 8000, endMs: 11000 },
  ];
  await hub.server.archive.fileBytes(meetingId, {
    name: `${name}.chapters.json`,
    kind: 'chapters',
    mediaType: 'application/json',
    bytes: new TextEncoder().encode(JSON.stringify({ chapters })),
  });
}

describe('archive: a secretary finds a briefing by its ward and plays it from item 2', () => {
  let hub: E2EHub;
  let seed: BriefingSeed;
  let old: BriefingSeed;
  let secretary: BrowserParticipant;
  let admin: BrowserParticipant;
  let dir: string;

  beforeAll(async () => {
    hub = await startE2EHub();
    dir = mkdtempSync(path.join(os.tmpdir(), 'gb-e2e-archive-'));
    const video = clip(dir);
    // An older briefing whose recording went under the retention policy.
    old = await seedBriefing(hub, { sites: 2 });
    await closeAndFile(hub, old.meetingId);
    await fileRecording(hub, old.meetingId, video.subarray(0, video.length - 10), old.agendaTitles);
    const actor = { id: 'e2e', role: 'admin' as const, name: 'Quản trị e2e' };
    await hub.server.archive.retention.set(
      { recordingMonths: 1 },
      { actor, at: new Date().toISOString() },
    );
    await new recording.RetentionSweeper({
      store: hub.server.store,
      meetings: hub.server.meetings,
      files: hub.server.files,
      settings: hub.server.archive.retention,
      clock: { now: () => Date.now() + 62 * 86_400_000 },
      logger: { info: () => {}, warn: () => {} },
    }).sweep();
    await hub.server.archive.retention.set(null, { actor, at: new Date().toISOString() });
    // This month's, recorded.
    seed = await seedBriefing(hub, { sites: 3 });
    await closeAndFile(hub, seed.meetingId);
    await fileRecording(hub, seed.meetingId, video, seed.agendaTitles);
    [secretary, admin] = await Promise.all([
      launchParticipant({
        label: 'secretary',
        origin: hub.origin,
        viewport: { width: 1366, height: 900 },
      }),
      launchParticipant({
        label: 'admin',
        origin: hub.origin,
        viewport: { width: 1366, height: 900 },
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([secretary, admin].filter(Boolean).map((b) => b.close()));
    await hub?.stop();
  });

  it('search by ward → archive → play from item 2 over a signed link with Range requests', async () => {
    const s = secretary.page;
    const plays: Array<{ url: string; range?: string; status: number }> = [];
    s.on('response', async (r) => {
      if (!r.url().includes('/api/archive/play/')) return;
      const headers = await r.request().allHeaders();
      plays.push({ url: r.url(), range: headers.range, status: r.status() });
    });
    await signIn(s, hub.origin, seed.secretary);
    await saveScreenshot(s, 'archive-01-meeting-list');
    await s.locator(tid('nav-archive')).click();
    await s.locator(tid('archive-search-results')).waitFor();
    await saveScreenshot(s, 'archive-02-search');

    // A date that is not one gets a plain sentence, not a silent empty list.
    await s.locator(tid('archive-search-from')).fill('31/02/2026');
    await s.locator(tid('archive-search-submit')).click();
    await s.locator(tid('archive-search-error')).waitFor();
    expect(await s.locator(tid('archive-search-error')).textContent()).toContain('ngày/tháng/năm');
    await saveScreenshot(s, 'archive-03-bad-date');

    // The ward's name without accents, and today's date the way offices write it.
    const ward = seed.sites[1]!;
    const plain = recording.fold(ward.name);
    const today = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh' }).format(
      new Date(),
    );
    await s.locator(tid('archive-search-from')).fill(today);
    await s.locator(tid('archive-search-unit')).fill(plain);
    await s.locator(tid('archive-search-submit')).click();
    await s.locator(tid(`archive-row-units-${seed.meetingId}`)).waitFor();
    expect(await s.locator(tid(`archive-row-units-${seed.meetingId}`)).textContent()).toContain(
      ward.fullName,
    );
    // The secretary's own meetings only: the older one has another secretary.
    expect(await s.locator(tid(`archive-row-${old.meetingId}`)).count()).toBe(0);
    await saveScreenshot(s, 'archive-04-found-by-ward');

    await s.locator(tid(`archive-open-${seed.meetingId}`)).click();
    await s.locator(tid('archive-file-recording')).waitFor();
    await s.locator(tid('archive-retention')).waitFor();
    expect(await s.locator(tid('archive-keep-until')).textContent()).toMatch(
      /^Lưu đến ngày \d{2}\/\d{2}\/\d{4}$/,
    );
    expect(await s.locator(tid('archive-meeting')).textContent()).toMatch(
      /\d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/,
    );
    await saveScreenshot(s, 'archive-05-meeting-archive');

    await s
      .locator(tid('archive-file-recording'))
      .locator('[data-testid^="archive-play-"]')
      .click();
    const v = s.locator(tid('archive-video'));
    await waitUntil(async () => (await v.evaluate((e: HTMLVideoElement) => e.readyState)) >= 1, {
      timeoutMs: 30_000,
      what: 'metadata',
    });
    expect(await v.evaluate((e: HTMLVideoElement) => e.currentSrc)).toContain('/api/archive/play/');
    await s.locator('[data-testid^="archive-chapter-"][data-kind="agenda"]').nth(1).click();
    await waitUntil(
      async () => {
        const t = await v.evaluate((e: HTMLVideoElement) => e.currentTime);
        return t >= 6 && t < 11;
      },
      { timeoutMs: 30_000, what: 'playing from item 2' },
    );
    await saveScreenshot(s, 'archive-06-playing-item-2');
    // Streamed: the browser asked byte ranges of the signed link, and got 206.
    expect(plays.length).toBeGreaterThan(0);
    expect(plays.some((p) => p.range?.startsWith('bytes=') && p.status === 206)).toBe(true);
    // The recording comes first in the list, the minutes next.
    expect(
      await s.locator('[data-testid^="archive-file-"]').first().getAttribute('data-testid'),
    ).toBe('archive-file-recording');

    // After the meeting the secretary files the signed minutes here, and the archive lists them.
    const login = await fetch(`${hub.origin}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: seed.secretary.username,
        password: seed.secretary.password,
      }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const issued = await fetch(`${hub.origin}/api/meetings/${seed.meetingId}/minutes.pdf`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const ca = await makeTestCa();
    try {
      const signed = await ca.sign(Buffer.from(await issued.arrayBuffer()), 'secretary');
      const file = path.join(dir, 'BienBan-da-ky.pdf');
      writeFileSync(file, signed);
      await s.locator(tid('signed-file')).setInputFiles(file);
      await s.locator(tid('archive-file-minutes.signed')).waitFor({ timeout: 30_000 });
    } finally {
      ca.close();
    }
    await saveScreenshot(s, 'archive-06b-signed-filed');

    // A complaint comes in: she holds the archive, with the reason (required, said plainly).
    await s.locator(tid('archive-hold')).scrollIntoViewIfNeeded();
    expect(await s.locator(tid('archive-hold')).getAttribute('data-held')).toBe('false');
    await s.locator(tid('archive-hold-put')).click();
    await s.locator(tid('archive-hold-confirm')).click();
    expect(await s.locator(tid('archive-hold-missing')).textContent()).toBe('Hãy nhập lý do.');
    await saveScreenshot(s, 'archive-10-hold-reason-required');
    const reason = 'Đơn khiếu nại số 12/KN ngày 01/12/2026 của bà Nguyễn Thị C';
    await s.locator(tid('archive-hold-reason-input')).fill(reason);
    await s.locator(tid('archive-hold-confirm')).click();
    await s.locator(`${tid('archive-hold')}[data-held="true"]`).waitFor();
    expect(await s.locator('#archive-hold-title').textContent()).toBe('Đang giữ lại');
    expect(await s.locator(tid('archive-hold-reason')).textContent()).toContain(reason);
    expect(await s.locator(tid('archive-hold-by')).textContent()).toContain(
      seed.secretary.displayName,
    );
    // The recording's line no longer promises a deletion date as if nothing held it.
    expect(await s.locator(tid('archive-keep-until')).textContent()).toMatch(
      /^Lưu đến ngày \d{2}\/\d{2}\/\d{4}; đang giữ lại nên không xoá khi hết hạn$/,
    );
    await saveScreenshot(s, 'archive-11-held');

    // Years on, the sweep keeps it and says why; the screen still plays it.
    const sweep = await new recording.RetentionSweeper({
      store: hub.server.store,
      meetings: hub.server.meetings,
      files: hub.server.files,
      settings: hub.server.archive.retention,
      clock: { now: () => Date.now() + 30 * 31 * 86_400_000 },
      logger: { info: () => {}, warn: () => {} },
    }).sweep();
    expect(sweep.expired.filter((e) => e.meetingId === seed.meetingId)).toEqual([]);
    expect(sweep.held.filter((h) => h.meetingId === seed.meetingId).map((h) => h.reason)).toEqual([
      reason,
      reason,
    ]);
    await s.reload();
    await s.locator(`${tid('archive-hold')}[data-held="true"]`).waitFor();
    expect(await s.locator(tid('archive-expired')).count()).toBe(0);

    // Settled: she takes the hold off, again with the reason; both lines are in the log.
    await s.locator(tid('archive-hold-release')).click();
    await s.locator(tid('archive-hold-reason-input')).fill('Đã giải quyết xong khiếu nại số 12/KN');
    await saveScreenshot(s, 'archive-12-release-form');
    await s.locator(tid('archive-hold-confirm')).click();
    await s.locator(`${tid('archive-hold')}[data-held="false"]`).waitFor();
    expect(await s.locator(tid('archive-keep-until')).textContent()).toMatch(
      /^Lưu đến ngày \d{2}\/\d{2}\/\d{4}$/,
    );
    const log = await hub.server.store.readEvents(seed.meetingId, 0, 1000);
    expect(
      log
        .filter((e) => e.type === 'archive.hold' || e.type === 'archive.release')
        .map((e) => [e.type, e.actor.name]),
    ).toEqual([
      ['archive.hold', seed.secretary.displayName],
      ['archive.release', seed.secretary.displayName],
    ]);

    // An admin ends her sessions while the recording is open: the player's next request of its
    // link is refused, and the player says why instead of failing silently.
    await s
      .locator(tid('archive-file-recording'))
      .locator('[data-testid^="archive-play-"]')
      .click();
    await waitUntil(async () => (await v.evaluate((e: HTMLVideoElement) => e.readyState)) >= 1, {
      timeoutMs: 30_000,
      what: 'metadata again',
    });
    const adminLogin = await fetch(`${hub.origin}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hub.adminCredentials),
    });
    const adminToken = ((await adminLogin.json()) as { accessToken: string }).accessToken;
    const ended = await fetch(`${hub.origin}/api/accounts/${seed.secretary.id}/sessions`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(ended.status).toBe(200);
    // The player asks the link again, as after a seek past what it buffered (a query the hub
    // ignores, so that Chromium's media cache does not answer from what it already holds).
    const before = plays.length;
    await v.evaluate((e: HTMLVideoElement) => {
      e.src = `${e.currentSrc}?again=1`;
    });
    try {
      await s.locator(tid('archive-player-error')).waitFor({ timeout: 30_000 });
    } finally {
      await saveScreenshot(s, 'archive-13-link-revoked');
    }
    expect(plays.slice(before).some((p) => p.status === 403)).toBe(true);
    expect(await s.locator(tid('archive-player-error')).textContent()).toBe(
      'Không xem tiếp được bản ghi hình: Phiên đăng nhập đã kết thúc hoặc quyền truy cập đã bị thu hồi. Hãy đăng nhập lại.',
    );
  }, 240_000);

  it('an admin sees a recording removed under the retention policy, and the setting', async () => {
    const a = admin.page;
    await signIn(a, hub.origin, hub.adminCredentials);
    await a.goto(`${hub.origin}/m/${old.meetingId}/archive`);
    await a.locator(tid('archive-expired')).waitFor();
    expect(await a.locator(tid('archive-expired')).textContent()).toMatch(
      /^Đã xoá theo thời hạn lưu trữ \(1 tháng\) ngày \d{2}\/\d{2}\/\d{4}$/,
    );
    expect(await a.locator('[data-testid^="archive-play-"]').count()).toBe(0);
    await a.locator(tid('archive-file-minutes.pdf')).waitFor();
    await saveScreenshot(a, 'archive-07-expired-recording');

    await a.goto(`${hub.origin}/admin`);
    await a.locator(tid('admin-tab-archive')).click();
    await a.locator(tid('retention-current')).waitFor();
    expect(await a.locator(tid('retention-current')).textContent()).toContain('24 tháng');
    await a.locator(tid('retention-months')).fill('12');
    await a.locator(tid('retention-save')).click();
    await saveScreenshot(a, 'archive-08-retention-confirm');
    await a.locator(tid('retention-save-yes')).click();
    await a.locator(tid('retention-saved')).waitFor();
    expect(await a.locator(tid('retention-current')).textContent()).toContain('12 tháng');
    await saveScreenshot(a, 'archive-09-retention-saved');
  }, 120_000);
});
