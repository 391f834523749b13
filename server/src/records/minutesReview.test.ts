import { MinutesReviewBody } from '@giaoban/shared';
import { describe, expect, test } from 'vitest';
import { buildFixture } from './fixture.js';
import { MinutesArchive, MinutesLockedError, ReviewConflictError } from './MinutesArchive.js';
import { buildMinutesDocument, paragraphText } from './MinutesDocument.js';
import {
  applyMinutesReview,
  checkReviewFields,
  minutesReviewView,
  ReviewFieldError,
} from './minutesReview.js';

const memoryArchive = () => {
  const docs = new Map<string, string>();
  return new MinutesArchive({
    putMeetingDoc: async (m, k, v) => void docs.set(`${m}/${k}`, v),
    getMeetingDoc: async (m, k) => docs.get(`${m}/${k}`),
  });
};
const meta = { by: 'Thư ký', at: '2026-11-26T05:00:00.000Z' };
const textOf = (record: ReturnType<typeof buildFixture>['record']) => {
  const doc = buildMinutesDocument(record);
  return [...doc.body, doc.closing].map(paragraphText).join('\n');
};

describe('the secretary reviews the minutes before export', () => {
  test('titles, participants, conclusions and the closing line reach the printed minutes', () => {
    const { record } = buildFixture();
    const reviewed = applyMinutesReview(record, {
      version: 1,
      chairTitle: 'Chủ tịch UBND Thành phố',
      participants: [{ name: 'Nguyễn Văn A', title: 'Giám đốc Sở Nội vụ' }],
      conclusions: { a1: 'Giao Sở Tài chính tổng hợp trước ngày 05/12.' },
      closingText: 'Cuộc họp kết thúc lúc 10 giờ 05 phút cùng ngày.',
    });
    const text = textOf(reviewed);
    expect(text).toContain('Chủ tịch UBND Thành phố');
    expect(text).not.toContain('Phó Chủ tịch UBND Thành phố');
    expect(text).toContain('Nguyễn Văn A');
    expect(text).toContain('Giao Sở Tài chính tổng hợp trước ngày 05/12.');
    expect(text).not.toContain('Các phường hoàn thành báo cáo');
    // Item 2 was not reviewed: it keeps what was noted in the meeting.
    expect(text).toContain('không được chạy như công thức');
    expect(paragraphText(buildMinutesDocument(reviewed).closing)).toBe(
      'Cuộc họp kết thúc lúc 10 giờ 05 phút cùng ngày.',
    );
    // The log's record itself is untouched.
    expect(record.chair.title).toBe('Phó Chủ tịch UBND Thành phố');
  });

  test('an empty title clears the account title; no review leaves the record as it is', () => {
    const { record } = buildFixture();
    expect(applyMinutesReview(record, null)).toBe(record);
    expect(applyMinutesReview(record, { version: 1, chairTitle: '' }).chair).toEqual({
      name: record.chair.name,
    });
  });

  test('the view shows what the minutes say without the review, items numbered from 1', () => {
    const { record } = buildFixture();
    const view = minutesReviewView(record, null, false);
    expect(view.review.version).toBe(0);
    expect(view.defaults.chairTitle).toBe('Phó Chủ tịch UBND Thành phố');
    expect(view.defaults.closingText).toMatch(/^Cuộc họp kết thúc vào lúc \d\d giờ \d\d phút/);
    expect(view.defaults.items.map((i) => [i.number, i.id, i.held])).toEqual([
      [1, 'a1', true],
      [2, 'a2', true],
      [3, 'a3', false],
    ]);
  });

  test('conclusions for unknown items or items never taken up are refused, naming them', () => {
    const { record } = buildFixture();
    expect(() => checkReviewFields(record, { conclusions: { a9: 'x' } })).toThrow(
      /conclusions: unknown agenda items a9/,
    );
    expect(() => checkReviewFields(record, { conclusions: { a3: 'Kết luận' } })).toThrow(
      ReviewFieldError,
    );
    expect(() => checkReviewFields(record, { conclusions: { a3: '', a1: 'ok' } })).not.toThrow();
  });

  test('the schema bounds every field and names it', () => {
    const tooLong = MinutesReviewBody.safeParse({
      expectedVersion: 0,
      closingText: 'x'.repeat(1001),
    });
    expect(tooLong.success).toBe(false);
    expect(tooLong.error?.issues[0]?.path).toEqual(['closingText']);
    const many = MinutesReviewBody.safeParse({
      expectedVersion: 0,
      participants: Array.from({ length: 51 }, () => ({ name: 'A' })),
    });
    expect(many.error?.issues[0]?.path).toEqual(['participants']);
    const noName = MinutesReviewBody.safeParse({
      expectedVersion: 0,
      participants: [{ name: ' ' }],
    });
    expect(noName.error?.issues[0]?.path).toEqual(['participants', 0, 'name']);
    expect(MinutesReviewBody.safeParse({ closingText: 'x' }).success).toBe(false);
  });

  test('saves are versioned: a stale edit is a conflict, filed signed minutes lock the review', async () => {
    const archive = memoryArchive();
    const first = await archive.saveReview('m1', { closingText: 'Một' }, 0, meta);
    expect(first).toMatchObject({ version: 1, closingText: 'Một', updatedBy: 'Thư ký' });
    await expect(archive.saveReview('m1', { closingText: 'Hai' }, 0, meta)).rejects.toThrow(
      ReviewConflictError,
    );
    expect((await archive.review('m1'))?.closingText).toBe('Một');
    // A save replaces the whole review: a field left out goes back to the log's value.
    const second = await archive.saveReview('m1', { chairTitle: 'Chủ tịch' }, 1, meta);
    expect(second.closingText).toBeUndefined();
    expect(await archive.review('m2')).toBeNull();

    const locked = memoryArchive();
    // Filing needs a verified upload; the lock only looks at whether one is filed.
    locked.signed = async () => ({}) as never;
    await expect(locked.saveReview('m1', {}, 0, meta)).rejects.toThrow(MinutesLockedError);
  });
});
