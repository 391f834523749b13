import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  ARCHIVE_ROLES,
  type ArchiveChapter,
  type ArchiveFileKind,
  type ArchiveFileView,
  type ArchiveListing,
  type Grant,
  type LogData,
} from '@giaoban/shared';
import { meetingRole } from '../domain/access';
import type { MeetingService } from '../domain/MeetingService';
import { type FileStore, putBytes } from '../files/FileStore';
import { type RecordFormat, renderRecordDocument } from '../records/index';
import type { MeetingRecord } from '../records/MeetingRecord';
import { MinutesArchive } from '../records/MinutesArchive';
import type { Store } from '../store/Store';
import { HubError } from '../util/HubError';
import type { Logger } from '../util/logger';

/** A recording hour of the program is far below this; it only bounds a runaway file. */
const MAX_RECORDING_BYTES = 64 * 1024 ** 3;
/** yyyy-mm-dd of an instant in the meeting's zone (file names). */
export function localDay(at: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(at));
}

/** What a meeting files besides its recording when it ends. */
const RECORD_FORMATS: readonly RecordFormat[] = [
  'minutes.pdf',
  'minutes.docx',
  'attendance.xlsx',
  'attendance.pdf',
  'attendance.csv',
];

export interface MeetingArchiveDeps {
  meetings: MeetingService;
  files: FileStore;
  store: Pick<Store, 'readEvents' | 'getMeetingDoc' | 'putMeetingDoc'>;
  /** The meeting's record as the minutes are rendered from it (no role check: the hub files). */
  record: (meetingId: string) => Promise<MeetingRecord>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/**
 * The meeting archive: files what a meeting leaves (minutes, attendance, the log's export, the
 * recording with its chapter index) into the hub's file store, writing each file's SHA-256 into
 * the meeting's log (`archive.file`), and lists and opens them for the meeting's chair,
 * secretary and admins.
 */
export class MeetingArchive {
  /** Meetings whose recordings are still being composed and filed. */
  private readonly pending = new Map<string, number>();
  private readonly signed: MinutesArchive;

  constructor(private readonly d: MeetingArchiveDeps) {
    this.signed = new MinutesArchive(d.store);
  }

  /** A filing job starts/ends (the listing says `pending` meanwhile). */
  busy<T>(meetingId: string, job: () => Promise<T>): Promise<T> {
    this.pending.set(meetingId, (this.pending.get(meetingId) ?? 0) + 1);
    return job().finally(() => {
      const n = (this.pending.get(meetingId) ?? 1) - 1;
      if (n > 0) this.pending.set(meetingId, n);
      else this.pending.delete(meetingId);
    });
  }

  async fileBytes(
    meetingId: string,
    f: { name: string; kind: ArchiveFileKind; mediaType: string; bytes: Uint8Array },
  ): Promise<LogData<'archive.file'>> {
    const stored = await putBytes(this.d.files, f.bytes);
    await this.d.files.keep(stored.key);
    return this.note(meetingId, { ...f, ...stored });
  }

  async filePath(
    meetingId: string,
    f: { name: string; kind: ArchiveFileKind; mediaType: string; path: string },
  ): Promise<LogData<'archive.file'>> {
    const staged = await this.d.files.stage(createReadStream(f.path), {
      maxBytes: MAX_RECORDING_BYTES,
    });
    try {
      const stored = await staged.commit();
      await this.d.files.keep(stored.key);
      return await this.note(meetingId, { ...f, ...stored });
    } finally {
      await staged.discard();
    }
  }

  /** The documents of an ended meeting: minutes, attendance, the log (JSON lines). */
  async fileRecords(meetingId: string): Promise<void> {
    const record = await this.d.record(meetingId);
    for (const format of RECORD_FORMATS) {
      try {
        const doc = await renderRecordDocument(record, format);
        await this.fileBytes(meetingId, {
          name: doc.fileName,
          kind: format,
          mediaType: doc.mediaType,
          bytes: doc.bytes,
        });
      } catch (error) {
        this.d.logger.error('archive: a record could not be filed', {
          meetingId,
          format,
          error: (error as Error).message,
        });
      }
    }
    const lines: string[] = [];
    for (let after = 0; ; ) {
      const page = await this.d.store.readEvents(meetingId, after, 1000);
      for (const e of page) lines.push(JSON.stringify(e));
      if (page.length < 1000) break;
      after = page.at(-1)!.seq;
    }
    const day = localDay(record.startedAt ?? record.scheduledStart, record.timeZone);
    await this.fileBytes(meetingId, {
      name: `NhatKy-${day}.jsonl`,
      kind: 'log',
      mediaType: 'application/x-ndjson',
      bytes: new TextEncoder().encode(`${lines.join('\n')}\n`),
    });
  }

  async listing(meetingId: string, grant: Grant): Promise<ArchiveListing> {
    const archived = await this.open(meetingId, grant);
    const files: ArchiveFileView[] = [];
    const chapterIndex = new Map(
      archived.filter((f) => f.kind === 'chapters').map((f) => [f.name, f] as const),
    );
    for (const f of archived) {
      if (f.kind === 'chapters') continue;
      const view: ArchiveFileView = {
        name: f.name,
        kind: f.kind,
        sha256: f.sha256,
        size: f.size,
        mediaType: f.mediaType,
        at: f.at,
      };
      const index = chapterIndex.get(`${f.name}.chapters.json`);
      if (f.kind === 'recording' && index) view.chapters = await this.chaptersOf(index.key);
      files.push(view);
    }
    return {
      meetingId,
      pending: this.pending.has(meetingId),
      files,
      signedMinutes: await this.signed.signed(meetingId),
    };
  }

  /** A filed file by its SHA-256, for download (a Range gives part of it). */
  async download(
    meetingId: string,
    grant: Grant,
    sha256: string,
  ): Promise<{
    file: ArchiveFileView & { key: string };
    open: (range?: { start: number; end: number }) => Readable;
  }> {
    const archived = await this.open(meetingId, grant);
    const f = archived.find((x) => x.sha256 === sha256);
    if (!f) throw new HubError('NOT_FOUND', 'no such file in this meeting archive');
    const stat = await this.d.files.stat(f.key);
    if (!stat || stat.size !== f.size || stat.sha256 !== f.sha256)
      throw new HubError('NOT_FOUND', 'the archived file is missing or altered');
    return { file: f, open: (range) => this.d.files.open(f.key, range) };
  }

  private async open(meetingId: string, grant: Grant) {
    return this.d.meetings.read(meetingId, (p) => {
      const role = meetingRole(grant, p.meeting);
      if (!ARCHIVE_ROLES.includes(role))
        throw new HubError('FORBIDDEN', 'the archive is for the chair and the secretary');
      return p.archived.map((a) => ({ ...a }));
    });
  }

  private async chaptersOf(key: string): Promise<ArchiveChapter[]> {
    try {
      const chunks: Buffer[] = [];
      for await (const c of this.d.files.open(key)) chunks.push(c as Buffer);
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        chapters?: ArchiveChapter[];
      };
      return parsed.chapters ?? [];
    } catch {
      return [];
    }
  }

  private async note(
    meetingId: string,
    f: {
      name: string;
      kind: ArchiveFileKind;
      mediaType: string;
      key: string;
      sha256: string;
      size: number;
    },
  ): Promise<LogData<'archive.file'>> {
    const data = {
      name: f.name.slice(0, 200),
      kind: f.kind,
      key: f.key,
      sha256: f.sha256,
      size: f.size,
      mediaType: f.mediaType,
    };
    await this.d.meetings.recordingNote(meetingId, { type: 'archive.file', data });
    this.d.logger.info('archive: filed', { meetingId, name: data.name, sha256: data.sha256 });
    return data;
  }
}
