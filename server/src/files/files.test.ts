import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildFixture } from '../records/fixture';
import { renderAttendanceXlsx, renderMinutesDocx } from '../records/index';
import { DiskFileStore } from './DiskFileStore';
import { FileTooLargeError, putBytes } from './FileStore';
import { checkFileType } from './fileTypes';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const PDF = new TextEncoder().encode('%PDF-1.7\n%âãÏÓ\n1 0 obj <<>> endobj\n%%EOF\n');

async function* chunks(n: number, size: number) {
  for (let i = 0; i < n; i++) yield new Uint8Array(size).fill(i & 0xff);
}

describe('DiskFileStore', () => {
  let dir: string;
  let store: DiskFileStore;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gb-files-'));
    store = await new DiskFileStore(dir).init();
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('hashes while writing and names the file by its SHA-256', async () => {
    const f = await putBytes(store, PDF);
    const { createHash } = await import('node:crypto');
    expect(f.sha256).toBe(createHash('sha256').update(PDF).digest('hex'));
    expect(f.key).toBe(`sha256/${f.sha256.slice(0, 2)}/${f.sha256}`);
    expect(await store.stat(f.key)).toEqual(f);
    const back: Buffer[] = [];
    for await (const c of store.open(f.key)) back.push(c as Buffer);
    expect(Buffer.concat(back).equals(Buffer.from(PDF))).toBe(true);
    expect(await store.pendingTemporaryFiles()).toBe(0);
  });

  it('refuses an oversized stream mid-way and leaves nothing behind', async () => {
    await expect(store.stage(chunks(10, 1024), { maxBytes: 4096 })).rejects.toBeInstanceOf(
      FileTooLargeError,
    );
    expect(await store.pendingTemporaryFiles()).toBe(0);
    expect(await readdir(dir)).toEqual(['tmp']);
  });

  it('a discarded stage leaves nothing; a failing source leaves nothing', async () => {
    const s = await store.stage(PNG, { maxBytes: 100 });
    await s.discard();
    expect(await store.pendingTemporaryFiles()).toBe(0);
    async function* broken() {
      yield new Uint8Array(10);
      throw new Error('client went away');
    }
    await expect(store.stage(broken(), { maxBytes: 100 })).rejects.toThrow('went away');
    expect(await store.pendingTemporaryFiles()).toBe(0);
    expect(await store.stat(`sha256/${s.sha256.slice(0, 2)}/${s.sha256}`)).toBeNull();
  });

  it('init removes temporary files a crashed process left', async () => {
    await store.stage(PNG, { maxBytes: 100 }); // never committed nor discarded
    expect(await store.pendingTemporaryFiles()).toBe(1);
    await new DiskFileStore(dir).init(60_000); // a young one may be another hub's upload
    expect(await store.pendingTemporaryFiles()).toBe(1);
    // Aged on disk rather than init(0): a file's mtime can lie a fraction of a millisecond
    // after Date.now(), so "older than 0 ms" failed now and then on a loaded CI machine.
    const { utimes } = await import('node:fs/promises');
    const t = (Date.now() - 120_000) / 1000;
    for (const name of await readdir(path.join(dir, 'tmp'))) {
      await utimes(path.join(dir, 'tmp', name), t, t);
    }
    await new DiskFileStore(dir).init(60_000);
    expect(await store.pendingTemporaryFiles()).toBe(0);
  });

  it('sweeps uploads never referred to once old enough; kept and unmarked files stay', async () => {
    const { utimes } = await import('node:fs/promises');
    const age = async (f: { sha256: string }, ms: number) => {
      const t = (Date.now() - ms) / 1000;
      await utimes(path.join(dir, 'marks', 'pending', f.sha256), t, t);
    };
    const orphan = await putBytes(store, new TextEncoder().encode('%PDF-1.4 orphan'));
    const sent = await putBytes(store, new TextEncoder().encode('%PDF-1.4 sent'));
    const young = await putBytes(store, new TextEncoder().encode('%PDF-1.4 young'));
    const archive = await putBytes(store, new TextEncoder().encode('%PDF-1.4 archive'));
    for (const f of [orphan, sent, young]) await store.markPending(f.key);
    await store.keep(sent.key);
    // Kept before: marking the same bytes pending again (another site's upload) changes nothing.
    await store.markPending(sent.key);
    const day = 24 * 60 * 60_000;
    await age(orphan, day + 1000);
    await age(young, 1000);
    expect(await store.sweepPending(day)).toBe(1);
    expect(await store.stat(orphan.key)).toBeNull();
    for (const f of [sent, young, archive]) expect(await store.stat(f.key)).toEqual(f);
    // A second upload of the orphan's bytes is a new upload: its clock starts again.
    const again = await putBytes(store, new TextEncoder().encode('%PDF-1.4 orphan'));
    await store.markPending(again.key);
    expect(await store.sweepPending(day)).toBe(0);
    expect(await store.stat(again.key)).toEqual(again);
  });

  it('refuses keys that are not content keys (no path traversal)', () => {
    expect(() => store.open('../../etc/passwd')).toThrow(/not a file key/);
  });
});

describe('checkFileType (by content, not by name)', () => {
  const all = ['pdf', 'docx', 'xlsx', 'png', 'jpeg', 'webp'] as const;
  const check = (name: string, bytes: Uint8Array) =>
    checkFileType(name, bytes.subarray(0, 65536), async () => bytes, all);

  it('recognises PDF, PNG, JPEG, WebP', async () => {
    expect(await check('a.pdf', PDF)).toMatchObject({ ok: true, kind: 'pdf' });
    expect(await check('a.PNG', PNG)).toMatchObject({ ok: true, kind: 'png' });
    expect(await check('a.jpg', new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toMatchObject({
      ok: true,
      kind: 'jpeg',
    });
    const webp = new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 ');
    expect(await check('a.webp', webp)).toMatchObject({ ok: true, kind: 'webp' });
  });

  it('tells DOCX from XLSX by the OOXML content types', async () => {
    const { record } = buildFixture();
    const docx = await renderMinutesDocx(record);
    const xlsx = await renderAttendanceXlsx(record);
    expect(await check('bc.docx', docx)).toMatchObject({ ok: true, kind: 'docx' });
    expect(await check('bc.xlsx', xlsx)).toMatchObject({ ok: true, kind: 'xlsx' });
    expect(await check('bc.xlsx', docx)).toMatchObject({ ok: false, reason: 'name_mismatch' });
  });

  it('refuses a .pdf name with PNG bytes, a bare zip, and unknown bytes', async () => {
    expect(await check('report.pdf', PNG)).toEqual({
      ok: false,
      reason: 'name_mismatch',
      detected: 'png',
    });
    const { zipSync } = await import('fflate');
    const zip = zipSync({ 'a.txt': new TextEncoder().encode('hi') });
    expect(await check('x.docx', zip)).toEqual({ ok: false, reason: 'unknown_content' });
    expect(await check('x.pdf', new TextEncoder().encode('<html>'))).toEqual({
      ok: false,
      reason: 'unknown_content',
    });
    expect(await checkFileType('a.png', PNG, async () => PNG, ['pdf'])).toMatchObject({
      ok: false,
      reason: 'not_allowed',
    });
  });
});
