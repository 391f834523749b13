import type { Audience, Push } from './pushesFor';
import type { HubServer } from './types';

/**
 * Socket.IO rooms of one meeting:
 * - `m:<id>` every socket in the meeting (lobby sockets included);
 * - `m:<id>:staff` admin, chair, secretary, observer;
 * - `m:<id>:site:<siteId>` the site's live connection (one browser per site);
 * - `m:<id>:sock:<siteId>` every socket of the site, lobby ones included (removal ends them);
 * - `m:<id>:sites` every site socket (closing the meeting ends them).
 */
export const rooms = {
  all: (meetingId: string) => `m:${meetingId}`,
  staff: (meetingId: string) => `m:${meetingId}:staff`,
  site: (meetingId: string, siteId: string) => `m:${meetingId}:site:${siteId}`,
  siteSockets: (meetingId: string, siteId: string) => `m:${meetingId}:sock:${siteId}`,
  sites: (meetingId: string) => `m:${meetingId}:sites`,
  /** Whether `room` is one of this meeting's rooms. */
  isOf: (room: string, meetingId: string) =>
    room === `m:${meetingId}` || room.startsWith(`m:${meetingId}:`),
  /** Whether `room` is any meeting's room. */
  isMeetingRoom: (room: string) => room.startsWith('m:'),
};

function target(io: HubServer, meetingId: string, a: Audience) {
  switch (a.to) {
    case 'all':
      return io.to(rooms.all(meetingId));
    case 'staff':
      return io.to(rooms.staff(meetingId));
    case 'nonStaff':
      return io.to(rooms.all(meetingId)).except(rooms.staff(meetingId));
    case 'site':
      return io.to(rooms.site(meetingId, a.siteId));
    case 'siteSockets':
      return io.to(rooms.siteSockets(meetingId, a.siteId));
  }
}

/** Sends pushes through the adapter (they reach this meeting's sockets on every hub node). */
export function deliver(io: HubServer, meetingId: string, pushes: readonly Push[]): void {
  for (const p of pushes) {
    (target(io, meetingId, p.audience).emit as (e: string, payload: unknown) => void)(
      p.event,
      p.payload,
    );
  }
}
