import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { P12Signer } from '@signpdf/signer-p12';
import signpdf from '@signpdf/signpdf';

/**
 * Test-only: a throw-away CA that Debian's openssl makes at test time, in a temporary folder that
 * is removed afterwards (no key is ever committed), with a secretary and a chair certificate, and
 * a signer that signs PDFs the way signing tools do (@signpdf: one incremental update with a
 * signature field and a detached CMS signature per signer).
 */
export interface TestCa {
  sign(pdf: Buffer, who: 'secretary' | 'chair'): Promise<Buffer>;
  close(): void;
}

export async function makeTestCa(): Promise<TestCa> {
  const dir = mkdtempSync(path.join(tmpdir(), 'giaoban-sign-'));
  const o = (args: string[]) => promisify(execFile)('openssl', args, { cwd: dir });
  await o([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=GiaoBan throw-away test CA/O=Test',
  ]);
  for (const who of ['secretary', 'chair']) {
    await o([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${who}.key`,
      '-out',
      `${who}.csr`,
      '-subj',
      `/CN=Nguyen Van ${who}/O=UBND Thanh pho Ha Noi`,
    ]);
    await o([
      'x509',
      '-req',
      '-in',
      `${who}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${who}.crt`,
      '-days',
      '2',
    ]);
    await o([
      'pkcs12',
      '-export',
      '-inkey',
      `${who}.key`,
      '-in',
      `${who}.crt`,
      '-certfile',
      'ca.crt',
      '-out',
      `${who}.p12`,
      '-passout',
      'pass:test',
    ]);
  }
  return {
    async sign(pdf, who) {
      const withField = plainAddPlaceholder({
        pdfBuffer: pdf,
        reason: 'Ký biên bản',
        contactInfo: '',
        name: who,
        location: 'Hà Nội',
      });
      const p12 = readFileSync(path.join(dir, `${who}.p12`));
      return signpdf.sign(withField, new P12Signer(p12, { passphrase: 'test' }));
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * An incremental update that replaces the first page's content with a new stream: what someone
 * who edits the text of the signed minutes would append.
 */
export function rewriteFirstPage(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const page = /(\d+) 0 obj\s*<<\s*\/Type \/Page\b([\s\S]*?)>>\s*endobj/.exec(text)!;
  const size = Number([...text.matchAll(/\/Size (\d+)/g)].at(-1)![1]);
  const prev = Number([...text.matchAll(/startxref\s+(\d+)/g)].at(-1)![1]);
  const root = [...text.matchAll(/\/Root (\d+ 0 R)/g)].at(-1)![1];
  const content = 'BT /F1 24 Tf 100 700 Td (Sua noi dung) Tj ET';
  let out = text.endsWith('\n') ? text : `${text}\n`;
  const streamAt = out.length;
  out += `${size} 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n`;
  const pageAt = out.length;
  const dict = page[2]!.replace(/\/Contents \d+ 0 R/, `/Contents ${size} 0 R`);
  out += `${page[1]} 0 obj\n<< /Type /Page${dict}>>\nendobj\n`;
  const xrefAt = out.length;
  const pad = (n: number) => String(n).padStart(10, '0');
  out +=
    `xref\n0 1\n0000000000 65535 f \n${page[1]} 1\n${pad(pageAt)} 00000 n \n` +
    `${size} 1\n${pad(streamAt)} 00000 n \n` +
    `trailer\n<< /Size ${size + 1} /Root ${root} /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
