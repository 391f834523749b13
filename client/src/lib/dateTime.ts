/**
 * A moment as officials write it: "19:35 03/12/2026" in Vietnamese (time, then day/month/year,
 * two-digit day and month), the locale's own order otherwise.
 */
export function dateTime(iso: string | number, locale: string): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hour12: false });
  const date = d.toLocaleDateString(locale, { day: '2-digit', month: '2-digit', year: 'numeric' });
  return locale.startsWith('vi') ? `${time} ${date}` : `${date} ${time}`;
}
