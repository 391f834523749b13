import { buildAttendanceTable, type Cell } from './AttendanceTable.js';
import { LABELS } from './labels.js';
import type { MeetingRecord } from './MeetingRecord.js';
import { formatDateTime } from './time.js';

/**
 * Attendance report as a standalone printable HTML page (A4 landscape, header row repeated on
 * every printed page). No script, no external resources; every value is HTML-escaped, so the
 * server can serve it as-is behind a strict Content-Security-Policy.
 */
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

function cellHtml(cell: Cell, tag: 'td' | 'th' = 'td'): string {
  switch (cell.kind) {
    case 'text':
      return `<${tag}>${escapeHtml(cell.value)}</${tag}>`;
    case 'number':
      return `<${tag} class="num">${cell.value}</${tag}>`;
    case 'datetime':
      return `<${tag} class="time">${escapeHtml(cell.text)}</${tag}>`;
    case 'empty':
      return `<${tag}></${tag}>`;
  }
}

const STYLE = `
@page { size: A4 landscape; margin: 12mm 10mm; }
body { font-family: "Times New Roman", Times, serif; font-size: 12pt; margin: 0; color: #000; }
h1 { font-size: 14pt; text-align: center; margin: 0 0 2mm; }
p.meeting { text-align: center; margin: 0 0 4mm; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #000; padding: 1mm 1.5mm; vertical-align: top; }
thead th { background: #d9e1f2; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
td.num { text-align: right; }
td.time { white-space: nowrap; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; }
table.summary { width: auto; break-inside: avoid; }
table.summary th { text-align: left; background: none; }
p.generated { font-size: 10pt; font-style: italic; margin-top: 4mm; }
`;

export function renderAttendanceHtml(record: MeetingRecord): string {
  const table = buildAttendanceTable(record);
  const head = table.columns.map((c) => `<th scope="col">${escapeHtml(c.header)}</th>`).join('');
  const rows = table.rows.map((row) => `<tr>${row.map((c) => cellHtml(c)).join('')}</tr>`);
  const summary = table.summaryLines.map(
    (l) => `<tr><th scope="row">${escapeHtml(l.label)}</th>${cellHtml(l.value)}</tr>`,
  );
  return [
    '<!DOCTYPE html>',
    '<html lang="vi">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(`${table.title} - ${table.meetingTitle}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeHtml(table.title)}</h1>`,
    `<p class="meeting">${escapeHtml(table.meetingTitle)}</p>`,
    '<table class="attendance">',
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
    `<h2>${escapeHtml(LABELS.attendance.summary.heading)}</h2>`,
    `<table class="summary"><tbody>${summary.join('\n')}</tbody></table>`,
    `<p class="generated">${escapeHtml(LABELS.attendance.summary.generatedAt)}: ${escapeHtml(
      formatDateTime(table.generatedAt),
    )}</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
