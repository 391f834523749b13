// The briefing beyond video (issue #14) in Debian's Chromium against the real hub: the secretary
// asks the wards for reports, two submit (one after the deadline), the board shows the third
// missing and the compiled report downloads; a document attached to agenda item 2 opens on a site
// and the chair presents it page by page; the chair's vote is answered by three sites; a written
// opinion reaches the secretary; the minutes (PDF, read back with poppler's pdftotext) say all of
// it. Every step is done through the screens, as the chair, the secretary and the wards would.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Meeting } from '@giaoban/shared';
import { strFromU8, unzipSync } from 'fflate';
import PDFDocument from 'pdfkit';
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

const SITES = 3;
const VN_OFFSET_MS = 7 * 3600_000;

/** A real two-page PDF (pdfkit), so pdf.js has pages to turn. */
function twoPagePdf(title: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', info: { Title: title } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.fontSize(24).text(`${title} - trang 1`);
    doc.addPage().fontSize(24).text(`${title} - trang 2`);
    doc.end();
  });
}

function docxText(bytes: Uint8Array): string {
  const xml = strFromU8(
    unzipSync(bytes, { filter: (f) => f.name === 'word/document.xml' })['word/document.xml']!,
  );
  return xml
    .replace(/<\/w:p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

/** "dd/mm/yyyy" and "hh:mm" of an instant in Vietnam's time, as the forms take them. */
function vnDateTime(ms: number): { date: string; time: string } {
  const d = new Date(ms + VN_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return {
    date: `${p(d.getUTCDate())}/${p(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`,
    time: `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`,
  };
}

async function download(page: Page, testId: string): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([
    page.waitForEvent('download', { timeout: 60_000 }),
    page.locator(tid(testId)).click(),
  ]);
  return { name: d.suggestedFilename(), bytes: await readFile(await d.path()) };
}

describe('reports, documents, votes and written opinions in Chromium (issue #14)', () => {
  let briefing: E2EBriefing | undefined;
  let hub: E2EHub;
  let seed: BriefingSeed;
  let item2: { id: string; title: string };
  let chair: BrowserParticipant;
  let secretary: BrowserParticipant;
  const sites: BrowserParticipant[] = [];
  const logs = () => briefing?.logs(30) ?? '';
  /** The report deadline: a whole minute (the form takes hh:mm), at least 45 s away. */
  let deadlineMs = 0;
  const reportText = ['Kết quả giải ngân vốn đầu tư công đạt 85%.', 'Kiến nghị bổ sung biên chế.'];
  const opinionText = 'Đề nghị bổ sung chỉ tiêu việc làm cho thanh niên vào kết luận.';
  const voteQuestion = 'Thông qua báo cáo kinh tế - xã hội tháng 11?';

  beforeAll(async () => {
    // Reports come before the meeting: it is only scheduled until the chair opens it.
    briefing = await startE2EBriefing({
      sites: SITES,
      seed: { absent: 0, state: 'scheduled' },
      labelPrefix: 'bc-',
    });
    ({ hub, seed, chair, secretary } = briefing);
    sites.push(...briefing.sites);
    const meeting = await hub.admin.request<Meeting>('GET', `/api/meetings/${seed.meetingId}`);
    const a = meeting.agenda[1];
    if (!a) throw new Error('the seeded meeting has no item 2');
    item2 = { id: a.id, title: a.title };
  });

  afterAll(async () => {
    await briefing?.stop();
  });

  const sitePage = (i: number) => sites[i]!.page;
  const siteInfo = (i: number) => seed.sites[i]!;

  it('before the meeting opens, the secretary asks every ward for a report by a deadline, from the meeting list', async () => {
    const p = secretary.page;
    await signIn(p, hub.origin, seed.secretary);
    expect(await p.locator(tid(`meeting-state-${seed.meetingId}`)).textContent()).toBe(
      'Đã lên lịch',
    );
    await p.locator(tid(`prepare-reports-${seed.meetingId}`)).click();
    const board = p.locator(tid('report-board'));
    await board.waitFor({ timeout: 30_000 });
    deadlineMs = Math.ceil((Date.now() + 45_000) / 60_000) * 60_000;
    const { date, time } = vnDateTime(deadlineMs);
    await board.locator(tid('report-date')).fill(date);
    await board.locator(tid('report-time')).fill(time);
    await board
      .locator(tid('report-template'))
      .fill('Báo cáo **tình hình kinh tế - xã hội** tháng 11 của phường.');
    await board.locator(tid('report-fields')).fill('Thu ngân sách (triệu đồng) *\nKiến nghị');
    await saveScreenshot(p, 'bc-01-secretary-asks-reports');
    await board.locator(tid('report-ask')).click();
    await waitUntil(
      async () =>
        (await board.locator(tid('report-counts')).textContent())?.includes('Chưa nộp: 3'),
      { what: 'the board to list three missing reports', detail: logs },
    );
  });

  it('a ward submits its report with a file from its invitation link, before the meeting opens', async () => {
    const p = sitePage(0);
    await openInvitation(p, hub.origin, siteInfo(0).token);
    // The lobby works (report, documents, connectivity); entering waits for the chair.
    const join = p.locator(tid('join-button'));
    await waitUntil(async () => (await join.textContent())?.includes('Cuộc họp chưa mở'), {
      what: 'the lobby to say the meeting is not open yet',
      detail: logs,
    });
    expect(await join.isDisabled()).toBe(true);
    const form = p.locator(tid('site-report'));
    await form.waitFor({ timeout: 30_000 });
    expect(await form.locator(tid('site-report-status')).textContent()).toBe('Chưa nộp');
    await form.locator(tid('report-field-f1')).fill('1250');
    await form.locator(tid('report-field-f2')).fill('Hỗ trợ kinh phí chuyển đổi số');
    await form.locator(tid('report-text')).fill(reportText[0]!);
    await form.locator(tid('report-file')).setInputFiles({
      name: 'phu-luc-so-lieu.pdf',
      mimeType: 'application/pdf',
      buffer: await twoPagePdf('Phu luc so lieu'),
    });
    await form.getByText('phu-luc-so-lieu.pdf').waitFor({ timeout: 30_000 });
    await form.locator(tid('report-submit')).click();
    await form.locator(tid('report-saved')).waitFor({ timeout: 30_000 });
    await waitUntil(
      async () => (await form.locator(tid('site-report-status')).textContent()) === 'Đã nộp',
      { what: "the ward's status to say submitted", detail: logs },
    );
    await saveScreenshot(p, 'bc-02-site-lobby-report');
    // The secretary's board (unfolded again: it loads) shows it, still before the meeting.
    const sec = secretary.page;
    await sec.locator(tid(`prepare-reports-${seed.meetingId}`)).click();
    await sec.locator(tid(`prepare-reports-${seed.meetingId}`)).click();
    await sec
      .locator(`${tid(`report-row-${siteInfo(0).siteId}`)}[data-status="submitted"]`)
      .waitFor({ timeout: 30_000 });
    await saveScreenshot(sec, 'bc-02b-secretary-prepares-reports');
  });

  it('the chair opens the meeting and the session on item 2; the secretary and the three wards join', async () => {
    const p = chair.page;
    await signInAndEnterMeeting(p, hub.origin, seed.chair, seed.meetingId);
    await joinFromLobby(p, 'chair');
    await p.locator(tid('transition-open')).click();
    await p.locator(`${tid('meeting-state')}.state-open`).waitFor({ timeout: 30_000 });
    const sec = secretary.page;
    await sec.locator(tid('meetings-refresh')).click();
    await sec.locator(tid(`open-meeting-${seed.meetingId}`)).click();
    await joinFromLobby(sec, 'secretary');
    await sec
      .locator(`${tid(`report-row-${siteInfo(0).siteId}`)}[data-status="submitted"]`)
      .waitFor({ timeout: 30_000 });
    await p.locator(tid('transition-in_session')).click();
    await p.locator(`${tid('meeting-state')}.state-in_session`).waitFor({ timeout: 30_000 });
    await p.locator(tid(`agenda-start-${item2.id}`)).click();
    await p
      .locator(`${tid('agenda-current')}[data-item-id="${item2.id}"]`)
      .waitFor({ timeout: 30_000 });
    for (let i = 1; i < SITES; i++)
      await openInvitation(sitePage(i), hub.origin, siteInfo(i).token);
    await Promise.all(Array.from({ length: SITES }, (_, i) => joinFromLobby(sitePage(i), 'site')));
  });

  it('a document attached to item 2 opens on a site; the chair presents it page by page', async () => {
    const sec = secretary.page;
    const docs = sec.locator(tid('documents-panel'));
    await docs.locator(tid('doc-item')).selectOption(item2.id);
    await docs.locator(tid('doc-file')).setInputFiles({
      name: 'du-thao-ket-luan.pdf',
      mimeType: 'application/pdf',
      buffer: await twoPagePdf('Du thao ket luan'),
    });
    await docs.locator(tid('doc-upload')).click();
    await docs.locator(tid('document')).filter({ hasText: 'du-thao-ket-luan.pdf' }).waitFor();

    // The ward sees it under item 2 and opens it in the app (pdf.js).
    const sp = sitePage(0);
    const doc = sp.locator(tid('document')).filter({ hasText: 'du-thao-ket-luan.pdf' });
    await doc.waitFor({ timeout: 30_000 });
    expect(await doc.textContent()).toContain(item2.title);
    await doc.locator(tid('doc-open')).click();
    await sp.locator(`${tid('pdf-viewer')}[data-pages="2"]`).waitFor({ timeout: 60_000 });
    await saveScreenshot(sp, 'bc-03-site-document-open');
    // The office sees that the ward opened it.
    await docs
      .locator(tid('document'))
      .filter({ hasText: '1 điểm cầu đã mở' })
      .waitFor({ timeout: 30_000 });

    // The chair presents it and turns to page 2: every ward follows.
    const cp = chair.page;
    const cdoc = cp.locator(tid('document')).filter({ hasText: 'du-thao-ket-luan.pdf' });
    await cdoc.locator(tid('doc-open')).click();
    await cp.locator(`${tid('pdf-viewer')}[data-pages="2"]`).waitFor({ timeout: 60_000 });
    await cp.locator(tid('doc-present')).click();
    // The presented document moves to the stage, with the page controls.
    const stage = cp.locator(tid('presentation-stage'));
    await stage.locator(`${tid('pdf-viewer')}[data-pages="2"]`).waitFor({ timeout: 60_000 });
    await stage.locator(tid('pdf-next')).click();
    for (let i = 0; i < SITES; i++) {
      const siteStage = sitePage(i).locator(tid('presentation-stage'));
      await waitUntil(
        async () =>
          (await siteStage
            .locator(`${tid('pdf-viewer')}[data-rendered="2"][data-pages="2"]`)
            .count()) > 0,
        {
          what: `site ${i + 1} showing page 2 of the presented document`,
          timeoutMs: 60_000,
          detail: async () => {
            await saveScreenshot(sitePage(i), `bc-fail-site-${i + 1}-stage`);
            await saveScreenshot(cp, 'bc-fail-chair-stage');
            const html = async (p: Page) =>
              (await p.locator(tid('presentation-stage')).count())
                ? await p
                    .locator(tid('presentation-stage'))
                    .first()
                    .evaluate((e) => e.outerHTML.slice(0, 600))
                : 'no stage';
            return `site: ${await html(sitePage(i))}\nchair: ${await html(cp)}\n${logs()}`;
          },
        },
      );
      // Drawn the right way up: the page's text (at its top margin) is in the canvas's top part
      // (two renders at once on one canvas drew it upside down and mirrored).
      const firstInk = await siteStage.locator('canvas').evaluate((c: HTMLCanvasElement) => {
        const ctx = c.getContext('2d');
        if (!ctx) return -1;
        const { data, width, height } = ctx.getImageData(0, 0, c.width, c.height);
        for (let y = 0; y < height; y++)
          for (let x = 0; x < width; x++) {
            const i = (y * width + x) * 4;
            if (data[i + 3]! > 128 && data[i]! < 128) return y / height;
          }
        return -1;
      });
      expect(firstInk, `site ${i + 1}: first dark row at ${firstInk}`).toBeGreaterThan(0);
      expect(firstInk).toBeLessThan(0.2);
      // Sites follow the chair's page: no page buttons of their own on the stage.
      expect(await siteStage.locator(tid('pdf-next')).count()).toBe(0);
    }
    await saveScreenshot(sitePage(1), 'bc-04-site-follows-presentation');
    await saveScreenshot(cp, 'bc-05-chair-presenting');
  });

  it('the chair runs a vote on item 2 that the three wards answer', async () => {
    const cp = chair.page;
    const panel = cp.locator(tid('vote-panel'));
    // On the item in progress unless the chair picks another.
    expect(await panel.locator(tid('vote-item')).inputValue()).toBe(item2.id);
    await panel.locator(tid('vote-question')).fill(voteQuestion);
    await panel.locator(tid('vote-start')).click();
    await panel.locator(tid('vote-open')).waitFor({ timeout: 30_000 });
    const answers = [0, 0, 1];
    for (let i = 0; i < SITES; i++) {
      const v = sitePage(i).locator(tid('site-vote'));
      await v.getByText(voteQuestion).waitFor({ timeout: 30_000 });
      await v.locator(tid(`vote-answer-${answers[i]}`)).click();
      await waitUntil(
        async () => {
          const alert = v.locator('[role="alert"]');
          if (await alert.count()) throw new Error(`site ${i + 1}: ${await alert.textContent()}`);
          return (await v.locator(tid('vote-answered')).count()) > 0;
        },
        {
          what: `site ${i + 1}'s answer to be taken`,
          detail: async () => `${await v.textContent()}\n${logs()}`,
        },
      );
      // Answered once: the buttons are gone.
      expect(await v.locator(tid('vote-answer-0')).count()).toBe(0);
    }
    await saveScreenshot(sitePage(2), 'bc-06-site-voted');
    await waitUntil(
      async () =>
        (await panel.locator(tid('vote-count-0')).textContent()) === '2' &&
        (await panel.locator(tid('vote-count-1')).textContent()) === '1',
      { what: "the chair's live tally 2 / 1", detail: logs },
    );
    expect(await panel.textContent()).toContain('3/3 điểm cầu đã biểu quyết');
    await saveScreenshot(cp, 'bc-07-chair-vote-live');
    await panel.locator(tid('vote-close')).click();
    await panel.locator(tid('vote-last')).waitFor({ timeout: 30_000 });
    // The wards see the result once it is closed.
    for (let i = 0; i < SITES; i++) {
      const v = sitePage(i).locator(tid('site-vote'));
      await v.locator(tid('vote-results')).waitFor({ timeout: 30_000 });
      expect(await v.locator(tid('vote-count-0')).textContent()).toBe('2');
    }
  });

  it("the chair's one-line notice reaches every ward", async () => {
    const cp = chair.page;
    const text = 'Các điểm cầu chuẩn bị ý kiến cho nội dung 2.';
    await cp.locator(tid('notice-input')).fill(text);
    await cp.locator(tid('notice-send')).click();
    for (let i = 0; i < SITES; i++) {
      await sitePage(i).locator(tid('notice')).getByText(text).waitFor({ timeout: 30_000 });
    }
  });

  it('a written opinion from a ward reaches the secretary, who marks it read out', async () => {
    const sp = sitePage(2);
    await sp.locator(tid('opinion-text')).fill(opinionText);
    await sp.locator(tid('opinion-submit')).click();
    await sp.locator(tid('opinion-sent')).waitFor({ timeout: 30_000 });
    const op = secretary.page
      .locator(tid('opinions-panel'))
      .locator(tid('opinion'))
      .filter({ hasText: opinionText });
    await op.waitFor({ timeout: 30_000 });
    expect(await op.textContent()).toContain(siteInfo(2).name);
    expect(await op.textContent()).toContain(item2.title);
    await op.locator(tid('opinion-mark')).click();
    await op.getByText('đã đọc tại cuộc họp').waitFor({ timeout: 30_000 });
    // The chair has it right under the floor queue, marked read out there too.
    const cp = chair.page;
    const chairOp = cp.locator(tid('opinions-panel')).locator(tid('opinion'));
    await chairOp.filter({ hasText: 'đã đọc tại cuộc họp' }).waitFor({ timeout: 30_000 });
    expect(
      await cp
        .locator(tid('floor-panel'))
        .evaluate((el) => el.nextElementSibling?.getAttribute('data-testid') ?? null),
    ).toBe('opinions-panel');
    await saveScreenshot(cp, 'bc-07b-chair-floor-and-opinions');
  });

  it('after the deadline a second ward submits, late; the board shows the third missing; the compiled report downloads', async () => {
    // Wait for the deadline on the real clock (set at the first step; usually passed by now).
    await waitUntil(() => Date.now() > deadlineMs + 500, {
      what: 'the report deadline to pass',
      timeoutMs: 150_000,
      intervalMs: 500,
    });
    const sp = sitePage(1);
    const form = sp.locator(tid('site-report'));
    await form.locator(tid('report-field-f1')).fill('980');
    await form.locator(tid('report-text')).fill(reportText[1]!);
    await form.locator(tid('report-submit')).click();
    await waitUntil(
      async () => (await form.locator(tid('site-report-status')).textContent()) === 'Nộp muộn',
      { what: "the second ward's status to say late", detail: logs },
    );
    await saveScreenshot(sp, 'bc-08-site-late-report');

    const p = secretary.page;
    const row = (i: number, status: string) =>
      p.locator(`${tid(`report-row-${siteInfo(i).siteId}`)}[data-status="${status}"]`);
    await row(0, 'submitted').waitFor({ timeout: 30_000 });
    await row(1, 'late').waitFor({ timeout: 30_000 });
    await row(2, 'missing').waitFor({ timeout: 30_000 });
    expect(await p.locator(tid('report-counts')).textContent()).toMatch(
      /Đã nộp: 1.*Nộp muộn: 1.*Chưa nộp: 1/,
    );
    await saveScreenshot(p, 'bc-09-secretary-board');
    // The live attendance table says it too, per ward, beside the attendance.
    const cell = (i: number) => p.locator(tid(`report-cell-${siteInfo(i).siteId}`));
    await waitUntil(async () => (await cell(1).getAttribute('data-report')) === 'late', {
      what: "the attendance table's report column to show the late report",
      detail: logs,
    });
    expect(await cell(0).textContent()).toMatch(/^Đã nộp \d\d:\d\d \d\d\/\d\d\/\d{4}$/);
    expect(await cell(1).textContent()).toMatch(/^Nộp muộn \d\d:\d\d/);
    expect(await cell(2).textContent()).toBe('Chưa nộp');
    await p.locator(tid('attendance-table')).scrollIntoViewIfNeeded();
    await saveScreenshot(p, 'bc-09b-secretary-attendance-reports');

    const docx = await download(p, 'report-compiled-docx');
    expect(docx.name).toMatch(/\.docx$/);
    const text = docxText(docx.bytes);
    expect(text).toContain('BÁO CÁO TỔNG HỢP');
    expect(text).toContain(reportText[0]);
    expect(text).toContain(reportText[1]);
    expect(text).toContain('Thu ngân sách (triệu đồng): 1250');
    expect(text).toContain('phu-luc-so-lieu.pdf');
    expect(text).toContain('nộp muộn');
    expect(text).toContain(siteInfo(2).name);
    const pdf = await download(p, 'report-compiled-pdf');
    expect(pdf.name).toMatch(/\.pdf$/);
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('the chair closes the meeting and the minutes say who reported, the vote and the opinion', async () => {
    const cp = chair.page;
    await cp.locator(tid('transition-closed')).click();
    await confirmDialog(cp, 'confirm-close');
    await cp.locator(`${tid('meeting-state')}.state-closed`).waitFor({ timeout: 30_000 });

    const minutes = await download(secretary.page, 'export-minutes-pdf');
    expect(minutes.name).toMatch(/^BienBan-.*\.pdf$/);
    const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], {
      input: minutes.bytes,
      encoding: 'utf8',
    }).replace(/\s+/g, ' ');
    const names = seed.sites.map((s) => s.fullName);
    expect(text).toContain('Báo cáo của các điểm cầu');
    expect(text).toMatch(/1\/3 điểm cầu nộp đúng hạn, 1 nộp muộn, 1 chưa nộp/);
    expect(text).toContain(`${names[0]}: nộp lúc`);
    expect(text).toContain(voteQuestion);
    expect(text).toContain(`Tán thành: 2 (${names[0]}, ${names[1]})`);
    expect(text).toContain(`Không tán thành: 1 (${names[2]})`);
    expect(text).toContain('Ý kiến bằng văn bản của các điểm cầu');
    expect(text).toContain('bổ sung chỉ tiêu việc làm');
    expect(text).toContain('đã đọc tại cuộc họp');

    // The attendance report says which wards reported and when.
    const csv = (await download(secretary.page, 'export-csv')).bytes.toString('utf8');
    const line = (i: number) =>
      csv.split(/\r?\n/).find((l) => l.includes(siteInfo(i).siteId)) ?? '';
    expect(csv).toContain('Báo cáo');
    expect(line(0)).toContain('Đã nộp');
    expect(line(1)).toContain('Nộp muộn');
    expect(line(2)).toContain('Chưa nộp');

    // And so does the printed attendance list.
    const sp = secretary.page;
    await sp.locator(tid('open-print')).click();
    const printed = (i: number) => sp.locator(tid(`print-report-${siteInfo(i).siteId}`));
    await printed(2).waitFor({ timeout: 30_000 });
    expect(await sp.locator(tid('print-table')).locator('thead').textContent()).toContain(
      'Báo cáo',
    );
    expect(await printed(0).textContent()).toMatch(/^Đã nộp \d\d:\d\d/);
    expect(await printed(1).textContent()).toMatch(/^Nộp muộn \d\d:\d\d/);
    expect(await printed(2).textContent()).toBe('Chưa nộp');
    await saveScreenshot(sp, 'bc-11-print-attendance-reports');
  });
});
