import { z } from 'zod';
import { Actor, Id, IsoInstant, type Role } from './domain';
import { ARCHIVE_HOLD_REASON_MAX, ArchiveFileKind } from './meetingLog';
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
  /** A file the retention policy removes: kept until then (absent: kept for good). */
  keepUntil: IsoInstant.optional(),
  /** Removed by the retention policy (its `archive.expire` entry): listed, no longer served. */
  expired: z.object({ at: IsoInstant, recordingMonths: z.number().int().min(0) }).optional(),
});
export type ArchiveFileView = z.infer<typeof ArchiveFileView>;

/**
 * A retention hold on a meeting's archive (its `archive.hold` entry): the office must keep it (a
 * complaint, an inspection), so the retention sweep removes nothing of it until it is released.
 */
export const ArchiveHold = z.object({
  reason: z.string().min(1).max(ARCHIVE_HOLD_REASON_MAX),
  /** When it was put on, and by whom (the entry's time and actor). */
  at: IsoInstant,
  by: Actor,
});
export type ArchiveHold = z.infer<typeof ArchiveHold>;

export const ArchiveListing = z.object({
  meetingId: Id,
  /** The retention hold, if one is on (nothing past its term is removed meanwhile). */
  hold: ArchiveHold.nullable(),
  /** Recordings still being composed and filed (the meeting just ended). */
  pending: z.boolean(),
  files: z.array(ArchiveFileView),
  /** The signed minutes the secretary filed (GET …/minutes.signed.pdf), if any. */
  signedMinutes: FiledSignedMinutes.nullable(),
});
export type ArchiveListing = z.infer<typeof ArchiveListing>;

/**
 * How long the archive keeps what (issue #13, docs/configuration.md "Retention"). Only the
 * recordings (and their chapter index) expire: the minutes, the signed minutes, the attendance,
 * the log's export and the meeting documents are the office's records and are never removed by
 * the hub (destroying records is an archival decision, taken outside it).
 */
export const RetentionPolicy = z
  .object({
    /** Months a recording is kept after it was filed; 0 = kept for good (never swept). */
    recordingMonths: z.number().int().min(0).max(1200),
  })
  .strict();
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;

/** The kinds the retention policy removes; every other kind is kept for good. */
export const EXPIRING_KINDS: readonly ArchiveFileKind[] = [
  'recording',
  'recording.tracks',
  'chapters',
];

export const RetentionSettings = z.object({
  policy: RetentionPolicy,
  /** 'admin': set on the admin screen (PUT …/retention); 'default': ARCHIVE_RECORDING_RETENTION_MONTHS. */
  source: z.enum(['default', 'admin']),
  /** The deployment's default (the environment), what a reset returns to. */
  defaultPolicy: RetentionPolicy,
  updatedAt: IsoInstant.optional(),
  updatedBy: z.string().max(200).optional(),
  expiringKinds: z.array(ArchiveFileKind),
});
export type RetentionSettings = z.infer<typeof RetentionSettings>;

/** PUT body: a policy, or `null` to go back to the deployment's default. */
export const RetentionBody = z.object({ policy: RetentionPolicy.nullable() }).strict();
export type RetentionBody = z.infer<typeof RetentionBody>;

/**
 * PUT …/archive/hold: put a hold on (`held: true`) or take it off, always with the reason (it
 * goes into the meeting's log). Surrounding blanks are trimmed before the length is checked.
 */
export const ArchiveHoldBody = z
  .object({
    held: z.boolean(),
    reason: z.string().trim().min(1, 'a reason is required').max(ARCHIVE_HOLD_REASON_MAX),
  })
  .strict();
export type ArchiveHoldBody = z.infer<typeof ArchiveHoldBody>;

/** A short-lived link for the player's `<video src>` (Range requests, no bearer header). */
export const ArchivePlayLink = z.object({ url: z.string().max(2000), expiresAt: IsoInstant });
export type ArchivePlayLink = z.infer<typeof ArchivePlayLink>;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day: yyyy-mm-dd');

/**
 * The archive's search (closed meetings the caller may open): words of the title or number,
 * a unit (words of an invited ward's or province's name, or of the issuing body or the place),
 * and the meeting's day from/to (its local day), all optional. Matching ignores diacritics.
 */
export const ArchiveSearchQuery = z
  .object({
    q: z.string().max(200).optional(),
    unit: z.string().max(200).optional(),
    from: Day.optional(),
    to: Day.optional(),
  })
  .strict();
export type ArchiveSearchQuery = z.infer<typeof ArchiveSearchQuery>;

export const ArchiveMeetingRow = z.object({
  id: Id,
  title: z.string(),
  scheduledStart: IsoInstant,
  /** When the session started, if it did. */
  startedAt: IsoInstant.optional(),
  issuingBody: z.string(),
  documentNumber: z.string().optional(),
  siteCount: z.number().int().min(0),
  /** The invited units (full names) the unit words matched, at most 5. */
  matchedUnits: z.array(z.string()),
});
export type ArchiveMeetingRow = z.infer<typeof ArchiveMeetingRow>;

export const ARCHIVE_SEARCH_LIMIT = 200;
export const ArchiveSearchResult = z.object({
  meetings: z.array(ArchiveMeetingRow),
  /** More matched than ARCHIVE_SEARCH_LIMIT (newest first are listed): narrow the search. */
  more: z.boolean(),
});
export type ArchiveSearchResult = z.infer<typeof ArchiveSearchResult>;

/** Who opens a meeting's archive: its chair, its secretary, admins (the minutes' roles). */
export const ARCHIVE_ROLES: readonly Role[] = ['admin', 'chair', 'secretary'];
/** Who puts a retention hold on or takes it off: the meeting's secretary and admins. */
export const ARCHIVE_HOLD_ROLES: readonly Role[] = ['admin', 'secretary'];

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
  {
    method: 'put',
    /** Puts a retention hold on the meeting's archive or takes it off (ArchiveHoldBody). */
    path: '/api/meetings/:id/archive/hold',
    roles: ARCHIVE_HOLD_ROLES,
    body: ArchiveHoldBody,
    response: 'ArchiveListing',
  },
  {
    method: 'post',
    /** A link to the file valid for a few minutes, for `<video src>` (the player streams it). */
    path: '/api/meetings/:id/archive/:sha256/link',
    roles: ARCHIVE_ROLES,
    response: 'ArchivePlayLink',
  },
  {
    method: 'get',
    /**
     * The file a play link names (the signed token is the authorisation; Range → 206). Refused
     * with ACCESS_REVOKED once the session that asked for it ended or lost its access.
     */
    path: '/api/archive/play/:token',
    roles: 'public',
    response: 'file',
  },
  {
    method: 'get',
    /** Closed meetings by title, unit and day (ArchiveSearchQuery), newest first. */
    path: '/api/archive/meetings',
    roles: ARCHIVE_ROLES,
    query: ArchiveSearchQuery,
    response: 'ArchiveSearchResult',
  },
  {
    method: 'get',
    path: '/api/archive/retention',
    roles: ARCHIVE_ROLES,
    response: 'RetentionSettings',
  },
  {
    method: 'put',
    path: '/api/archive/retention',
    roles: ['admin'],
    body: RetentionBody,
    response: 'RetentionSettings',
  },
] as const;
