import { createHash, webcrypto } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * Checks a signed copy of the minutes the secretary uploads: it must be a PDF this hub issued for
 * the meeting, unchanged, plus incremental updates that only add signatures (ISO 32000-1 §7.5.6,
 * §12.8): every signature's /ByteRange covers the whole issued file, the last one covers the whole
 * upload, every CMS signature (ETSI.CAdES.detached / adbe.pkcs7.detached) matches the bytes it
 * signs, and no update replaces a page's content or any other object of the issued file. Lists each
 * signer (certificate subject) and signing time (the signed signingTime attribute, else the /M the
 * signing tool wrote).
 *
 * Not checked: the certificate chain up to a trusted root (VGCA roots are not shipped; the result
 * says so) and revocation. The hub files the upload only when this returns ok.
 */
export interface IssuedMinutes {
  sha256: string;
  length: number;
  issuedAt: string;
}

export interface SignatureInfo {
  /** 1-based, in the order the signatures were applied. */
  index: number;
  signer: string;
  organization?: string;
  issuer: string;
  serialNumber: string;
  /** From the CMS signed attributes (signingTime), ISO. */
  signingTime?: string;
  /** The /M entry of the signature dictionary (what the signing tool claims), ISO. */
  claimedTime?: string;
  subFilter?: string;
  byteRange: [number, number, number, number];
}

export type SignedMinutesCheck =
  | {
      ok: true;
      issued: IssuedMinutes;
      signatures: SignatureInfo[];
      sha256: string;
      length: number;
      chainVerified: false;
    }
  | { ok: false; code: SignedMinutesProblem; reason: string; reasonVi: string };

export type SignedMinutesProblem =
  | 'not_pdf'
  | 'not_issued'
  | 'unsigned'
  | 'not_incremental'
  | 'bad_byte_range'
  | 'uncovered_bytes'
  | 'bad_signature'
  | 'modified';

const latin1 = (b: Uint8Array) =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function fail(code: SignedMinutesProblem, reason: string, reasonVi: string): SignedMinutesCheck {
  return { ok: false, code, reason, reasonVi };
}

// --- a small PDF object reader (dictionaries of the issued file and of the updates) -----------

/** End index (exclusive) of the PDF value starting at `i` in `s` (dict, array, string, token). */
function valueEnd(s: string, i: number): number {
  const c = s[i];
  if (c === '<' && s[i + 1] === '<') {
    let depth = 0;
    let j = i;
    while (j < s.length) {
      if (s[j] === '(') j = valueEnd(s, j);
      else if (s.startsWith('<<', j)) {
        depth++;
        j += 2;
      } else if (s.startsWith('>>', j)) {
        depth--;
        j += 2;
        if (depth === 0) return j;
      } else j++;
    }
    return s.length;
  }
  if (c === '[') {
    let j = i + 1;
    while (j < s.length && s[j] !== ']') {
      if (s[j] === '(' || s[j] === '<' || s[j] === '[') j = valueEnd(s, j);
      else j++;
    }
    return j + 1;
  }
  if (c === '(') {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      if (s[j] === '\\') j++;
      else if (s[j] === '(') depth++;
      else if (s[j] === ')' && --depth === 0) return j + 1;
    }
    return s.length;
  }
  if (c === '<') return s.indexOf('>', i) + 1;
  const m = /^\/?[^\s/<>[\]()]*(\s+\d+\s+R\b)?/.exec(s.slice(i, i + 80));
  return i + Math.max(1, m?.[0].length ?? 1);
}

/** Top-level entries of the dictionary starting at `start`, values with whitespace normalised. */
function dictEntries(s: string, start: number): Map<string, string> {
  const out = new Map<string, string>();
  const end = valueEnd(s, start) - 2;
  let i = start + 2;
  while (i < end) {
    while (i < end && /\s/.test(s[i]!)) i++;
    if (s[i] !== '/') {
      i++;
      continue;
    }
    const key = /^\/[^\s/<>[\]()]+/.exec(s.slice(i, i + 128))![0];
    i += key.length;
    while (i < end && /\s/.test(s[i]!)) i++;
    const vEnd = valueEnd(s, i);
    out.set(key, s.slice(i, vEnd).replace(/\s+/g, ' ').trim());
    i = vEnd;
  }
  return out;
}

interface PdfObject {
  num: number;
  dict: Map<string, string>;
}

/** Objects with a dictionary defined in `text` ("12 0 obj << … >>"), in file order. */
function objectsIn(text: string): PdfObject[] {
  const out: PdfObject[] = [];
  for (const m of text.matchAll(/(?:^|[\r\n\s])(\d+)\s+(\d+)\s+obj\s*(?=<<)/g)) {
    const at = (m.index ?? 0) + m[0].length;
    out.push({ num: Number(m[1]), dict: dictEntries(text, at) });
  }
  return out;
}

/** Objects packed in the object streams of `text` (PDF 1.5), which a signing tool may write. */
function objectStreamObjects(text: string, raw: Uint8Array, base: number): PdfObject[] {
  const out: PdfObject[] = [];
  for (const m of text.matchAll(/(\d+)\s+\d+\s+obj\s*(?=<<)/g)) {
    const at = (m.index ?? 0) + m[0].length;
    const dict = dictEntries(text, at);
    if (dict.get('/Type') !== '/ObjStm') continue;
    const length = Number(dict.get('/Length'));
    const streamAt = text.indexOf('stream', valueEnd(text, at));
    if (!Number.isFinite(length) || streamAt < 0) continue;
    let from = streamAt + 6;
    if (text[from] === '\r') from++;
    if (text[from] === '\n') from++;
    let data = raw.subarray(base + from, base + from + length);
    if (dict.get('/Filter') === '/FlateDecode') data = inflateSync(data);
    const body = latin1(data);
    const first = Number(dict.get('/First'));
    const pairs = body.slice(0, first).trim().split(/\s+/).map(Number);
    for (let k = 0; k + 1 < pairs.length; k += 2) {
      const objAt = first + pairs[k + 1]!;
      if (body.startsWith('<<', objAt))
        out.push({ num: pairs[k]!, dict: dictEntries(body, objAt) });
    }
  }
  return out;
}

const CATALOG_ADDITIONS = new Set(['/AcroForm', '/Perms', '/DSS', '/Extensions']);
const PAGE_ADDITIONS = new Set(['/Annots']);

/** Why an update's redefinition of issued object `num` is not a signature's doing, if it is not. */
function forbiddenChange(
  original: Map<string, string>,
  updated: Map<string, string>,
): string | null {
  const type = original.get('/Type');
  const additions =
    type === '/Catalog' ? CATALOG_ADDITIONS : type === '/Page' ? PAGE_ADDITIONS : undefined;
  if (!additions) return `a ${type ?? 'untyped'} object was replaced`;
  for (const [k, v] of original) {
    if (additions.has(k)) continue;
    if (updated.get(k) !== v) return `${type} ${k} changed`;
  }
  for (const k of updated.keys()) {
    if (!original.has(k) && !additions.has(k)) return `${type} gained ${k}`;
  }
  return null;
}

// --- CMS --------------------------------------------------------------------------------------

let engineReady = false;
function cryptoEngine(): void {
  if (engineReady) return;
  pkijs.setEngine(
    'node',
    new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as Crypto }),
  );
  engineReady = true;
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  signingTime: '1.2.840.113549.1.9.5',
};

function nameAttr(name: pkijs.RelativeDistinguishedNames, oid: string): string | undefined {
  const v = name.typesAndValues.find((t) => t.type === oid)?.value as
    | { valueBlock?: { value?: string } }
    | undefined;
  return v?.valueBlock?.value;
}

/** PDF date "D:20261126103000+07'00'" → ISO, or undefined. */
function pdfDate(s: string | undefined): string | undefined {
  const m = /D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/.exec(
    s ?? '',
  );
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', tz = 'Z'] = m;
  const zone = tz === 'Z' ? 'Z' : `${tz.slice(0, 3)}:${tz.replace(/'/g, '').slice(3, 5)}`;
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${se}${zone}`);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/**
 * The CMS blob inside a signature's /Contents: the placeholder is zero-padded to its reserved size,
 * so the DER is cut at the length its outer SEQUENCE header declares. Stripping trailing "00"s
 * instead (as this did before) cut real signatures whose last byte is 0x00 (about 1 in 256) and
 * could split a byte in two; the CI run of 2026-12-03 refused a good signature that way.
 */
export function derOfContents(contents: Uint8Array): Uint8Array | undefined {
  if (contents.length < 2 || contents[0] !== 0x30) return undefined;
  const first = contents[1]!;
  let header = 2;
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    // Indefinite lengths are not DER; four length bytes already exceed any placeholder.
    if (n === 0 || n > 4 || contents.length < 2 + n) return undefined;
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + contents[2 + i]!;
    header = 2 + n;
  }
  const total = header + length;
  if (total > contents.length || contents.subarray(total).some((b) => b !== 0)) return undefined;
  return contents.subarray(0, total);
}

async function checkCms(
  der: Uint8Array,
  signed: Uint8Array,
): Promise<Omit<SignatureInfo, 'index' | 'byteRange' | 'claimedTime' | 'subFilter'> | string> {
  cryptoEngine();
  const buf = der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
  const asn = asn1js.fromBER(buf);
  if (asn.offset === -1) return 'the signature is not DER';
  let sd: pkijs.SignedData;
  try {
    const info = new pkijs.ContentInfo({ schema: asn.result });
    if (info.contentType !== pkijs.ContentInfo.SIGNED_DATA) return 'not a CMS SignedData';
    sd = new pkijs.SignedData({ schema: info.content });
  } catch {
    return 'not a CMS SignedData';
  }
  const data = signed.buffer.slice(
    signed.byteOffset,
    signed.byteOffset + signed.byteLength,
  ) as ArrayBuffer;
  let verified: pkijs.SignedDataVerifyResult;
  try {
    verified = await sd.verify({ signer: 0, data, checkChain: false, extendedMode: true });
  } catch (e) {
    const err = e as { message?: string; signatureVerified?: boolean };
    return `the signature does not match the signed bytes (${err.message ?? 'verification failed'})`;
  }
  if (!verified.signatureVerified) return 'the signature does not match the signed bytes';
  const cert = verified.signerCertificate;
  if (!cert) return 'the signer certificate is missing';
  const signer = sd.signerInfos[0];
  const timeAttr = signer?.signedAttrs?.attributes.find((a) => a.type === OID.signingTime);
  const t = timeAttr?.values[0] as { toDate?: () => Date } | undefined;
  const out: Omit<SignatureInfo, 'index' | 'byteRange' | 'claimedTime' | 'subFilter'> = {
    signer: nameAttr(cert.subject, OID.commonName) ?? '(no common name)',
    issuer: nameAttr(cert.issuer, OID.commonName) ?? '(no common name)',
    serialNumber: Buffer.from(cert.serialNumber.valueBlock.valueHexView).toString('hex'),
  };
  const org = nameAttr(cert.subject, OID.organization);
  if (org) out.organization = org;
  const when = t?.toDate?.();
  if (when && Number.isFinite(when.getTime())) out.signingTime = when.toISOString();
  return out;
}

// --- the check --------------------------------------------------------------------------------

export async function checkSignedMinutes(
  upload: Uint8Array,
  issued: readonly IssuedMinutes[],
): Promise<SignedMinutesCheck> {
  const text = latin1(upload);
  if (!text.startsWith('%PDF-')) {
    return fail('not_pdf', 'the file is not a PDF', 'tệp không phải PDF');
  }
  const whole = sha256(upload);
  if (issued.some((i) => i.sha256 === whole)) {
    return fail(
      'unsigned',
      'this is the issued PDF itself: it carries no signature',
      'đây chính là bản PDF đã phát hành, chưa có chữ ký số nào',
    );
  }
  const original = [...issued]
    .sort((a, b) => b.length - a.length)
    .find((i) => i.length < upload.length && sha256(upload.subarray(0, i.length)) === i.sha256);
  if (!original) {
    return fail(
      'not_issued',
      'the file does not begin with a PDF this hub issued for this meeting: it was altered, or it is another document',
      'tệp không bắt đầu bằng bản PDF hệ thống đã phát hành cho cuộc họp này: tệp đã bị sửa, hoặc là tài liệu khác',
    );
  }
  const appended = text.slice(original.length);
  if (
    !/%%EOF\s*$/.test(appended) ||
    !/(^|\s)(xref|\d+\s+0\s+obj[\s\S]*\/Type\s*\/XRef)/.test(appended)
  ) {
    return fail(
      'not_incremental',
      'what follows the issued PDF is not an incremental update',
      'phần thêm sau bản PDF đã phát hành không phải là bản cập nhật nối tiếp (incremental update)',
    );
  }

  // Signature dictionaries in the updates, in file order.
  const sigs = [...appended.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)];
  if (sigs.length === 0) {
    return fail(
      'unsigned',
      'the updates carry no signature',
      'các phần cập nhật không có chữ ký số nào',
    );
  }
  const out: SignatureInfo[] = [];
  for (const [n, m] of sigs.entries()) {
    const [a, b, c, d] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
    const label = `signature ${n + 1}`;
    const labelVi = `chữ ký thứ ${n + 1}`;
    if (
      a !== 0 ||
      b <= original.length ||
      c <= b ||
      c + d > upload.length ||
      upload[b] !== 0x3c ||
      upload[c - 1] !== 0x3e
    ) {
      return fail(
        'bad_byte_range',
        `${label}: its /ByteRange [${a} ${b} ${c} ${d}] does not cover the issued PDF and the signed update`,
        `${labelVi}: /ByteRange [${a} ${b} ${c} ${d}] không bao trùm bản PDF đã phát hành và phần được ký`,
      );
    }
    const hex = text.slice(b + 1, c - 1).replace(/\s+/g, '');
    if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) {
      return fail(
        'bad_signature',
        `${label}: /Contents is not hexadecimal`,
        `${labelVi}: /Contents không phải dạng hex`,
      );
    }
    const der = derOfContents(Buffer.from(hex, 'hex'));
    if (!der) {
      return fail(
        'bad_signature',
        `${label}: /Contents does not hold a DER signature`,
        `${labelVi}: /Contents không chứa chữ ký số dạng DER`,
      );
    }
    const signed = Buffer.concat([upload.subarray(0, b), upload.subarray(c, c + d)]);
    const cms = await checkCms(der, signed);
    if (typeof cms === 'string') {
      return fail(
        'bad_signature',
        `${label}: ${cms}`,
        `${labelVi}: chữ ký số không hợp lệ hoặc không khớp với nội dung được ký`,
      );
    }
    // The signature dictionary around this /ByteRange: its /M and /SubFilter.
    const at = original.length + (m.index ?? 0);
    const dictStart = text.lastIndexOf('<<', at);
    const dict = dictStart >= 0 ? dictEntries(text, dictStart) : new Map<string, string>();
    const info: SignatureInfo = { index: n + 1, ...cms, byteRange: [a, b, c, d] };
    const claimed = pdfDate(dict.get('/M'));
    if (claimed) info.claimedTime = claimed;
    const sub = dict.get('/SubFilter');
    if (sub) info.subFilter = sub.replace(/^\//, '');
    out.push(info);
  }
  const last = out.at(-1)!.byteRange;
  const tail = text.slice(last[2] + last[3]);
  if (tail.trim() !== '') {
    return fail(
      'uncovered_bytes',
      `${upload.length - (last[2] + last[3])} bytes were added after the last signature: the file changed after it was signed`,
      `có ${upload.length - (last[2] + last[3])} byte được thêm sau chữ ký cuối cùng: tệp đã bị thay đổi sau khi ký`,
    );
  }

  // No update may replace what the issued file shows: only signature fields are added.
  const issuedObjects = new Map(
    objectsIn(text.slice(0, original.length)).map((o) => [o.num, o.dict]),
  );
  const updates = [
    ...objectsIn(appended),
    ...objectStreamObjects(appended, upload, original.length),
  ];
  for (const o of updates) {
    const before = issuedObjects.get(o.num);
    if (before) {
      const why = forbiddenChange(before, o.dict);
      if (why) {
        return fail(
          'modified',
          `object ${o.num} of the issued PDF was modified by an update (${why})`,
          `đối tượng ${o.num} của bản PDF đã phát hành bị thay đổi trong phần cập nhật (${why})`,
        );
      }
    } else if (o.dict.get('/Type') === '/Annot' || o.dict.has('/Subtype')) {
      const sub = o.dict.get('/Subtype');
      if (o.dict.get('/Type') === '/Annot' && sub !== '/Widget') {
        return fail(
          'modified',
          `an update adds a ${sub ?? 'untyped'} annotation, not a signature field`,
          `phần cập nhật thêm chú thích loại ${sub ?? 'không rõ'}, không phải ô chữ ký`,
        );
      }
    }
  }
  return {
    ok: true,
    issued: original,
    signatures: out,
    sha256: whole,
    length: upload.length,
    chainVerified: false,
  };
}

/** The record kept when minutes are issued: what an upload's prefix must match. */
export function issuedMinutesOf(pdf: Uint8Array, issuedAt: string): IssuedMinutes {
  return { sha256: sha256(pdf), length: pdf.length, issuedAt };
}
