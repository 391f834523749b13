import { unzipSync } from 'fflate';

/** The kinds of file the hub accepts (ward reports' attachments, meeting documents). */
export const FILE_KINDS = {
  pdf: { mediaType: 'application/pdf', extensions: ['pdf'] },
  docx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
  },
  xlsx: {
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
  },
  png: { mediaType: 'image/png', extensions: ['png'] },
  jpeg: { mediaType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  webp: { mediaType: 'image/webp', extensions: ['webp'] },
} as const;
export type FileKind = keyof typeof FILE_KINDS;

/** Why a file was refused (the REST layer turns these into translated messages). */
export type FileTypeRefusal =
  | { reason: 'unknown_content' }
  | { reason: 'name_mismatch'; detected: FileKind }
  | { reason: 'not_allowed'; detected: FileKind };

const starts = (b: Uint8Array, sig: number[], at = 0) =>
  b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The OOXML main part content types that tell a Word document from a workbook. */
const OOXML_MAIN: Array<[FileKind, string]> = [
  ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml'],
  ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml'],
];

/**
 * What the bytes are, by content only (magic numbers; for a zip, the `[Content_Types].xml` of
 * an OOXML package). `readAll` is called only for zips (their directory is at the end).
 */
export async function detectKind(
  head: Uint8Array,
  readAll: () => Promise<Uint8Array>,
): Promise<FileKind | null> {
  if (starts(head, ascii('%PDF-'))) return 'pdf';
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts(head, ascii('RIFF')) && starts(head, ascii('WEBP'), 8)) return 'webp';
  if (starts(head, [0x50, 0x4b, 0x03, 0x04])) {
    let xml: string;
    try {
      const parts = unzipSync(await readAll(), {
        filter: (f) => f.name === '[Content_Types].xml' && f.originalSize < 1_000_000,
      });
      const ct = parts['[Content_Types].xml'];
      if (!ct) return null;
      xml = new TextDecoder().decode(ct);
    } catch {
      return null;
    }
    for (const [kind, main] of OOXML_MAIN) {
      // The main part is declared as an Override with exactly this content type.
      if (new RegExp(`ContentType=["']${main.replace(/[.+]/g, '\\$&')}["']`).test(xml)) return kind;
    }
  }
  return null;
}

export function extensionOf(fileName: string): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(fileName);
  return m ? m[1]!.toLowerCase() : '';
}

/**
 * Checks a staged file against the allowed kinds and its name's extension: a `.pdf` holding PNG
 * bytes is refused, so is anything not recognised by content.
 */
export async function checkFileType(
  fileName: string,
  head: Uint8Array,
  readAll: () => Promise<Uint8Array>,
  allowed: readonly FileKind[],
): Promise<{ ok: true; kind: FileKind; mediaType: string } | ({ ok: false } & FileTypeRefusal)> {
  const detected = await detectKind(head, readAll);
  if (!detected) return { ok: false, reason: 'unknown_content' };
  if (!allowed.includes(detected)) return { ok: false, reason: 'not_allowed', detected };
  const ext = extensionOf(fileName);
  if (!(FILE_KINDS[detected].extensions as readonly string[]).includes(ext)) {
    return { ok: false, reason: 'name_mismatch', detected };
  }
  return { ok: true, kind: detected, mediaType: FILE_KINDS[detected].mediaType };
}
