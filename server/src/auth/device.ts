import Bowser from 'bowser';

/**
 * A short label of the browser and system a session came from ("Chrome 156 · Windows 10"), what
 * a secretary recognises in a session list or when a site's link was taken over. bowser reads the
 * user agent; an empty or unreadable one becomes "?".
 */
export function deviceLabel(userAgent: string): string {
  if (!userAgent.trim()) return '?';
  let p: Bowser.Parser.ParsedResult;
  try {
    p = Bowser.parse(userAgent);
  } catch {
    return userAgent.slice(0, 40);
  }
  const major = p.browser.version?.split('.')[0];
  const browser = p.browser.name ? `${p.browser.name}${major ? ` ${major}` : ''}` : '';
  const os = [p.os.name, p.os.versionName ?? ''].filter(Boolean).join(' ');
  const label = [browser, os].filter(Boolean).join(' · ');
  return label || userAgent.slice(0, 40);
}
