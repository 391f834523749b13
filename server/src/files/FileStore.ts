import type { Readable } from 'node:stream';

/** A file kept by the store, named by its content: the key is derived from the SHA-256. */
export interface StoredFile {
  key: string;
  size: number;
  /** Lower-case hex SHA-256 of the bytes (what the meeting log and the archive record). */
  sha256: string;
}

/**
 * Bytes written to a private temporary file, hashed and counted while they arrived. Nothing is
 * visible under a key until `commit()`; `discard()` removes the temporary file (a no-op after
 * commit), so a caller that refuses the file (type check, quota) leaves nothing behind.
 */
export interface StagedFile {
  readonly size: number;
  readonly sha256: string;
  /** The first bytes (up to 64 KiB) for type checks by content. */
  readonly head: Uint8Array;
  /** Reads the whole staged file (for checks that need more than the head, e.g. a zip's directory). */
  readAll(): Promise<Uint8Array>;
  commit(): Promise<StoredFile>;
  discard(): Promise<void>;
}

export interface StageOptions {
  /** Refuse (FileTooLargeError, temporary file removed) as soon as more bytes than this arrive. */
  maxBytes: number;
}

export class FileTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`file larger than ${maxBytes} bytes`);
    this.name = 'FileTooLargeError';
  }
}

/**
 * One store for every file the hub keeps: ward reports' attachments, meeting documents, and the
 * archive's minutes and recordings. A configured directory today (DiskFileStore); object storage
 * later behind the same interface.
 */
export interface FileStore {
  readonly kind: string;
  stage(source: AsyncIterable<Uint8Array> | Uint8Array, opts: StageOptions): Promise<StagedFile>;
  stat(key: string): Promise<StoredFile | null>;
  /** The bytes, optionally a range [start, end] inclusive (HTTP Range). */
  open(key: string, range?: { start: number; end: number }): Readable;
  /**
   * An upload nothing refers to yet (a ward's attachment before its report is sent): swept by
   * `sweepPending` unless kept in time. Marking again restarts its clock; a kept file stays kept.
   */
  markPending(key: string): Promise<void>;
  /** The meeting log refers to this file (a sent report, an attached document): never swept. */
  keep(key: string): Promise<void>;
  /**
   * Removes the uploads marked pending more than `olderThanMs` ago and never kept; returns how
   * many. Files never marked pending (the archive's, older ones) are never touched.
   */
  sweepPending(olderThanMs: number): Promise<number>;
  /**
   * Removes a file and its marks (the archive's retention sweep, after it wrote why into the
   * meeting's log); true when there was a file. The caller checks nothing else refers to it.
   */
  remove(key: string): Promise<boolean>;
}

/** An upload not referred to within a day is removed (at start, then hourly). */
export const PENDING_UPLOAD_TTL_MS = 24 * 60 * 60_000;
export const SWEEP_EVERY_MS = 60 * 60_000;

/** Stage and commit in one step (small, already-complete bytes: rendered minutes, exports). */
export async function putBytes(store: FileStore, bytes: Uint8Array): Promise<StoredFile> {
  const staged = await store.stage(bytes, { maxBytes: bytes.byteLength });
  try {
    return await staged.commit();
  } finally {
    await staged.discard();
  }
}

const KEY = /^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/;
export const keyOf = (sha256: string): string => `sha256/${sha256.slice(0, 2)}/${sha256}`;
export const isFileKey = (key: string): boolean => KEY.test(key);
