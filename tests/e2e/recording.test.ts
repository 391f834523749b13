// Recording as the chair and the secretary meet it, in Debian's Chromium against the real hub (real
// redis, real mediasoup worker, Debian's ffmpeg recording, the production client build): the chair
// starts recording from the console and every site sees "Đang ghi hình"; the second agenda item
// starts and a ward gets the floor; the chair stops and closes the meeting; the secretary opens
// the meeting's archive, plays the recording from the second item and downloads it, and ffprobe
// reads what was downloaded.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserParticipant, saveScreenshot, waitUntil } from '../harness/browser.js';
import { type E2EBriefing, startE2EBriefing } from '../harness/browser-briefing.js';
import {
  confirmDialog,
  joinFromLobby,
  openInvitation,
  signIn,
  signInAndEnterMeeting,
  tid,
} from '../harness/browser-flows.js';
import type { BriefingSeed, E2EHub } from '../harness/browser-hub.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.locator(tid(testId)).click(),
  ]);
  const chunks: Buffer[] = [];
  for await (const c of await file.createReadStream()) chunks.push(c as Buffer);
  return { name: file.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

describe('recording: the chair records, every site sees it, the secretary plays it from the archive', () => {
  let briefing: E2EBriefing | undefined;
  let hub: E2EHub;
  let seed: BriefingSeed;
  let chair: BrowserParticipant;
  let secretary: BrowserParticipant;
  const sites: BrowserParticipant[] = [];

  beforeAll(async () => {
    briefing = await startE2EBriefing({
      sites: 2,
      proxies: true,
      chairViewport: { width: 1500, height: 950 },
      secretaryViewport: { width: 1400, height: 1000 },
    });
    ({ hub, seed, chair, secretary } = briefing);
    sites.push(...briefing.sites);
  });

  afterAll(async () => {
    await briefing?.stop();
  });

  it('start → item 2 and a ward speaks → stop → close → archive: play from item 2, download, ffprobe', async () => {
    const id = seed.meetingId;
    await signInAndEnterMeeting(chair.page, hub.origin, seed.chair, id);
    await joinFromLobby(chair.page, 'chair');
    await Promise.all(
      sites.map(async (s, i) => {
        await openInvitation(s.page, hub.proxies[i]!.origin, seed.sites[i]!.token);
        await joinFromLobby(s.page, 'site');
      }),
    );
    const c = chair.page;
    await c.locator(tid('transition-in_session')).click();
    await c.locator(`${tid('meeting-state')}.state-in_session`).waitFor();
    const meeting = await hub.admin.request<{ agenda: Array<{ id: string }> }>(
      'GET',
      `/api/meetings/${id}`,
    );
    const [item1, item2] = meeting.agenda.map((a) => a.id);
    await c.locator(tid(`agenda-start-${item1}`)).click();

    // Recording: one click; the chair and every site see the indicator.
    const recordClickedAt = Date.now();
    await c.locator(`${tid('record-toggle')}:enabled`).click();
    for (const p of [c, ...sites.map((s) => s.page)])
      await p.locator(`${tid('recording-indicator')}[data-on="true"]`).waitFor({ timeout: 30_000 });
    await saveScreenshot(sites[0]!.page, 'recording-01-site-indicator');
    await saveScreenshot(c, 'recording-02-chair-recording');
    await sleep(5000);
    await c.locator(tid(`agenda-start-${item2}`)).click();
    await hub.grantFloor(
      id,
      { id: seed.chair.id, name: seed.chair.displayName },
      seed.sites[0]!.siteId,
      120,
    );
    await sleep(5000);
    await c.locator(tid('record-toggle')).click();
    await confirmDialog(c, 'confirm-record-stop');
    for (const p of sites.map((s) => s.page))
      await p.locator(tid('recording-indicator')).waitFor({ state: 'detached', timeout: 30_000 });
    // The recording lies within these two instants (the indicators, screenshots and clicks in
    // between take longer on a loaded machine: the length is bounded by them, not by a constant).
    const recordingOverBy = Date.now();
    await c.locator(tid('transition-closed')).click();
    await confirmDialog(c, 'confirm-close');

    // The secretary's archive: the recording appears once composed.
    const s = secretary.page;
    await signIn(s, hub.origin, seed.secretary);
    // Found by a search without diacritics (title words and the date), not by another word.
    const day = new Intl.DateTimeFormat('vi-VN', {
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      timeZone: 'Asia/Ho_Chi_Minh',
    }).format(new Date());
    await s.locator(tid('meetings-search')).fill('truc tuyen ubnd');
    await s.locator(tid(`archive-meeting-${id}`)).waitFor();
    await s.locator(tid('meetings-search')).fill('xyz khong co');
    await s.locator(tid('meetings-empty')).waitFor();
    await s.locator(tid('meetings-search')).fill(day);
    await s.locator(tid(`archive-meeting-${id}`)).click();
    await s.locator(tid('archive-file-recording')).waitFor({ timeout: 180_000 });
    await s.locator(tid('archive-file-log')).waitFor({ timeout: 60_000 });
    await saveScreenshot(s, 'recording-03-archive');
    const row = s.locator(tid('archive-file-recording'));
    await row.locator('[data-testid^="archive-play-"]').click();
    await s.locator(tid('archive-player')).waitFor();
    await waitUntil(
      async () =>
        (await s.locator(tid('archive-video')).evaluate((v: HTMLVideoElement) => v.readyState)) >=
        1,
      { what: 'the recording loads in the player', timeoutMs: 60_000 },
    );
    const second = s.locator('[data-testid^="archive-chapter-"][data-kind="agenda"]').nth(1);
    await expect(second.textContent()).resolves.toContain('Mục 2: Công tác chuyển đổi số');
    const startMs = Number(await second.getAttribute('data-start-ms'));
    expect(startMs).toBeGreaterThan(3000);
    await second.click();
    const at = await waitUntil(
      async () => {
        const t = await s
          .locator(tid('archive-video'))
          .evaluate((v: HTMLVideoElement) => v.currentTime);
        return t >= startMs / 1000 - 0.05 ? t : null;
      },
      { what: 'the player at item 2', timeoutMs: 20_000 },
    );
    expect(at).toBeLessThan(startMs / 1000 + 3);
    await sleep(1000);
    await saveScreenshot(s, 'recording-04-player-item-2');
    const turn = s.locator('[data-testid^="archive-chapter-"][data-kind="turn"]');
    await expect(turn.first().textContent()).resolves.toContain(`${seed.sites[0]!.name} phát biểu`);

    const sha = (await row
      .locator('[data-testid^="archive-download-"]')
      .getAttribute('data-testid'))!;
    const { name, bytes } = await download(s, sha);
    expect(name).toMatch(/^GhiHinh-\d{4}-\d{2}-\d{2}-\d{4}-1\.webm$/);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'giaoban-e2e-rec-'));
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    const probe = JSON.parse(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_format', '-show_streams', '-show_chapters', '-of', 'json', file],
        {
          encoding: 'utf8',
        },
      ),
    ) as {
      format: { duration: string };
      streams: Array<{ codec_type: string; codec_name: string }>;
      chapters: unknown[];
    };
    expect(probe.streams.map((x) => `${x.codec_type}:${x.codec_name}`)).toEqual([
      'video:vp8',
      'audio:opus',
    ]);
    expect(Number(probe.format.duration)).toBeGreaterThan(8); // the two 5 s waits, recorded
    expect(Number(probe.format.duration)).toBeLessThan(
      (recordingOverBy - recordClickedAt) / 1000 + 1,
    );
    expect(probe.chapters.length).toBeGreaterThanOrEqual(2);
  }, 420_000);
});
