import { z } from 'zod';
import { BriefingEntryData } from './briefing';
import {
  Actor,
  AttendanceMark,
  IsoInstant,
  MediaFlags,
  MeetingState,
  RecordingStopReason,
  Spotlight,
} from './domain';

/**
 * The vocabulary of a meeting's append-only event log (also its audit trail and the source of
 * every attendance report and minutes). One schema per entry type, in one discriminated union:
 * the hub validates what it appends with it and every consumer narrows on `type` instead of
 * casting `data`.
 *
 * Adding a command that records something: add its entry here (one `entry(...)` line in
 * `LOG_ENTRIES`), fold it in the projection (one `case`), decide its pushes (`pushesFor`), and
 * give it a handler. Entries are never changed once written: a new meaning gets a new type, and
 * old types stay here (marked legacy) so old logs still fold.
 */

const SiteId = z.string().min(1).max(16);
/** A hold's reason: a sentence or two naming the complaint or the inspection, not a file. */
export const ARCHIVE_HOLD_REASON_MAX = 500;
const ItemId = z.string().min(1).max(64);

/** Why a floor ended: the chair revoked it, its time ran out, the chair moved on, removal. */
export const FloorEndReason = z.enum(['revoked', 'expired', 'next', 'removed']);
export type FloorEndReason = z.infer<typeof FloorEndReason>;

/**
 * Why a site connection ended. Absent (older logs, and a socket that closed without saying
 * goodbye) = dropped; `left` = the site left on purpose (`meeting:leave`); `node_lost` = recorded
 * by another hub because the node holding the connection stopped beating.
 */
export const SiteLeaveReason = z.enum(['left', 'node_lost']);
export type SiteLeaveReason = z.infer<typeof SiteLeaveReason>;

/** What the archive keeps per meeting. */
export const ArchiveFileKind = z.enum([
  'recording',
  'recording.tracks',
  'chapters',
  'minutes.pdf',
  'minutes.docx',
  'attendance.xlsx',
  'attendance.csv',
  'attendance.pdf',
  'log',
  'document',
  /** A ward's report attachment (issue #14), filed at the close. */
  'report.file',
  /** The compiled ward reports (DOCX/PDF) of a meeting that asked for reports. */
  'reports.docx',
  'reports.pdf',
  /** The minutes as signed and filed by the secretary (the issued PDF plus signatures). */
  'minutes.signed',
]);
export type ArchiveFileKind = z.infer<typeof ArchiveFileKind>;

const base = { seq: z.number().int().min(1), at: IsoInstant, actor: Actor };

function entry<T extends string, S extends z.ZodRawShape>(type: T, data: S) {
  return z.object({ ...base, type: z.literal(type), data: z.object(data) });
}

export const LOG_ENTRIES = [
  entry('state', { from: MeetingState, to: MeetingState }),
  entry('lock', { locked: z.boolean() }),

  entry('agenda.start', { itemId: ItemId }),
  entry('agenda.end', { itemId: ItemId }),
  entry('agenda.extend', { itemId: ItemId, minutes: z.number().int().min(1).max(600) }),
  entry('agenda.reorder', { itemIds: z.array(ItemId).max(200) }),
  entry('agenda.note', {
    itemId: ItemId,
    notes: z.string().max(20_000).optional(),
    conclusions: z.string().max(20_000).optional(),
  }),

  /** No `itemId` = a general opinion (not about an agenda item). */
  entry('floor.request', {
    siteId: SiteId,
    itemId: ItemId.optional(),
    presenter: z.boolean().optional(),
  }),
  entry('floor.cancel', { siteId: SiteId }),
  /** The chair declined (removed) a site's request; the site is told. */
  entry('floor.decline', { siteId: SiteId, reason: z.string().max(500).optional() }),
  entry('floor.reorder', { siteIds: z.array(SiteId).max(5_000) }),
  entry('floor.grant', {
    siteId: SiteId,
    itemId: ItemId.optional(),
    limitSeconds: z.number().int().min(0).max(3600),
  }),
  entry('floor.revoke', { siteId: SiteId, reason: FloorEndReason }),
  entry('floor.spotlight', { spotlight: Spotlight.nullable() }),

  entry('site.join', { siteId: SiteId, connId: z.string().min(1).max(64), node: z.string() }),
  entry('site.leave', {
    siteId: SiteId,
    connId: z.string().min(1).max(64),
    reason: SiteLeaveReason.optional(),
  }),
  entry('site.media', {
    siteId: SiteId,
    audio: MediaFlags.shape.audio,
    video: MediaFlags.shape.video,
  }),

  /** The chair asks the floor holder to unmute; nothing opens until the site accepts. */
  entry('mic.unmuteRequest', { siteId: SiteId }),
  /** The floor holder accepted the chair's request: its mic may flow until the floor ends. */
  entry('mic.unmuteAccept', { siteId: SiteId }),
  /**
   * Legacy (hubs before issue #8): "asked to unmute" that opened the mic at once. Folded as an
   * unmute request of the holder (never as a permission), so an old log cannot open a mic.
   */
  entry('mic.allow', { siteId: SiteId, allowed: z.boolean() }),
  /** `siteId: null` = every site. */
  entry('moderation.mute', { siteId: SiteId.nullable() }),
  entry('moderation.remove', { siteId: SiteId, reason: z.string().max(500).optional() }),

  entry('attendance.mark', {
    siteId: SiteId,
    mark: AttendanceMark.nullable().optional(),
    absenceReason: z.string().max(500).optional(),
    /** null = clear the secretary's headcount. */
    headcount: z.number().int().min(0).max(100_000).nullable().optional(),
    siteChair: z.string().max(200).optional(),
    note: z.string().max(2_000).optional(),
  }),

  entry('rollcall.start', {
    id: z.string().min(1).max(64),
    deadline: IsoInstant,
    expectedSiteIds: z.array(SiteId),
  }),
  entry('rollcall.answer', {
    id: z.string().min(1).max(64),
    siteId: SiteId,
    headcount: z.number().int().min(0).max(100_000),
  }),
  entry('rollcall.close', { id: z.string().min(1).max(64) }),

  // Issue #14, the briefing beyond video: reports, documents, votes, opinions, the notice
  // (their data shapes and limits are in briefing.ts).
  entry('report.request', BriefingEntryData['report.request']),
  entry('report.submit', BriefingEntryData['report.submit']),
  entry('report.remind', BriefingEntryData['report.remind']),
  entry('document.attach', BriefingEntryData['document.attach']),
  entry('document.remove', BriefingEntryData['document.remove']),
  entry('document.open', BriefingEntryData['document.open']),
  entry('document.present', BriefingEntryData['document.present']),
  entry('vote.open', BriefingEntryData['vote.open']),
  entry('vote.answer', BriefingEntryData['vote.answer']),
  entry('vote.close', BriefingEntryData['vote.close']),
  entry('opinion.send', BriefingEntryData['opinion.send']),
  entry('opinion.read', BriefingEntryData['opinion.read']),
  entry('notice.set', BriefingEntryData['notice.set']),
  /** Recording started: by the chair, or `auto` with the session (the meeting's setting). */
  entry('recording.start', { auto: z.boolean().optional() }),
  entry('recording.stop', {
    reason: RecordingStopReason,
    message: z.string().max(500).optional(),
  }),
  /**
   * The recording goes on in a new file, what was written stays: the recorder died and came back
   * (`recorder_died`), or the media room was lost with its worker and rebuilt (`media_lost`).
   * `gapMs`: how long nothing was recorded between the two files.
   */
  entry('recording.segment', {
    segment: z.number().int().min(2).max(100_000),
    cause: z.enum(['recorder_died', 'media_lost']).optional(),
    gapMs: z.number().int().min(0).max(86_400_000).optional(),
  }),
  /**
   * A file filed in the meeting's archive and its SHA-256, written when it was filed: a copy
   * altered later no longer matches its line here.
   */
  entry('archive.file', {
    name: z.string().min(1).max(200),
    kind: ArchiveFileKind,
    key: z.string().max(100),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().min(0),
    mediaType: z.string().max(100),
  }),
  /**
   * A filed file removed by the retention policy (docs/configuration.md "Retention"): what went
   * (its `archive.file` line: name, kind, SHA-256), when it had been filed and under which policy,
   * so the archive says so instead of offering a broken link. Only recordings expire.
   */
  entry('archive.expire', {
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    name: z.string().min(1).max(200),
    kind: ArchiveFileKind,
    filedAt: IsoInstant,
    policy: z.literal('retention'),
    recordingMonths: z.number().int().min(1).max(1200),
  }),
  /**
   * A retention hold on the meeting's archive (a complaint, an inspection): the sweep removes
   * nothing of it until `archive.release`. Who and when are the entry's actor and time.
   */
  entry('archive.hold', { reason: z.string().min(1).max(ARCHIVE_HOLD_REASON_MAX) }),
  /** The hold taken off (the sweep removes what is past its term again), and why. */
  entry('archive.release', { reason: z.string().min(1).max(ARCHIVE_HOLD_REASON_MAX) }),
] as const;

/** One entry of a meeting's log. */
export const MeetingEventEntry = z.discriminatedUnion('type', LOG_ENTRIES);
export type MeetingEventEntry = z.infer<typeof MeetingEventEntry>;

export type MeetingEventType = MeetingEventEntry['type'];
export type LogEntryOf<T extends MeetingEventType> = Extract<MeetingEventEntry, { type: T }>;
/** The `data` of one entry type. */
export type LogData<T extends MeetingEventType> = LogEntryOf<T>['data'];
/** What a command decides to append: a type and its data (seq, time and actor come from the hub). */
export type LogDecision = {
  [T in MeetingEventType]: { type: T; data: LogData<T> };
}[MeetingEventType];

export const MEETING_EVENT_TYPES = LOG_ENTRIES.map(
  (e) => e.shape.type.value,
) as readonly MeetingEventType[];

/** A page of `GET /api/meetings/:id/events`. */
export const MeetingEventsPage = z.object({
  events: z.array(MeetingEventEntry),
  /** Pass as `after` for the next page; null = this was the last one. */
  nextAfter: z.number().int().nullable(),
});
export type MeetingEventsPage = z.infer<typeof MeetingEventsPage>;

export const MeetingEventsQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
