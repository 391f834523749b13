/**
 * The seam between the briefing domain and the documents the secretary hands over.
 *
 * The domain (server/src/domain) derives a MeetingRecord from the meeting's append-only event log;
 * the records module (attendance report XLSX/CSV, minutes DOCX) renders it. Renderers never read
 * the store and never look at the clock: everything they print is in here, so the same record
 * always gives byte-identical documents.
 */

/** ISO-8601 instant in UTC, e.g. "2026-11-26T01:30:00.000Z". Renderers show it in `timeZone`. */
export type IsoInstant = string;

export type AttendanceStatus =
  | 'on_time'
  | 'late'
  | 'left_early'
  | 'absent_with_reason'
  | 'absent_without_reason';

export interface PersonRef {
  name: string;
  /** Position, e.g. "Phó Chủ tịch UBND Thành phố". */
  title?: string;
}

export interface RollCallAnswer {
  rollCallId: string;
  /** When the roll-call was started. */
  startedAt: IsoInstant;
  answered: boolean;
  answeredAt?: IsoInstant;
  headcount?: number;
}

export interface AttendanceRow {
  siteId: string;
  /** Unit code from the directory, e.g. "00004". */
  code: string;
  /** Site name, e.g. "Phường Ba Đình". */
  name: string;
  status: AttendanceStatus;
  /** Reason given for an absence (secretary's mark). */
  absenceReason?: string;
  firstJoinAt?: IsoInstant;
  lastLeaveAt?: IsoInstant;
  /** Sum of connected intervals, whole minutes rounded down. */
  minutesConnected: number;
  headcount?: number;
  /** Who chaired at the site. */
  siteChair?: string;
  note?: string;
  rollCalls: RollCallAnswer[];
}

export interface Speech {
  siteId: string;
  siteName: string;
  startedAt: IsoInstant;
  endedAt: IsoInstant;
  seconds: number;
}

export interface AgendaRecord {
  id: string;
  order: number;
  title: string;
  presenter?: string;
  plannedMinutes: number;
  startedAt?: IsoInstant;
  endedAt?: IsoInstant;
  speeches: Speech[];
  /** Conclusions the secretary wrote for this item (free text, paragraphs split by "\n"). */
  conclusions?: string;
  notes?: string;
}

export interface MeetingRecord {
  meetingId: string;
  title: string;
  /** Issuing body for the header block, e.g. "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI". */
  issuingBody: string;
  /** Superior body line above it, optional. */
  parentBody?: string;
  /** Number and symbol, e.g. "12/BB-UBND". */
  documentNumber?: string;
  /** Place for "Hà Nội, ngày … tháng … năm …". */
  place: string;
  /** IANA zone the documents print times in; "Asia/Ho_Chi_Minh" in Vietnam. */
  timeZone: string;
  scheduledStart: IsoInstant;
  openedAt?: IsoInstant;
  startedAt?: IsoInstant;
  adjournedAt?: IsoInstant;
  chair: PersonRef;
  secretary: PersonRef;
  /** Where the chair sits, e.g. "Trụ sở UBND Thành phố". */
  hostLocation?: string;
  /** Named participants the secretary listed in the review (leaders at the host point…). */
  participants?: PersonRef[];
  /** The secretary's own closing line, replacing "Cuộc họp kết thúc vào lúc …". */
  closingText?: string;
  attendance: AttendanceRow[];
  agenda: AgendaRecord[];
  /** Speeches asked for as a general opinion (not about an agenda item); absent when none. */
  generalSpeeches?: Speech[];
  /** Ward reports, votes, written opinions, documents (issue #14); absent when none. */
  briefing?: BriefingRecord;
  /**
   * The meeting's recordings (recording issue #13), in order; absent when it was never recorded.
   * `segments`: files written (a recorder that died and came back starts a new one).
   */
  recordings?: Array<{ startedAt: IsoInstant; stoppedAt?: IsoInstant; segments: number }>;
  /** Late grace used to derive statuses, for the report's footnote. */
  lateGraceMinutes: number;
  /** The moment the record was generated, printed on the documents; fixed in tests. */
  generatedAt: IsoInstant;
}

/** What the briefing beyond video adds to the record (issue #14). */
export interface BriefingRecord {
  /** Present when the meeting asked for reports. */
  reports?: {
    deadline: IsoInstant;
    rows: Array<{
      siteId: string;
      name: string;
      status: 'submitted' | 'late' | 'missing';
      /** First submission (the one that counts for lateness). */
      submittedAt?: IsoInstant;
      /** Latest amendment. */
      amendedAt?: IsoInstant;
    }>;
  };
  votes?: Array<{
    itemId?: string;
    question: string;
    options: string[];
    secret: boolean;
    openedAt: IsoInstant;
    closedAt?: IsoInstant;
    expected: number;
    tally: number[];
    /** Who voted what: open votes only. */
    ballots?: Array<{ siteName: string; option: number }>;
  }>;
  opinions?: Array<{
    itemId?: string;
    siteName: string;
    at: IsoInstant;
    text: string;
    readOut: boolean;
  }>;
  documents?: Array<{ itemId?: string; name: string; sha256: string; openedBySites: number }>;
}
