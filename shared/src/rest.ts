import { z } from 'zod';
import { ChangePasswordBody, RevokeInvitationBody } from './access';
import { ARCHIVE_ROUTES } from './archive';
import { BRIEFING_ROUTES } from './briefing';
import {
  Account,
  type AgendaItem,
  type AttendanceRow,
  type AuditEntry,
  Grant,
  Id,
  ImportRejection,
  IsoInstant,
  type Meeting,
  MeetingState,
  type MeetingSummary,
  Role,
  Unit,
  UnitChange,
  type UnitGroup,
  UnitTier,
} from './domain';
import { type MeetingEventEntry, MeetingEventsQuery } from './meetingLog';
import { MinutesReviewBody, SignedMinutesUploadBody } from './records';

/**
 * REST contract. Every route except auth, /healthz and /metrics needs
 * `Authorization: Bearer <accessToken>`. Errors: HTTP status + `{ error: { code, message } }`.
 */

// --- auth -------------------------------------------------------------------------------------
export const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const RefreshBody = z.object({ refreshToken: z.string().min(1).max(4096) });
export const InvitationExchangeBody = z.object({ token: z.string().min(1).max(4096) });
export const TokenResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  /** Access token lifetime in seconds. */
  expiresIn: z.number().int(),
  grant: Grant,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

// --- directory --------------------------------------------------------------------------------
export const UnitQuery = z.object({
  tier: UnitTier.optional(),
  parentCode: z.string().max(16).optional(),
  q: z.string().max(100).optional(),
});
export const DirectoryImportBody = z.discriminatedUnion('format', [
  /** `data`: array of provinces shaped like vn-admin-units-2025.json. */
  z.object({ format: z.literal('json'), data: z.unknown(), preview: z.boolean().optional() }),
  /** Header: code,name,tier,parentCode[,fullName,kind,nameEn] (or the GSO's Vietnamese names). */
  z.object({
    format: z.literal('csv'),
    csv: z.string().max(8 * 1024 * 1024),
    preview: z.boolean().optional(),
  }),
]);
/**
 * What an import does (preview: true) or did: new, changed (with a diff per field), unchanged and
 * rejected rows. `fatal` is a problem with the whole file; then nothing is written.
 */
export const DirectoryImportResult = z.object({
  preview: z.boolean(),
  /** Units written (0 for a preview or a fatal file). */
  imported: z.number().int(),
  added: z.array(Unit),
  changed: z.array(UnitChange),
  unchanged: z.number().int(),
  rejected: z.array(ImportRejection),
  fatal: ImportRejection.optional(),
  expectedHeader: z.string(),
});
export type DirectoryImportResult = z.infer<typeof DirectoryImportResult>;
export const CreateGroupBody = z.object({
  name: z.string().min(1).max(200),
  unitCodes: z.array(z.string().max(16)).max(10_000).optional(),
  /** Add every ward of these provinces. */
  provinceCodes: z.array(z.string().max(16)).max(100).optional(),
});

// --- accounts ---------------------------------------------------------------------------------
export const CreateAccountBody = z.object({
  username: z
    .string()
    .min(3)
    .max(64)
    .regex(/^[a-z0-9._-]+$/, 'lowercase letters, digits, . _ -'),
  password: z.string().min(8).max(256),
  displayName: z.string().min(1).max(200),
  role: Role,
  siteId: z.string().max(16).optional(),
  title: z.string().max(200).optional(),
});
/**
 * A new password, disabling or another role ends every session of the account and disconnects
 * its sockets at once.
 */
export const UpdateAccountBody = z.object({
  password: z.string().min(8).max(256).optional(),
  displayName: z.string().min(1).max(200).optional(),
  title: z.string().max(200).optional(),
  disabled: z.boolean().optional(),
  /** Between staff roles (a site account stays a site). */
  role: Role.exclude(['site']).optional(),
});
/** Accounts never carry the password hash over the wire. */
export const AccountView = Account;

// --- meetings ---------------------------------------------------------------------------------
export const AgendaItemInput = z.object({
  id: Id.optional(),
  title: z.string().min(1).max(500),
  presenterSiteIds: z.array(z.string().max(16)).max(100).optional(),
  presenterName: z.string().max(200).optional(),
  plannedMinutes: z.number().int().min(1).max(600),
});
export const CreateMeetingBody = z.object({
  title: z.string().min(1).max(500),
  scheduledStart: IsoInstant,
  chairId: Id,
  secretaryId: Id,
  /** Invited sites: union of these unit codes, groups and every ward of these provinces. */
  siteIds: z.array(z.string().max(16)).max(10_000).optional(),
  groupIds: z.array(Id).max(100).optional(),
  provinceCodes: z.array(z.string().max(16)).max(100).optional(),
  agenda: z.array(AgendaItemInput).max(200).optional(),
  lateGraceMinutes: z.number().int().min(0).max(240).optional(),
  speakingLimitSeconds: z.number().int().min(0).max(3600).optional(),
  openMics: z.boolean().optional(),
  /** Record from the session's start (the chair can still stop it). Default false. */
  autoRecord: z.boolean().optional(),
  issuingBody: z.string().max(300).optional(),
  parentBody: z.string().max(300).optional(),
  documentNumber: z.string().max(100).optional(),
  place: z.string().max(200).optional(),
  hostLocation: z.string().max(300).optional(),
});
/** Only while draft or scheduled. */
export const UpdateMeetingBody = CreateMeetingBody.partial();
export const TransitionBody = z.object({ to: MeetingState });
export const InvitationsBody = z.object({
  /** Default: every invited site. */
  siteIds: z.array(z.string().max(16)).max(10_000).optional(),
  /** Set (or clear) one-browser-at-a-time on these sites' links. */
  singleBrowser: z.boolean().optional(),
});
/**
 * A site's live link: asking again gives a link to the same invitation (a new token string),
 * until it is revoked.
 */
export const Invitation = z.object({
  invitationId: z.string(),
  singleBrowser: z.boolean(),
  siteId: z.string(),
  siteName: z.string(),
  token: z.string(),
  /** `${PUBLIC_URL}/join/<token>`: the browser exchanges it at POST /api/auth/invitation. */
  url: z.string(),
  expiresAt: IsoInstant,
});
export type Invitation = z.infer<typeof Invitation>;
export const InvitationRevoked = z.object({
  revokedId: z.string(),
  /** With `reissue`: the new link. */
  replacement: Invitation.optional(),
});
export type InvitationRevoked = z.infer<typeof InvitationRevoked>;

/** Route table: method, path (Express syntax), roles allowed, body schema, response type name. */
export interface RouteSpec {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  /** 'public' = no token needed. */
  roles: readonly Role[] | 'public';
  body?: z.ZodType;
  /** Query string parameters (all optional; validated with this schema). */
  query?: z.ZodObject;
  response: string;
}

const ALL: readonly Role[] = ['admin', 'chair', 'secretary', 'site', 'observer'];
const STAFF: readonly Role[] = ['admin', 'chair', 'secretary', 'observer'];

export const ROUTES = [
  {
    method: 'post',
    path: '/api/auth/login',
    roles: 'public',
    body: LoginBody,
    response: 'TokenResponse',
  },
  {
    method: 'post',
    path: '/api/auth/refresh',
    roles: 'public',
    body: RefreshBody,
    response: 'TokenResponse',
  },
  {
    method: 'post',
    path: '/api/auth/invitation',
    roles: 'public',
    body: InvitationExchangeBody,
    response: 'TokenResponse',
  },
  { method: 'get', path: '/api/auth/me', roles: ALL, response: 'Grant' },
  /** Ends the session of the access token (every device of it, every hub process). */
  { method: 'post', path: '/api/auth/logout', roles: ALL, response: 'null' },
  /** The caller's own sessions (browsers signed in to the account, or opened with the link). */
  { method: 'get', path: '/api/auth/sessions', roles: ALL, response: 'SessionView[]' },
  { method: 'delete', path: '/api/auth/sessions/:id', roles: ALL, response: 'null' },
  /** Own password: every session ends; this browser gets a new one. Accounts only. */
  {
    method: 'post',
    path: '/api/auth/password',
    roles: ALL,
    body: ChangePasswordBody,
    response: 'PasswordChanged',
  },
  { method: 'get', path: '/api/units', roles: STAFF, response: 'Unit[]' },
  {
    method: 'post',
    path: '/api/units/import',
    roles: ['admin'],
    body: DirectoryImportBody,
    response: 'DirectoryImportResult',
  },
  { method: 'get', path: '/api/groups', roles: STAFF, response: 'UnitGroup[]' },
  {
    method: 'post',
    path: '/api/groups',
    roles: ['admin'],
    body: CreateGroupBody,
    response: 'UnitGroup',
  },
  { method: 'delete', path: '/api/groups/:id', roles: ['admin'], response: 'null' },
  { method: 'get', path: '/api/accounts', roles: ['admin'], response: 'Account[]' },
  {
    method: 'post',
    path: '/api/accounts',
    roles: ['admin'],
    body: CreateAccountBody,
    response: 'Account',
  },
  {
    method: 'patch',
    path: '/api/accounts/:id',
    roles: ['admin'],
    body: UpdateAccountBody,
    response: 'Account',
  },
  /** Deleting ends the account's sessions; its name stays in past meetings' records. */
  { method: 'delete', path: '/api/accounts/:id', roles: ['admin'], response: 'null' },
  {
    method: 'get',
    path: '/api/accounts/:id/sessions',
    roles: ['admin'],
    response: 'SessionView[]',
  },
  { method: 'delete', path: '/api/accounts/:id/sessions', roles: ['admin'], response: 'null' },
  {
    method: 'delete',
    path: '/api/accounts/:id/sessions/:sessionId',
    roles: ['admin'],
    response: 'null',
  },
  { method: 'get', path: '/api/audit', roles: ['admin'], response: 'AuditEntry[]' },
  { method: 'get', path: '/api/meetings', roles: ALL, response: 'MeetingSummary[]' },
  {
    method: 'post',
    path: '/api/meetings',
    roles: ['admin', 'secretary'],
    body: CreateMeetingBody,
    response: 'Meeting',
  },
  { method: 'get', path: '/api/meetings/:id', roles: ALL, response: 'Meeting' },
  {
    method: 'patch',
    path: '/api/meetings/:id',
    roles: ['admin', 'secretary'],
    body: UpdateMeetingBody,
    response: 'Meeting',
  },
  {
    method: 'post',
    path: '/api/meetings/:id/transition',
    roles: ['admin', 'chair', 'secretary'],
    body: TransitionBody,
    response: 'Meeting',
  },
  {
    method: 'post',
    path: '/api/meetings/:id/invitations',
    roles: ['admin', 'secretary'],
    body: InvitationsBody,
    response: 'Invitation[]',
  },
  /** Every link of the meeting, revoked ones too, with when and from where each was used. */
  {
    method: 'get',
    path: '/api/meetings/:id/invitations',
    roles: ['admin', 'secretary'],
    response: 'InvitationView[]',
  },
  /** The link stops at once and its sites' sockets are disconnected; `reissue` makes a new one. */
  {
    method: 'post',
    path: '/api/meetings/:id/invitations/:invitationId/revoke',
    roles: ['admin', 'secretary'],
    body: RevokeInvitationBody,
    response: 'InvitationRevoked',
  },
  {
    method: 'get',
    path: '/api/meetings/:id/attendance',
    roles: STAFF,
    response: 'AttendanceRow[]',
  },
  { method: 'get', path: '/api/meetings/:id/attendance.csv', roles: STAFF, response: 'text/csv' },
  { method: 'get', path: '/api/meetings/:id/attendance.xlsx', roles: STAFF, response: 'xlsx' },
  { method: 'get', path: '/api/meetings/:id/attendance.pdf', roles: STAFF, response: 'pdf' },
  {
    method: 'get',
    path: '/api/meetings/:id/minutes.docx',
    roles: ['admin', 'chair', 'secretary'],
    response: 'docx',
  },
  {
    method: 'get',
    path: '/api/meetings/:id/minutes.pdf',
    roles: ['admin', 'chair', 'secretary'],
    response: 'pdf',
  },
  {
    method: 'get',
    path: '/api/meetings/:id/minutes/review',
    roles: ['admin', 'chair', 'secretary'],
    response: 'MinutesReviewView',
  },
  {
    method: 'put',
    path: '/api/meetings/:id/minutes/review',
    roles: ['admin', 'secretary'],
    body: MinutesReviewBody,
    response: 'MinutesReviewView',
  },
  {
    method: 'post',
    path: '/api/meetings/:id/minutes/signed',
    roles: ['admin', 'secretary'],
    body: SignedMinutesUploadBody,
    response: 'SignedMinutesResult',
  },
  {
    method: 'get',
    path: '/api/meetings/:id/minutes/signed',
    roles: ['admin', 'chair', 'secretary'],
    response: 'SignedMinutesStatus',
  },
  {
    method: 'get',
    path: '/api/meetings/:id/minutes.signed.pdf',
    roles: ['admin', 'chair', 'secretary'],
    response: 'pdf',
  },
  {
    method: 'get',
    path: '/api/meetings/:id/events',
    roles: ['admin', 'chair', 'secretary'],
    /** `?after=<seq>&limit=1..1000` (default 0, 500). */
    query: MeetingEventsQuery,
    response: 'MeetingEventsPage',
  },
  // Issue #14: ward reports, meeting documents (briefing.ts).
  ...BRIEFING_ROUTES,
  // Issue #13: the meeting archive (archive.ts).
  ...ARCHIVE_ROUTES,
  { method: 'get', path: '/healthz', roles: 'public', response: 'Health' },
  { method: 'get', path: '/metrics', roles: 'public', response: 'text/plain' },
] as const satisfies readonly RouteSpec[];

export const Health = z.object({
  ok: z.boolean(),
  node: z.string(),
  store: z.object({ kind: z.enum(['memory', 'redis']), ok: z.boolean() }),
  media: z.object({ workers: z.number().int(), ok: z.boolean() }),
  uptimeSeconds: z.number(),
});
export type Health = z.infer<typeof Health>;

export type {
  Account,
  AgendaItem,
  AttendanceRow,
  AuditEntry,
  Meeting,
  MeetingEventEntry,
  MeetingSummary,
  Unit,
  UnitGroup,
};
