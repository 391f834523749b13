/**
 * Vietnamese-aware text helpers. Officials type ward names without diacritics ("hoan kiem") as
 * often as with them ("Hoàn Kiếm"), so search folds both sides.
 */
export function foldVietnamese(input: string): string {
  return input
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .trim();
}

export function matchesSearch(haystack: string, query: string): boolean {
  const q = foldVietnamese(query);
  if (q === '') return true;
  return foldVietnamese(haystack).includes(q);
}

const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

/** Compares names in Vietnamese alphabetical order (Ă, Â, Đ… in their places). */
export function compareVietnamese(a: string, b: string): number {
  return collator.compare(a, b);
}

/** mm:ss (or h:mm:ss) for timers; negative values show as overtime with a leading "+" by caller. */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * A count as the UI language writes it: "3.321" in Vietnamese, "3,321" in English. By hand, like
 * the server's documents (records/labels.ts `vnCount`), so the board never depends on ICU data.
 */
export function formatCount(n: number, lang: 'vi' | 'en'): string {
  const sep = lang === 'vi' ? '.' : ',';
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+$)/g, sep);
}
