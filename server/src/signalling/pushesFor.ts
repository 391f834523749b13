import type {
  MeetingEventEntry,
  RollCall,
  ServerToClientEvents,
  SitePresence,
} from '@giaoban/shared';
import type { ApplyEffects, MeetingProjection } from '../domain/MeetingProjection';
import { briefingPushes } from './briefingPushes';
import { siteRollCall } from './snapshot';

/** Who a push goes to, in one meeting (rooms.ts maps each to Socket.IO rooms). */
export type Audience =
  /** Every socket in the meeting, lobby sockets included. */
  | { to: 'all' }
  /** Admin, chair, secretary, observer. */
  | { to: 'staff' }
  /** Everyone but staff (sites): gets trimmed copies without per-site lists. */
  | { to: 'nonStaff' }
  /** The site's live (non-lobby) connection. */
  | { to: 'site'; siteId: string }
  /** Every socket of the site: the live one and any lobby (pre-join) ones. */
  | { to: 'siteSockets'; siteId: string };

export type S2CEvent = keyof ServerToClientEvents;
export type S2CPayload<E extends S2CEvent> = Parameters<ServerToClientEvents[E]>[0];

export type Push = {
  [E in S2CEvent]: { audience: Audience; event: E; payload: S2CPayload<E> };
}[S2CEvent];

const ALL: Audience = { to: 'all' };
const STAFF: Audience = { to: 'staff' };
const NON_STAFF: Audience = { to: 'nonStaff' };
const site = (siteId: string): Audience => ({ to: 'site', siteId });
const siteSockets = (siteId: string): Audience => ({ to: 'siteSockets', siteId });

function push<E extends S2CEvent>(audience: Audience, event: E, payload: S2CPayload<E>): Push {
  return { audience, event, payload } as Push;
}

/** The presence push of one site, as staff see it. */
export function presenceOf(p: MeetingProjection, siteId: string, at: string): SitePresence {
  const mic = p.micStatus(siteId);
  const s = p.sites.get(siteId);
  return {
    siteId,
    connected: s?.connId !== undefined,
    presence: p.presenceOf(siteId),
    media: s ? { ...s.media } : { audio: 'none', video: 'none' },
    micAllowed: mic.allowed,
    mic,
    at,
  };
}

/**
 * What one applied log entry sends to whom: pure (the entry, the projection after it, and the
 * effects its fold reported), so the fan-out is tested without sockets. Every hub node runs it
 * for the entries it wrote; Socket.IO's adapter carries the pushes to the other nodes' sockets.
 */
export function pushesFor(
  entry: MeetingEventEntry,
  p: MeetingProjection,
  fx: ApplyEffects,
): Push[] {
  const out: Push[] = [];
  const at = entry.at;
  const floor = () => push(ALL, 'floor:updated', p.floorState(at));
  const meeting = () => {
    out.push(push(STAFF, 'meeting:updated', p.meetingView()));
    out.push(push(NON_STAFF, 'meeting:updated', p.meetingView([])));
  };
  const agenda = () => {
    const m = p.meetingView([]);
    out.push(
      push(ALL, 'agenda:updated', { agenda: m.agenda, currentItemId: m.currentItemId ?? null }),
    );
  };
  // Each site sees only its own entry (as in its snapshot): one small push per invited site,
  // to all its sockets, so an expected site knows it is asked (a roll-call is rare).
  const rollCall = (event: 'rollcall:started' | 'rollcall:closed', rc: RollCall) => {
    out.push(push(STAFF, event, structuredClone(rc)));
    for (const siteId of p.sites.keys())
      out.push(push(siteSockets(siteId), event, siteRollCall(rc, siteId)));
  };

  // A site is told (with the chair's reason, if any), and staff with it.
  const notice = (
    to: Audience,
    event: 'floor:declined' | 'moderation:removed',
    x: { siteId: string; reason?: string | undefined },
  ) => {
    const payload = x.reason ? { siteId: x.siteId, reason: x.reason } : { siteId: x.siteId };
    out.push(push(to, event, payload));
    out.push(push(STAFF, event, payload));
  };

  switch (entry.type) {
    case 'state':
      meeting();
      out.push(floor());
      if (fx.ended) {
        out.push(push(ALL, 'meeting:ended', { meetingId: p.meeting.id, state: 'closed', at }));
      }
      break;
    case 'lock':
      meeting();
      break;
    case 'agenda.start':
    case 'agenda.end':
    case 'agenda.extend':
    case 'agenda.reorder':
    case 'agenda.note':
      meeting();
      agenda();
      // Starting an item queues its presenting sites.
      if (entry.type === 'agenda.start') out.push(floor());
      break;
    case 'floor.request':
    case 'floor.cancel':
    case 'floor.reorder':
    case 'floor.spotlight':
    case 'floor.grant':
      out.push(floor());
      break;
    case 'floor.decline':
      notice(site(entry.data.siteId), 'floor:declined', entry.data);
      out.push(floor());
      break;
    case 'floor.revoke':
      out.push(floor());
      if (entry.data.reason === 'expired') {
        out.push(push(ALL, 'floor:warning', { siteId: entry.data.siteId, secondsLeft: 0 }));
      }
      break;
    case 'mic.unmuteRequest':
    case 'mic.allow': {
      const siteId = entry.data.siteId;
      if (p.sites.get(siteId)?.unmute === 'requested') {
        out.push(push(site(siteId), 'moderation:askUnmute', { siteId }));
        out.push(push(STAFF, 'moderation:askUnmute', { siteId }));
      }
      break;
    }
    case 'moderation.mute': {
      const siteId = entry.data.siteId;
      if (siteId === null) out.push(push(ALL, 'moderation:muted', { siteId: null }));
      else {
        out.push(push(site(siteId), 'moderation:muted', { siteId }));
        out.push(push(STAFF, 'moderation:muted', { siteId }));
      }
      break;
    }
    case 'moderation.remove':
      notice(siteSockets(entry.data.siteId), 'moderation:removed', entry.data);
      out.push(floor());
      break;
    case 'attendance.mark':
      out.push(
        push(STAFF, 'attendance:updated', p.attendanceRow(entry.data.siteId, Date.parse(at))),
      );
      break;
    case 'rollcall.start': {
      const rc = p.currentRollCall();
      if (rc) rollCall('rollcall:started', rc);
      break;
    }
    case 'rollcall.answer': {
      const { id, siteId } = entry.data;
      const a = p.rollCalls.find((r) => r.id === id)?.answers.find((x) => x.siteId === siteId);
      if (a) {
        out.push(push(STAFF, 'rollcall:answered', { rollCallId: id, ...a }));
        out.push(push(siteSockets(siteId), 'rollcall:answered', { rollCallId: id, ...a }));
      }
      // The answer is the site's headcount on the board unless the secretary recorded one.
      out.push(push(STAFF, 'attendance:updated', p.attendanceRow(siteId, Date.parse(at))));
      break;
    }
    case 'rollcall.close':
      // Told below, with every other way a roll-call closes.
      break;
    case 'report.request':
    case 'report.submit':
    case 'report.remind':
    case 'document.attach':
    case 'document.remove':
    case 'document.open':
    case 'document.present':
    case 'vote.open':
    case 'vote.answer':
    case 'vote.close':
    case 'opinion.send':
    case 'opinion.read':
    case 'notice.set':
      out.push(...briefingPushes(entry, p, fx.briefing));
      break;
    case 'recording.start':
    case 'recording.stop':
    case 'recording.segment':
      // The indicator every participant sees is in the meeting.
      meeting();
      break;
    case 'archive.file':
    case 'archive.expire':
    case 'archive.hold':
    case 'archive.release':
      // Filed, expired or held after the meeting: nobody is connected to be told (the archive
      // screen reads the listing).
      break;
    case 'site.join':
    case 'site.leave':
    case 'site.media':
    case 'mic.unmuteAccept':
      // Presence and microphone pushes below.
      break;
    default: {
      // A new log entry type does not compile until it says what it pushes.
      const unhandled: never = entry;
      return unhandled;
    }
  }

  // A roll-call closed by its deadline, its close or the end of the session (a new one that
  // replaces it is told by its own `rollcall:started`).
  if (fx.rollCallClosed && entry.type !== 'rollcall.start')
    rollCall('rollcall:closed', fx.rollCallClosed);

  // A changed microphone is told to its site (whose client then agrees with what the hub
  // enforces), and with every presence change to staff.
  for (const { siteId, status } of fx.mic) {
    out.push(push(site(siteId), 'mic:allowed', { siteId, ...status }));
  }
  const presence = new Set([...fx.presence, ...fx.mic.map((m) => m.siteId)]);
  for (const siteId of presence)
    out.push(push(STAFF, 'presence:updated', presenceOf(p, siteId, at)));
  // A row's status (on time, late, left early, absent) follows from its connections and the
  // session's start and end: staff get the row of every site whose presence changed (a join, a
  // leave, a removal), and after a change of state the rows of every site that ever connected
  // (a never-connected one cannot change).
  const rows = new Set(fx.presence);
  if (entry.type === 'state')
    for (const s of p.sites.values()) if (s.intervals.length > 0) rows.add(s.siteId);
  for (const siteId of rows)
    out.push(push(STAFF, 'attendance:updated', p.attendanceRow(siteId, Date.parse(at))));
  return out;
}

/** Sockets to send away after an entry: a removed site's (lobby ones too), or every site's. */
export function evictionsFor(
  entry: MeetingEventEntry,
  fx: ApplyEffects,
): Array<{ sites: 'all' } | { siteId: string }> {
  if (fx.ended) return [{ sites: 'all' }];
  if (entry.type === 'moderation.remove') return [{ siteId: entry.data.siteId }];
  return [];
}
