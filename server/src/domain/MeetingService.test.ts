import type { Actor } from '@giaoban/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/MemoryStore';
import type { MeetingDefinition } from '../store/Store';
import type { HubError } from '../util/HubError';
import { buildMeetingRecord } from './buildMeetingRecord';
import { MeetingProjection } from './MeetingProjection';
import { MeetingService } from './MeetingService';

const T0 = Date.parse('2026-11-26T01:30:00.000Z'); // 08:30 in Hà Nội
const chair: Actor = { id: 'chair', role: 'chair', name: 'Chủ trì' };
const sec: Actor = { id: 'sec', role: 'secretary', name: 'Thư ký' };
const site = (id: string): Actor => ({ id: `site:${id}`, role: 'site', name: id });

const def: MeetingDefinition = {
  id: 'm1',
  title: 'Giao ban tháng 11',
  scheduledStart: new Date(T0).toISOString(),
  chairId: 'chair',
  secretaryId: 'sec',
  siteIds: ['A', 'B', 'C', 'D'],
  agenda: [
    { id: 'i1', order: 0, title: 'Khai mạc', presenterSiteIds: [], plannedMinutes: 5 },
    { id: 'i2', order: 1, title: 'Báo cáo', presenterSiteIds: ['B', 'C'], plannedMinutes: 20 },
  ],
  lateGraceMinutes: 10,
  speakingLimitSeconds: 120,
  openMics: false,
  issuingBody: 'ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI',
  place: 'Hà Nội',
  createdAt: new Date(T0 - 86_400_000).toISOString(),
};

let now = T0;
const clock = { now: () => now };
let store: MemoryStore;
let svc: MeetingService;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as HubError).code;
  }
}

beforeEach(async () => {
  now = T0 - 20 * 60_000;
  store = new MemoryStore();
  await store.putUnits(
    ['A', 'B', 'C', 'D'].map((c) => ({
      code: c,
      tier: 'ward' as const,
      name: c,
      fullName: `Phường ${c}`,
      kind: 'Phường',
      parentCode: '01',
    })),
  );
  svc = new MeetingService(store, clock);
  await svc.create(def);
});

async function openAndStart() {
  await svc.transition('m1', sec, 'scheduled');
  await svc.transition('m1', chair, 'open');
  now = T0 - 5 * 60_000;
  await svc.siteJoin('m1', site('A'), 'A', 'cA', 'n1');
  await svc.siteJoin('m1', site('B'), 'B', 'cB', 'n1');
  now = T0;
  await svc.transition('m1', chair, 'in_session');
}

describe('MeetingService state machine', () => {
  it('follows draft → scheduled → open → in_session → adjourned → closed and records each step', async () => {
    await openAndStart();
    now = T0 + 60 * 60_000;
    await svc.transition('m1', chair, 'adjourned');
    const m = await svc.transition('m1', sec, 'closed');
    expect(m.state).toBe('closed');
    expect(m.transitions.map((t) => `${t.from}>${t.to}:${t.by}`)).toEqual([
      'draft>scheduled:sec',
      'scheduled>open:chair',
      'open>in_session:chair',
      'in_session>adjourned:chair',
      'adjourned>closed:sec',
    ]);
    expect(m.transitions[2]!.at).toBe(new Date(T0).toISOString());
  });

  it('keeps the minutes fields editable until the meeting is closed, nothing else once open', async () => {
    await openAndStart();
    const numbered = { ...def, documentNumber: '05/BB-UBND', place: 'Hà Nội', title: 'Sửa' };
    expect(await codeOf(svc.updateDefinition('m1', numbered))).toBe('ok');
    expect(await svc.read('m1', (p) => p.meeting.documentNumber)).toBe('05/BB-UBND');
    expect(await codeOf(svc.updateDefinition('m1', { ...numbered, siteIds: ['A'] }))).toBe(
      'INVALID_STATE',
    );
    now = T0 + 60 * 60_000;
    await svc.transition('m1', chair, 'adjourned');
    expect(await codeOf(svc.updateDefinition('m1', { ...numbered, hostLocation: 'P1' }))).toBe(
      'ok',
    );
    await svc.transition('m1', sec, 'closed');
    expect(await codeOf(svc.updateDefinition('m1', { ...numbered, place: 'Huế' }))).toBe(
      'MEETING_CLOSED',
    );
  });

  it('refuses transitions outside the machine and site joins before open', async () => {
    expect(await codeOf(svc.transition('m1', chair, 'in_session'))).toBe('INVALID_STATE');
    expect(await codeOf(svc.siteJoin('m1', site('A'), 'A', 'c', 'n'))).toBe('INVALID_STATE');
    await svc.transition('m1', sec, 'scheduled');
    await svc.transition('m1', sec, 'open');
    expect(await codeOf(svc.siteJoin('m1', site('Z'), 'Z', 'c', 'n'))).toBe('FORBIDDEN');
  });
});

describe('floor, agenda and moderation', () => {
  it('queues requests, grants, moves to next, revokes; presenters enter the queue on item start', async () => {
    await openAndStart();
    expect(await codeOf(svc.floorRequest('m1', site('C'), 'C'))).toBe('INVALID_STATE'); // C not connected
    await svc.floorRequest('m1', site('A'), 'A');
    await svc.floorRequest('m1', site('A'), 'A'); // idempotent
    let f = await svc.floorRequest('m1', site('B'), 'B', 'i2');
    expect(f.queue.map((q) => q.siteId)).toEqual(['A', 'B']);
    f = await svc.floorReorder('m1', chair, ['B', 'A']);
    expect(f.queue.map((q) => q.siteId)).toEqual(['B', 'A']);
    f = await svc.floorNext('m1', chair);
    expect(f.holder).toMatchObject({ siteId: 'B', itemId: 'i2', limitSeconds: 120 });
    expect(f.holder?.endsAt).toBe(new Date(T0 + 120_000).toISOString());
    expect(f.spotlight).toEqual({ kind: 'site', siteId: 'B' });
    expect(await svc.read('m1', (p) => [p.micAllowed('A'), p.micAllowed('B')])).toEqual([
      false,
      true,
    ]);
    now += 30_000;
    f = await svc.floorNext('m1', chair);
    expect(f.holder?.siteId).toBe('A');
    expect(f.queue).toEqual([]);
    f = await svc.floorRevoke('m1', chair);
    expect(f.holder).toBeNull();
    expect(await codeOf(svc.floorRevoke('m1', chair))).toBe('INVALID_STATE');

    // An expiry timer armed for an old grant must not revoke a newer one.
    await svc.floorGrant('m1', chair, 'A');
    const grantedAt = await svc.read('m1', (p) => p.holder!.grantedAt);
    await svc.floorRevoke('m1', chair, 'expired', '2000-01-01T00:00:00.000Z');
    expect(await svc.read('m1', (p) => p.holder?.grantedAt)).toBe(grantedAt);
    await svc.floorRevoke('m1', chair, 'expired', grantedAt);
    expect(await svc.read('m1', (p) => p.holder)).toBeNull();

    let m = await svc.agendaNext('m1', chair);
    expect(m.currentItemId).toBe('i1');
    now += 60_000;
    m = await svc.agendaNext('m1', chair);
    expect(m.currentItemId).toBe('i2');
    expect(m.agenda[0]!.endedAt).toBe(new Date(now).toISOString());
    const q = await svc.read('m1', (p) => p.floorState('').queue);
    expect(q.map((x) => [x.siteId, x.presenter])).toEqual([
      ['B', true],
      ['C', true],
    ]);
    m = await svc.agendaExtend('m1', chair, 5);
    expect(m.agenda[1]!.extendedMinutes).toBe(5);
    m = await svc.agendaReorder('m1', sec, ['i2', 'i1']);
    expect(m.agenda.map((a) => a.id)).toEqual(['i2', 'i1']);
    expect(await codeOf(svc.agendaReorder('m1', sec, ['i2']))).toBe('BAD_REQUEST');
    m = await svc.agendaNext('m1', chair); // i2 is now last in order → ends
    expect(m.currentItemId).toBeUndefined();
  });

  it('mutes, asks to unmute, removes (a removed site cannot come back), locks', async () => {
    await openAndStart();
    // Ask-to-unmute is for the floor holder only.
    expect(await codeOf(svc.askUnmute('m1', chair, 'A'))).toBe('NOT_FLOOR_HOLDER');
    await svc.floorGrant('m1', chair, 'A');
    await svc.mute('m1', chair, null);
    await svc.askUnmute('m1', chair, 'A');
    expect(await svc.read('m1', (p) => p.micStatus('A'))).toEqual({
      allowed: false,
      muted: true,
      unmute: 'requested',
    });
    await svc.acceptUnmute('m1', site('A'), 'A');
    expect(await svc.read('m1', (p) => p.micAllowed('A'))).toBe(true);
    await svc.mute('m1', chair, null);
    expect(await svc.read('m1', (p) => p.micAllowed('A'))).toBe(false);
    await svc.floorRequest('m1', site('B'), 'B');
    await svc.remove('m1', chair, 'B', 'Không đúng thành phần');
    expect(await svc.read('m1', (p) => [p.isConnected('B'), p.queue.length])).toEqual([false, 0]);
    expect(await codeOf(svc.siteJoin('m1', site('B'), 'B', 'cB2', 'n1'))).toBe('REMOVED');
    await svc.lock('m1', chair, true);
    expect(await codeOf(svc.siteJoin('m1', site('C'), 'C', 'cC', 'n1'))).toBe('MEETING_LOCKED');
    // A site that was already in may reconnect into a locked meeting.
    await svc.siteLeave('m1', site('A'), 'A', 'cA');
    expect(await codeOf(svc.siteJoin('m1', site('A'), 'A', 'cA2', 'n1'))).toBe('ok');
  });
});

describe("a chair's mute outlasts the floor", () => {
  const allowed = () =>
    svc.read('m1', (p) => Object.fromEntries(['A', 'B'].map((x) => [x, p.micAllowed(x)])));

  it('closes the holder mic on mute all; it keeps the floor until it accepts an unmute', async () => {
    await openAndStart();
    await svc.floorGrant('m1', chair, 'A');
    expect(await allowed()).toEqual({ A: true, B: false });
    await svc.mute('m1', chair, null);
    expect(await allowed()).toEqual({ A: false, B: false });
    // Still the holder and on the big screen: only the microphone is closed.
    const f = await svc.read('m1', (p) => p.floorState(''));
    expect(f.holder?.siteId).toBe('A');
    expect(f.spotlight).toEqual({ kind: 'site', siteId: 'A' });
    expect(await svc.read('m1', (p) => p.attendanceRow('A', now).micAllowed)).toBe(false);
    await svc.askUnmute('m1', chair, 'A');
    expect(await allowed()).toEqual({ A: false, B: false }); // asking opens nothing
    await svc.acceptUnmute('m1', site('A'), 'A');
    expect(await allowed()).toEqual({ A: true, B: false });
    // The permission ends with the floor: the mute is back.
    await svc.floorRevoke('m1', chair);
    expect(await svc.read('m1', (p) => p.micStatus('A'))).toEqual({
      allowed: false,
      muted: true,
      unmute: 'none',
    });
  });

  it('closes the holder mic on an individual mute; granting the floor again reopens it', async () => {
    await openAndStart();
    await svc.floorGrant('m1', chair, 'A');
    await svc.mute('m1', chair, 'B'); // someone else: the holder is not affected
    expect(await allowed()).toEqual({ A: true, B: false });
    await svc.mute('m1', chair, 'A');
    expect(await allowed()).toEqual({ A: false, B: false });
    // A grant to someone else does not lift A's mute; a new grant to A does.
    await svc.floorGrant('m1', chair, 'B');
    expect(await allowed()).toEqual({ A: false, B: true });
    await svc.floorGrant('m1', chair, 'A');
    expect(await allowed()).toEqual({ A: true, B: false });
  });

  it('keeps an open-mic meeting muted after mute all until the chair gives a site the floor', async () => {
    await store.putMeeting({ ...def, openMics: true });
    svc.invalidate('m1');
    await openAndStart();
    expect(await allowed()).toEqual({ A: true, B: true });
    await svc.mute('m1', chair, null);
    expect(await allowed()).toEqual({ A: false, B: false });
    expect(await codeOf(svc.askUnmute('m1', chair, 'B'))).toBe('NOT_FLOOR_HOLDER');
    await svc.floorGrant('m1', chair, 'B');
    await svc.floorRevoke('m1', chair);
    expect(await allowed()).toEqual({ A: false, B: true });
  });

  it('reports in its effects the floor an entry ended and every changed microphone', async () => {
    await openAndStart();
    const seen: Array<{ type: string; ended: unknown; mic: unknown }> = [];
    svc.on('applied', (_m, e, _p, fx) =>
      seen.push({ type: e.type, ended: fx.floorEnded, mic: fx.mic.map((x) => x.siteId) }),
    );
    await svc.floorGrant('m1', chair, 'A');
    await svc.floorGrant('m1', chair, 'B');
    await svc.floorRevoke('m1', chair);
    await svc.rollCallStart('m1', sec, 60);
    expect(seen).toEqual([
      { type: 'floor.grant', ended: null, mic: ['A'] },
      { type: 'floor.grant', ended: { siteId: 'A', reason: 'granted_to_other' }, mic: ['A', 'B'] },
      { type: 'floor.revoke', ended: { siteId: 'B', reason: 'revoked' }, mic: ['B'] },
      { type: 'rollcall.start', ended: null, mic: [] },
    ]);
  });
});

describe('attendance and roll-call', () => {
  it('derives on time, late, left early, absent and applies the secretary overrides', async () => {
    await openAndStart(); // A and B joined at T0-5min
    now = T0 + 15 * 60_000; // C joins 15 min after start: late (grace 10)
    await svc.siteJoin('m1', site('C'), 'C', 'cC', 'n1');
    now = T0 + 20 * 60_000;
    await svc.siteLeave('m1', site('B'), 'B', 'cB'); // B leaves and never comes back
    await svc.siteLeave('m1', site('A'), 'A', 'stale-conn'); // superseded connection: ignored
    now = T0 + 60 * 60_000;
    await svc.transition('m1', chair, 'adjourned');
    const status = async () =>
      Object.fromEntries(
        (await svc.read('m1', (p) => p.attendanceTable(now))).map((r) => [r.siteId, r.status]),
      );
    expect(await status()).toEqual({
      A: 'on_time',
      B: 'left_early',
      C: 'late',
      D: 'absent_without_reason',
    });
    const rowB = await svc.read('m1', (p) => p.attendanceRow('B', now));
    expect(rowB.minutesConnected).toBe(25);
    expect(rowB.intervals).toEqual([
      {
        joinAt: new Date(T0 - 5 * 60_000).toISOString(),
        leaveAt: new Date(T0 + 20 * 60_000).toISOString(),
      },
    ]);
    // "Absent with reason" needs the reason (the minutes print it), given now or already noted.
    await expect(svc.mark('m1', sec, { siteId: 'D', mark: 'absent_with_reason' })).rejects.toThrow(
      /absenceReason: required/,
    );
    await expect(
      svc.mark('m1', sec, { siteId: 'D', mark: 'absent_with_reason', absenceReason: '  ' }),
    ).rejects.toThrow(/absenceReason: required/);
    await svc.mark('m1', sec, { siteId: 'D', mark: 'absent_with_reason', absenceReason: 'Bão lũ' });
    await expect(svc.mark('m1', sec, { siteId: 'D', absenceReason: '' })).rejects.toThrow(
      /absenceReason: required/,
    );
    await svc.mark('m1', sec, { siteId: 'D', note: 'Báo trước qua điện thoại' });
    await svc.mark('m1', sec, {
      siteId: 'C',
      mark: 'present',
      headcount: 7,
      siteChair: 'Ông X',
      note: 'Đường truyền yếu',
    });
    expect(await status()).toEqual({
      A: 'on_time',
      B: 'left_early',
      C: 'late',
      D: 'absent_with_reason',
    });
    await svc.mark('m1', sec, { siteId: 'D', mark: 'present' });
    expect((await status()).D).toBe('on_time');
    await svc.mark('m1', sec, { siteId: 'D', mark: null });
    expect((await status()).D).toBe('absent_without_reason');
    expect(await svc.read('m1', (p) => p.attendanceRow('C', now))).toMatchObject({
      headcount: 7,
      siteChair: 'Ông X',
      note: 'Đường truyền yếu',
    });
  });

  it('runs a roll-call with a deadline and keeps the result', async () => {
    await openAndStart();
    const rc = await svc.rollCallStart('m1', sec, 60);
    expect(rc.expectedSiteIds.sort()).toEqual(['A', 'B']);
    expect(await codeOf(svc.rollCallStart('m1', sec, 60))).toBe('CONFLICT');
    now += 10_000;
    await svc.rollCallAnswer('m1', site('A'), 'A', rc.id, 12);
    expect(await codeOf(svc.rollCallAnswer('m1', site('C'), 'C', rc.id, 3))).toBe('INVALID_STATE'); // not connected
    now += 60_000; // past the deadline
    expect(await codeOf(svc.rollCallAnswer('m1', site('B'), 'B', rc.id, 5))).toBe('INVALID_STATE');
    const closed = await svc.rollCallClose('m1', sec, rc.id);
    expect(closed.answers).toEqual([
      { siteId: 'A', headcount: 12, at: new Date(T0 + 10_000).toISOString() },
    ]);
    expect(closed.closedAt).toBe(new Date(now).toISOString());
    expect(await svc.read('m1', (p) => p.attendanceRow('A', now).headcount)).toBe(12);
  });

  it("counts the site's latest roll-call headcount unless the secretary recorded one", async () => {
    await openAndStart();
    const row = () => svc.read('m1', (p) => p.attendanceRow('A', now));
    const rc1 = await svc.rollCallStart('m1', sec, 60);
    await svc.rollCallAnswer('m1', site('A'), 'A', rc1.id, 12);
    expect(await row()).toMatchObject({ headcount: 12, headcountSource: 'rollcall' });
    await svc.rollCallClose('m1', sec, rc1.id);
    const rc2 = await svc.rollCallStart('m1', chair, 60);
    await svc.rollCallAnswer('m1', site('A'), 'A', rc2.id, 14); // the latest answer counts
    expect(await row()).toMatchObject({ headcount: 14, headcountSource: 'rollcall' });
    await svc.mark('m1', sec, { siteId: 'A', headcount: 20 });
    expect(await row()).toMatchObject({ headcount: 20, headcountSource: 'mark' });
    // A later answer does not override the secretary's count...
    await svc.rollCallAnswer('m1', site('A'), 'A', rc2.id, 15);
    expect(await row()).toMatchObject({ headcount: 20, headcountSource: 'mark' });
    // ...until she clears it.
    await svc.mark('m1', sec, { siteId: 'A', headcount: null });
    expect(await row()).toMatchObject({ headcount: 15, headcountSource: 'rollcall' });
    expect((await svc.read('m1', (p) => p.attendanceRow('B', now))).headcount).toBeUndefined();
  });

  it('rebuilds the same state from the log alone (restart)', async () => {
    await openAndStart();
    await svc.floorRequest('m1', site('A'), 'A');
    await svc.floorGrant('m1', chair, 'A');
    await svc.mute('m1', chair, null); // the holder stays muted after a restart
    const rc = await svc.rollCallStart('m1', sec, 60);
    await svc.rollCallAnswer('m1', site('B'), 'B', rc.id, 4);
    await svc.rollCallAnswer('m1', site('A'), 'A', rc.id, 6);
    await svc.mark('m1', sec, { siteId: 'A', headcount: 9 });
    const before = await svc.read('m1', (p) => ({
      m: p.meetingView(),
      f: p.floorState(''),
      t: p.attendanceTable(now),
      r: p.currentRollCall(),
    }));
    expect(before.t.find((r) => r.siteId === 'A')).toMatchObject({
      micAllowed: false,
      headcount: 9,
    });
    expect(before.t.find((r) => r.siteId === 'B')?.headcount).toBe(4);
    const fresh = new MeetingProjection(
      def,
      new Map(['A', 'B', 'C', 'D'].map((c) => [c, { code: c, name: `Phường ${c}` }])),
    );
    for (const e of await store.readEvents('m1', 0)) fresh.apply(e);
    expect({
      m: fresh.meetingView(),
      f: fresh.floorState(''),
      t: fresh.attendanceTable(now),
      r: fresh.currentRollCall(),
    }).toEqual(before);
  });

  it('two services on one store never interleave conflicting events', async () => {
    await openAndStart();
    const other = new MeetingService(store, clock);
    // Both grant concurrently from stale views; both succeed in order, the log stays consistent.
    await Promise.all([svc.floorGrant('m1', chair, 'A'), other.floorGrant('m1', chair, 'B')]);
    const seqs = (await store.readEvents('m1', 0)).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const h1 = await svc.read('m1', (p) => p.holder?.siteId);
    const h2 = await other.read('m1', (p) => p.holder?.siteId);
    expect(h1).toBe(h2);
  });
});

describe('buildMeetingRecord', () => {
  it('derives a document record from the log', async () => {
    await openAndStart();
    await svc.agendaNext('m1', chair);
    await svc.floorRequest('m1', site('A'), 'A', 'i1');
    await svc.floorGrant('m1', chair, 'A');
    now += 90_000;
    await svc.floorRevoke('m1', chair);
    // A general opinion is not filed under the current item.
    await svc.floorRequest('m1', site('B'), 'B');
    await svc.floorGrant('m1', chair, 'B');
    now += 30_000;
    await svc.floorRevoke('m1', chair);
    await svc.agendaNote('m1', sec, { itemId: 'i1', conclusions: 'Thống nhất.' });
    const rc = await svc.rollCallStart('m1', sec, 60);
    await svc.rollCallAnswer('m1', site('A'), 'A', rc.id, 9);
    now = T0 + 45 * 60_000;
    await svc.transition('m1', chair, 'adjourned');
    const record = await svc.read('m1', (p) =>
      buildMeetingRecord(p, {
        chair: { name: 'Chủ trì', title: 'Chủ tịch' },
        secretary: { name: 'Thư ký' },
        generatedAt: now,
      }),
    );
    expect(record).toMatchObject({
      meetingId: 'm1',
      title: 'Giao ban tháng 11',
      timeZone: 'Asia/Ho_Chi_Minh',
      startedAt: new Date(T0).toISOString(),
      adjournedAt: new Date(T0 + 45 * 60_000).toISOString(),
      lateGraceMinutes: 10,
    });
    const a = record.attendance.find((r) => r.siteId === 'A')!;
    expect(a).toMatchObject({
      code: 'A',
      name: 'Phường A',
      status: 'on_time',
      minutesConnected: 50,
      headcount: 9,
    });
    expect(a.rollCalls).toEqual([
      {
        rollCallId: rc.id,
        startedAt: expect.any(String),
        answered: true,
        answeredAt: expect.any(String),
        headcount: 9,
      },
    ]);
    expect(record.attendance.find((r) => r.siteId === 'B')!.rollCalls[0]!.answered).toBe(false);
    expect(record.attendance.find((r) => r.siteId === 'D')!.status).toBe('absent_without_reason');
    const i1 = record.agenda.find((x) => x.id === 'i1')!;
    expect(i1.conclusions).toBe('Thống nhất.');
    expect(i1.speeches).toEqual([
      expect.objectContaining({ siteId: 'A', siteName: 'Phường A', seconds: 90 }),
    ]);
    expect(record.generalSpeeches).toEqual([
      expect.objectContaining({ siteId: 'B', siteName: 'Phường B', seconds: 30 }),
    ]);
    expect(i1.endedAt).toBe(record.adjournedAt);
  });
});
