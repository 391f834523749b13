// CSV for spreadsheets, shared by the hub's attendance export and the browser's invitation list.
// Zod-free so the client can import it (`@giaoban/shared/csv`) without the schemas.

/**
 * Cells that a spreadsheet would run as a formula (starting with = + - @ tab or CR) get a leading
 * apostrophe (OWASP "CSV injection"): a site named =HYPERLINK("http://x","y") shows as text.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** RFC 4180 quoting. */
export function quoteCsvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One record: every field neutralised and quoted, padded to `width` fields (RFC 4180). */
export function csvLine(fields: readonly string[], width = fields.length): string {
  const padded = [...fields];
  while (padded.length < width) padded.push('');
  return padded.map((f) => quoteCsvField(neutraliseFormula(f))).join(',');
}

/** A whole file: UTF-8 BOM (so Excel reads Vietnamese correctly) and CRLF line ends. */
export function csvDocument(lines: readonly string[]): string {
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
