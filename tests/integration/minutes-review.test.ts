// The secretary reviews the minutes over REST before she exports them: bounded, role-checked,
// versioned, stored in the real store (redis) and printed in the PDF the hub issues; the
// attendance handout downloads as PDF.
import type { MinutesReviewView } from '@giaoban/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfText } from '../../server/src/records/testkit';
import { login, rest, startTestHub, type TestHub } from '../harness/hub';

let t: TestHub;
let sec: string;
let chair: string;
beforeAll(async () => {
  t = await startTestHub();
  const p = t.seed.people;
  sec = (await login(t.url, p.secretary.username, p.secretary.password)).accessToken;
  chair = (await login(t.url, p.chair.username, p.chair.password)).accessToken;
});
afterAll(async () => {
  await t?.close();
});

type Err = { error: { code: string; message: string; issues?: Array<{ path: string }> } };
const path = () => `/api/meetings/${t.seed.meetingId}/minutes/review`;
const put = (token: string, body: unknown) =>
  rest<MinutesReviewView | Err>(t.url, 'PUT', path(), { token, body });

describe('the minutes review over REST', () => {
  it('is bounded, role-checked, versioned and printed in the issued PDF', async () => {
    const view = await rest<MinutesReviewView>(t.url, 'GET', path(), { token: chair });
    expect(view.status).toBe(200);
    expect(view.body.review.version).toBe(0);
    expect(view.body.locked).toBe(false);
    const items = view.body.defaults.items;
    expect(items.map((i) => i.number)).toEqual(items.map((_, i) => i + 1));

    // The chair reads but does not edit.
    const byChair = await put(chair, { expectedVersion: 0, closingText: 'x' });
    expect((byChair.body as Err).error.code).toBe('FORBIDDEN');
    // Over the limit: refused, naming the field.
    const long = await put(sec, { expectedVersion: 0, closingText: 'x'.repeat(1001) });
    expect(long.status).toBe(400);
    expect((long.body as Err).error.message).toMatch(/^closingText: /);
    // A conclusion for an item of another meeting is refused, naming it.
    const unknown = await put(sec, { expectedVersion: 0, conclusions: { nope: 'Kết luận' } });
    expect((unknown.body as Err).error.message).toBe('conclusions: unknown agenda items nope');
    const notHeld = items.find((i) => !i.held);
    if (notHeld) {
      const r = await put(sec, { expectedVersion: 0, conclusions: { [notHeld.id]: 'Kết luận' } });
      expect((r.body as Err).error.message).toMatch(/were not taken up/);
    }

    const closing = 'Cuộc họp kết thúc lúc 11 giờ 30 phút cùng ngày./.';
    const saved = await put(sec, {
      expectedVersion: 0,
      chairTitle: 'Chủ tịch UBND Thành phố',
      participants: [{ name: 'Lê Văn Đại Biểu', title: 'Giám đốc Sở Nội vụ' }],
      closingText: closing,
    });
    expect(saved.status).toBe(200);
    expect((saved.body as MinutesReviewView).review).toMatchObject({
      version: 1,
      closingText: closing,
    });
    // A second tab still on version 0 does not overwrite it.
    const stale = await put(sec, { expectedVersion: 0, closingText: 'Khác' });
    expect((stale.body as Err).error.code).toBe('CONFLICT');

    const pdf = await rest(t.url, 'GET', `/api/meetings/${t.seed.meetingId}/minutes.pdf`, {
      token: sec,
    });
    const text = (await pdfText(new Uint8Array(pdf.bytes))).replace(/\s+/g, ' ');
    expect(text).toContain(closing);
    expect(text).toContain('Lê Văn Đại Biểu, Giám đốc Sở Nội vụ');
    expect(text).toContain('Chủ tịch UBND Thành phố');
    const again = await rest<MinutesReviewView>(t.url, 'GET', path(), { token: sec });
    expect(again.body.review.version).toBe(1);
  }, 120_000);

  it('serves the attendance handout as a PDF with a readable name', async () => {
    const r = await rest(t.url, 'GET', `/api/meetings/${t.seed.meetingId}/attendance.pdf`, {
      token: sec,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('content-disposition')).toMatch(/DiemDanh-\d{4}-\d{2}-\d{2}\.pdf/);
    expect(await pdfText(new Uint8Array(r.bytes))).toContain('NGƯỜI LẬP BIỂU');
  }, 60_000);
});
