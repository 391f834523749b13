import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RecordRenderError } from './RecordRenderError.js';

/**
 * The serif the PDF documents embed: Liberation Serif 2 (Debian's fonts-liberation2, installed by
 * infra/setup.sh). It is metric-compatible with Times New Roman, which the DOCX names, so both
 * renders break lines alike, and unlike Liberation 1.x it covers every Vietnamese letter
 * (Latin Extended Additional: ạ ả ấ ầ ẩ ẫ ậ … ỹ).
 *
 * RECORDS_FONT_DIR overrides the folder (it must hold the four LiberationSerif-*.ttf files).
 */
export interface SerifFonts {
  regular: Buffer;
  bold: Buffer;
  italic: Buffer;
  boldItalic: Buffer;
}

const FILES = {
  regular: 'LiberationSerif-Regular.ttf',
  bold: 'LiberationSerif-Bold.ttf',
  italic: 'LiberationSerif-Italic.ttf',
  boldItalic: 'LiberationSerif-BoldItalic.ttf',
} as const;

const CANDIDATE_DIRS = [
  '/usr/share/fonts/truetype/liberation2',
  '/usr/share/fonts/liberation2',
  '/usr/share/fonts/truetype/liberation-serif',
];

let cached: SerifFonts | undefined;

export function fontDirectory(): string {
  const env = process.env.RECORDS_FONT_DIR;
  const dirs = env ? [env] : CANDIDATE_DIRS;
  const dir = dirs.find((d) => existsSync(path.join(d, FILES.regular)));
  if (!dir) {
    throw new RecordRenderError(
      'font',
      `Liberation Serif not found in ${dirs.join(', ')}: install Debian's fonts-liberation2 (infra/setup.sh does)`,
    );
  }
  return dir;
}

/** The four faces, read once per process. */
export function serifFonts(): SerifFonts {
  if (!cached) {
    const dir = fontDirectory();
    const read = (f: string) => readFileSync(path.join(dir, f));
    cached = {
      regular: read(FILES.regular),
      bold: read(FILES.bold),
      italic: read(FILES.italic),
      boldItalic: read(FILES.boldItalic),
    };
  }
  return cached;
}
