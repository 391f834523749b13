import { z } from 'zod';
import { Id, IsoInstant, type Role } from './domain';
import { ArchiveFileKind } from './meetingLog';
import { FiledSignedMinutes } from './records';

/**
 * The meeting archive (issue #13): what a meeting filed when it ended — its recording, minutes,
 * attendance report and log export — each with the SHA-256 written into the meeting's log when
 * it was filed, so a copy altered later no longer matches.
 */

/** A chapter of a recording: an agenda item or a speaking turn, in ms from the file's start. */
export const ArchiveChapter = z.object({
  kind: z.enum(['agenda', 'turn']),
  title: z.string().max(600),
  startMs: z.number().int().min(0),
  endMs: z.number().int().min(0),
  itemId: z.string().max(64).optional(),
  siteId: z.string().max(64).optional(),
});
export type ArchiveChapter = z.infer<typeof ArchiveChapter>;

export const ArchiveFileView = z.object({
  name: z.string().min(1).max(200),
  kind: ArchiveFileKind,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0),
  mediaType: z.string().max(100),
  /** When it was filed (its `archive.file` entry). */
  at: IsoInstant,
  /** Recordings: the chapters the player jumps to (from the index filed beside it). */
  chapters: z.array(ArchiveChapter).optional(),
});
export type ArchiveFileView = z.infer<typeof ArchiveFileView>;

export const ArchiveListing = z.object({
  meetingId: Id,
  /** Recordings still being composed and filed (the meeting just ended). */
  pending: z.boolean(),
  files: z.array(ArchiveFileView),
  /** The signed minutes the secretary filed (GET …/minutes.signed.pdf), if any. */
  signedMinutes: FiledSignedMinutes.nullable(),
});
export type ArchiveListing = z.infer<typeof ArchiveListing>;

/** Who opens a meeting's archive: its chair, its secretary, admins (the minutes' roles). */
export const ARCHIVE_ROLES: readonly Role[] = ['admin', 'chair', 'secretary'];

export const ARCHIVE_ROUTES = [
  {
    method: 'get',
    path: '/api/meetings/:id/archive',
    roles: ARCHIVE_ROLES,
    response: 'ArchiveListing',
  },
  {
    method: 'get',
    /** `:sha256` of a filed file; answers HTTP Range requests (206) for the player. */
    path: '/api/meetings/:id/archive/:sha256',
    roles: ARCHIVE_ROLES,
    response: 'file',
  },
] as const;
