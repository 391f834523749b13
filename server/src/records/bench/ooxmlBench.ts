/**
 * The OOXML writer decision, measured: our own writer (records/xlsx.ts, docx.ts over opc/wml/xml/
 * zip) against the well-kept libraries that would replace it, exceljs (attendance workbook) and
 * docx (minutes), on the same records: Hà Nội (126 wards) and a national call (3,321 communes).
 *
 * Measures per writer: render time (median and p95 of N runs after a warm-up, in this process),
 * byte stability (same record rendered twice a second apart: same SHA-256?), and the size the
 * writer adds to a server bundle (esbuild, minified, node platform). Prints JSON, then a table.
 *
 * The peers are not dependencies of the project (the decision is to keep our writer); install
 * them into a scratch directory and point the bench at it:
 *
 *   npm install --prefix /tmp/ooxml-peer exceljs@4.4.0 docx@9.15.2
 *   flock /work/.heavy.lock flock /work/.bench.lock \
 *     npx tsx server/src/records/bench/ooxmlBench.ts --peers /tmp/ooxml-peer [--runs 15]
 *
 * Each peer is given the same content and layout our writer produces (sheet 1 with its title
 * block, typed cells, borders, wrapped text, merges, frozen header, autofilter, A4 landscape fit to
 * width; the minutes' paragraphs with their fonts, indents and alignment), so the times compare
 * like with like.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type AttendanceHandout, buildAttendanceHandout, cellText } from '../AttendanceHandout.js';
import { renderAttendancePdf } from '../attendancePdf.js';
import { renderMinutesDocx } from '../docx.js';
import { buildFixture, nationalRecord } from '../fixture.js';
import type { MeetingRecord } from '../MeetingRecord.js';
import { buildMinutesDocument, paragraphText } from '../MinutesDocument.js';
import { renderMinutesPdf } from '../pdf.js';
import { renderAttendanceXlsx } from '../xlsx.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const peers = arg('peers');
const RUNS = Number(arg('runs') ?? 15);
if (!peers) {
  console.error('usage: ooxmlBench.ts --peers <dir with node_modules/exceljs and docx> [--runs N]');
  process.exit(2);
}
const peerRequire = createRequire(path.join(path.resolve(peers), 'package.json'));
// biome-ignore lint/suspicious/noExplicitAny: the peers are loaded at run time, untyped here
const ExcelJS: any = peerRequire('exceljs');
// biome-ignore lint/suspicious/noExplicitAny: the peers are loaded at run time, untyped here
const Docx: any = peerRequire('docx');

function hanoiRecord(): MeetingRecord {
  const national = nationalRecord();
  const hanoi = new Set(buildFixture().wards.map((w) => w.Code));
  return { ...national, attendance: national.attendance.filter((r) => hanoi.has(r.code)) };
}

// --- the peers, given the same document -------------------------------------------------------

async function exceljsAttendance(record: MeetingRecord): Promise<Uint8Array> {
  const h: AttendanceHandout = buildAttendanceHandout(record);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'GiaoBan';
  wb.created = new Date(record.generatedAt);
  const ws = wb.addWorksheet('Điểm danh', {
    views: [{ state: 'frozen', ySplit: 8 }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    },
  });
  const font = { name: 'Times New Roman', size: 12 };
  const border = {
    top: { style: 'thin' },
    left: { style: 'thin' },
    bottom: { style: 'thin' },
    right: { style: 'thin' },
  };
  ws.columns = h.columns.map((c) => ({ width: c.width }));
  const n = h.columns.length;
  const merged = (r: number, text: string, bold = false, size = 12) => {
    ws.mergeCells(r, 1, r, n);
    const cell = ws.getCell(r, 1);
    cell.value = text;
    cell.font = { ...font, bold, size };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  };
  ws.getCell(1, 1).value = h.header.issuingBody;
  ws.getCell(1, n - 1).value = h.header.nationalName;
  ws.getCell(2, n - 1).value = h.header.motto;
  merged(4, h.title, true, 14);
  merged(5, h.subject, true);
  merged(6, h.when);
  const header = ws.getRow(8);
  h.columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.header;
    cell.font = { ...font, bold: true };
    cell.border = border;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
  h.rows.forEach((row, r) => {
    const xr = ws.getRow(9 + r);
    row.forEach((cell, i) => {
      const c = xr.getCell(i + 1);
      if (cell.kind === 'number') c.value = cell.value;
      else if (cell.kind === 'datetime') {
        const t = cell.value;
        c.value = new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
        c.numFmt = 'dd/mm/yyyy hh:mm:ss';
      } else if (cell.kind === 'text') c.value = cell.value;
      c.font = font;
      c.border = border;
      c.alignment = { vertical: 'top', wrapText: true };
    });
    xr.height = 16;
  });
  const last = 8 + h.rows.length;
  ws.autoFilter = { from: { row: 8, column: 1 }, to: { row: last, column: n } };
  merged(last + 2, h.summary);
  ws.getCell(last + 4, n - 1).value = h.placeDate;
  ws.getCell(last + 5, n - 1).value = h.signer.label;
  ws.getCell(last + 8, n - 1).value = h.signer.name;
  const summary = wb.addWorksheet('Tổng hợp');
  for (const l of h.table.summaryLines) summary.addRow([l.label, cellText(l.value)]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

async function docxMinutes(record: MeetingRecord): Promise<Uint8Array> {
  const m = buildMinutesDocument(record);
  const {
    Document,
    Packer,
    Paragraph,
    TextRun,
    AlignmentType,
    Table,
    TableRow,
    TableCell,
    WidthType,
  } = Docx;
  const font = 'Times New Roman';
  const p = (text: string, opts: { bold?: boolean; italic?: boolean; center?: boolean } = {}) =>
    new Paragraph({
      alignment: opts.center ? AlignmentType.CENTER : AlignmentType.JUSTIFIED,
      children: [new TextRun({ text, bold: opts.bold, italics: opts.italic, font, size: 28 })],
    });
  const cell = (children: unknown[]) =>
    new TableCell({ children, width: { size: 50, type: WidthType.PERCENTAGE } });
  const header = new Table({
    rows: [
      new TableRow({
        children: [
          cell([
            p(m.header.issuingBody, { bold: true, center: true }),
            p(m.header.number, { center: true }),
          ]),
          cell([
            p(m.header.nationalName, { bold: true, center: true }),
            p(m.header.motto, { bold: true, center: true }),
            p(m.header.placeDate, { italic: true, center: true }),
          ]),
        ],
      }),
    ],
  });
  const body = [...m.body, m.closing].map(
    (para) =>
      new Paragraph({
        alignment: para.align === 'center' ? AlignmentType.CENTER : AlignmentType.JUSTIFIED,
        indent: { firstLine: para.indent * 567 },
        spacing: { before: 120 },
        keepNext: para.keepNext ?? false,
        children: para.runs.map(
          (r) => new TextRun({ text: r.text, bold: r.bold, italics: r.italic, font, size: 28 }),
        ),
      }),
  );
  const doc = new Document({
    creator: 'GiaoBan',
    title: m.meta.title,
    sections: [
      {
        properties: {
          page: { margin: { top: 1134, bottom: 1134, left: 1701, right: 850 } },
        },
        children: [
          header,
          p(m.title, { bold: true, center: true }),
          p(m.subject, { bold: true, center: true }),
          ...body,
          ...m.signatures.map((s) => p(`${s.label} ${s.hint} ${s.name}`, { center: true })),
        ],
      },
    ],
  });
  void paragraphText;
  return new Uint8Array(await Packer.toBuffer(doc));
}

// --- measuring --------------------------------------------------------------------------------

type Render = (r: MeetingRecord) => Uint8Array | Promise<Uint8Array>;

async function time(render: Render, record: MeetingRecord) {
  await render(record); // warm-up (fonts, JIT)
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const out = await render(record);
    ms.push(performance.now() - t0);
    bytes = out.length;
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
  return { medianMs: round(at(0.5)), p95Ms: round(at(0.95)), bytes };
}

async function stable(render: Render, record: MeetingRecord): Promise<boolean> {
  const sha = async () =>
    createHash('sha256')
      .update(await render(record))
      .digest('hex');
  const a = await sha();
  await new Promise((r) => setTimeout(r, 1100));
  return a === (await sha());
}

const round = (x: number) => Math.round(x * 10) / 10;
const here = path.dirname(fileURLToPath(import.meta.url));

/** Minified node bundle of an entry that only imports the writer: what it adds to the server. */
async function bundleBytes(source: string, resolveDir: string, external: string[] = []) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ooxml-bundle-'));
  const out = path.join(dir, 'out.js');
  await build({
    stdin: { contents: source, resolveDir, loader: 'ts' },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    external,
    logLevel: 'silent',
  });
  const size = statSync(out).size;
  rmSync(dir, { recursive: true, force: true });
  return size;
}

const records = { '126': hanoiRecord(), '3321': nationalRecord() };
const writers: Array<{
  name: string;
  kind: 'xlsx' | 'docx';
  render: Render;
  bundle: () => Promise<number>;
}> = [
  {
    name: 'ours xlsx',
    kind: 'xlsx',
    render: renderAttendanceXlsx,
    bundle: () =>
      bundleBytes("export { renderAttendanceXlsx } from './xlsx.ts';", path.join(here, '..')),
  },
  {
    name: 'exceljs 4.4.0',
    kind: 'xlsx',
    render: exceljsAttendance,
    bundle: () => bundleBytes("export { default } from 'exceljs';", path.resolve(peers)),
  },
  {
    name: 'ours docx',
    kind: 'docx',
    render: renderMinutesDocx,
    bundle: () =>
      bundleBytes("export { renderMinutesDocx } from './docx.ts';", path.join(here, '..')),
  },
  {
    name: 'docx 9.15.2',
    kind: 'docx',
    render: docxMinutes,
    bundle: () => bundleBytes("export * from 'docx';", path.resolve(peers)),
  },
];

// The PDFs have no peer here (pdfkit is the well-kept library): their times for the closing note.
writers.push(
  {
    name: 'minutes pdf (pdfkit)',
    kind: 'pdf' as never,
    render: renderMinutesPdf,
    bundle: () =>
      bundleBytes("export { renderMinutesPdf } from './pdf.ts';", path.join(here, '..')),
  },
  {
    name: 'attendance pdf (pdfkit)',
    kind: 'pdf' as never,
    render: renderAttendancePdf,
    bundle: () =>
      bundleBytes(
        "export { renderAttendancePdf } from './attendancePdf.ts';",
        path.join(here, '..'),
      ),
  },
);

const results = [];
for (const w of writers) {
  const row: Record<string, unknown> = { writer: w.name, kind: w.kind };
  for (const [n, record] of Object.entries(records))
    row[`sites${n}`] = await time(w.render, record);
  row.byteStable = await stable(w.render, records['126']);
  row.bundleBytes = await w.bundle();
  results.push(row);
}
const json = {
  runs: RUNS,
  node: process.version,
  cpus: os.cpus().length,
  load: os.loadavg(),
  results,
};
console.log(JSON.stringify(json, null, 2));
writeFileSync(path.join(os.tmpdir(), 'ooxml-bench.json'), JSON.stringify(json));
console.log(
  '\n| writer | 126 sites median (p95) ms | 3,321 sites median (p95) ms | size 3,321 | same bytes twice | bundle (min) |',
);
console.log('|---|---|---|---|---|---|');
for (const r of results as Array<
  Record<string, { medianMs: number; p95Ms: number; bytes: number }> & {
    writer: string;
    byteStable: boolean;
    bundleBytes: number;
  }
>) {
  const a = r.sites126!;
  const b = r.sites3321!;
  console.log(
    `| ${r.writer} | ${a.medianMs} (${a.p95Ms}) | ${b.medianMs} (${b.p95Ms}) | ${(b.bytes / 1024).toFixed(0)} KiB | ${r.byteStable ? 'yes' : 'no'} | ${(r.bundleBytes / 1024).toFixed(0)} KiB |`,
  );
}
