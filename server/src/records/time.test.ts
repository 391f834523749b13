import { describe, expect, test } from 'vitest';
import { RecordRenderError } from './RecordRenderError.js';
import {
  formatDateTime,
  formatDuration,
  formatVnClock,
  formatVnDate,
  parseInstant,
  toLocal,
  toSpreadsheetSerial,
  zoneOffsetMinutes,
} from './time.js';

const HCM = 'Asia/Ho_Chi_Minh';
const local = (iso: string, tz = HCM) => toLocal(parseInstant(iso, 'test'), tz);

describe('local time', () => {
  test('Asia/Ho_Chi_Minh is UTC+7 and crosses midnight into the next local day', () => {
    const t = local('2026-11-26T17:30:05.999Z');
    expect(t.offsetMinutes).toBe(420);
    expect(formatDateTime(t)).toBe('27/11/2026 00:30:05');
  });

  test('offsets follow daylight saving in zones that have it', () => {
    expect(zoneOffsetMinutes(Date.parse('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe(120);
    expect(zoneOffsetMinutes(Date.parse('2026-01-01T12:00:00Z'), 'Europe/Berlin')).toBe(60);
    expect(zoneOffsetMinutes(Date.parse('2026-01-01T12:00:00Z'), 'Asia/Kolkata')).toBe(330);
  });

  test('Vietnamese administrative dates pad days below 10 and months 1 and 2 only', () => {
    expect(formatVnDate(local('2026-02-05T03:00:00Z'))).toBe('ngày 05 tháng 02 năm 2026');
    expect(formatVnDate(local('2026-03-01T03:00:00Z'))).toBe('ngày 01 tháng 3 năm 2026');
    expect(formatVnDate(local('2026-11-26T03:00:00Z'))).toBe('ngày 26 tháng 11 năm 2026');
    expect(formatVnClock(local('2026-11-26T01:05:00Z'))).toBe('08 giờ 05 phút');
  });

  test('spreadsheet serials count days from 1899-12-30 in local wall-clock time', () => {
    // 45658 is 2025-01-01 in Excel's 1900 date system; 2025 has 365 days.
    expect(toSpreadsheetSerial(local('2025-12-31T17:00:00Z'))).toBe(46023);
    expect(toSpreadsheetSerial(local('2026-01-01T05:00:00Z'))).toBe(46023.5);
  });

  test('durations read as minutes and seconds', () => {
    expect(formatDuration(200)).toBe('3 phút 20 giây');
    expect(formatDuration(300)).toBe('5 phút');
    expect(formatDuration(45)).toBe('45 giây');
  });

  test('bad zones and instants are typed errors naming the field', () => {
    expect(() => local('2026-11-26T01:00:00Z', 'Mars/Olympus')).toThrow(RecordRenderError);
    expect(() => parseInstant('26/11/2026', 'firstJoinAt')).toThrow(/firstJoinAt/);
    expect(() => parseInstant('2026-13-45T00:00:00Z', 'x')).toThrow(RecordRenderError);
  });
});
