import type {
  AttendanceRow,
  FloorState,
  Meeting,
  MicStatus,
  ProducerInfo,
  RollCall,
  ServerToClientEvents,
  Snapshot,
} from '@giaoban/shared';
import { siteIdOfPeer } from './peers';

/**
 * The client's view of a meeting: the server's snapshot plus the pushes applied since. Pure
 * reducers, so a reconnect simply replaces the state with a fresh snapshot (resync) and the UI's
 * own state (drafts, device choices, pending actions) lives elsewhere and is not lost.
 */
export interface MeetingState {
  meeting: Meeting;
  you: Snapshot['you'];
  chair: Snapshot['chair'];
  secretary: Snapshot['secretary'];
  sites: Snapshot['sites'];
  floor: FloorState;
  rollCall: RollCall | null;
  attendance: AttendanceRow[];
  producers: ProducerInfo[];
  /** Whether this site may open its microphone right now (`mic.allowed`, the hub's word). */
  micAllowed: boolean;
  /** This site's microphone as the hub enforces it (staff: whether they may talk). */
  mic: MicStatus;
  /** The chair asked this site to unmute and it has not accepted yet (`mic.unmute`). */
  askedToUnmute: boolean;
  /** The chair declined this site's last request to speak (cleared by its next request). */
  declined: { reason?: string; at: number } | null;
  /** Last mute notice (epoch ms), so the UI can show it. */
  mutedAt: number | null;
  activeSpeakerPeerId: string | null;
  /** serverTime − local clock, to show timers in server time. */
  serverOffsetMs: number;
  removed: { reason?: string } | null;
  seq: number;
}

export function fromSnapshot(
  snap: Snapshot,
  localNowMs: number,
  prev?: MeetingState | null,
): MeetingState {
  return {
    meeting: snap.meeting,
    you: snap.you,
    chair: snap.chair,
    secretary: snap.secretary,
    sites: snap.sites,
    floor: snap.floor,
    rollCall: snap.rollCall,
    attendance: snap.attendance,
    producers: snap.producers,
    micAllowed: snap.you.mic.allowed,
    mic: snap.you.mic,
    askedToUnmute: snap.you.mic.unmute === 'requested',
    declined: prev?.declined ?? null,
    mutedAt: prev?.mutedAt ?? null,
    activeSpeakerPeerId: prev?.activeSpeakerPeerId ?? null,
    serverOffsetMs: offsetOf(snap.serverTime, localNowMs, prev?.serverOffsetMs ?? 0),
    removed: null,
    seq: snap.seq,
  };
}

type Payload<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

/** The hub's clock minus ours, from a state it stamped (`serverTime`); the old one if unreadable. */
function offsetOf(serverTime: string | undefined, localNowMs: number, fallback: number): number {
  const at = serverTime ? Date.parse(serverTime) : Number.NaN;
  return Number.isFinite(at) ? at - localNowMs : fallback;
}

/** The meeting as closed at `at` (from `meeting:ended`, or a refusal that says it closed). */
export function closedMeeting(meeting: Meeting, at: string): Meeting {
  if (meeting.state === 'closed') return meeting;
  return {
    ...meeting,
    state: 'closed',
    transitions: [...meeting.transitions, { from: meeting.state, to: 'closed', at, by: 'hub' }],
  };
}

function upsertRow(rows: AttendanceRow[], row: AttendanceRow): AttendanceRow[] {
  const i = rows.findIndex((r) => r.siteId === row.siteId);
  if (i < 0) return [...rows, row];
  const next = rows.slice();
  next[i] = row;
  return next;
}

/**
 * The connection intervals after a presence change, as the hub records them (a join opens one, a
 * leave or drop closes the open one), so "not joined yet" stays true only for a site that never
 * came, without waiting for the next attendance row.
 */
function presenceIntervals(
  intervals: AttendanceRow['intervals'],
  was: boolean,
  now: boolean,
  at: string,
): AttendanceRow['intervals'] {
  if (now && !was) return [...intervals, { joinAt: at }];
  const last = intervals.at(-1);
  if (!now && was && last && !last.leaveAt)
    return [...intervals.slice(0, -1), { ...last, leaveAt: at }];
  return intervals;
}

/** Applies one server push. Unknown or irrelevant events return the same object. */
export function applyPush<E extends keyof ServerToClientEvents>(
  state: MeetingState,
  event: E,
  payload: Payload<E>,
  localNowMs: number,
): MeetingState {
  switch (event) {
    case 'meeting:updated': {
      const meeting = payload as Meeting;
      // Nobody speaks in a closed meeting: a stale "speaking" badge on the chair's grid read as
      // if a ward were still on air.
      if (meeting.state === 'closed') return { ...state, meeting, activeSpeakerPeerId: null };
      return { ...state, meeting };
    }
    case 'agenda:updated': {
      const p = payload as Payload<'agenda:updated'>;
      const meeting: Meeting = { ...state.meeting, agenda: p.agenda };
      if (p.currentItemId) meeting.currentItemId = p.currentItemId;
      else delete meeting.currentItemId;
      return { ...state, meeting };
    }
    case 'floor:updated': {
      const floor = payload as FloorState;
      // Every floor state carries the hub's clock: the speaking countdown follows it, not the
      // ward PC's clock (often minutes off), and stays right over a long meeting.
      const mine = state.you.siteId;
      // Queued again (or given the floor): the old "declined" notice no longer applies.
      const asking =
        mine !== undefined &&
        (floor.holder?.siteId === mine || floor.queue.some((r) => r.siteId === mine));
      return {
        ...state,
        floor,
        serverOffsetMs: offsetOf(floor.serverTime, localNowMs, state.serverOffsetMs),
        declined: asking ? null : state.declined,
      };
    }
    case 'floor:declined': {
      const p = payload as Payload<'floor:declined'>;
      if (state.you.role !== 'site' || p.siteId !== state.you.siteId) return state;
      return { ...state, declined: { ...(p.reason ? { reason: p.reason } : {}), at: localNowMs } };
    }
    case 'meeting:ended': {
      const p = payload as Payload<'meeting:ended'>;
      if (p.meetingId !== state.meeting.id) return state;
      return { ...state, meeting: closedMeeting(state.meeting, p.at), activeSpeakerPeerId: null };
    }
    case 'presence:updated': {
      const p = payload as Payload<'presence:updated'>;
      const i = state.attendance.findIndex((r) => r.siteId === p.siteId);
      if (i < 0) return state;
      const row = state.attendance[i]!;
      const attendance = state.attendance.slice();
      attendance[i] = {
        ...row,
        connected: p.connected,
        media: p.media,
        micAllowed: p.micAllowed,
        mic: p.mic,
        presence: p.presence,
        intervals: presenceIntervals(row.intervals, row.connected, p.connected, p.at),
      };
      return { ...state, attendance };
    }
    case 'attendance:updated':
      return { ...state, attendance: upsertRow(state.attendance, payload as AttendanceRow) };
    case 'rollcall:started':
      return { ...state, rollCall: payload as RollCall };
    case 'rollcall:answered': {
      const p = payload as Payload<'rollcall:answered'>;
      if (!state.rollCall || state.rollCall.id !== p.rollCallId) return state;
      const answers = state.rollCall.answers.filter((a) => a.siteId !== p.siteId);
      answers.push({ siteId: p.siteId, headcount: p.headcount, at: p.at });
      // The answer is the site's headcount on the board unless the secretary recorded one (the
      // hub's `attendance:updated` follows with the same rule; this shows it without waiting).
      const attendance = state.attendance.map((r) =>
        r.siteId === p.siteId && r.headcountSource !== 'mark'
          ? { ...r, headcount: p.headcount, headcountSource: 'rollcall' as const }
          : r,
      );
      return { ...state, attendance, rollCall: { ...state.rollCall, answers } };
    }
    case 'rollcall:closed':
      return { ...state, rollCall: payload as RollCall };
    case 'moderation:muted': {
      const p = payload as Payload<'moderation:muted'>;
      const mine = p.siteId === null || p.siteId === state.you.siteId;
      if (!mine || state.you.role !== 'site') return state;
      return {
        ...state,
        micAllowed: false,
        mic: { allowed: false, muted: true, unmute: 'none' },
        askedToUnmute: false,
        mutedAt: localNowMs,
      };
    }
    case 'moderation:askUnmute': {
      const p = payload as Payload<'moderation:askUnmute'>;
      if (p.siteId !== state.you.siteId) return state;
      // Only asked: the mic opens once the site accepts (`mic:acceptUnmute`) and the hub allows it.
      return { ...state, askedToUnmute: true, mic: { ...state.mic, unmute: 'requested' } };
    }
    case 'moderation:removed': {
      const p = payload as Payload<'moderation:removed'>;
      if (p.siteId === state.you.siteId)
        return { ...state, removed: p.reason ? { reason: p.reason } : {} };
      // Staff: the row stays on the board (it was invited) but leaves the chair's grid and the
      // "connected n/N" count, instead of reading as a dropped line.
      if (!state.attendance.some((r) => r.siteId === p.siteId)) return state;
      const speaking = state.activeSpeakerPeerId;
      return {
        ...state,
        activeSpeakerPeerId:
          speaking && siteIdOfPeer(speaking) === p.siteId ? null : state.activeSpeakerPeerId,
        attendance: state.attendance.map((r) =>
          r.siteId === p.siteId ? { ...r, removed: true } : r,
        ),
      };
    }
    case 'mic:allowed': {
      const p = payload as Payload<'mic:allowed'>;
      if (p.siteId !== state.you.siteId) return state;
      return {
        ...state,
        micAllowed: p.allowed,
        mic: { allowed: p.allowed, muted: p.muted, unmute: p.unmute },
        askedToUnmute: p.unmute === 'requested',
      };
    }
    case 'media:newProducer': {
      const p = payload as ProducerInfo;
      return {
        ...state,
        producers: [...state.producers.filter((x) => x.producerId !== p.producerId), p],
      };
    }
    case 'media:producerClosed': {
      const p = payload as Payload<'media:producerClosed'>;
      return { ...state, producers: state.producers.filter((x) => x.producerId !== p.producerId) };
    }
    case 'media:producerPaused': {
      const p = payload as Payload<'media:producerPaused'>;
      return {
        ...state,
        producers: state.producers.map((x) =>
          x.producerId === p.producerId ? { ...x, paused: p.paused } : x,
        ),
      };
    }
    case 'media:reset':
      // workerdied: the media room was rebuilt, every producer is gone until its owner sends
      // again. The other reasons reset only this peer (its node, a pipe, a transport the SFU
      // closed under it): the others' producers stand and are consumed again after the rebuild
      // (own ones come back as media:producerClosed + media:newProducer).
      if ((payload as Payload<'media:reset'>).reason !== 'workerdied') return state;
      return { ...state, producers: [], activeSpeakerPeerId: null };
    case 'media:activeSpeaker': {
      const p = payload as Payload<'media:activeSpeaker'>;
      return { ...state, activeSpeakerPeerId: p.peerId };
    }
    default:
      return state;
  }
}

/** Server-corrected "now" for timers. */
export function serverNow(state: Pick<MeetingState, 'serverOffsetMs'>, localNowMs: number): number {
  return localNowMs + state.serverOffsetMs;
}
