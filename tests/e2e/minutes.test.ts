// The minutes as a secretary gets them, in Debian's Chromium against the real hub (real redis, real
// mediasoup worker, the production client build): the admin sets the meeting up through the form
// with every field the minutes print, the chair holds the first item, the secretary reviews the
// minutes' text and downloads the minutes and the attendance list as PDF; poppler's pdftotext
// reads back what was downloaded.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Meeting, MeetingSummary } from '@giaoban/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserParticipant,
  launchParticipant,
  repoRoot,
  saveScreenshot,
} from '../harness/browser.js';
import { joinFromLobby, signInAndEnterMeeting, TID, tid } from '../harness/browser-flows.js';
import { type E2EHub, startE2EHub } from '../harness/browser-hub.js';
import { type ClientSocket, connect, exchangeInvite, ok } from '../harness/hub.js';

const screensDir = path.join(repoRoot, 'tests/artifacts/screens');
const TITLE = 'Giao ban trực tuyến tháng 12 với các phường, xã';
const FIELDS = {
  parentBody: 'Thành ủy Hà Nội',
  issuingBody: 'Ủy ban nhân dân Thành phố Hà Nội',
  documentNumber: '05/BB-UBND',
  place: 'Hà Nội',
  hostLocation: 'Trụ sở UBND Thành phố, 12 Lê Lai',
};

/** Text of a downloaded PDF by pdftotext, whitespace folded. */
function pdfText(bytes: Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'giaoban-e2e-pdf-'));
  const file = path.join(dir, 'in.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' })
    .replace(/\s+/g, ' ')
    .trim();
}

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.locator(tid(testId)).click(),
  ]);
  const stream = await file.createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return { name: file.suggestedFilename(), bytes: Buffer.concat(chunks) };
}

describe('minutes: set up through the form, reviewed and exported by the secretary', () => {
  let hub: E2EHub;
  let admin: BrowserParticipant;
  let chair: BrowserParticipant;
  let secretary: BrowserParticipant;
  let wardSocket: ClientSocket | undefined;
  let meeting: Meeting;
  let chairId = '';
  let secretaryId = '';
  const chairLogin = { username: 'chutri.e2e', password: 'chair-password-1' };
  const secretaryLogin = { username: 'thuky.e2e', password: 'secretary-password-1' };

  beforeAll(async () => {
    hub = await startE2EHub();
    ({ id: chairId } = await hub.admin.createAccount({
      ...chairLogin,
      displayName: 'Nguyễn Văn Chủ Trì',
      role: 'chair',
      title: 'Phó Chủ tịch UBND Thành phố',
    }));
    ({ id: secretaryId } = await hub.admin.createAccount({
      ...secretaryLogin,
      displayName: 'Trần Thị Thư Ký',
      role: 'secretary',
    }));
    [admin, chair, secretary] = await Promise.all([
      launchParticipant({
        label: 'admin',
        origin: hub.origin,
        viewport: { width: 1366, height: 900 },
      }),
      launchParticipant({
        label: 'chair',
        origin: hub.origin,
        viewport: { width: 1500, height: 950 },
      }),
      launchParticipant({
        label: 'secretary',
        origin: hub.origin,
        viewport: { width: 1500, height: 1000 },
      }),
    ]);
  });

  afterAll(async () => {
    wardSocket?.disconnect();
    await Promise.all([admin, chair, secretary].filter(Boolean).map((b) => b.close()));
    await hub?.stop();
  });

  it('the admin fills every minutes field in the meeting form and creates the meeting', async () => {
    const p = admin.page;
    await p.goto(`${hub.origin}/`);
    await p.locator(tid(TID.loginUsername)).fill(hub.adminCredentials.username);
    await p.locator(tid(TID.loginPassword)).fill(hub.adminCredentials.password);
    await p.locator(tid(TID.loginSubmit)).click();
    await p.locator(tid(TID.navAdmin)).click({ timeout: 30_000 });
    await p.locator(tid('admin-tab-meetings')).click();
    await p.locator(tid('meeting-form')).waitFor();
    await p.locator(tid('meeting-title')).fill(TITLE);
    const day = new Date(Date.now() + 7 * 3600_000);
    const dd = String(day.getUTCDate()).padStart(2, '0');
    const mm = String(day.getUTCMonth() + 1).padStart(2, '0');
    await p.locator(tid('meeting-date')).fill(`${dd}/${mm}/${day.getUTCFullYear()}`);
    await p.locator(tid('meeting-time')).fill('08:00');
    await p.locator(tid('meeting-chair')).selectOption(chairId);
    await p.locator(tid('meeting-secretary')).selectOption(secretaryId);
    await p.locator(tid('meeting-parent-body')).fill(FIELDS.parentBody);
    await p.locator(tid('meeting-issuing-body')).fill(FIELDS.issuingBody);
    await p.locator(tid('meeting-document-number')).fill(FIELDS.documentNumber);
    await p.locator(tid('meeting-place')).fill(FIELDS.place);
    await p.locator(tid('meeting-host-location')).fill(FIELDS.hostLocation);
    await p.locator(tid('meeting-sites-open-01')).click();
    await p.locator(tid('meeting-sites-pick-all')).click();
    // The picker as the admin reads it: one line a ward, and the search hint shown whole.
    const picker = p.locator(tid('meeting-sites'));
    const fit = await picker.evaluate((root) => {
      const rows = [...root.querySelectorAll('tbody tr')].slice(0, 10);
      const search = root.querySelector('input[type="search"]') as HTMLInputElement;
      const style = getComputedStyle(search);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = style.font;
      const room =
        search.clientWidth -
        Number.parseFloat(style.paddingLeft) -
        Number.parseFloat(style.paddingRight);
      return {
        rowHeights: rows.map((r) => r.getBoundingClientRect().height),
        lineHeight: Number.parseFloat(getComputedStyle(rows[0]!).lineHeight),
        hint: ctx.measureText(search.placeholder).width,
        room,
      };
    });
    await picker.screenshot({ path: path.join(screensDir, 'minutes-00-unit-picker.png') });
    expect(fit.rowHeights).toHaveLength(10);
    for (const h of fit.rowHeights) expect(h).toBeLessThan(fit.lineHeight * 1.2 + 14);
    expect(fit.hint, 'the search hint fits its field').toBeLessThanOrEqual(fit.room);
    await p.locator(tid('agenda-title-0')).fill('Tình hình kinh tế - xã hội tháng 11');
    await p.locator(tid('agenda-add')).click();
    await p.locator(tid('agenda-title-1')).fill('Công tác chuẩn bị Tết Nguyên đán');
    await saveScreenshot(p, 'minutes-01-form-filled');
    await p.locator(tid('meeting-create')).click();
    await p.locator(tid('meeting-saved')).waitFor({ timeout: 30_000 });

    const list = await hub.admin.request<MeetingSummary[]>('GET', '/api/meetings');
    const id = list.find((m) => m.title === TITLE)?.id;
    expect(id).toBeDefined();
    meeting = await hub.admin.request<Meeting>('GET', `/api/meetings/${id}`);
    expect(meeting).toMatchObject(FIELDS);
    expect(meeting.siteIds).toHaveLength(126);
    expect(meeting.agenda.map((a) => a.title)).toHaveLength(2);
  });

  it('the chair opens the session and takes up the first item', async () => {
    await hub.admin.transition(meeting.id, 'scheduled');
    await hub.admin.transition(meeting.id, 'open');
    const p = chair.page;
    await signInAndEnterMeeting(p, hub.origin, chairLogin, meeting.id);
    await joinFromLobby(p, 'chair');
    await p.locator(tid('transition-in_session')).click();
    await p.locator(`${tid('meeting-state')}.state-in_session`).waitFor();
    const first = meeting.agenda[0]!.id;
    await p.locator(tid(`agenda-start-${first}`)).click();
    await p.locator(`${tid('agenda-current')}[data-item-id="${first}"]`).waitFor();
  });

  it('the secretary reviews the minutes: bounded fields, then titles, a participant, a conclusion, the closing line', async () => {
    const p = secretary.page;
    await signInAndEnterMeeting(p, hub.origin, secretaryLogin, meeting.id);
    await joinFromLobby(p, 'secretary');
    const review = p.locator(tid('review'));
    await review.waitFor();
    const first = meeting.agenda[0]!.id;
    const second = meeting.agenda[1]!.id;
    // Only the item that was held takes a conclusion; the other is named as not held.
    await expect(review.locator(tid(`review-conclusion-${second}`)).count()).resolves.toBe(0);
    await expect(review.locator(tid('review-not-held')).textContent()).resolves.toContain('2');
    // The chair's title comes from the account; the field is bounded while typing.
    await expect(review.locator(tid('review-chair-title')).inputValue()).resolves.toBe(
      'Phó Chủ tịch UBND Thành phố',
    );
    await review.locator(tid('review-chair-title')).fill('x'.repeat(500));
    await expect(review.locator(tid('review-chair-title')).inputValue()).resolves.toHaveLength(200);
    await review.locator(tid('review-chair-title')).fill('Chủ tịch UBND Thành phố');
    // A participant without a name is refused, naming the field.
    await review.locator(tid('review-add-participant')).click();
    await review.locator(tid('review-participant-title-0')).fill('Giám đốc Sở Nội vụ');
    await review.locator(tid('review-save')).click();
    await expect(review.locator(tid('review-issues')).textContent()).resolves.toMatch(
      /Đại biểu 1 — Họ và tên/,
    );
    await review.locator(tid('review-participant-name-0')).fill('Lê Văn Đại Biểu');
    // A participant added by mistake goes with its own 'Xóa' button; the others stay.
    await review.locator(tid('review-add-participant')).click();
    await review.locator(tid('review-participant-name-1')).fill('Nhập nhầm');
    const remove = review.locator(tid('review-participant-remove-1'));
    await expect(remove.textContent()).resolves.toBe('Xóa');
    await expect(remove.getAttribute('aria-label')).resolves.toBe('Xóa đại biểu 2');
    await review.locator(tid('review-participant-1')).scrollIntoViewIfNeeded();
    await p.screenshot({ path: path.join(screensDir, 'minutes-02a-review-participants.png') });
    await remove.click();
    await expect(review.locator(tid('review-participant-1')).count()).resolves.toBe(0);
    await expect(review.locator(tid('review-participant-name-0')).inputValue()).resolves.toBe(
      'Lê Văn Đại Biểu',
    );
    await review
      .locator(tid(`review-conclusion-${first}`))
      .fill('Giao Sở Tài chính tổng hợp báo cáo trước ngày 05 tháng 12.');
    await review
      .locator(tid('review-closing'))
      .fill('Cuộc họp kết thúc vào lúc 11 giờ 00 phút cùng ngày./.');
    await review.locator(tid('review-save')).click();
    await review.locator(tid('review-saved')).waitFor();
    // The old error list is gone once the save went through.
    await expect(review.locator(tid('review-issues')).count()).resolves.toBe(0);
    await review.scrollIntoViewIfNeeded();
    await review.screenshot({ path: path.join(screensDir, 'minutes-02-review-saved.png') });
  });

  it('a ward joining while the secretary watches counts as present, on time, at once', async () => {
    // Found by the #14 helper: the board kept every connected ward "Vắng không lý do" and
    // "Có mặt 0" all session long (the hub pushed presence but never the row's status).
    const p = secretary.page;
    const ward = meeting.siteIds[0]!;
    const row = p.locator(tid(`attendance-row-${ward}`));
    await expect(row.getAttribute('data-status')).resolves.toBe('absent_without_reason');
    await expect(p.locator(tid('count-present')).textContent()).resolves.toBe('0');
    const token = (await exchangeInvite(hub.origin, await hub.invite(meeting.id, ward)))
      .accessToken;
    wardSocket = await connect(hub.origin, token);
    await ok(wardSocket, 'meeting:join', { meetingId: meeting.id });
    await p.locator(`${tid(`attendance-row-${ward}`)}[data-status="on_time"]`).waitFor();
    await expect(row.getAttribute('data-connected')).resolves.toBe('true');
    await expect(p.locator(tid('count-present')).textContent()).resolves.toBe('1');
    await expect(p.locator(tid('count-connected')).textContent()).resolves.toBe('1');
    await p.locator(tid('attendance-counts')).screenshot({
      path: path.join(screensDir, 'minutes-03-board-live.png'),
    });
  });

  it('the minutes PDF prints every field from the form and the review', async () => {
    const p = secretary.page;
    await hub.admin.transition(meeting.id, 'adjourned');
    const { name, bytes } = await download(p, 'export-minutes-pdf');
    expect(name).toMatch(/^BienBan-\d{4}-\d{2}-\d{2}-05-BB-UBND\.pdf$/);
    writeFileSync(path.join(os.tmpdir(), 'giaoban-e2e-minutes.pdf'), bytes);
    const text = pdfText(bytes);
    for (const s of [
      'THÀNH ỦY HÀ NỘI',
      'ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Số: 05/BB-UBND',
      'BIÊN BẢN',
      `điểm cầu chính tại ${FIELDS.hostLocation}`,
      'Nguyễn Văn Chủ Trì, Chủ tịch UBND Thành phố',
      'Lê Văn Đại Biểu, Giám đốc Sở Nội vụ',
      '1. Tình hình kinh tế - xã hội tháng 11',
      '2. Công tác chuẩn bị Tết Nguyên đán',
      'Giao Sở Tài chính tổng hợp báo cáo trước ngày 05 tháng 12.',
      'Cuộc họp kết thúc vào lúc 11 giờ 00 phút cùng ngày./.',
      'THƯ KÝ',
      'CHỦ TRÌ',
      'Trần Thị Thư Ký',
    ]) {
      expect(text, s).toContain(s);
    }
    expect(text).toMatch(/Hà Nội, ngày \d\d tháng \d{1,2} năm \d{4}/);
  });

  it('the attendance list downloads as the handout PDF with all 126 invited wards', async () => {
    const { name, bytes } = await download(secretary.page, 'export-attendance-pdf');
    expect(name).toMatch(/^DiemDanh-\d{4}-\d{2}-\d{2}\.pdf$/);
    writeFileSync(path.join(os.tmpdir(), 'giaoban-e2e-attendance.pdf'), bytes);
    const text = pdfText(bytes);
    expect(text).toContain('BÁO CÁO ĐIỂM DANH CÁC ĐIỂM CẦU');
    expect(text).toContain('STT');
    expect(text).toContain('triệu tập 126 điểm cầu');
    expect(text).toContain('NGƯỜI LẬP BIỂU');
    expect(text).toContain('126');
  });
});
