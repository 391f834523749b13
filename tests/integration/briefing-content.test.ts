import { mkdtempSync, readdirSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BriefingView, FileRef, ReportBoard, SiteReportView, Snapshot } from '@giaoban/shared';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { useBriefingHub } from '../harness/briefingHub';
import { people as briefingPeople, newBriefing } from '../harness/briefings';
import { exchangeInvite, login, ok, req, rest, waitFor } from '../harness/hub';

const FILES_DIR = mkdtempSync(path.join(os.tmpdir(), 'gb-briefing-files-'));
const MAX = 64 * 1024;
const fx = useBriefingHub({
  seed: { maxSites: 4, siteAccounts: 1 },
  env: { FILES_DIR, FILE_MAX_BYTES: String(MAX) },
});

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2]);
const pdf = (label: string) =>
  new TextEncoder().encode(`%PDF-1.4\n% ${label}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n`);

/** Every file the store holds (content files and temporary ones). */
function storeFiles(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(FILES_DIR, p));
    }
  };
  walk(FILES_DIR);
  return out.sort();
}

async function upload(
  url: string,
  pathname: string,
  token: string,
  bytes: Uint8Array,
): Promise<{
  status: number;
  body: { error?: { code: string }; file?: FileRef; id?: string } & Partial<FileRef>;
}> {
  const res = await fetch(url + pathname, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: new Blob([bytes as Uint8Array<ArrayBuffer>]),
  });
  return { status: res.status, body: await res.json() };
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

describe('ward reports, documents, votes and opinions (issue #14)', () => {
  it('files: size, type by content and role checks; nothing half-written stays', async () => {
    const { url, seed } = fx.t;
    const { meetingId, people, sites } = seed;
    const sec = await login(url, people.secretary.username, people.secretary.password);
    const chair = await login(url, people.chair.username, people.chair.password);
    const site = await exchangeInvite(url, sites[0]!.inviteToken);
    const before = storeFiles();

    // A .pdf name with PNG bytes is refused by content.
    const lie = await upload(
      url,
      `/api/meetings/${meetingId}/documents?name=baocao.pdf`,
      sec.accessToken,
      PNG,
    );
    expect(lie.status).toBe(415);
    expect(lie.body.error?.code).toBe('UNSUPPORTED_FILE');
    // Bytes that are no accepted type at all.
    const html = new TextEncoder().encode('<html><script>alert(1)</script>');
    const bad = await upload(
      url,
      `/api/meetings/${meetingId}/reports/files?name=a.pdf`,
      site.accessToken,
      html,
    );
    expect(bad.status).toBe(415);
    // An oversized file (streamed past the limit, no trusted length).
    const big = new Uint8Array(MAX + 1);
    big.set(pdf('big'));
    const tooBig = await upload(
      url,
      `/api/meetings/${meetingId}/documents?name=lon.pdf`,
      sec.accessToken,
      big,
    );
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(storeFiles()).toEqual(before);

    // Role checks: the chair and sites do not attach documents; sites do not read the board;
    // staff do not upload as a site.
    expect(
      (
        await upload(
          url,
          `/api/meetings/${meetingId}/documents?name=a.pdf`,
          chair.accessToken,
          pdf('c'),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await upload(
          url,
          `/api/meetings/${meetingId}/documents?name=a.pdf`,
          site.accessToken,
          pdf('s'),
        )
      ).status,
    ).toBe(403);
    expect(
      (await rest(url, 'GET', `/api/meetings/${meetingId}/reports`, { token: site.accessToken }))
        .status,
    ).toBe(403);
    expect(
      (
        await upload(
          url,
          `/api/meetings/${meetingId}/reports/files?name=a.pdf`,
          sec.accessToken,
          pdf('x'),
        )
      ).status,
    ).toBe(403);
    expect((await rest(url, 'GET', `/api/meetings/${meetingId}/reports/compiled.pdf`)).status).toBe(
      401,
    );
    expect(storeFiles()).toEqual(before);

    // A good one is kept under its SHA-256, and served with the right disposition.
    const good = await upload(
      url,
      `/api/meetings/${meetingId}/documents?name=Tài liệu họp.pdf`,
      sec.accessToken,
      pdf('ok'),
    );
    expect(good.status).toBe(201);
    expect(storeFiles()).toContain(
      `sha256/${good.body.file?.sha256.slice(0, 2)}/${good.body.file?.sha256}`,
    );
  });

  it('reports come before the meeting: asked and sent while it is only scheduled', async () => {
    const { url } = fx.t;
    const b = await newBriefing(fx.t, { sites: 2, state: 'scheduled' });
    const who = briefingPeople(fx.t, b, fx.sock);
    const M = `/api/meetings/${b.meetingId}`;
    const sec = await who.token('secretary');
    const deadline = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const asked = await rest<ReportBoard>(url, 'PUT', `${M}/reports/request`, {
      token: sec,
      body: { deadline, template: 'Báo cáo tháng', fields: [] },
    });
    expect(asked.status).toBe(200);
    expect(asked.body.counts).toEqual({ missing: 2, submitted: 0, late: 0 });

    // The ward opens its invitation link days before: the lobby works (report form, documents),
    // entering the meeting does not, yet.
    const a = await who.site(0, { lobby: true });
    const snap = await ok(a.s, 'meeting:snapshot', {});
    expect(snap.meeting.state).toBe('scheduled');
    expect(await req(a.s, 'meeting:join', { meetingId: b.meetingId })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
    const sent = await rest<SiteReportView>(url, 'PUT', `${M}/reports/mine`, {
      token: a.accessToken,
      body: { text: 'Đã hoàn thành 90% kế hoạch.', fields: {}, files: [] },
    });
    expect(sent.status).toBe(200);
    expect(sent.body.status).toBe('submitted');
    const board = await rest<ReportBoard>(url, 'GET', `${M}/reports`, { token: sec });
    expect(board.body.counts).toEqual({ missing: 1, submitted: 1, late: 0 });

    // Nothing counts as attendance, and the lobby learns when the meeting opens.
    const att = await rest<Array<{ siteId: string; intervals: unknown[] }>>(
      url,
      'GET',
      `${M}/attendance`,
      { token: sec },
    );
    expect(att.body.every((r) => r.intervals.length === 0)).toBe(true);
    const opened = waitFor(a.s, 'meeting:updated', (m) => m.state === 'open');
    const chair = await who.token('chair');
    const open = await rest(url, 'POST', `${M}/transition`, { token: chair, body: { to: 'open' } });
    expect(open.status).toBe(200);
    await opened;
    await ok(a.s, 'meeting:join', { meetingId: b.meetingId });

    // A draft (not yet sent out) still keeps its sites out.
    const draft = await newBriefing(fx.t, { sites: 1, state: 'scheduled' });
    const backToDraft = await rest(url, 'POST', `/api/meetings/${draft.meetingId}/transition`, {
      token: await who.token('admin'),
      body: { to: 'draft' },
    });
    expect(backToDraft.status).toBe(200);
    await expect(briefingPeople(fx.t, draft, fx.sock).site(0, { lobby: true })).rejects.toThrow(
      /INVALID_STATE|draft/,
    );
  });

  it('reports → board → reminders → compiled; document on item 2; vote; opinion; minutes', async () => {
    const { url, seed } = fx.t;
    const { meetingId, people, sites } = seed;
    const sec = await login(url, people.secretary.username, people.secretary.password);
    const chair = await login(url, people.chair.username, people.chair.password);
    const siteToks = await Promise.all(
      sites.slice(0, 4).map((s) => exchangeInvite(url, s.inviteToken)),
    );
    const [a, b, c] = siteToks as [typeof sec, typeof sec, typeof sec];
    const M = `/api/meetings/${meetingId}`;

    // The secretary asks for reports with a deadline and a required field. The deadline is an
    // hour off while A sends and amends, then brought forward (below): a deadline 2.5 s off from
    // here raced the dozen requests before it on a loaded machine.
    const request = {
      template: 'Kết quả tháng 11; **kiến nghị**.',
      fields: [
        { id: 'thu-ngan-sach', label: 'Thu ngân sách (triệu đồng)', required: true },
        { id: 'kien-nghi', label: 'Kiến nghị', required: false },
      ],
    };
    const farDeadline = new Date(Date.now() + 3_600_000).toISOString();
    const asked = await rest<ReportBoard>(url, 'PUT', `${M}/reports/request`, {
      token: sec.accessToken,
      body: { deadline: farDeadline, ...request },
    });
    expect(asked.status).toBe(200);
    expect(asked.body.counts).toEqual({ missing: 4, submitted: 0, late: 0 });
    // The chair may not ask; a site sees "chưa nộp".
    expect(
      (
        await rest(url, 'PUT', `${M}/reports/request`, {
          token: chair.accessToken,
          body: { deadline: farDeadline },
        })
      ).status,
    ).toBe(403);
    const mineA = await rest<SiteReportView>(url, 'GET', `${M}/reports/mine`, {
      token: a.accessToken,
    });
    expect(mineA.body).toMatchObject({ status: 'missing', mayAmend: true });

    // Site A: a required field missing is refused, naming the field.
    const missingField = await rest<{ error: { code: string; issues: Array<{ path: string }> } }>(
      url,
      'PUT',
      `${M}/reports/mine`,
      {
        token: a.accessToken,
        body: { text: 'Báo cáo' },
      },
    );
    expect(missingField.status).toBe(400);
    expect(missingField.body.error.issues[0]!.path).toBe('fields.thu-ngan-sach');
    // A file first, then the report naming it.
    const att = await upload(
      url,
      `${M}/reports/files?name=phu-luc.pdf`,
      a.accessToken,
      pdf('phu luc A'),
    );
    expect(att.status).toBe(201);
    const subA = await rest<SiteReportView>(url, 'PUT', `${M}/reports/mine`, {
      token: a.accessToken,
      body: {
        text: 'Phường A: **hoàn thành** kế hoạch.',
        fields: { 'thu-ngan-sach': '1250' },
        files: [att.body],
      },
    });
    expect(subA.status).toBe(200);
    expect(subA.body).toMatchObject({ status: 'submitted', submission: { version: 1 } });
    // An upload never sent with a report is swept once old enough; the sent one stays.
    const unsent = await upload(
      url,
      `${M}/reports/files?name=nhap.pdf`,
      b.accessToken,
      pdf('never sent'),
    );
    expect(unsent.status).toBe(201);
    expect(storeFiles()).toContain(`marks/pending/${unsent.body.sha256}`);
    expect(storeFiles()).toContain(`marks/kept/${att.body.sha256}`);
    // Aged on disk rather than swept at "older than 0 ms": a file's mtime can lie a fraction of
    // a millisecond after Date.now() (the same flake as files.test's init(0), 2026-12-04).
    const twoMinutesAgo = (Date.now() - 120_000) / 1000;
    utimesSync(
      path.join(FILES_DIR, 'marks', 'pending', unsent.body.sha256!),
      twoMinutesAgo,
      twoMinutesAgo,
    );
    expect(await fx.t.hub.files.sweepPending(60_000)).toBe(1);
    expect(storeFiles()).not.toContain(unsent.body.key);
    expect(storeFiles()).toContain(att.body.key);
    // A forged file reference is refused.
    const forged = { ...att.body, sha256: 'f'.repeat(64), key: `sha256/ff/${'f'.repeat(64)}` };
    expect(
      (
        await rest(url, 'PUT', `${M}/reports/mine`, {
          token: a.accessToken,
          body: { text: 'x', fields: { 'thu-ngan-sach': '1' }, files: [forged] },
        })
      ).status,
    ).toBe(400);
    // Amend before the deadline.
    const amended = await rest<SiteReportView>(url, 'PUT', `${M}/reports/mine`, {
      token: a.accessToken,
      body: {
        text: 'Phường A: **hoàn thành** kế hoạch, bổ sung số liệu.',
        fields: { 'thu-ngan-sach': '1300' },
        files: [att.body],
      },
    });
    expect(amended.body.submission?.version).toBe(2);
    // Staff read the attachment; another site may not.
    const fileA = `${M}/reports/${sites[0]!.siteId}/files/0`;
    expect((await rest(url, 'GET', fileA, { token: sec.accessToken })).status).toBe(200);
    expect((await rest(url, 'GET', fileA, { token: b.accessToken })).status).toBe(404);

    // The deadline brought forward (what A sent stays on time), then passed: A can no longer
    // amend, B submits late, C stays missing.
    const deadline = new Date(Date.now() + 2000).toISOString();
    const moved = await rest<ReportBoard>(url, 'PUT', `${M}/reports/request`, {
      token: sec.accessToken,
      body: { deadline, ...request },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.counts).toEqual({ missing: 3, submitted: 1, late: 0 });
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(deadline) - Date.now() + 200)));
    const late = await rest(url, 'PUT', `${M}/reports/mine`, {
      token: a.accessToken,
      body: { text: 'muộn', fields: { 'thu-ngan-sach': '1' } },
    });
    expect(late.status).toBe(409);
    const subB = await rest<SiteReportView>(url, 'PUT', `${M}/reports/mine`, {
      token: b.accessToken,
      body: {
        text: 'Xã B báo cáo muộn.',
        fields: { 'thu-ngan-sach': '800', 'kien-nghi': 'Hỗ trợ kinh phí' },
      },
    });
    expect(subB.body.status).toBe('late');
    const board = await rest<ReportBoard>(url, 'GET', `${M}/reports`, { token: chair.accessToken });
    expect(board.body.counts).toEqual({ submitted: 1, late: 1, missing: 2 });
    expect(board.body.rows.find((r) => r.siteId === sites[2]!.siteId)?.status).toBe('missing');

    // Reminders reach the missing sites in the app (lobby sockets too), once per click.
    const sockC = await fx.sock(c.accessToken);
    await ok(sockC, 'meeting:join', { meetingId, lobby: true }).catch(async () =>
      ok(sockC, 'meeting:join', { meetingId }),
    );
    const reminded = waitFor(sockC, 'report:updated', (r) => r.lastRemindedAt !== null);
    const r1 = await rest<ReportBoard>(url, 'POST', `${M}/reports/remind`, {
      token: sec.accessToken,
      body: {},
    });
    expect(
      r1.body.rows
        .filter((r) => r.lastRemindedAt)
        .map((r) => r.siteId)
        .sort(),
    ).toEqual([sites[2]!.siteId, sites[3]!.siteId].sort());
    expect((await reminded).status).toBe('missing');

    // The compiled report in both formats, checked by content.
    const docx = await rest(url, 'GET', `${M}/reports/compiled.docx`, { token: chair.accessToken });
    expect(docx.status).toBe(200);
    expect(docx.headers.get('content-disposition')).toMatch(
      /attachment; filename="?TongHopBaoCao-/,
    );
    const compiledText = docxText(docx.bytes);
    expect(compiledText).toContain('BÁO CÁO TỔNG HỢP');
    expect(compiledText).toContain('hoàn thành');
    expect(compiledText).toContain('Thu ngân sách (triệu đồng): 1300');
    expect(compiledText).toContain('nộp muộn');
    expect(compiledText).toContain('phu-luc.pdf');
    expect(compiledText).toContain(sites[2]!.name);
    const cpdf = await rest(url, 'GET', `${M}/reports/compiled.pdf`, { token: sec.accessToken });
    expect(new TextDecoder().decode(cpdf.bytes.slice(0, 5))).toBe('%PDF-');

    // A document on item 2: a site sees it beside the item and opens it; the opening is recorded.
    const items = (
      await rest<{ agenda: Array<{ id: string }> }>(url, 'GET', M, { token: sec.accessToken })
    ).body.agenda;
    const item2 = items[1]!.id;
    const doc = await upload(
      url,
      `${M}/documents?name=Báo cáo KT-XH.pdf&itemId=${item2}`,
      sec.accessToken,
      pdf('KT-XH'),
    );
    expect(doc.status).toBe(201);
    const docId = (doc.body as unknown as { id: string }).id;
    const seen = await rest<BriefingView>(url, 'GET', `${M}/briefing`, { token: c.accessToken });
    const seenDoc = seen.body.documents.find((d) => d.id === docId);
    expect(seenDoc).toMatchObject({ id: docId, itemId: item2 });
    expect(seenDoc!.openedBy).toBeUndefined();
    const opened = await rest(url, 'GET', `${M}/documents/${docId}/file`, { token: c.accessToken });
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-disposition')).toMatch(/^inline/);
    expect(new TextDecoder().decode(opened.bytes)).toContain('KT-XH');
    const dl = await rest(url, 'GET', `${M}/documents/${docId}/file?download=1`, {
      token: c.accessToken,
    });
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment/);
    const staffView = await rest<BriefingView>(url, 'GET', `${M}/briefing`, {
      token: sec.accessToken,
    });
    expect(staffView.body.documents.find((d) => d.id === docId)?.openedBy).toEqual([
      expect.objectContaining({ siteId: sites[2]!.siteId, opens: 2 }),
    ]);

    // The vote: the chair opens it in session; three sites answer once each.
    const chairSock = await fx.sock(chair.accessToken);
    const secSock = await fx.sock(sec.accessToken);
    await ok(chairSock, 'meeting:join', { meetingId });
    await ok(secSock, 'meeting:join', { meetingId });
    const siteSocks = [];
    for (const t of [a, b]) {
      const s = await fx.sock(t.accessToken);
      await ok(s, 'meeting:join', { meetingId });
      siteSocks.push(s);
    }
    sockC.close();
    const c2 = await fx.sock(c.accessToken);
    const snapC: Snapshot = await ok(c2, 'meeting:join', { meetingId });
    expect(snapC.you.siteId).toBe(sites[2]!.siteId);
    siteSocks.push(c2);
    await ok(chairSock, 'meeting:transition', { to: 'in_session' });
    await ok(chairSock, 'agenda:start', { itemId: item2 });
    const siteSawOpen = waitFor(siteSocks[0]!, 'vote:updated', (v) => v.closedAt === null);
    const vote = await ok(chairSock, 'vote:open', {
      itemId: item2,
      question: 'Thông qua báo cáo KT-XH tháng 11?',
      durationSeconds: 120,
    });
    expect(vote.options).toEqual(['Tán thành', 'Không tán thành', 'Ý kiến khác']);
    expect((await siteSawOpen).tally).toBeNull();
    expect((await req(siteSocks[0]!, 'vote:open', { question: 'x' })).ok).toBe(false);
    const answers = [0, 0, 1];
    for (const [i, s] of siteSocks.entries()) {
      const r = await ok(s, 'vote:answer', { voteId: vote.id, option: answers[i] });
      expect(r.yourAnswer).toBe(answers[i]);
      expect(r.tally).toBeNull();
    }
    const again = await req(siteSocks[0]!, 'vote:answer', { voteId: vote.id, option: 1 });
    expect(again.ok === false && again.error.code).toBe('CONFLICT');
    const live = await ok(secSock, 'briefing:get', {});
    expect(live.votes[0]).toMatchObject({ answered: 3, tally: [2, 1, 0] });
    const siteSawResult = waitFor(siteSocks[1]!, 'vote:updated', (v) => v.closedAt !== null);
    await ok(chairSock, 'vote:close', { voteId: vote.id });
    expect((await siteSawResult).tally).toEqual([2, 1, 0]);
    const closedAnswer = await req(siteSocks[0]!, 'vote:answer', { voteId: vote.id, option: 2 });
    expect(closedAnswer.ok === false && closedAnswer.error.code).toBe('INVALID_STATE');

    // A written opinion reaches the secretary; marked as read out; the notice reaches sites.
    const secGot = waitFor(secSock, 'opinion:updated', (o) => o.readAt === null);
    const sent = await ok(siteSocks[2]!, 'opinion:send', {
      itemId: item2,
      text: 'Đề nghị **bổ sung** chỉ tiêu việc làm.',
    });
    const got = await secGot;
    expect(got).toMatchObject({ id: sent.id, siteId: sites[2]!.siteId, itemId: item2 });
    expect((await req(siteSocks[0]!, 'opinion:read', { opinionId: sent.id })).ok).toBe(false);
    const read = await ok(secSock, 'opinion:read', { opinionId: sent.id });
    expect(read.readAt).not.toBeNull();
    // Another site does not see C's opinion.
    expect((await ok(siteSocks[0]!, 'briefing:get', {})).opinions).toEqual([]);
    const notice = waitFor(siteSocks[1]!, 'notice:updated');
    await ok(chairSock, 'notice:set', { text: 'Các điểm cầu chuẩn bị ý kiến cho mục 3.' });
    expect((await notice).notice?.text).toBe('Các điểm cầu chuẩn bị ý kiến cho mục 3.');

    // Everything is in the minutes.
    const minutes = await rest(url, 'GET', `${M}/minutes.docx`, { token: sec.accessToken });
    const text = docxText(minutes.bytes);
    expect(text).toContain('Báo cáo của các điểm cầu');
    expect(text).toMatch(/1\/4 điểm cầu nộp đúng hạn, 1 nộp muộn, 2 chưa nộp/);
    expect(text).toContain(`${sites[1]!.name}: nộp lúc`);
    expect(text).toContain('Thông qua báo cáo KT-XH tháng 11?');
    expect(text).toContain(`Tán thành: 2 (${sites[0]!.name}, ${sites[1]!.name})`);
    expect(text).toContain(`Không tán thành: 1 (${sites[2]!.name})`);
    expect(text).toContain('Ý kiến bằng văn bản của các điểm cầu');
    expect(text).toContain('đã đọc tại cuộc họp');
    expect(text).toContain('bổ sung chỉ tiêu việc làm');
  });
});
