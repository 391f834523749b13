import { describe, expect, it } from 'vitest';
import {
  formatVnDate,
  formatVnDateTime,
  formatVnTime,
  parseVnDate,
  parseVnTime,
  vnToIso,
} from './vnDateTime';

describe('Vietnamese dates and times', () => {
  it('reads day first, with slashes, dashes or dots, and refuses impossible days', () => {
    expect(parseVnDate('26/11/2026')).toEqual({ year: 2026, month: 11, day: 26 });
    expect(parseVnDate('1.3.2026')).toEqual({ year: 2026, month: 3, day: 1 });
    expect(parseVnDate('31/02/2026')).toBeNull();
    expect(parseVnDate('11/26/2026')).toBeNull(); // mm/dd is not a Vietnamese date
    expect(parseVnDate('2026-11-26')).toBeNull();
  });

  it('reads a 24-hour time, also as "8h05" or "08 giờ 05", and refuses AM/PM', () => {
    expect(parseVnTime('08:05')).toBe(485);
    expect(parseVnTime('8h05')).toBe(485);
    expect(parseVnTime('14 giờ 30 phút')).toBe(870);
    expect(parseVnTime('24:00')).toBeNull();
    expect(parseVnTime('8:05 PM')).toBeNull();
  });

  it('converts in Vietnam time whatever the browser zone', () => {
    expect(vnToIso('26/11/2026', '08:00')).toBe('2026-11-26T01:00:00.000Z');
    expect(vnToIso('01/01/2027', '06:30')).toBe('2026-12-31T23:30:00.000Z');
    expect(vnToIso('26/11/2026', 'x')).toBeNull();
    const iso = '2026-11-25T23:30:00.000Z';
    expect(formatVnDate(iso)).toBe('26/11/2026');
    expect(formatVnTime(iso)).toBe('06:30');
    expect(formatVnDateTime(iso)).toBe('06:30 26/11/2026');
  });
});
