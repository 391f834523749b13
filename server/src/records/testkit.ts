import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';

/**
 * Test-only helpers for the records tests: open a zip, parse its XML strictly and read CSV back.
 * jsdom's DOMParser (saxes underneath) is a strict, namespace-aware XML 1.0 parser, so a document
 * that is not well-formed gives a <parsererror> document.
 */
interface JsdomModule {
  JSDOM: new (html: string) => { window: { DOMParser: typeof DOMParser } };
}

let parser: DOMParser | undefined;

async function domParser(): Promise<DOMParser> {
  if (!parser) {
    // jsdom ships without bundled types and @types/jsdom is not installed; a non-literal
    // specifier keeps the compiler from looking for them.
    const specifier: string = 'jsdom';
    const { JSDOM } = (await import(specifier)) as JsdomModule;
    parser = new new JSDOM('').window.DOMParser();
  }
  return parser;
}

export async function parseXml(xml: string, name = 'xml'): Promise<Document> {
  const doc = (await domParser()).parseFromString(xml, 'application/xml');
  const error = doc.getElementsByTagName('parsererror')[0];
  if (error) throw new Error(`${name} is not well-formed XML: ${error.textContent ?? ''}`);
  return doc;
}

export interface Package {
  names: string[];
  text(name: string): string;
  xml(name: string): Promise<Document>;
}

export function openZip(bytes: Uint8Array): Package {
  const files = unzipSync(bytes);
  return {
    names: Object.keys(files),
    text(name) {
      const f = files[name];
      if (!f) throw new Error(`${name} missing from the package`);
      return strFromU8(f);
    },
    async xml(name) {
      return parseXml(this.text(name), name);
    },
  };
}

/** Elements by namespace and local name, as an array. */
export function all(root: Document | Element, ns: string, local: string): Element[] {
  return [...root.getElementsByTagNameNS(ns, local)];
}

export function one(root: Document | Element, ns: string, local: string): Element {
  const el = root.getElementsByTagNameNS(ns, local)[0];
  if (!el) throw new Error(`<${local}> not found`);
  return el;
}

/** Reads RFC 4180 CSV back into rows of fields (CRLF records, quoted fields may hold CR/LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i += 1;
        continue;
      }
      field += ch;
      i += 1;
      continue;
    }
    if (ch === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      i += 1;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      i += 1;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else if (ch === '\r' || ch === '\n') {
      throw new Error(`bare line break outside quotes at ${i}`);
    } else {
      field += ch;
      i += 1;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

// --- Debian's office tools, for the render tests -----------------------------------------------

const run = promisify(execFile);
let scratch: string | undefined;

function scratchDir(): string {
  scratch ??= mkdtempSync(path.join(tmpdir(), 'giaoban-records-'));
  return scratch;
}

/**
 * Converts an office document to PDF with LibreOffice headless (Debian's libreoffice-writer-nogui /
 * libreoffice-calc-nogui). A file LibreOffice cannot open gives no PDF, and the call throws.
 * Each call gets its own profile so parallel test files never share one.
 */
export async function libreOfficeToPdf(
  bytes: Uint8Array,
  extension: 'docx' | 'xlsx',
): Promise<Buffer> {
  const dir = mkdtempSync(path.join(scratchDir(), 'lo-'));
  const input = path.join(dir, `in.${extension}`);
  writeFileSync(input, bytes);
  await run(
    'soffice',
    [
      '--headless',
      '--norestore',
      '--nolockcheck',
      `-env:UserInstallation=file://${path.join(dir, 'profile')}`,
      '--convert-to',
      'pdf',
      '--outdir',
      dir,
      input,
    ],
    { timeout: 120_000 },
  );
  const out = path.join(dir, 'in.pdf');
  if (!existsSync(out)) throw new Error(`LibreOffice could not convert the ${extension}`);
  return readFileSync(out);
}

/** Text of a PDF by poppler's pdftotext (reading order, or the physical layout). */
export async function pdfText(pdf: Uint8Array, layout = false): Promise<string> {
  const dir = mkdtempSync(path.join(scratchDir(), 'pdf-'));
  const input = path.join(dir, 'in.pdf');
  writeFileSync(input, pdf);
  const { stdout } = await run(
    'pdftotext',
    [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', input, '-'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return stdout;
}

/** pdfinfo's fields ("Pages", "Page size", …) and pdffonts' rows. */
export async function pdfInfo(
  pdf: Uint8Array,
): Promise<{ info: Map<string, string>; fonts: string[] }> {
  const dir = mkdtempSync(path.join(scratchDir(), 'pdf-'));
  const input = path.join(dir, 'in.pdf');
  writeFileSync(input, pdf);
  const { stdout } = await run('pdfinfo', [input]);
  const info = new Map(
    stdout
      .split('\n')
      .map((l) => /^([^:]+):\s*(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!.trim()]),
  );
  const fonts = (await run('pdffonts', [input])).stdout.split('\n').slice(2).filter(Boolean);
  return { info, fonts };
}

/** Words of page `page` (1-based) with their boxes in points, by pdftotext -bbox. */
export async function pdfWords(
  pdf: Uint8Array,
  page = 1,
): Promise<Array<{ text: string; xMin: number; yMin: number; xMax: number; yMax: number }>> {
  const dir = mkdtempSync(path.join(scratchDir(), 'pdf-'));
  const input = path.join(dir, 'in.pdf');
  writeFileSync(input, pdf);
  const { stdout } = await run(
    'pdftotext',
    ['-bbox', '-f', String(page), '-l', String(page), input, '-'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return [
    ...stdout.matchAll(
      /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
    ),
  ].map((m) => ({
    xMin: Number(m[1]),
    yMin: Number(m[2]),
    xMax: Number(m[3]),
    yMax: Number(m[4]),
    text: m[5]!
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  }));
}
