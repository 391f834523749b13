import {
  mayProduce,
  type ProducerInfo,
  type Role,
  type RollCall,
  type Snapshot,
  STAFF_ROLES,
  socketOfPeer,
} from '@giaoban/shared';
import type { MeetingProjection } from '../domain/MeetingProjection';

/** Who asks for a snapshot. */
export interface Viewer {
  role: Role;
  accountId: string;
  name: string;
  siteId?: string | undefined;
  peerId: string;
}

export interface SnapshotContext {
  chair: Snapshot['chair'];
  secretary: Snapshot['secretary'];
  producers: ProducerInfo[];
  now: number;
}

/** A roll-call as one site sees it: only its own entry and answer (snapshots and pushes). */
export function siteRollCall(rc: RollCall, siteId: string | undefined): RollCall {
  return {
    ...rc,
    expectedSiteIds: rc.expectedSiteIds.filter((x) => x === siteId),
    answers: rc.answers.filter((a) => a.siteId === siteId).map((a) => ({ ...a })),
  };
}

/**
 * The per-role read model: the full state a client needs after (re)connecting. Pure, so the
 * property suites compare it with the state the pushes built. Staff get every invited site, the
 * attendance board and its figures; a site gets only itself (a 3,321-site meeting would
 * otherwise send ~270 kB to each of 3,321 sites) and its own roll-call entry.
 */
export function snapshotFor(v: Viewer, p: MeetingProjection, ctx: SnapshotContext): Snapshot {
  const staff = STAFF_ROLES.includes(v.role);
  const siteId = v.role === 'site' ? v.siteId : undefined;
  // Sites get no invitation list, in snapshots as in `meeting:updated` (a broadcast cannot be
  // personalised), so the state the pushes build equals the snapshot.
  const meeting = staff ? p.meetingView() : p.meetingView([]);
  // This connection's mic: a site's lobby tab (not its live connection) may not talk nor is asked
  // to, and gets no `mic:allowed` or `moderation:askUnmute` (those go to the live connection).
  const live = siteId !== undefined && p.sites.get(siteId)?.connId === socketOfPeer(v.peerId);
  const mic = !siteId
    ? { allowed: mayProduce(v.role, undefined, p).mic, muted: false, unmute: 'none' as const }
    : live
      ? p.micStatus(siteId)
      : { allowed: false, muted: p.micStatus(siteId).muted, unmute: 'none' as const };
  const rc = p.currentRollCall();
  const serverTime = new Date(ctx.now).toISOString();
  return {
    meeting,
    you: {
      role: v.role,
      accountId: v.accountId,
      name: v.name,
      ...(siteId ? { siteId } : {}),
      peerId: v.peerId,
      micAllowed: mic.allowed,
      mic,
    },
    chair: ctx.chair,
    secretary: ctx.secretary,
    sites: (staff ? [...p.sites.keys()] : siteId ? [siteId] : []).map((id) => ({
      siteId: id,
      code: id,
      name: p.siteName(id),
    })),
    floor: p.floorState(serverTime),
    rollCall: !rc || staff ? structuredClone(rc) : siteRollCall(rc, siteId),
    attendance: staff ? p.attendanceTable(ctx.now) : [],
    presence: staff ? p.presenceCounts() : null,
    producers: ctx.producers.map((x) => ({ ...x })),
    seq: p.seq,
    serverTime,
  };
}
