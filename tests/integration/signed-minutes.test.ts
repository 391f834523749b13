// The signed minutes come back: the secretary downloads the minutes PDF of an ended meeting, chair
// and secretary sign it (a throw-away CA made by openssl at test time), she uploads it and the hub
// files it with the meeting, listing each signer; an altered file is refused with the reason.
import type { SignedMinutesResult, SignedMinutesStatus } from '@giaoban/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCa, rewriteFirstPage, type TestCa } from '../../server/src/records/testSigning';
import { login, rest, startTestHub, type TestHub } from '../harness/hub';

let t: TestHub;
let ca: TestCa;
let sec: string;
let chair: string;
beforeAll(async () => {
  t = await startTestHub();
  ca = await makeTestCa();
  const p = t.seed.people;
  sec = (await login(t.url, p.secretary.username, p.secretary.password)).accessToken;
  chair = (await login(t.url, p.chair.username, p.chair.password)).accessToken;
});
afterAll(async () => {
  ca?.close();
  await t?.close();
});

const upload = (token: string, pdf: Buffer, fileName = 'BienBan-da-ky.pdf') =>
  rest<SignedMinutesResult | { error: { code: string } }>(
    t.url,
    'POST',
    `/api/meetings/${t.seed.meetingId}/minutes/signed`,
    { token, body: { pdf: pdf.toString('base64'), fileName } },
  );

describe('signed minutes over REST', () => {
  it('files the issued PDF signed twice, refuses altered ones, and serves the filed copy', async () => {
    const id = t.seed.meetingId;
    const early = await upload(sec, Buffer.from('%PDF-1.7\n'));
    expect((early.body as { error: { code: string } }).error.code).toBe('INVALID_STATE');
    await rest(t.url, 'POST', `/api/meetings/${id}/transition`, {
      token: chair,
      body: { to: 'adjourned' },
    });
    const issued = await rest(t.url, 'GET', `/api/meetings/${id}/minutes.pdf`, { token: sec });
    expect(issued.status).toBe(200);
    const signed = await ca.sign(await ca.sign(Buffer.from(issued.bytes), 'secretary'), 'chair');

    // The chair signs but does not file: only the secretary (or an admin) does.
    expect(((await upload(chair, signed)).body as { error: { code: string } }).error.code).toBe(
      'FORBIDDEN',
    );
    const altered = await upload(sec, rewriteFirstPage(signed));
    expect(altered.body).toMatchObject({ accepted: false, problem: 'uncovered_bytes' });
    expect((altered.body as { reasonVi: string }).reasonVi).toContain('sau chữ ký cuối cùng');

    const ok = await upload(sec, signed);
    expect(ok.status).toBe(200);
    const filed = ok.body as Extract<SignedMinutesResult, { accepted: true }>;
    expect(filed.accepted).toBe(true);
    expect(filed.filed.signatures.map((s) => s.signer)).toEqual([
      'Nguyen Van secretary',
      'Nguyen Van chair',
    ]);
    expect(filed.filed.fileName).toBe('BienBan-da-ky.pdf');

    const status = await rest<SignedMinutesStatus>(
      t.url,
      'GET',
      `/api/meetings/${id}/minutes/signed`,
      {
        token: chair,
      },
    );
    expect(status.body.filed?.sha256).toBe(filed.filed.sha256);
    const copy = await rest(t.url, 'GET', `/api/meetings/${id}/minutes.signed.pdf`, { token: sec });
    expect(Buffer.from(copy.bytes).equals(signed)).toBe(true);
    expect(copy.headers.get('content-disposition')).toMatch(
      /BienBan-\d{4}-\d{2}-\d{2}.*-DaKy\.pdf/,
    );
  }, 120_000);
});
