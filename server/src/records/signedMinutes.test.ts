import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildFixture } from './fixture.js';
import { MinutesArchive } from './MinutesArchive.js';
import { renderMinutesPdf } from './pdf.js';
import { checkSignedMinutes, type IssuedMinutes, issuedMinutesOf } from './signedMinutes.js';
import { makeTestCa, rewriteFirstPage, type TestCa } from './testSigning.js';

/**
 * The issued minutes signed the way chair and secretary do (one incremental update per
 * signature) by @signpdf, an independent implementation, with a throw-away CA (testSigning.ts).
 */
let ca: TestCa;
let issuedPdf: Buffer;
let issued: IssuedMinutes[];
let signedOnce: Buffer;
let signedTwice: Buffer;
const sign = (pdf: Buffer, who: 'secretary' | 'chair') => ca.sign(pdf, who);

beforeAll(async () => {
  ca = await makeTestCa();
  issuedPdf = Buffer.from(await renderMinutesPdf(buildFixture().record));
  issued = [issuedMinutesOf(issuedPdf, '2026-11-26T04:30:00.000Z')];
  signedOnce = await sign(issuedPdf, 'secretary');
  signedTwice = await sign(signedOnce, 'chair');
}, 120_000);
afterAll(() => ca.close());

describe('signed minutes', () => {
  test('accepts the issued PDF signed by secretary then chair and lists both signatures', async () => {
    const r = await checkSignedMinutes(signedTwice, issued);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.issued).toEqual(issued[0]);
    expect(r.signatures.map((s) => s.signer)).toEqual(['Nguyen Van secretary', 'Nguyen Van chair']);
    for (const s of r.signatures) {
      expect(s.organization).toBe('UBND Thanh pho Ha Noi');
      expect(s.issuer).toBe('GiaoBan throw-away test CA');
      expect(Date.now() - Date.parse(s.signingTime!)).toBeLessThan(10 * 60_000);
      // Every signature covers the whole issued PDF.
      expect(s.byteRange[0]).toBe(0);
      expect(s.byteRange[1]).toBeGreaterThan(issuedPdf.length);
    }
    const last = r.signatures[1]!.byteRange;
    expect(last[2] + last[3]).toBe(signedTwice.length);
    expect(r.chainVerified).toBe(false);
  });

  test('refuses a file whose issued part was altered', async () => {
    const altered = Buffer.from(signedTwice);
    const at = altered.indexOf('Pages');
    altered[at] = 'p'.charCodeAt(0);
    const r = await checkSignedMinutes(altered, issued);
    expect(r).toMatchObject({ ok: false, code: 'not_issued' });
  });

  test('refuses a signature that no longer matches what it signed', async () => {
    const altered = Buffer.from(signedTwice);
    const at = altered.lastIndexOf('/Name (chair)');
    altered[at + 7] = 'X'.charCodeAt(0);
    const r = await checkSignedMinutes(altered, issued);
    expect(r).toMatchObject({ ok: false, code: 'bad_signature' });
    if (!r.ok) expect(r.reason).toMatch(/^signature 2: /);
  });

  test('refuses a page rewritten after the last signature', async () => {
    const r = await checkSignedMinutes(rewriteFirstPage(signedTwice), issued);
    expect(r).toMatchObject({ ok: false, code: 'uncovered_bytes' });
  });

  test('refuses a page rewritten and then signed over', async () => {
    const r = await checkSignedMinutes(await sign(rewriteFirstPage(signedOnce), 'chair'), issued);
    expect(r).toMatchObject({ ok: false, code: 'modified' });
    if (!r.ok) {
      expect(r.reason).toContain('/Page /Contents changed');
      expect(r.reasonVi).toContain('bị thay đổi');
    }
  });

  test('refuses the unsigned issued PDF, another PDF and a non-PDF', async () => {
    expect(await checkSignedMinutes(issuedPdf, issued)).toMatchObject({
      ok: false,
      code: 'unsigned',
    });
    const other = Buffer.from(await renderMinutesPdf({ ...buildFixture().record, title: 'Khác' }));
    expect(await checkSignedMinutes(await sign(other, 'chair'), issued)).toMatchObject({
      ok: false,
      code: 'not_issued',
    });
    expect(await checkSignedMinutes(Buffer.from('hello'), issued)).toMatchObject({
      ok: false,
      code: 'not_pdf',
    });
  });

  test('files an accepted upload with the meeting and keeps it retrievable', async () => {
    const docs = new Map<string, string>();
    const archive = new MinutesArchive({
      putMeetingDoc: async (m, k, v) => void docs.set(`${m}/${k}`, v),
      getMeetingDoc: async (m, k) => docs.get(`${m}/${k}`),
    });
    await archive.recordIssued('m1', issuedPdf, '2026-11-26T04:30:00.000Z');
    const refused = await archive.file('m1', rewriteFirstPage(signedTwice), {
      by: 'Thư ký',
      at: '2026-11-27T01:00:00.000Z',
    });
    expect(refused).toMatchObject({ accepted: false, problem: 'uncovered_bytes' });
    expect(await archive.signed('m1')).toBeNull();
    const ok = await archive.file('m1', signedTwice, {
      by: 'Thư ký',
      at: '2026-11-27T01:00:00.000Z',
      fileName: 'BienBan-ky.pdf',
    });
    expect(ok.accepted).toBe(true);
    expect((await archive.signed('m1'))?.signatures).toHaveLength(2);
    expect(Buffer.from((await archive.signedPdf('m1'))!).equals(signedTwice)).toBe(true);
    // Another meeting's archive knows nothing of this PDF.
    expect(await archive.file('m2', signedTwice, { by: 'x', at: 'y' })).toMatchObject({
      accepted: false,
      problem: 'not_issued',
    });
  });
});
