import {
  type LogData,
  type LogDecision,
  MEETING_TRANSITIONS,
  type MeetingState,
  type Spotlight,
} from '@giaoban/shared';
import { HubError } from '../util/HubError';
import type { MeetingProjection } from './MeetingProjection';

/**
 * The meeting's rules: for each command, given the projection, the one log entry it appends, or
 * null when it would change nothing (idempotent: repeating a command appends nothing), or a
 * HubError. Pure (time comes in as `now`), so MeetingService, tests and the property suites
 * share them.
 */
export type Decision = LogDecision | null;

const d = <T extends LogDecision['type']>(type: T, data: LogData<T>) =>
  ({ type, data }) as LogDecision;

// --- guards ----------------------------------------------------------------------------------

/** Everything but reading (and the secretary's attendance record) ends with the meeting. */
export function requireNotClosed(p: MeetingProjection): void {
  if (p.meeting.state === 'closed') throw new HubError('MEETING_CLOSED', 'the meeting is closed');
}

export function requireState(p: MeetingProjection, states: readonly MeetingState[]): void {
  requireNotClosed(p);
  if (!states.includes(p.meeting.state)) {
    throw new HubError('INVALID_STATE', `not allowed while the meeting is ${p.meeting.state}`);
  }
}

export function requireInvited(p: MeetingProjection, siteId: string): void {
  if (!p.isInvited(siteId))
    throw new HubError('NOT_FOUND', `site ${siteId} is not in this meeting`);
}

export function requireConnected(p: MeetingProjection, siteId: string): void {
  const s = p.sites.get(siteId);
  if (!s) throw new HubError('NOT_FOUND', `site ${siteId} is not in this meeting`);
  if (s.removed) throw new HubError('REMOVED', `site ${siteId} was removed`);
  if (s.connId === undefined)
    throw new HubError('INVALID_STATE', `site ${siteId} is not connected`);
}

/**
 * Whether a site may join. Its lobby (`lobby: true`) opens once the meeting is scheduled: the
 * wards send their reports and read the documents before the meeting (issue #14); entering
 * (attendance) waits for the meeting to open.
 */
export function assertSiteMayJoin(
  p: MeetingProjection,
  siteId: string,
  opts: { lobby?: boolean } = {},
): void {
  const s = p.sites.get(siteId);
  if (!s) throw new HubError('FORBIDDEN', 'this site is not invited to the meeting');
  if (s.removed) throw new HubError('REMOVED', 'this site was removed from the meeting');
  requireNotClosed(p);
  const states = opts.lobby ? SITE_LOBBY_STATES : SITE_JOIN_STATES;
  if (!states.includes(p.meeting.state)) {
    throw new HubError('INVALID_STATE', `meeting is ${p.meeting.state}: sites cannot join yet`);
  }
  if (p.meeting.locked && s.intervals.length === 0) {
    throw new HubError('MEETING_LOCKED', 'the meeting is locked');
  }
}

const SITE_JOIN_STATES: readonly string[] = ['open', 'in_session', 'adjourned'];
const SITE_LOBBY_STATES: readonly string[] = ['scheduled', ...SITE_JOIN_STATES];

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

// --- state and agenda ------------------------------------------------------------------------

export function decideTransition(p: MeetingProjection, to: MeetingState): Decision {
  const from = p.meeting.state;
  if (from === to) return null;
  requireNotClosed(p);
  if (!MEETING_TRANSITIONS[from].includes(to)) {
    throw new HubError('INVALID_STATE', `cannot go from ${from} to ${to}`);
  }
  return d('state', { from, to });
}

/** The chair starts or stops recording; a stop by the hub says why (disk full, recorder failed). */
export function decideRecording(
  p: MeetingProjection,
  on: boolean,
  how: { auto?: boolean; reason?: LogData<'recording.stop'>['reason']; message?: string } = {},
): Decision {
  requireNotClosed(p);
  const recording = p.meeting.recording?.on ?? false;
  if (on === recording) return null;
  if (on) {
    if (p.meeting.state !== 'in_session' && p.meeting.state !== 'adjourned') {
      throw new HubError('INVALID_STATE', 'recording starts once the session has started');
    }
    return d('recording.start', how.auto ? { auto: true } : {});
  }
  return d('recording.stop', {
    reason: how.reason ?? 'stopped',
    ...(how.message ? { message: how.message.slice(0, 500) } : {}),
  });
}

export function decideLock(p: MeetingProjection, locked: boolean): Decision {
  requireNotClosed(p);
  return p.meeting.locked === locked ? null : d('lock', { locked });
}

export function decideAgendaStart(p: MeetingProjection, itemId: string): Decision {
  requireState(p, ['in_session']);
  if (!p.item(itemId)) throw new HubError('NOT_FOUND', `agenda item ${itemId} not found`);
  return p.meeting.currentItemId === itemId ? null : d('agenda.start', { itemId });
}

export function decideAgendaNext(p: MeetingProjection): Decision {
  requireState(p, ['in_session']);
  const items = p.meetingView().agenda;
  const cur = items.findIndex((i) => i.id === p.meeting.currentItemId);
  // The next item in order that has not been dealt with (reordering can put finished items
  // after the current one; they are skipped).
  const next = (cur >= 0 ? items.slice(cur + 1) : items).find((i) => !i.endedAt);
  if (next) return d('agenda.start', { itemId: next.id });
  if (cur >= 0) return d('agenda.end', { itemId: items[cur]!.id });
  throw new HubError('INVALID_STATE', 'no agenda item left');
}

export function decideAgendaExtend(p: MeetingProjection, minutes: number): Decision {
  requireState(p, ['in_session']);
  const itemId = p.meeting.currentItemId;
  if (!itemId) throw new HubError('INVALID_STATE', 'no agenda item in progress');
  return d('agenda.extend', { itemId, minutes });
}

export function decideAgendaReorder(p: MeetingProjection, itemIds: string[]): Decision {
  requireNotClosed(p);
  const known = new Set(p.meeting.agenda.map((a) => a.id));
  if (
    itemIds.length !== known.size ||
    new Set(itemIds).size !== itemIds.length ||
    !itemIds.every((i) => known.has(i))
  ) {
    throw new HubError('BAD_REQUEST', 'itemIds must list every agenda item exactly once');
  }
  const current = p.meetingView().agenda.map((a) => a.id);
  return sameList(current, itemIds) ? null : d('agenda.reorder', { itemIds });
}

export function decideAgendaNote(p: MeetingProjection, data: LogData<'agenda.note'>): Decision {
  const it = p.item(data.itemId);
  if (!it) throw new HubError('NOT_FOUND', `agenda item ${data.itemId} not found`);
  requireNotClosed(p);
  const changes =
    (data.notes !== undefined && data.notes !== (it.notes ?? '')) ||
    (data.conclusions !== undefined && data.conclusions !== (it.conclusions ?? ''));
  return changes ? d('agenda.note', data) : null;
}

// --- floor -----------------------------------------------------------------------------------

export function decideFloorRequest(
  p: MeetingProjection,
  siteId: string,
  itemId?: string,
): Decision {
  requireState(p, ['open', 'in_session']);
  requireConnected(p, siteId);
  if (itemId && !p.item(itemId)) throw new HubError('NOT_FOUND', `agenda item ${itemId} not found`);
  if (p.holder?.siteId === siteId || p.queue.some((q) => q.siteId === siteId)) return null;
  return d('floor.request', itemId ? { siteId, itemId } : { siteId });
}

export function decideFloorCancel(p: MeetingProjection, siteId: string): Decision {
  requireNotClosed(p);
  return p.queue.some((q) => q.siteId === siteId) ? d('floor.cancel', { siteId }) : null;
}

export function decideFloorDecline(
  p: MeetingProjection,
  siteId: string,
  reason?: string,
): Decision {
  requireNotClosed(p);
  if (!p.queue.some((q) => q.siteId === siteId)) {
    throw new HubError('NOT_FOUND', `site ${siteId} has no request in the queue`);
  }
  return d('floor.decline', reason ? { siteId, reason } : { siteId });
}

export function decideFloorReorder(p: MeetingProjection, siteIds: string[]): Decision {
  requireState(p, ['open', 'in_session']);
  const rank = new Map(siteIds.map((s, i) => [s, i]));
  const next = [...p.queue]
    .sort((a, b) => (rank.get(a.siteId) ?? 1e9) - (rank.get(b.siteId) ?? 1e9))
    .map((q) => q.siteId);
  return sameList(
    next,
    p.queue.map((q) => q.siteId),
  )
    ? null
    : d('floor.reorder', { siteIds });
}

/** The item a grant is filed under: the request's (none = general opinion), else the current. */
function grantItem(p: MeetingProjection, siteId: string): string | undefined {
  const req = p.queue.find((q) => q.siteId === siteId);
  return req ? req.itemId : p.meeting.currentItemId;
}

export function decideFloorGrant(
  p: MeetingProjection,
  siteId: string,
  limitSeconds?: number,
): Decision {
  requireState(p, ['in_session']);
  requireConnected(p, siteId);
  if (p.holder?.siteId === siteId) return null;
  const data: LogData<'floor.grant'> = {
    siteId,
    limitSeconds: limitSeconds ?? p.meeting.speakingLimitSeconds,
  };
  const itemId = grantItem(p, siteId);
  if (itemId) data.itemId = itemId;
  return d('floor.grant', data);
}

export function decideFloorNext(p: MeetingProjection): Decision {
  requireState(p, ['in_session']);
  // Skip requests of sites that dropped off; they stay queued for when they return.
  const head = p.queue.find((q) => p.isConnected(q.siteId));
  if (!head)
    return p.holder ? d('floor.revoke', { siteId: p.holder.siteId, reason: 'next' }) : null;
  const data: LogData<'floor.grant'> = {
    siteId: head.siteId,
    limitSeconds: p.meeting.speakingLimitSeconds,
  };
  if (head.itemId) data.itemId = head.itemId;
  return d('floor.grant', data);
}

/**
 * `onlyIfGrantedAt`: timers pass the grant they were armed for, so a newer grant is not cut
 * short and a timer that fires late (or on two hubs) changes nothing.
 */
export function decideFloorRevoke(
  p: MeetingProjection,
  reason: 'revoked' | 'expired',
  onlyIfGrantedAt?: string,
): Decision {
  if (onlyIfGrantedAt !== undefined) {
    return p.holder && p.holder.grantedAt === onlyIfGrantedAt
      ? d('floor.revoke', { siteId: p.holder.siteId, reason })
      : null;
  }
  requireNotClosed(p);
  if (!p.holder) throw new HubError('INVALID_STATE', 'nobody holds the floor');
  return d('floor.revoke', { siteId: p.holder.siteId, reason });
}

export function decideSpotlight(p: MeetingProjection, spotlight: Spotlight | null): Decision {
  requireNotClosed(p);
  if (spotlight?.kind === 'site') requireInvited(p, spotlight.siteId);
  return JSON.stringify(p.spotlightOverride) === JSON.stringify(spotlight)
    ? null
    : d('floor.spotlight', { spotlight });
}

// --- presence --------------------------------------------------------------------------------

export function decideSiteJoin(
  p: MeetingProjection,
  siteId: string,
  connId: string,
  node: string,
): Decision {
  assertSiteMayJoin(p, siteId);
  return p.sites.get(siteId)?.connId === connId ? null : d('site.join', { siteId, connId, node });
}

export function decideSiteLeave(
  p: MeetingProjection,
  siteId: string,
  connId: string,
  reason?: LogData<'site.leave'>['reason'],
): Decision {
  if (p.sites.get(siteId)?.connId !== connId) return null;
  return d('site.leave', reason ? { siteId, connId, reason } : { siteId, connId });
}

export function decideSiteMedia(p: MeetingProjection, data: LogData<'site.media'>): Decision {
  const s = p.sites.get(data.siteId);
  if (!s || s.connId === undefined) return null;
  return s.media.audio !== data.audio || s.media.video !== data.video
    ? d('site.media', data)
    : null;
}

// --- microphones and moderation --------------------------------------------------------------

/**
 * Ask-to-unmute is for the floor holder only: a site without the floor is given the floor
 * instead (so the timer, the spotlight and the minutes see it). It opens nothing by itself.
 */
export function decideAskUnmute(p: MeetingProjection, siteId: string): Decision {
  requireState(p, ['open', 'in_session']);
  requireConnected(p, siteId);
  if (p.holder?.siteId !== siteId) {
    throw new HubError('NOT_FLOOR_HOLDER', `site ${siteId} does not hold the floor`);
  }
  return p.sites.get(siteId)!.unmute === 'none' ? d('mic.unmuteRequest', { siteId }) : null;
}

export function decideAcceptUnmute(p: MeetingProjection, siteId: string): Decision {
  requireNotClosed(p);
  requireConnected(p, siteId);
  if (p.holder?.siteId !== siteId) {
    throw new HubError('NOT_FLOOR_HOLDER', 'this site does not hold the floor');
  }
  const unmute = p.sites.get(siteId)!.unmute;
  if (unmute === 'accepted') return null;
  if (unmute !== 'requested') throw new HubError('INVALID_STATE', 'the chair has not asked');
  return d('mic.unmuteAccept', { siteId });
}

export function decideMute(p: MeetingProjection, siteId: string | null): Decision {
  requireNotClosed(p);
  if (siteId !== null) requireInvited(p, siteId);
  const targets = siteId === null ? [...p.sites.values()] : [p.sites.get(siteId)!];
  const changes = targets.some((s) => !s.muted || s.unmute !== 'none');
  return changes ? d('moderation.mute', { siteId }) : null;
}

export function decideRemove(p: MeetingProjection, siteId: string, reason?: string): Decision {
  requireNotClosed(p);
  const s = p.sites.get(siteId);
  if (!s) throw new HubError('NOT_FOUND', `site ${siteId} is not in this meeting`);
  if (s.removed) return null;
  return d('moderation.remove', reason ? { siteId, reason } : { siteId });
}

// --- attendance and roll-call ----------------------------------------------------------------

/** Allowed after close too: the secretary completes the record (absences, headcounts). */
export function decideMark(p: MeetingProjection, data: LogData<'attendance.mark'>): Decision {
  const s = p.sites.get(data.siteId);
  if (!s) throw new HubError('NOT_FOUND', `site ${data.siteId} is not in this meeting`);
  // "Absent with reason" says which reason: the minutes print it (records).
  const mark = data.mark === undefined ? s.mark : (data.mark ?? undefined);
  const reason = data.absenceReason !== undefined ? data.absenceReason : s.absenceReason;
  if (mark === 'absent_with_reason' && !reason?.trim()) {
    throw new HubError(
      'BAD_REQUEST',
      'absenceReason: required when the site is absent with reason',
    );
  }
  const changes =
    (data.mark !== undefined && (data.mark ?? undefined) !== s.mark) ||
    (data.mark === null && s.absenceReason !== undefined) ||
    (data.absenceReason !== undefined && data.absenceReason !== s.absenceReason) ||
    (data.headcount !== undefined && (data.headcount ?? undefined) !== s.markedHeadcount) ||
    (data.siteChair !== undefined && data.siteChair !== s.siteChair) ||
    (data.note !== undefined && data.note !== s.note);
  return changes ? d('attendance.mark', data) : null;
}

export function decideRollCallStart(
  p: MeetingProjection,
  id: string,
  deadlineSeconds: number,
  now: number,
): Decision {
  requireState(p, ['open', 'in_session']);
  const cur = p.currentRollCall();
  if (cur && !cur.closedAt && Date.parse(cur.deadline) > now) {
    throw new HubError('CONFLICT', 'a roll-call is already running');
  }
  const expectedSiteIds = [...p.sites.values()]
    .filter((s) => s.connId !== undefined)
    .map((s) => s.siteId);
  return d('rollcall.start', {
    id,
    deadline: new Date(now + deadlineSeconds * 1000).toISOString(),
    expectedSiteIds,
  });
}

export function decideRollCallAnswer(
  p: MeetingProjection,
  siteId: string,
  rollCallId: string,
  headcount: number,
  now: number,
): Decision {
  requireNotClosed(p);
  const rc = p.rollCalls.find((r) => r.id === rollCallId);
  if (!rc) throw new HubError('NOT_FOUND', `roll-call ${rollCallId} not found`);
  if (rc.closedAt || Date.parse(rc.deadline) < now) {
    throw new HubError('INVALID_STATE', 'roll-call is closed');
  }
  requireConnected(p, siteId);
  const prev = rc.answers.find((a) => a.siteId === siteId);
  if (prev?.headcount === headcount) return null;
  return d('rollcall.answer', { id: rollCallId, siteId, headcount });
}

export function decideRollCallClose(p: MeetingProjection, rollCallId: string): Decision {
  const rc = p.rollCalls.find((r) => r.id === rollCallId);
  if (!rc) throw new HubError('NOT_FOUND', `roll-call ${rollCallId} not found`);
  return rc.closedAt ? null : d('rollcall.close', { id: rollCallId });
}
