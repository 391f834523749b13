import { z } from 'zod';
import { IsoInstant } from './domain';

/**
 * The briefing beyond video (issue #14): ward reports before the meeting, meeting documents,
 * votes, written opinions and the chair's notice. Wire shapes and the log entries' data; the
 * entries themselves are in meetingLog.ts (`BRIEFING_LOG_ENTRIES`).
 */

export const BRIEFING_LIMITS = {
  reportTemplateChars: 10_000,
  reportTextChars: 20_000,
  reportFields: 20,
  reportFieldChars: 2_000,
  reportFiles: 10,
  /** Amendments one site may file (each is one log entry). */
  reportVersions: 30,
  fileBytes: 20 * 1024 * 1024,
  fileNameChars: 200,
  documents: 60,
  /** Opens of one document recorded per site (then opens still work but are not logged). */
  documentOpensPerSite: 20,
  documentPages: 10_000,
  voteQuestionChars: 500,
  voteOptions: 10,
  voteOptionChars: 100,
  /** Open or closed votes in one meeting. */
  votes: 100,
  opinionChars: 2_000,
  /** Written opinions one site may send in one meeting. */
  opinionsPerSite: 20,
  noticeChars: 200,
} as const;

const Id = z.string().min(1).max(64);
const SiteId = z.string().min(1).max(16);
/** Single-line text: no control characters. */
const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(
      (s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f),
      'must be one line of text',
    );
/**
 * Text with simple formatting: paragraphs, `- ` lists, **bold**, *italic* (a tiny markup the
 * hub never turns into HTML; client and documents render it escaped). Control characters other
 * than newline and tab are refused.
 */
export const FormattedText = (max: number) =>
  z
    .string()
    .max(max)
    .refine(
      (s) =>
        ![...s].some((c) => {
          const n = c.charCodeAt(0);
          return (n < 0x20 && n !== 0x0a && n !== 0x09 && n !== 0x0d) || n === 0x7f;
        }),
      'contains control characters',
    );

export const FileKindSchema = z.enum(['pdf', 'docx', 'xlsx', 'png', 'jpeg', 'webp']);
export type FileKindName = z.infer<typeof FileKindSchema>;

/** A file kept by the hub's file store, as the log records it. */
export const FileRef = z.object({
  key: z.string().regex(/^sha256\/[0-9a-f]{2}\/[0-9a-f]{64}$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0).max(BRIEFING_LIMITS.fileBytes),
  name: line(BRIEFING_LIMITS.fileNameChars),
  kind: FileKindSchema,
  mediaType: z.string().max(100),
});
export type FileRef = z.infer<typeof FileRef>;

// --- ward reports ------------------------------------------------------------------------------

export const ReportField = z.object({
  id: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'lower-case letters, digits, - and _ (at most 32)'),
  label: line(200),
  required: z.boolean(),
});
export type ReportField = z.infer<typeof ReportField>;

export const ReportRequestInput = z.object({
  deadline: IsoInstant,
  template: FormattedText(BRIEFING_LIMITS.reportTemplateChars).default(''),
  fields: z
    .array(ReportField)
    .max(BRIEFING_LIMITS.reportFields)
    .refine((f) => new Set(f.map((x) => x.id)).size === f.length, 'field ids must be unique')
    .default([]),
});
export type ReportRequestInput = z.infer<typeof ReportRequestInput>;

export const ReportSubmitInput = z.object({
  text: FormattedText(BRIEFING_LIMITS.reportTextChars).default(''),
  fields: z
    .record(z.string().max(32), z.string().max(BRIEFING_LIMITS.reportFieldChars))
    .default({}),
  /** Files uploaded first (POST .../reports/files), by key. */
  files: z.array(FileRef).max(BRIEFING_LIMITS.reportFiles).default([]),
});
export type ReportSubmitInput = z.infer<typeof ReportSubmitInput>;

/** chưa nộp / đã nộp / nộp muộn. */
export const ReportStatus = z.enum(['missing', 'submitted', 'late']);
export type ReportStatus = z.infer<typeof ReportStatus>;

export interface ReportRequestView {
  deadline: IsoInstant;
  template: string;
  fields: ReportField[];
  requestedAt: IsoInstant;
}

export interface ReportSubmissionView {
  siteId: string;
  text: string;
  fields: Record<string, string>;
  files: FileRef[];
  /** First submission and latest amendment. */
  firstAt: IsoInstant;
  at: IsoInstant;
  version: number;
  late: boolean;
}

export interface ReportBoardRow {
  siteId: string;
  code: string;
  name: string;
  status: ReportStatus;
  submittedAt: IsoInstant | null;
  version: number;
  lastRemindedAt: IsoInstant | null;
}

/** The secretary's board. */
export interface ReportBoard {
  request: ReportRequestView | null;
  rows: ReportBoardRow[];
  counts: Record<ReportStatus, number>;
}

/** What a site sees of its own report. */
export interface SiteReportView {
  request: ReportRequestView | null;
  status: ReportStatus;
  submission: ReportSubmissionView | null;
  /** false after the deadline once submitted (a missing report may still come, late). */
  mayAmend: boolean;
  lastRemindedAt: IsoInstant | null;
}

export const ReportRemindInput = z.object({
  /** Default: every site still missing. */
  siteIds: z.array(SiteId).max(5_000).optional(),
});

// --- meeting documents ---------------------------------------------------------------------------

export interface MeetingDocumentView {
  id: string;
  name: string;
  itemId: string | null;
  file: FileRef;
  attachedAt: IsoInstant;
  /** Staff only: sites that opened it at least once. */
  openedBy?: Array<{ siteId: string; firstAt: IsoInstant; opens: number }>;
}

export interface PresentationView {
  docId: string;
  page: number;
  at: IsoInstant;
}

export const DocumentPresentInput = z.object({
  docId: Id.nullable(),
  page: z.number().int().min(1).max(BRIEFING_LIMITS.documentPages).default(1),
});

// --- votes --------------------------------------------------------------------------------------

export const DEFAULT_VOTE_OPTIONS = ['Tán thành', 'Không tán thành', 'Ý kiến khác'] as const;

export const VoteOpenInput = z.object({
  itemId: Id.optional(),
  question: line(BRIEFING_LIMITS.voteQuestionChars),
  /** Absent = tán thành / không tán thành / ý kiến khác. */
  options: z
    .array(line(BRIEFING_LIMITS.voteOptionChars))
    .min(2)
    .max(BRIEFING_LIMITS.voteOptions)
    .refine((o) => new Set(o).size === o.length, 'options must differ')
    .optional(),
  secret: z.boolean().default(false),
  /** Seconds from now until the vote closes by itself. */
  durationSeconds: z
    .number()
    .int()
    .min(10)
    .max(24 * 3600)
    .default(120),
});
export type VoteOpenInput = z.infer<typeof VoteOpenInput>;

export const VoteAnswerInput = z.object({ voteId: Id, option: z.number().int().min(0).max(99) });
export const VoteCloseInput = z.object({ voteId: Id });

export interface VoteView {
  id: string;
  itemId: string | null;
  question: string;
  options: string[];
  secret: boolean;
  openedAt: IsoInstant;
  deadline: IsoInstant;
  closedAt: IsoInstant | null;
  expected: number;
  answered: number;
  /** Staff always; sites once closed. */
  tally: number[] | null;
  /** Who voted what: staff, for open (not secret) votes; sites see it once closed. */
  ballots: Array<{ siteId: string; option: number; at: IsoInstant }> | null;
  /** For a site: its own answer (null = not yet). */
  yourAnswer?: number | null;
}

// --- written opinions and the notice ----------------------------------------------------------

export const OpinionSendInput = z.object({
  itemId: Id.optional(),
  text: FormattedText(BRIEFING_LIMITS.opinionChars).refine((s) => s.trim().length > 0, 'empty'),
});
export const OpinionReadInput = z.object({ opinionId: Id, read: z.boolean().default(true) });
export const NoticeSetInput = z.object({ text: line(BRIEFING_LIMITS.noticeChars).nullable() });

export interface OpinionView {
  id: string;
  siteId: string;
  itemId: string | null;
  text: string;
  at: IsoInstant;
  readAt: IsoInstant | null;
}

export interface NoticeView {
  text: string;
  at: IsoInstant;
}

/** The briefing part of a snapshot (staff get every list; a site its own view). */
export interface BriefingView {
  votes: VoteView[];
  opinions: OpinionView[];
  notice: NoticeView | null;
  documents: MeetingDocumentView[];
  presentation: PresentationView | null;
}

// --- log entries' data (meetingLog.ts wraps them) -------------------------------------------

export const BriefingEntryData = {
  'report.request': {
    deadline: IsoInstant,
    template: z.string().max(BRIEFING_LIMITS.reportTemplateChars),
    fields: z.array(ReportField).max(BRIEFING_LIMITS.reportFields),
  },
  'report.submit': {
    siteId: SiteId,
    text: z.string().max(BRIEFING_LIMITS.reportTextChars),
    fields: z.record(z.string().max(32), z.string().max(BRIEFING_LIMITS.reportFieldChars)),
    files: z.array(FileRef).max(BRIEFING_LIMITS.reportFiles),
  },
  'report.remind': { siteIds: z.array(SiteId).max(5_000) },
  'document.attach': { docId: Id, itemId: Id.optional(), name: z.string().max(200), file: FileRef },
  'document.remove': { docId: Id },
  /** A site opened a document (at most `documentOpensPerSite` entries per site and document). */
  'document.open': { docId: Id, siteId: SiteId },
  'document.present': { docId: Id.nullable(), page: z.number().int().min(1).max(10_000) },
  'vote.open': {
    voteId: Id,
    itemId: Id.optional(),
    question: z.string().max(BRIEFING_LIMITS.voteQuestionChars),
    options: z.array(z.string().max(BRIEFING_LIMITS.voteOptionChars)).min(2).max(10),
    secret: z.boolean(),
    deadline: IsoInstant,
    expectedSiteIds: z.array(SiteId).max(5_000),
  },
  /**
   * One ballot. `voter` is a keyed tag of the site (HMAC with the hub's secret), so a second
   * ballot is refused even for a secret vote, whose entries carry no `siteId` (and an anonymous
   * actor): the log of a secret vote does not say who voted what.
   */
  'vote.answer': {
    voteId: Id,
    voter: z.string().regex(/^[0-9a-f]{16,64}$/),
    siteId: SiteId.optional(),
    option: z.number().int().min(0).max(99),
  },
  'vote.close': { voteId: Id, reason: z.enum(['chair', 'deadline', 'meeting_closed']) },
  'opinion.send': {
    opinionId: Id,
    siteId: SiteId,
    itemId: Id.optional(),
    text: z.string().max(BRIEFING_LIMITS.opinionChars),
  },
  'opinion.read': { opinionId: Id, read: z.boolean() },
  'notice.set': { text: z.string().max(BRIEFING_LIMITS.noticeChars).nullable() },
} as const;

// --- REST routes (spread into ROUTES in rest.ts) ---------------------------------------------

const EVERY = ['admin', 'chair', 'secretary', 'site', 'observer'] as const;
const OFFICE = ['admin', 'chair', 'secretary'] as const;
const SECRETARY = ['admin', 'secretary'] as const;

export const UploadQuery = z.object({
  name: line(BRIEFING_LIMITS.fileNameChars),
  itemId: Id.optional(),
});
export const FileQuery = z.object({ download: z.enum(['0', '1']).optional() });

/**
 * Uploads are the raw bytes as the request body (any Content-Type but JSON), the file's name in
 * `?name=`; the hub checks size and type by content before anything is kept.
 */
export const BRIEFING_ROUTES = [
  { method: 'get', path: '/api/meetings/:id/briefing', roles: EVERY, response: 'BriefingView' },
  { method: 'get', path: '/api/meetings/:id/reports', roles: OFFICE, response: 'ReportBoard' },
  {
    method: 'put',
    path: '/api/meetings/:id/reports/request',
    roles: SECRETARY,
    body: ReportRequestInput,
    response: 'ReportBoard',
  },
  {
    method: 'post',
    path: '/api/meetings/:id/reports/remind',
    roles: SECRETARY,
    body: ReportRemindInput,
    response: 'ReportBoard',
  },
  {
    method: 'get',
    path: '/api/meetings/:id/reports/compiled.docx',
    roles: OFFICE,
    response: 'docx',
  },
  { method: 'get', path: '/api/meetings/:id/reports/compiled.pdf', roles: OFFICE, response: 'pdf' },
  {
    method: 'get',
    path: '/api/meetings/:id/reports/mine',
    roles: ['site'],
    response: 'SiteReportView',
  },
  {
    method: 'put',
    path: '/api/meetings/:id/reports/mine',
    roles: ['site'],
    body: ReportSubmitInput,
    response: 'SiteReportView',
  },
  {
    method: 'post',
    path: '/api/meetings/:id/reports/files',
    roles: ['site'],
    query: UploadQuery,
    response: 'FileRef',
  },
  {
    method: 'get',
    path: '/api/meetings/:id/reports/:siteId/files/:index',
    roles: ['admin', 'chair', 'secretary', 'site'],
    query: FileQuery,
    response: 'file',
  },
  {
    method: 'post',
    path: '/api/meetings/:id/documents',
    roles: SECRETARY,
    query: UploadQuery,
    response: 'MeetingDocumentView',
  },
  {
    method: 'delete',
    path: '/api/meetings/:id/documents/:docId',
    roles: SECRETARY,
    response: 'null',
  },
  {
    method: 'get',
    path: '/api/meetings/:id/documents/:docId/file',
    roles: EVERY,
    query: FileQuery,
    response: 'file',
  },
] as const;
