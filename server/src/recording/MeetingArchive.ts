import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  ARCHIVE_HOLD_ROLES,
  ARCHIVE_ROLES,
  type ArchiveChapter,
  type ArchiveFileKind,
  type ArchiveFileView,
  type ArchiveHold,
  type ArchiveHoldBody,
  type ArchiveListing,
  type ArchivePlayLink,
  EXPIRING_KINDS,
  type FileRef,
  type Grant,
  type LogData,
} from '@giaoban/shared';
import type { TokenFacts } from '../auth/Revocations';
import { actorOf, meetingRole } from '../domain/access';
import type { MeetingService } from '../domain/MeetingService';
import { type FileStore, putBytes } from '../files/FileStore';
import { buildCompiledReportsDocument } from '../records/compiledReports';
import { renderMinutesDocxDocument } from '../records/docx';
import { type RecordFormat, recordFileName, renderRecordDocument } from '../records/index';
import type { MeetingRecord } from '../records/MeetingRecord';
import { MinutesArchive } from '../records/MinutesArchive';
import { renderMinutesPdfDocument } from '../records/pdf';
import type { Store } from '../store/Store';
import { HubError } from '../util/HubError';
import type { Logger } from '../util/logger';
import { ArchiveSearch } from './archive/ArchiveSearch';
import type { PlayLinks } from './archive/PlayLinks';
import { keepUntil, type RetentionSettingsStore } from './archive/RetentionSettingsStore';

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
  store: Pick<
    Store,
    | 'readEvents'
    | 'getMeetingDoc'
    | 'putMeetingDoc'
    | 'listMeetingIds'
    | 'getMeeting'
    | 'meetingStatus'
    | 'listUnits'
  >;
  /** The meeting's record as the minutes are rendered from it (no role check: the hub files). */
  record: (meetingId: string) => Promise<MeetingRecord>;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How long recordings are kept (the listing says until when, or that one was removed). */
  retention: RetentionSettingsStore;
  /** Signed links for the player's `<video src>`. */
  links: PlayLinks;
  /** Whether the session a play link was issued to has been revoked since (SessionService). */
  revoked: (session: TokenFacts) => boolean;
}

type Filed = LogData<'archive.file'> & {
  at: string;
  expired?: { at: string; recordingMonths: number };
};

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
    this.search = new ArchiveSearch({ store: d.store, meetings: d.meetings });
  }

  /** The archive's search by title, unit and day (GET /api/archive/meetings). */
  readonly search: ArchiveSearch;

  /** The retention policy (GET/PUT /api/archive/retention; the sweeper reads it too). */
  get retention(): RetentionSettingsStore {
    return this.d.retention;
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

  /**
   * A file already in the store (a meeting document, a ward's attachment), filed under its own
   * key after checking the bytes are still the ones its log entry named.
   */
  private async fileStored(
    meetingId: string,
    f: { name: string; kind: ArchiveFileKind; file: FileRef },
  ): Promise<void> {
    const stat = await this.d.files.stat(f.file.key);
    if (!stat || stat.sha256 !== f.file.sha256 || stat.size !== f.file.size) {
      this.d.logger.error('archive: a stored file is missing or altered, not filed', {
        meetingId,
        name: f.name,
        sha256: f.file.sha256,
      });
      return;
    }
    await this.d.files.keep(f.file.key);
    await this.note(meetingId, {
      name: f.name,
      kind: f.kind,
      mediaType: f.file.mediaType,
      key: f.file.key,
      sha256: f.file.sha256,
      size: f.file.size,
    });
  }

  /**
   * The briefing's papers (issue #14): the meeting documents as attached (removed ones are not
   * the meeting's any more), every ward's report attachments, and the compiled reports (DOCX and
   * PDF) when reports were asked for.
   */
  private async fileBriefing(meetingId: string, record: MeetingRecord): Promise<void> {
    const b = await this.d.meetings.read(meetingId, (p) => ({
      documents: [...p.briefing.documents.values()].map((d) => ({ name: d.name, file: d.file })),
      request: p.briefing.request,
      sites: p.meeting.siteIds.map((siteId) => ({
        siteId,
        code: p.siteCode(siteId),
        name: p.siteName(siteId),
        submission: p.briefing.reports.get(siteId) ?? null,
      })),
    }));
    for (const d of b.documents)
      await this.fileStored(meetingId, { name: d.name, kind: 'document', file: d.file });
    for (const site of b.sites)
      for (const file of site.submission?.files ?? [])
        await this.fileStored(meetingId, {
          name: `BaoCao-${site.name}-${file.name}`.slice(0, 200),
          kind: 'report.file',
          file,
        });
    if (!b.request) return;
    const doc = buildCompiledReportsDocument(record, b.request, b.sites);
    for (const format of ['pdf', 'docx'] as const) {
      try {
        const bytes =
          format === 'pdf' ? await renderMinutesPdfDocument(doc) : renderMinutesDocxDocument(doc);
        await this.fileBytes(meetingId, {
          name: recordFileName(record, 'minutes', format).replace(/^BienBan/, 'TongHopBaoCao'),
          kind: format === 'pdf' ? 'reports.pdf' : 'reports.docx',
          mediaType:
            format === 'pdf'
              ? 'application/pdf'
              : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          bytes,
        });
      } catch (error) {
        this.d.logger.error('archive: the compiled reports could not be filed', {
          meetingId,
          format,
          error: (error as Error).message,
        });
      }
    }
  }

  /**
   * The signed minutes the secretary filed (records' MinutesArchive checked its signatures):
   * into the archive with their SHA-256, once per distinct upload.
   */
  async fileSignedMinutes(meetingId: string): Promise<LogData<'archive.file'> | null> {
    const meta = await this.signed.signed(meetingId);
    const bytes = await this.signed.signedPdf(meetingId);
    if (!meta || !bytes) return null;
    const already = await this.d.meetings.read(meetingId, (p) =>
      p.archived.find((a) => a.kind === 'minutes.signed' && a.sha256 === meta.sha256),
    );
    if (already) return already;
    const record = await this.d.record(meetingId);
    const name = recordFileName(record, 'minutes', 'pdf').replace(/\.pdf$/, '-DaKy.pdf');
    return this.fileBytes(meetingId, {
      name,
      kind: 'minutes.signed',
      mediaType: 'application/pdf',
      bytes,
    });
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
    try {
      await this.fileBriefing(meetingId, record);
    } catch (error) {
      this.d.logger.error('archive: the briefing papers could not be filed', {
        meetingId,
        error: (error as Error).message,
      });
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
    const { archived, hold } = await this.open(meetingId, grant);
    const { recordingMonths } = await this.d.retention.policy();
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
      if (f.expired) view.expired = { ...f.expired };
      else if (EXPIRING_KINDS.includes(f.kind)) {
        const until = keepUntil(f.at, recordingMonths);
        if (until) view.keepUntil = until;
      }
      const index = chapterIndex.get(`${f.name}.chapters.json`);
      if (f.kind === 'recording' && index && !f.expired && !index.expired)
        view.chapters = await this.chaptersOf(index.key);
      files.push(view);
    }
    return {
      meetingId,
      hold,
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
    return this.serve((await this.open(meetingId, grant)).archived, sha256);
  }

  /**
   * A play link for one filed file (the role check is the listing's), bound to the session whose
   * access token asked for it (`session`: its facts as revocation knows them).
   */
  async playLink(
    meetingId: string,
    grant: Grant,
    sha256: string,
    session: TokenFacts,
  ): Promise<ArchivePlayLink> {
    await this.serve((await this.open(meetingId, grant)).archived, sha256);
    const { token, expiresAt } = this.d.links.issue({
      meetingId,
      sha256,
      sub: grant.sub,
      role: grant.role,
      session,
    });
    return { url: `/api/archive/play/${token}`, expiresAt };
  }

  /**
   * The file a play link names, if its session was not revoked since, its asker still opens this
   * meeting's archive (a role taken away, a secretary replaced) and the file is still filed,
   * unaltered and within its term. Checked on every Range request: a link lives 15 minutes,
   * and taking access back must not wait for that.
   */
  async openPlayLink(token: string): ReturnType<MeetingArchive['download']> {
    const g = this.d.links.verify(token);
    if (this.d.revoked(g.session))
      throw new HubError('ACCESS_REVOKED', 'the session this play link was issued to has ended');
    const archived = await this.d.meetings.read(g.meetingId, (p) => {
      let opens: boolean;
      try {
        opens = ARCHIVE_ROLES.includes(
          meetingRole({ sub: g.sub, role: g.role, name: '' }, p.meeting),
        );
      } catch {
        opens = false;
      }
      if (!opens) throw new HubError('ACCESS_REVOKED', 'the asker no longer opens this archive');
      return p.archived.map((a) => ({ ...a }));
    });
    return this.serve(archived, g.sha256);
  }

  /**
   * Puts a retention hold on the meeting's archive or takes it off (the meeting's secretary or an
   * admin), with the reason, as an `archive.hold`/`archive.release` entry of its log: the entry
   * says who and when. Holding a held archive (or releasing one not held) is a CONFLICT, so two
   * secretaries' clicks do not write two lines.
   */
  async setHold(meetingId: string, grant: Grant, body: ArchiveHoldBody): Promise<ArchiveListing> {
    await this.d.meetings.command(
      meetingId,
      actorOf(grant),
      (p) => {
        const role = meetingRole(grant, p.meeting);
        if (!ARCHIVE_HOLD_ROLES.includes(role))
          throw new HubError('FORBIDDEN', 'a hold is for the secretary and admins');
        if (body.held && p.archiveHold)
          throw new HubError('CONFLICT', 'the archive is already held');
        if (!body.held && !p.archiveHold) throw new HubError('CONFLICT', 'the archive is not held');
        return body.held
          ? { type: 'archive.hold', data: { reason: body.reason } }
          : { type: 'archive.release', data: { reason: body.reason } };
      },
      () => null,
    );
    this.d.logger.info(body.held ? 'archive: held' : 'archive: hold released', {
      meetingId,
      by: grant.sub,
    });
    return this.listing(meetingId, grant);
  }

  private async serve(
    archived: Filed[],
    sha256: string,
  ): Promise<{
    file: ArchiveFileView & { key: string };
    open: (range?: { start: number; end: number }) => Readable;
  }> {
    const all = archived.filter((x) => x.sha256 === sha256);
    const f = all.find((x) => !x.expired);
    if (!f) {
      if (all.length > 0)
        throw new HubError('NOT_FOUND', 'the file was removed under the retention policy');
      throw new HubError('NOT_FOUND', 'no such file in this meeting archive');
    }
    const stat = await this.d.files.stat(f.key);
    if (!stat || stat.size !== f.size || stat.sha256 !== f.sha256)
      throw new HubError('NOT_FOUND', 'the archived file is missing or altered');
    return { file: f, open: (range) => this.d.files.open(f.key, range) };
  }

  private async open(
    meetingId: string,
    grant: Grant,
  ): Promise<{ archived: Filed[]; hold: ArchiveHold | null }> {
    return this.d.meetings.read(meetingId, (p) => {
      const role = meetingRole(grant, p.meeting);
      if (!ARCHIVE_ROLES.includes(role))
        throw new HubError('FORBIDDEN', 'the archive is for the chair and the secretary');
      return {
        archived: p.archived.map((a) => ({ ...a })),
        hold: p.archiveHold ? { ...p.archiveHold, by: { ...p.archiveHold.by } } : null,
      };
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
