import type {
  AgendaRecord,
  MeetingRecord,
  PersonRef,
  RollCallAnswer,
} from '../records/MeetingRecord';
import { briefingRecord } from './briefing/briefingRecord';
import type { MeetingProjection } from './MeetingProjection';

export interface RecordContext {
  chair: PersonRef;
  secretary: PersonRef;
  /** The instant printed as "generated at"; also the end of the window for a running meeting. */
  generatedAt: number;
  timeZone?: string;
}

const isoOf = (t: number): string => new Date(t).toISOString();

/**
 * Derives the document-ready MeetingRecord from a meeting's folded event log. Pure: the same log
 * and context give the same record (and so byte-identical documents).
 */
export function buildMeetingRecord(p: MeetingProjection, ctx: RecordContext): MeetingRecord {
  const m = p.meetingView();
  const firstTo = (s: string) => m.transitions.find((t) => t.to === s)?.at;
  const lastTo = (s: string) => [...m.transitions].reverse().find((t) => t.to === s)?.at;

  const attendance = p.attendanceTable(ctx.generatedAt).map((row) => {
    const rollCalls: RollCallAnswer[] = p.rollCalls
      .filter(
        (rc) =>
          rc.expectedSiteIds.includes(row.siteId) ||
          rc.answers.some((a) => a.siteId === row.siteId),
      )
      .map((rc) => {
        const a = rc.answers.find((x) => x.siteId === row.siteId);
        const r: RollCallAnswer = { rollCallId: rc.id, startedAt: rc.startedAt, answered: !!a };
        if (a) {
          r.answeredAt = a.at;
          r.headcount = a.headcount;
        }
        return r;
      });
    const out: MeetingRecord['attendance'][number] = {
      siteId: row.siteId,
      code: row.code,
      name: row.name,
      status: row.status,
      minutesConnected: row.minutesConnected,
      rollCalls,
    };
    if (row.absenceReason !== undefined) out.absenceReason = row.absenceReason;
    const first = row.intervals[0];
    if (first) out.firstJoinAt = first.joinAt;
    const lastLeave = row.intervals.at(-1)?.leaveAt;
    if (lastLeave && !row.connected) out.lastLeaveAt = lastLeave;
    if (row.headcount !== undefined) out.headcount = row.headcount;
    if (row.siteChair !== undefined) out.siteChair = row.siteChair;
    if (row.note !== undefined) out.note = row.note;
    return out;
  });

  const speech = (s: (typeof p.speeches)[number]) => {
    const end = s.endedAt ?? ctx.generatedAt;
    return {
      siteId: s.siteId,
      siteName: p.siteName(s.siteId),
      startedAt: isoOf(s.startedAt),
      endedAt: isoOf(end),
      seconds: Math.max(0, Math.round((end - s.startedAt) / 1000)),
    };
  };
  const agenda: AgendaRecord[] = m.agenda.map((it) => {
    const rec: AgendaRecord = {
      id: it.id,
      order: it.order,
      title: it.title,
      plannedMinutes: it.plannedMinutes + it.extendedMinutes,
      speeches: p.speeches.filter((s) => s.itemId === it.id).map(speech),
    };
    const presenter =
      it.presenterName ??
      (it.presenterSiteIds.length
        ? it.presenterSiteIds.map((s) => p.siteName(s)).join(', ')
        : undefined);
    if (presenter) rec.presenter = presenter;
    if (it.startedAt) rec.startedAt = it.startedAt;
    if (it.endedAt) rec.endedAt = it.endedAt;
    if (it.conclusions !== undefined) rec.conclusions = it.conclusions;
    if (it.notes !== undefined) rec.notes = it.notes;
    return rec;
  });

  const record: MeetingRecord = {
    meetingId: m.id,
    title: m.title,
    issuingBody: m.issuingBody,
    place: m.place,
    timeZone: ctx.timeZone ?? 'Asia/Ho_Chi_Minh',
    scheduledStart: m.scheduledStart,
    chair: ctx.chair,
    secretary: ctx.secretary,
    attendance,
    agenda,
    lateGraceMinutes: m.lateGraceMinutes,
    generatedAt: isoOf(ctx.generatedAt),
  };
  const general = p.speeches.filter((s) => s.itemId === undefined).map(speech);
  if (general.length) record.generalSpeeches = general;
  const briefing = briefingRecord(p);
  if (briefing) record.briefing = briefing;
  const recordings = p.recordingsForRecord();
  if (recordings.length) record.recordings = recordings;
  if (m.parentBody) record.parentBody = m.parentBody;
  if (m.documentNumber) record.documentNumber = m.documentNumber;
  if (m.hostLocation) record.hostLocation = m.hostLocation;
  const openedAt = firstTo('open');
  const startedAt = firstTo('in_session');
  const adjournedAt = lastTo('adjourned');
  if (openedAt) record.openedAt = openedAt;
  if (startedAt) record.startedAt = startedAt;
  if (adjournedAt) record.adjournedAt = adjournedAt;
  return record;
}
