import { describe, expect, test } from 'vitest';
import { buildFixture } from './fixture.js';
import { buildMinutesDocument, paragraphText } from './MinutesDocument.js';

const textOf = (record: ReturnType<typeof buildFixture>['record']) => {
  const doc = buildMinutesDocument(record);
  return [...doc.body, doc.closing].map(paragraphText).join('\n');
};

describe('the minutes say when the meeting was recorded (issue #13)', () => {
  test('one line under the form: each recording with its start, its stop and its segments', () => {
    const { record } = buildFixture();
    expect(textOf(record)).not.toContain('Ghi hình');
    record.recordings = [
      { startedAt: '2026-11-26T01:05:00.000Z', stoppedAt: '2026-11-26T02:30:00.000Z', segments: 2 },
      { startedAt: '2026-11-26T02:40:00.000Z', segments: 1 },
    ];
    expect(textOf(record)).toContain(
      'Ghi hình: bắt đầu 08 giờ 05 phút, kết thúc 09 giờ 30 phút (2 đoạn); bắt đầu 09 giờ 40 phút.',
    );
  });
});
