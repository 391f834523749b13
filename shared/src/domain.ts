import { z } from 'zod';

/**
 * Domain types shared by the hub and the browser. Every type is the `z.infer` of its schema so the
 * wire format and the TypeScript type can never drift apart.
 */

// ---------------------------------------------------------------------------------------------
// Primitives

/** ISO-8601 instant in UTC ("2026-11-26T01:30:00.000Z"). */
export const IsoInstant = z.iso.datetime({ offset: true });
export type IsoInstant = string;

/** Server-generated ids: url-safe, short. Unit codes ("00004") are ids too. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'id: letters, digits, _ . : - only');

export const ROLES = ['admin', 'secretary', 'chair', 'site', 'observer'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

// ---------------------------------------------------------------------------------------------
// Directory

/** Two tiers since 2025: province (tỉnh/thành phố) and ward/commune/special zone (phường/xã/đặc khu). */
export const UnitTier = z.enum(['province', 'ward']);
export type UnitTier = z.infer<typeof UnitTier>;

export const Unit = z.object({
  /** Official code, e.g. "01" (Hà Nội) or "00004" (Phường Ba Đình). Also the site id. */
  code: z.string().min(1).max(16),
  tier: UnitTier,
  /** Short name without the kind: "Ba Đình". */
  name: z.string().min(1).max(200),
  /** Full name: "Phường Ba Đình". */
  fullName: z.string().min(1).max(200),
  nameEn: z.string().max(200).optional(),
  /** Kind as written: "Phường", "Xã", "Đặc khu", "Thành phố", "Tỉnh". */
  kind: z.string().max(60),
  /** For wards: the province code. */
  parentCode: z.string().max(16).optional(),
});
export type Unit = z.infer<typeof Unit>;

/** A saved selection of units, e.g. "all 126 communes of Hà Nội". */
export const UnitGroup = z.object({
  id: Id,
  name: z.string().min(1).max(200),
  unitCodes: z.array(z.string().max(16)).max(10_000),
  createdAt: IsoInstant,
});
export type UnitGroup = z.infer<typeof UnitGroup>;

/** One rejected row of an import, reported back to the admin. */
export const ImportRejection = z.object({
  /** 1-based row (CSV: line number incl. header; JSON: "province[i].Wards[j]" index path). */
  row: z.string(),
  /** Why, in English. */
  reason: z.string(),
  /** Why, in Vietnamese. */
  reasonVi: z.string().optional(),
});
export type ImportRejection = z.infer<typeof ImportRejection>;

/** A unit an import would change, with the changed fields. */
export const UnitChange = z.object({
  code: z.string(),
  before: Unit,
  after: Unit,
  fields: z.array(z.object({ field: z.string(), before: z.string(), after: z.string() })),
});
export type UnitChange = z.infer<typeof UnitChange>;

// ---------------------------------------------------------------------------------------------
// Accounts

export const Account = z.object({
  id: Id,
  username: z.string().min(1).max(64),
  displayName: z.string().min(1).max(200),
  role: Role,
  /** For role "site": the unit code this account represents. */
  siteId: z.string().max(16).optional(),
  /** Position, e.g. "Phó Chủ tịch UBND Thành phố". */
  title: z.string().max(200).optional(),
  disabled: z.boolean().default(false),
  createdAt: IsoInstant,
});
export type Account = z.infer<typeof Account>;

/** What a verified token grants. `meetingId` set = the token is good for that one meeting only. */
export const Grant = z.object({
  sub: z.string(),
  role: Role,
  name: z.string(),
  siteId: z.string().optional(),
  meetingId: z.string().optional(),
});
export type Grant = z.infer<typeof Grant>;

// ---------------------------------------------------------------------------------------------
// Meetings

export const MEETING_STATES = [
  'draft',
  'scheduled',
  'open',
  'in_session',
  'adjourned',
  'closed',
] as const;
export const MeetingState = z.enum(MEETING_STATES);
export type MeetingState = z.infer<typeof MeetingState>;

/** Allowed transitions (the state machine). Anything else is INVALID_STATE. */
export const MEETING_TRANSITIONS: Record<MeetingState, readonly MeetingState[]> = {
  draft: ['scheduled'],
  scheduled: ['open', 'draft'],
  open: ['in_session', 'adjourned'],
  in_session: ['adjourned'],
  adjourned: ['in_session', 'closed'],
  closed: [],
};

export const StateTransition = z.object({
  from: MeetingState,
  to: MeetingState,
  at: IsoInstant,
  by: z.string(),
});
export type StateTransition = z.infer<typeof StateTransition>;

export const AgendaItem = z.object({
  id: Id,
  order: z.number().int().min(0),
  title: z.string().min(1).max(500),
  /** Sites that present this item: they enter the floor queue when it starts. */
  presenterSiteIds: z.array(z.string().max(16)).max(100).default([]),
  /** A person presenting (free text), e.g. "Giám đốc Sở Tài chính". */
  presenterName: z.string().max(200).optional(),
  plannedMinutes: z.number().int().min(1).max(600),
  /** Minutes added by `agenda:extend`. */
  extendedMinutes: z.number().int().min(0).default(0),
  startedAt: IsoInstant.optional(),
  endedAt: IsoInstant.optional(),
  notes: z.string().max(20_000).optional(),
  conclusions: z.string().max(20_000).optional(),
});
export type AgendaItem = z.infer<typeof AgendaItem>;

/** Why a recording stopped: the chair, a full archive disk, a recorder that kept dying, close. */
export const RecordingStopReason = z.enum(['stopped', 'disk_full', 'recorder_failed', 'closed']);
export type RecordingStopReason = z.infer<typeof RecordingStopReason>;

/** The meeting's recording as every participant sees it (the indicator) and the chair manages. */
export const RecordingStatus = z.object({
  on: z.boolean(),
  /** When the current (or last) recording started. */
  since: IsoInstant.optional(),
  stoppedAt: IsoInstant.optional(),
  stopReason: RecordingStopReason.optional(),
  /** Files written so far (a recorder that died and came back starts a new one). */
  segments: z.number().int().min(0),
});
export type RecordingStatus = z.infer<typeof RecordingStatus>;

export const Meeting = z.object({
  id: Id,
  title: z.string().min(1).max(500),
  scheduledStart: IsoInstant,
  state: MeetingState,
  chairId: z.string(),
  secretaryId: z.string(),
  /** Invited sites (unit codes). */
  siteIds: z.array(z.string()),
  agenda: z.array(AgendaItem),
  /** The agenda item in progress, if any. */
  currentItemId: z.string().optional(),
  /** Minutes after the session start a site may join and still be "on time". */
  lateGraceMinutes: z.number().int().min(0).max(240),
  /** Default floor speaking limit; warnings at 60 s and 10 s left. 0 = no limit. */
  speakingLimitSeconds: z.number().int().min(0).max(3600),
  /** When true every site may keep its microphone open (floor not enforced). Default false. */
  openMics: z.boolean(),
  locked: z.boolean(),
  issuingBody: z.string().max(300),
  parentBody: z.string().max(300).optional(),
  documentNumber: z.string().max(100).optional(),
  place: z.string().max(200),
  hostLocation: z.string().max(300).optional(),
  transitions: z.array(StateTransition),
  /** Which hub node hosts this meeting's media (set when media is first used). */
  mediaNode: z.string().optional(),
  /** Recording starts by itself when the session starts (the chair can still stop it). */
  autoRecord: z.boolean().optional(),
  /** Absent = never recorded. */
  recording: RecordingStatus.optional(),
  createdAt: IsoInstant,
});
export type Meeting = z.infer<typeof Meeting>;

/** Compact listing entry. */
export const MeetingSummary = Meeting.pick({
  id: true,
  title: true,
  scheduledStart: true,
  state: true,
  chairId: true,
  secretaryId: true,
  locked: true,
}).extend({ siteCount: z.number().int() });
export type MeetingSummary = z.infer<typeof MeetingSummary>;

// ---------------------------------------------------------------------------------------------
// Floor

export const FloorRequest = z.object({
  siteId: z.string(),
  siteName: z.string(),
  itemId: z.string().optional(),
  requestedAt: IsoInstant,
  /** true when it entered the queue because its agenda item started. */
  presenter: z.boolean().default(false),
});
export type FloorRequest = z.infer<typeof FloorRequest>;

export const FloorHolder = z.object({
  siteId: z.string(),
  siteName: z.string(),
  itemId: z.string().optional(),
  grantedAt: IsoInstant,
  /** 0 = no limit. */
  limitSeconds: z.number().int().min(0),
  /** grantedAt + limitSeconds, absent when no limit. */
  endsAt: IsoInstant.optional(),
});
export type FloorHolder = z.infer<typeof FloorHolder>;

/** Who everyone sees big. Defaults to the floor holder, else the chair. */
export const Spotlight = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('chair') }),
  z.object({ kind: z.literal('site'), siteId: z.string() }),
]);
export type Spotlight = z.infer<typeof Spotlight>;

export const FloorState = z.object({
  holder: FloorHolder.nullable(),
  queue: z.array(FloorRequest),
  spotlight: Spotlight,
  /** Name of the spotlighted site (sites do not get the invitation list to look it up). */
  spotlightSiteName: z.string().optional(),
  /**
   * The hub's clock when this state was sent: a client counts the holder's time down from
   * `holder.endsAt` against it (local clocks of ward PCs are often minutes off).
   */
  serverTime: IsoInstant,
});
export type FloorState = z.infer<typeof FloorState>;

// ---------------------------------------------------------------------------------------------
// Attendance

/** Derived status; the same values the attendance report prints. */
export const ATTENDANCE_STATUSES = [
  'on_time',
  'late',
  'left_early',
  'absent_with_reason',
  'absent_without_reason',
] as const;
export const AttendanceStatus = z.enum(ATTENDANCE_STATUSES);
export type AttendanceStatus = z.infer<typeof AttendanceStatus>;

/** Secretary's override of the derived status. `null` clears the override. */
export const AttendanceMark = z.enum(['present', 'absent_with_reason', 'absent_without_reason']);
export type AttendanceMark = z.infer<typeof AttendanceMark>;

export const MediaFlags = z.object({
  audio: z.enum(['none', 'live', 'paused']),
  video: z.enum(['none', 'live', 'paused']),
});
export type MediaFlags = z.infer<typeof MediaFlags>;

/**
 * A site's microphone, as the hub enforces it. `allowed` = its audio may flow now
 * (`mayProduce`). `muted` = the chair muted it (outlasts the floor until the chair grants the
 * floor again or the site accepts an unmute request). `unmute`: the chair asked the floor holder
 * to unmute (`requested`) and the site accepted (`accepted`); it ends with the floor.
 */
export const UnmuteState = z.enum(['none', 'requested', 'accepted']);
export type UnmuteState = z.infer<typeof UnmuteState>;
export const MicStatus = z.object({
  allowed: z.boolean(),
  muted: z.boolean(),
  unmute: UnmuteState,
});
export type MicStatus = z.infer<typeof MicStatus>;

/**
 * Where a site is: `not_joined` (never entered this meeting), `connected`, `dropped` (its
 * connection ended without a goodbye: network, crash, lost hub node) or `left` (it left, was
 * removed, or the meeting closed).
 */
export const PRESENCE_STATES = ['not_joined', 'connected', 'dropped', 'left'] as const;
export const PresenceState = z.enum(PRESENCE_STATES);
export type PresenceState = z.infer<typeof PresenceState>;

/** The board's figures against the invited sites ("đã kết nối 120/126"). */
export const PresenceCounts = z.object({
  invited: z.number().int().min(0),
  connected: z.number().int().min(0),
  notJoined: z.number().int().min(0),
  dropped: z.number().int().min(0),
  left: z.number().int().min(0),
  /** Removed by the chair (counted in `left` too). */
  removed: z.number().int().min(0),
});
export type PresenceCounts = z.infer<typeof PresenceCounts>;

export const ConnectionInterval = z.object({
  joinAt: IsoInstant,
  leaveAt: IsoInstant.optional(),
});
export type ConnectionInterval = z.infer<typeof ConnectionInterval>;

/** One row of the live attendance table (staff view). */
export const AttendanceRow = z.object({
  siteId: z.string(),
  code: z.string(),
  name: z.string(),
  connected: z.boolean(),
  presence: PresenceState,
  intervals: z.array(ConnectionInterval),
  minutesConnected: z.number().int().min(0),
  media: MediaFlags,
  status: AttendanceStatus,
  /** Status from connections alone, before the secretary's mark. */
  derivedStatus: AttendanceStatus,
  mark: AttendanceMark.optional(),
  absenceReason: z.string().optional(),
  /** The secretary's headcount if she recorded one, else the site's latest roll-call answer. */
  headcount: z.number().int().optional(),
  /** Where `headcount` comes from. */
  headcountSource: z.enum(['mark', 'rollcall']).optional(),
  siteChair: z.string().optional(),
  note: z.string().optional(),
  /** `mic.allowed`, kept for older clients. */
  micAllowed: z.boolean(),
  mic: MicStatus,
  removed: z.boolean(),
});
export type AttendanceRow = z.infer<typeof AttendanceRow>;

/** Live presence change pushed to staff (chair, secretary, admin, observer). */
export const SitePresence = z.object({
  siteId: z.string(),
  connected: z.boolean(),
  presence: PresenceState,
  media: MediaFlags,
  micAllowed: z.boolean(),
  mic: MicStatus,
  at: IsoInstant,
});
export type SitePresence = z.infer<typeof SitePresence>;

// ---------------------------------------------------------------------------------------------
// Roll-call (điểm danh)

export const RollCallAnswer = z.object({
  siteId: z.string(),
  headcount: z.number().int().min(0),
  at: IsoInstant,
});
export type RollCallAnswer = z.infer<typeof RollCallAnswer>;

export const RollCall = z.object({
  id: Id,
  startedAt: IsoInstant,
  startedBy: z.string(),
  deadline: IsoInstant,
  /** Sites connected when it started: those expected to answer. */
  expectedSiteIds: z.array(z.string()),
  answers: z.array(RollCallAnswer),
  closedAt: IsoInstant.optional(),
});
export type RollCall = z.infer<typeof RollCall>;

// ---------------------------------------------------------------------------------------------
// Event log / audit

/** Actor of an event, copied from the grant at the time. */
export const Actor = z.object({ id: z.string(), role: Role, name: z.string() });
export type Actor = z.infer<typeof Actor>;

// The meeting log's entries: see meetingLog.ts.

/** Directory/account administration audit entry. */
export const AuditEntry = z.object({
  id: z.string(),
  at: IsoInstant,
  actor: Actor,
  action: z.string(),
  target: z.string().optional(),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

// ---------------------------------------------------------------------------------------------
// Snapshot: full state a client needs after (re)connect.

export const SiteInfo = z.object({ siteId: z.string(), code: z.string(), name: z.string() });
export type SiteInfo = z.infer<typeof SiteInfo>;

export const Snapshot = z.object({
  meeting: Meeting,
  /** The joining identity as the hub sees it. */
  you: z.object({
    role: Role,
    accountId: z.string(),
    name: z.string(),
    siteId: z.string().optional(),
    /** The media peer id of this socket (for telling own producers apart). */
    peerId: z.string(),
    /** `mic.allowed`, kept for older clients. */
    micAllowed: z.boolean(),
    /** This socket's microphone (a site's as the hub enforces it; staff: chair/admin may). */
    mic: MicStatus,
  }),
  chair: z.object({ id: z.string(), name: z.string(), title: z.string().optional() }),
  secretary: z.object({ id: z.string(), name: z.string(), title: z.string().optional() }),
  /** Staff (chair, secretary, admin, observer): every invited site; a site gets only itself
   *  (a 3,321-site meeting would otherwise send ~270 kB to each of 3,321 sites). */
  sites: z.array(SiteInfo),
  floor: FloorState,
  /** Current roll-call, if one is open or was the last one. */
  rollCall: RollCall.nullable(),
  /** Staff only (chair, secretary, admin, observer): live attendance rows; [] for sites. */
  attendance: z.array(AttendanceRow),
  /** Staff only: presence figures against the invited sites; null for sites. */
  presence: PresenceCounts.nullable(),
  /** Producers currently in the media room (consume them after `media:createTransport`). */
  producers: z.array(
    z.object({
      producerId: z.string(),
      peerId: z.string(),
      kind: z.enum(['audio', 'video']),
      source: z.string(),
      paused: z.boolean(),
    }),
  ),
  /** Last applied event sequence number. */
  seq: z.number().int().min(0),
  serverTime: IsoInstant,
});
export type Snapshot = z.infer<typeof Snapshot>;

/** The meeting is over (closed): pushed to every socket, which then shows the end screen. */
export const MeetingEnded = z.object({
  meetingId: z.string(),
  state: z.literal('closed'),
  at: IsoInstant,
});
export type MeetingEnded = z.infer<typeof MeetingEnded>;
