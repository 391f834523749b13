/**
 * XML text helpers shared by the OOXML writers. Everything a user typed (site names, notes,
 * conclusions) goes through `xmlText`/`xmlAttr`, so `<script>` or `=HYPERLINK(...)` end up as
 * inert character data, and characters XML 1.0 forbids (NUL, most C0 controls, lone surrogates,
 * U+FFFE/U+FFFF) are dropped instead of producing a file Word or Excel refuses to open.
 */

function isAllowedCodeUnitRun(s: string, i: number): 0 | 1 | 2 {
  const c = s.charCodeAt(i);
  if (c === 0x09 || c === 0x0a || c === 0x0d) return 1;
  if (c < 0x20 || c === 0xfffe || c === 0xffff) return 0;
  if (c >= 0xd800 && c <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    return next >= 0xdc00 && next <= 0xdfff ? 2 : 0;
  }
  if (c >= 0xdc00 && c <= 0xdfff) return 0;
  return 1;
}

/** Removes characters that cannot appear in an XML 1.0 document. */
export function stripInvalidXmlChars(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const n = isAllowedCodeUnitRun(s, i);
    if (n === 0) {
      i += 1;
      continue;
    }
    out += s.slice(i, i + n);
    i += n;
  }
  return out;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escaped character data. CR is written as a reference so parsers do not normalise it away. */
export function xmlText(s: string): string {
  return stripInvalidXmlChars(s)
    .replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch)
    .replace(/\r/g, '&#13;');
}

/** Escaped attribute value; whitespace controls are kept as references. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
