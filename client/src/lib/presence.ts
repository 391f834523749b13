import type { AttendanceRow, PresenceState } from '@giaoban/shared';

/**
 * Where a site is, in the words the chair and the secretary use: not joined yet (never came),
 * connected, dropped (its line went down; it usually comes back by itself) or left (it said
 * goodbye). "Mất kết nối" only ever means dropped: a ward that never joined is not disconnected.
 */
export type PresenceKind = PresenceState;

export const PRESENCE_KINDS: readonly PresenceKind[] = [
  'connected',
  'dropped',
  'left',
  'not_joined',
];

/**
 * The hub's word (`row.presence`: it knows a leave from a drop). `connected` is checked first: a
 * presence push and the row it updates may cross, and the connection flag is the newer one; a row
 * saying "connected" while not connected falls back to what its intervals show.
 */
export function presenceOf(
  row: Pick<AttendanceRow, 'connected' | 'intervals'> & { presence?: PresenceKind },
): PresenceKind {
  if (row.connected) return 'connected';
  if (row.presence && row.presence !== 'connected') return row.presence;
  return row.intervals.length === 0 ? 'not_joined' : 'dropped';
}

export interface PresenceCounts {
  /** Invited and not removed. */
  expected: number;
  connected: number;
  dropped: number;
  left: number;
  notJoined: number;
}

/** "Đã kết nối 120/126": removed sites are not expected any more. */
export function countPresence(rows: readonly AttendanceRow[]): PresenceCounts {
  const c: PresenceCounts = { expected: 0, connected: 0, dropped: 0, left: 0, notJoined: 0 };
  for (const r of rows) {
    if (r.removed) continue;
    c.expected++;
    const p = presenceOf(r);
    if (p === 'connected') c.connected++;
    else if (p === 'dropped') c.dropped++;
    else if (p === 'left') c.left++;
    else c.notJoined++;
  }
  return c;
}

/** The sites not connected now, grouped the way the chair phones them: dropped first. */
export function missingSites(rows: readonly AttendanceRow[]): {
  dropped: AttendanceRow[];
  notJoined: AttendanceRow[];
  left: AttendanceRow[];
} {
  const out = {
    dropped: [] as AttendanceRow[],
    notJoined: [] as AttendanceRow[],
    left: [] as AttendanceRow[],
  };
  for (const r of rows) {
    if (r.removed) continue;
    const p = presenceOf(r);
    if (p === 'dropped') out.dropped.push(r);
    else if (p === 'not_joined') out.notJoined.push(r);
    else if (p === 'left') out.left.push(r);
  }
  return out;
}

/** The words for each presence kind (tiles, the attendance table). */
export const PRESENCE_LABEL = {
  connected: 'tile.connected',
  dropped: 'tile.dropped',
  not_joined: 'tile.notJoined',
  left: 'tile.left',
} as const satisfies Record<PresenceKind, string>;

/** The dot's colour: green connected, red only for a dropped line (phone it), grey otherwise. */
export function presenceDot(kind: PresenceKind): 'ok' | 'bad' | 'idle' {
  return kind === 'connected' ? 'ok' : kind === 'dropped' ? 'bad' : 'idle';
}
