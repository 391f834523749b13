import type { Actor, AttendanceRow, MeetingEventEntry } from '@giaoban/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApplyEffects, MeetingProjection } from '../domain/MeetingProjection';
import { MeetingService } from '../domain/MeetingService';
import { MemoryStore } from '../store/MemoryStore';
import type { MeetingDefinition } from '../store/Store';
import { type Push, pushesFor } from './pushesFor';

const T0 = Date.parse('2026-11-26T01:30:00.000Z');
const chair: Actor = { id: 'chair', role: 'chair', name: 'Chủ trì' };
const sec: Actor = { id: 'sec', role: 'secretary', name: 'Thư ký' };
const site = (id: string): Actor => ({ id: `site:${id}`, role: 'site', name: id });
const def: MeetingDefinition = {
  id: 'm1',
  title: 'Giao ban',
  scheduledStart: new Date(T0).toISOString(),
  chairId: 'chair',
  secretaryId: 'sec',
  siteIds: ['A', 'B', 'C'],
  agenda: [{ id: 'i1', order: 0, title: 'Khai mạc', presenterSiteIds: [], plannedMinutes: 5 }],
  lateGraceMinutes: 10,
  speakingLimitSeconds: 120,
  openMics: false,
  issuingBody: 'UBND',
  place: 'Hà Nội',
  createdAt: new Date(T0).toISOString(),
};

let svc: MeetingService;
let pushes: Push[][];
beforeEach(async () => {
  svc = new MeetingService(new MemoryStore(), { now: () => T0 });
  pushes = [];
  svc.on('applied', (_id, e: MeetingEventEntry, p: MeetingProjection, fx: ApplyEffects) => {
    pushes.push(pushesFor(e, p, fx));
  });
  await svc.create(def);
  for (const to of ['scheduled', 'open', 'in_session'] as const)
    await svc.transition('m1', chair, to);
  await svc.siteJoin('m1', site('B'), 'B', 'sockB', 'n1');
  pushes = [];
});

/** Who gets which event, in order, for the last applied entry. */
const last = () =>
  pushes
    .at(-1)!
    .map(
      (x) =>
        `${x.event} → ${'siteId' in x.audience ? `${x.audience.to}:${x.audience.siteId}` : x.audience.to}`,
    );

describe('pushesFor: what each log entry sends to whom (no sockets)', () => {
  it('a grant tells the site its mic is allowed and staff its presence', async () => {
    await svc.floorGrant('m1', chair, 'B');
    expect(last()).toEqual([
      'floor:updated → all',
      'mic:allowed → site:B',
      'presence:updated → staff',
    ]);
    const mic = pushes.at(-1)!.find((x) => x.event === 'mic:allowed')!;
    expect(mic.payload).toMatchObject({ siteId: 'B', allowed: true });
  });

  it('a roll-call goes whole to staff and to each site with only its own entry', async () => {
    await svc.rollCallStart('m1', sec, 60);
    expect(last()).toEqual([
      'rollcall:started → staff',
      'rollcall:started → siteSockets:A',
      'rollcall:started → siteSockets:B',
      'rollcall:started → siteSockets:C',
    ]);
    const b = pushes
      .at(-1)!
      .find((x) => x.audience.to === 'siteSockets' && x.audience.siteId === 'B')!;
    expect((b.payload as { expectedSiteIds: string[] }).expectedSiteIds).toEqual(['B']);
  });

  it('adjourning ends the floor and closes the open roll-call for everyone', async () => {
    await svc.floorGrant('m1', chair, 'B');
    await svc.rollCallStart('m1', sec, 60);
    await svc.transition('m1', chair, 'adjourned');
    const events = last();
    expect(events).toContain('rollcall:closed → staff');
    expect(events).toContain('rollcall:closed → siteSockets:B');
    expect(events).toContain('mic:allowed → site:B');
    expect(events).not.toContain('meeting:ended → all');
  });

  it('closing tells every socket the meeting ended', async () => {
    await svc.transition('m1', chair, 'adjourned');
    await svc.transition('m1', chair, 'closed');
    expect(last()).toContain('meeting:ended → all');
    expect(last()).toContain('presence:updated → staff');
  });

  // The secretary's live board counts from each row's status: a join, a leave and the start of
  // the session must each bring staff the row as the hub now derives it (found by the #14
  // helper: every connected ward stayed "Vắng không lý do", "Có mặt 0", all session long).
  const rowOf = (siteId: string) =>
    pushes
      .at(-1)!
      .filter((x) => x.event === 'attendance:updated' && x.audience.to === 'staff')
      .map((x) => x.payload as AttendanceRow)
      .find((r) => r.siteId === siteId);

  it("a join and a leave bring staff the site's attendance row with its status", async () => {
    await svc.siteJoin('m1', site('A'), 'A', 'sockA', 'n1');
    expect(last()).toEqual(['presence:updated → staff', 'attendance:updated → staff']);
    expect(rowOf('A')).toMatchObject({ siteId: 'A', connected: true, status: 'on_time' });
    await svc.siteLeave('m1', site('A'), 'A', 'sockA', 'left');
    expect(rowOf('A')).toMatchObject({ connected: false, status: 'left_early' });
  });

  it('the session starting re-derives on time / late for the sites already connected', async () => {
    const late = new MeetingService(new MemoryStore(), { now: () => now });
    let now = T0;
    pushes = [];
    late.on('applied', (_id, e: MeetingEventEntry, p: MeetingProjection, fx: ApplyEffects) => {
      pushes.push(pushesFor(e, p, fx));
    });
    await late.create({ ...def, id: 'm2' });
    for (const to of ['scheduled', 'open'] as const) await late.transition('m2', chair, to);
    now = T0 + 20 * 60_000; // after the grace, before the chair starts the session
    await late.siteJoin('m2', site('C'), 'C', 'sockC', 'n1');
    expect(rowOf('C')?.status).toBe('late');
    now += 60_000;
    await late.transition('m2', chair, 'in_session');
    expect(rowOf('C')?.status).toBe('on_time');
    // Sites never connected stay as they were: no push for them.
    expect(rowOf('A')).toBeUndefined();
  });

  it('a decline tells the site and staff, with the reason', async () => {
    await svc.floorRequest('m1', site('B'), 'B');
    await svc.floorDecline('m1', chair, 'B', 'Hết giờ');
    expect(last()).toEqual([
      'floor:declined → site:B',
      'floor:declined → staff',
      'floor:updated → all',
    ]);
    expect(pushes.at(-1)![0]!.payload).toEqual({ siteId: 'B', reason: 'Hết giờ' });
  });
});
