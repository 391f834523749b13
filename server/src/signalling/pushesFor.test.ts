import type { Actor, MeetingEventEntry } from '@giaoban/shared';
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
