import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildFixture } from './fixture.js';
import { MinutesArchive } from './MinutesArchive.js';
import { renderMinutesPdf } from './pdf.js';
import {
  checkSignedMinutes,
  derOfContents,
  type IssuedMinutes,
  issuedMinutesOf,
} from './signedMinutes.js';
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

/**
 * The last signature's CMS given an unsigned attribute whose value ends in a 0x00 byte, so the DER
 * itself ends in 00 before the zero padding of /Contents, as about one real signature in 256 does
 * (its RSA value's last byte). Unsigned attributes are outside what the signature covers, so the
 * signature stays valid: a checker that finds the DER by stripping trailing zeros breaks it.
 */
function withDerEndingInZero(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const m = [...text.matchAll(/\/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+\d+\s*\]/g)].at(-1)!;
  const [b, c] = [Number(m[1]), Number(m[2])];
  // asn1js reads the first element and ignores the zero padding after it.
  const padded = Buffer.from(text.slice(b + 1, c - 1), 'hex');
  const root = asn1js.fromBER(new Uint8Array(padded).buffer).result as asn1js.Sequence;
  const signedData = (root.valueBlock.value[1] as asn1js.Constructed).valueBlock
    .value[0] as asn1js.Sequence;
  const signerInfos = signedData.valueBlock.value.at(-1) as asn1js.Set;
  const signerInfo = signerInfos.valueBlock.value[0] as asn1js.Sequence;
  signerInfo.valueBlock.value.push(
    new asn1js.Constructed({
      idBlock: { tagClass: 3, tagNumber: 1 },
      value: [
        new asn1js.Sequence({
          value: [
            new asn1js.ObjectIdentifier({ value: '1.3.6.1.4.1.99999.1' }),
            new asn1js.Set({
              value: [new asn1js.OctetString({ valueHex: new Uint8Array([7, 0]).buffer })],
            }),
          ],
        }),
      ],
    }),
  );
  const hex = Buffer.from(root.toBER()).toString('hex');
  expect(hex.endsWith('00')).toBe(true);
  const room = c - 1 - (b + 1);
  expect(hex.length).toBeLessThanOrEqual(room);
  const out = Buffer.from(pdf);
  out.write(hex.padEnd(room, '0'), b + 1, 'latin1');
  return out;
}

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

  test('accepts a signature whose DER ends in a 0x00 byte (CI of 2026-12-03 refused one)', async () => {
    const r = await checkSignedMinutes(withDerEndingInZero(signedTwice), issued);
    expect(r).toMatchObject({ ok: true });
    if (r.ok)
      expect(r.signatures.map((s) => s.signer)).toEqual([
        'Nguyen Van secretary',
        'Nguyen Van chair',
      ]);
  });

  test('finds the DER in a zero-padded /Contents by its declared length', () => {
    const der = Uint8Array.from([0x30, 0x03, 0x04, 0x01, 0x00]);
    const padded = Uint8Array.from([...der, 0, 0, 0, 0]);
    expect(derOfContents(padded)).toEqual(der);
    const long = Uint8Array.from([0x30, 0x81, 0x02, 0x05, 0x00, 0, 0]);
    expect(derOfContents(long)).toEqual(long.subarray(0, 5));
    // Not a SEQUENCE, longer than its room, or something other than padding after it.
    expect(derOfContents(Uint8Array.from([0x31, 0x00]))).toBeUndefined();
    expect(derOfContents(Uint8Array.from([0x30, 0x05, 0x00]))).toBeUndefined();
    expect(derOfContents(Uint8Array.from([0x30, 0x00, 0x01]))).toBeUndefined();
    expect(derOfContents(Uint8Array.from([0x30, 0x80, 0x00, 0x00]))).toBeUndefined();
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
