import { LABELS } from './labels.js';
import { RecordRenderError } from './RecordRenderError.js';

/**
 * Wall-clock time in a zone, computed without trusting locale data for the output.
 *
 * Intl is used only to learn the zone's UTC offset at an instant (formatToParts with latin digits
 * and a 23-hour clock); every printed digit is then formatted here, so documents look the same on
 * any ICU build (small-icu, full-icu, browser) and never pick up locale quirks such as narrow
 * no-break spaces or "24:00".
 */
export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Offset from UTC in minutes at that instant (+420 for Asia/Ho_Chi_Minh). */
  offsetMinutes: number;
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        numberingSystem: 'latn',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new RecordRenderError('timeZone', `unknown time zone "${timeZone}"`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RecordRenderError unless the zone is known to Intl. */
export function assertTimeZone(timeZone: string): void {
  zoneFormatter(timeZone);
}

/** Parses an ISO-8601 instant strictly (with Z or an offset); `field` names it in the error. */
export function parseInstant(iso: string, field: string): number {
  const ms = ISO_INSTANT.test(iso) ? Date.parse(iso) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new RecordRenderError(field, `not an ISO-8601 instant: "${iso}"`);
  }
  return ms;
}

/** UTC offset of `timeZone` at `ms`, in minutes. */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  const parts = zoneFormatter(timeZone).formatToParts(new Date(wholeSecond));
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const p = parts.find((x) => x.type === type);
    return p ? Number.parseInt(p.value, 10) : 0;
  };
  // Some engines print midnight as 24 even with h23; treat it as 0 of the same day.
  const hour = get('hour') % 24;
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    hour,
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - wholeSecond) / 60_000);
}

export function toLocal(ms: number, timeZone: string): LocalTime {
  const offsetMinutes = zoneOffsetMinutes(ms, timeZone);
  const d = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    offsetMinutes,
  };
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** "26/11/2026 08:05:12". */
export function formatDateTime(t: LocalTime): string {
  return `${pad2(t.day)}/${pad2(t.month)}/${t.year} ${formatClock(t)}`;
}

/** "26/11/2026". */
export function formatDate(t: LocalTime): string {
  return `${pad2(t.day)}/${pad2(t.month)}/${t.year}`;
}

/** "08:05:12". */
export function formatClock(t: LocalTime): string {
  return `${pad2(t.hour)}:${pad2(t.minute)}:${pad2(t.second)}`;
}

/** "08:05". */
export function formatHourMinute(t: LocalTime): string {
  return `${pad2(t.hour)}:${pad2(t.minute)}`;
}

/** "08 giờ 05 phút", as administrative documents write a time. */
export function formatVnClock(t: LocalTime): string {
  return LABELS.time.clock(pad2(t.hour), pad2(t.minute));
}

/**
 * "ngày 05 tháng 02 năm 2026". Decree 30/2020/NĐ-CP, Appendix I: days below 10 and the months
 * 1 and 2 take a leading zero; other months do not ("ngày 26 tháng 11", "ngày 01 tháng 3").
 */
export function formatVnDate(t: LocalTime): string {
  const month = t.month <= 2 ? pad2(t.month) : String(t.month);
  return LABELS.time.date(pad2(t.day), month, String(t.year));
}

export function sameLocalDay(a: LocalTime, b: LocalTime): boolean {
  return a.year === b.year && a.month === b.month && a.day === b.day;
}

/**
 * Spreadsheet serial date (1900 date system, days since 1899-12-30) for the wall-clock time, so
 * the cell shows the local time the report is about. Whole seconds keep the decimals stable.
 */
export function toSpreadsheetSerial(t: LocalTime): number {
  const days = Date.UTC(t.year, t.month - 1, t.day) / 86_400_000 + 25_569;
  const secondsOfDay = t.hour * 3600 + t.minute * 60 + t.second;
  return days + secondsOfDay / 86_400;
}

/** "3 phút 20 giây". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  return LABELS.time.duration(Math.floor(s / 60), s % 60);
}

/** W3C date-time in UTC without milliseconds, as OOXML core properties expect. */
export function toW3cdtf(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}
