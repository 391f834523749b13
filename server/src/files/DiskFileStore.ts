import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  type FileStore,
  FileTooLargeError,
  isFileKey,
  keyOf,
  type StagedFile,
  type StageOptions,
  type StoredFile,
} from './FileStore';

const HEAD_BYTES = 64 * 1024;

/**
 * Files in a directory, content-addressed (`sha256/ab/<hex>`). A write goes to `tmp/` in the
 * same file system and is renamed into place only once complete and accepted, so a crash, a
 * refused type or an oversized upload never leaves a partial file under a key. Same bytes twice
 * = one file. Uploads nothing refers to yet are marked in `marks/pending/<hex>` (the marker's
 * mtime is the upload time), files the log refers to in `marks/kept/<hex>`: the sweep removes
 * only pending files never kept, so a file two meetings share survives if either kept it.
 */
export class DiskFileStore implements FileStore {
  readonly kind = 'disk';
  private readonly tmpDir: string;
  private readonly pendingDir: string;
  private readonly keptDir: string;

  constructor(readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
    this.pendingDir = path.join(root, 'marks', 'pending');
    this.keptDir = path.join(root, 'marks', 'kept');
  }

  /**
   * Creates the directories and removes temporary files a crashed process left: those older
   * than `staleMs` (other hubs sharing the directory may be writing the younger ones).
   */
  async init(staleMs = 60 * 60_000): Promise<this> {
    await mkdir(this.tmpDir, { recursive: true });
    const now = Date.now();
    for (const name of await readdir(this.tmpDir)) {
      const p = path.join(this.tmpDir, name);
      const s = await stat(p).catch(() => null);
      if (s && now - s.mtimeMs >= staleMs) await rm(p, { force: true });
    }
    return this;
  }

  private pathOf(key: string): string {
    if (!isFileKey(key)) throw new Error(`not a file key: ${key.slice(0, 80)}`);
    return path.join(this.root, key);
  }

  async stage(
    source: AsyncIterable<Uint8Array> | Uint8Array,
    opts: StageOptions,
  ): Promise<StagedFile> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = path.join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headLen = 0;
    let size = 0;
    const fh = await open(tmp, 'wx', 0o640);
    try {
      const chunks = source instanceof Uint8Array ? [source] : source;
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        if (size > opts.maxBytes) throw new FileTooLargeError(opts.maxBytes);
        hash.update(chunk);
        if (headLen < HEAD_BYTES) {
          const part = Buffer.from(chunk.subarray(0, HEAD_BYTES - headLen));
          head.push(part);
          headLen += part.byteLength;
        }
        await fh.write(chunk);
      }
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => {});
      await rm(tmp, { force: true });
      throw e;
    }
    await fh.close();
    const sha256 = hash.digest('hex');
    let done = false;
    return {
      size,
      sha256,
      head: new Uint8Array(Buffer.concat(head)),
      readAll: async () => new Uint8Array(await readFile(tmp)),
      commit: async () => {
        const key = keyOf(sha256);
        const dest = this.pathOf(key);
        await mkdir(path.dirname(dest), { recursive: true });
        await rename(tmp, dest);
        done = true;
        return { key, size, sha256 };
      },
      discard: async () => {
        if (!done) await rm(tmp, { force: true });
        done = true;
      },
    };
  }

  async stat(key: string): Promise<StoredFile | null> {
    try {
      const s = await stat(this.pathOf(key));
      return { key, size: s.size, sha256: key.slice(-64) };
    } catch {
      return null;
    }
  }

  open(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(key), range);
  }

  private hexOf(key: string): string {
    if (!isFileKey(key)) throw new Error(`not a file key: ${key.slice(0, 80)}`);
    return key.slice(-64);
  }

  private async isKept(hex: string): Promise<boolean> {
    return (await stat(path.join(this.keptDir, hex)).catch(() => null)) !== null;
  }

  async markPending(key: string): Promise<void> {
    const hex = this.hexOf(key);
    if (await this.isKept(hex)) return;
    await mkdir(this.pendingDir, { recursive: true });
    // Rewritten, not only created: a second upload of the same bytes restarts the clock.
    await writeFile(path.join(this.pendingDir, hex), '');
  }

  async keep(key: string): Promise<void> {
    const hex = this.hexOf(key);
    await mkdir(this.keptDir, { recursive: true });
    await writeFile(path.join(this.keptDir, hex), '');
    await rm(path.join(this.pendingDir, hex), { force: true });
  }

  async sweepPending(olderThanMs: number): Promise<number> {
    const now = Date.now();
    let removed = 0;
    for (const hex of await readdir(this.pendingDir).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{64}$/.test(hex)) continue;
      const marker = path.join(this.pendingDir, hex);
      const s = await stat(marker).catch(() => null);
      if (!s || now - s.mtimeMs < olderThanMs) continue;
      // Checked again right before removing: a report sent meanwhile keeps its file.
      if (!(await this.isKept(hex))) {
        await rm(this.pathOf(keyOf(hex)), { force: true });
        removed++;
      }
      await rm(marker, { force: true });
    }
    return removed;
  }

  async remove(key: string): Promise<boolean> {
    const hex = this.hexOf(key);
    const file = this.pathOf(key);
    const existed = (await stat(file).catch(() => null)) !== null;
    await rm(file, { force: true });
    await rm(path.join(this.keptDir, hex), { force: true });
    await rm(path.join(this.pendingDir, hex), { force: true });
    return existed;
  }

  /** Files currently being written (tests check that nothing stays behind). */
  async pendingTemporaryFiles(): Promise<number> {
    return (await readdir(this.tmpDir).catch(() => [])).length;
  }
}
