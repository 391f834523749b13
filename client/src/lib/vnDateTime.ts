/**
 * Dates and times the way Vietnamese offices write them: "26/11/2026" and "08:05" (24-hour), in
 * Vietnam's zone (UTC+7 all year, no daylight saving) whatever zone the browser is set to, because
 * a briefing is scheduled in Hà Nội time. The browser's own date pickers would show mm/dd/yyyy and
 * AM/PM on an English system, so the forms use these text fields instead.
 */
export const VN_OFFSET_MINUTES = 7 * 60;

const pad = (n: number) => String(n).padStart(2, '0');

export interface VnDate {
  year: number;
  month: number;
  day: number;
}

/** "26/11/2026", "26-11-2026", "26.11.2026", "1/3/2026" → the date; anything else → null. */
export function parseVnDate(text: string): VnDate | null {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return null;
  const day = Number(m[1]);
  const month = Number(m[2]);
  const year = Number(m[3]);
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (
    year < 2000 ||
    year > 2100 ||
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== day
  ) {
    return null;
  }
  return { year, month, day };
}

/** "08:05", "8:05", "8h05", "08 giờ 05" → minutes after midnight; anything else → null. */
export function parseVnTime(text: string): number | null {
  const m = /^\s*(\d{1,2})\s*(?::|h|giờ)\s*(\d{2})\s*(?:phút)?\s*$/i.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return h * 60 + min;
}

/** The ISO instant of a Vietnamese date and time, or null when either does not parse. */
export function vnToIso(date: string, time: string): string | null {
  const d = parseVnDate(date);
  const t = parseVnTime(time);
  if (!d || t === null) return null;
  const ms = Date.UTC(d.year, d.month - 1, d.day) + (t - VN_OFFSET_MINUTES) * 60_000;
  return new Date(ms).toISOString();
}

function vnParts(iso: string | number | Date) {
  const ms = typeof iso === 'number' ? iso : new Date(iso).getTime();
  const d = new Date(ms + VN_OFFSET_MINUTES * 60_000);
  return {
    date: `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`,
  };
}

/** "26/11/2026" in Vietnam's zone. */
export function formatVnDate(iso: string | number | Date): string {
  return vnParts(iso).date;
}

/** "08:05" in Vietnam's zone. */
export function formatVnTime(iso: string | number | Date): string {
  return vnParts(iso).time;
}

/** "08:05 26/11/2026": how a Vietnamese schedule writes a moment. */
export function formatVnDateTime(iso: string | number | Date): string {
  const p = vnParts(iso);
  return `${p.time} ${p.date}`;
}
