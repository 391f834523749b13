// The behavioural suite every Store implementation must pass (run by MemoryStore.test.ts and
// RedisStore.test.ts). Kept out of *.test.ts so vitest does not run it on its own.
import type { MeetingEventEntry, MeetingState, Unit } from '@giaoban/shared';
import { expect, it } from 'vitest';
import {
  type AccountRecord,
  DuplicateError,
  type MeetingDefinition,
  SeqConflictError,
  type Store,
} from './Store';

const unit = (code: string, tier: Unit['tier'] = 'ward'): Unit => ({
  code,
  tier,
  name: `Đơn vị ${code}`,
  fullName: `Phường Đơn vị ${code}`,
  kind: 'Phường',
  ...(tier === 'ward' ? { parentCode: '01' } : {}),
});

const account = (id: string, username: string): AccountRecord => ({
  id,
  username,
  displayName: `Người ${id}`,
  role: 'secretary',
  disabled: false,
  createdAt: '2026-11-26T01:00:00.000Z',
  passwordHash: 'scrypt$1$1$1$x$y',
});

const def = (id: string): MeetingDefinition => ({
  id,
  title: 'Giao ban',
  scheduledStart: '2026-11-26T01:30:00.000Z',
  chairId: 'c',
  secretaryId: 's',
  siteIds: ['00004'],
  agenda: [{ id: 'a1', order: 0, title: 'Khai mạc', presenterSiteIds: [], plannedMinutes: 5 }],
  lateGraceMinutes: 10,
  speakingLimitSeconds: 300,
  openMics: false,
  issuingBody: 'UBND',
  place: 'Hà Nội',
  createdAt: '2026-11-26T01:00:00.000Z',
});

const ev = (seq: number): MeetingEventEntry => ({
  seq,
  at: new Date(Date.UTC(2026, 10, 26, 1, 30, seq)).toISOString(),
  actor: { id: 'site:00004', role: 'site', name: 'Phường Ba Đình' },
  type: 'site.join',
  data: { siteId: '00004', connId: `c${seq}`, node: 'n1' },
});

export function storeContract(make: () => Promise<Store>): void {
  it('pings', async () => {
    const s = await make();
    expect(await s.ping()).toBe(true);
  });

  it('stores units and returns them by code, undefined for unknown', async () => {
    const s = await make();
    await s.putUnits([unit('01', 'province'), unit('00004'), unit('00008')]);
    const got = await s.getUnits(['00008', 'nope', '00004']);
    expect(got.map((u) => u?.code)).toEqual(['00008', undefined, '00004']);
    expect((await s.listUnits()).map((u) => u.code).sort()).toEqual(['00004', '00008', '01']);
    await s.putUnits([{ ...unit('00004'), name: 'Ba Đình' }]);
    expect((await s.getUnits(['00004']))[0]?.name).toBe('Ba Đình');
  });

  it('stores, lists and deletes groups', async () => {
    const s = await make();
    await s.putGroup({
      id: 'g1',
      name: 'Hà Nội',
      unitCodes: ['00004'],
      createdAt: '2026-11-26T01:00:00.000Z',
    });
    expect((await s.getGroup('g1'))?.unitCodes).toEqual(['00004']);
    expect((await s.listGroups()).map((g) => g.id)).toEqual(['g1']);
    expect(await s.deleteGroup('g1')).toBe(true);
    expect(await s.deleteGroup('g1')).toBe(false);
    expect(await s.getGroup('g1')).toBeUndefined();
  });

  it('refuses a duplicate username and finds accounts by id and username', async () => {
    const s = await make();
    await s.createAccount(account('a1', 'thuky'));
    await expect(s.createAccount(account('a2', 'thuky'))).rejects.toBeInstanceOf(DuplicateError);
    expect((await s.getAccountByUsername('thuky'))?.id).toBe('a1');
    expect(await s.getAccountByUsername('a2')).toBeUndefined();
    await s.updateAccount({ ...account('a1', 'thuky'), disabled: true });
    expect((await s.getAccount('a1'))?.disabled).toBe(true);
    expect((await s.listAccounts()).map((a) => a.id)).toEqual(['a1']);
  });

  it('does not let callers mutate stored documents', async () => {
    const s = await make();
    const d = def('m1');
    await s.putMeeting(d);
    d.title = 'changed';
    const got = await s.getMeeting('m1');
    expect(got?.title).toBe('Giao ban');
    got!.siteIds.push('x');
    expect((await s.getMeeting('m1'))?.siteIds).toEqual(['00004']);
    expect(await s.listMeetingIds()).toEqual(['m1']);
  });

  it('appends events only at last seq + 1 and reads after a seq', async () => {
    const s = await make();
    const leave3: MeetingEventEntry = {
      ...ev(3),
      type: 'site.leave',
      data: { siteId: '00004', connId: 'c2' },
    };
    await s.appendEvent('m1', ev(1));
    await s.appendEvent('m1', ev(2));
    await expect(s.appendEvent('m1', ev(2))).rejects.toBeInstanceOf(SeqConflictError);
    await expect(s.appendEvent('m1', ev(4))).rejects.toBeInstanceOf(SeqConflictError);
    await s.appendEvent('m1', leave3);
    expect((await s.readEvents('m1', 0)).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(await s.readEvents('m1', 1)).toEqual([ev(2), leave3]);
    expect(await s.readEvents('m1', 3)).toEqual([]);
    // Pages.
    expect((await s.readEvents('m1', 0, 2)).map((e) => e.seq)).toEqual([1, 2]);
    expect((await s.readEvents('m1', 2, 2)).map((e) => e.seq)).toEqual([3]);
    expect(await s.readEvents('other', 0)).toEqual([]);
  });

  it('serialises concurrent appends: exactly one writer wins each seq', async () => {
    const s = await make();
    const results = await Promise.allSettled(
      [1, 1, 1, 1].map((seq) => s.appendEvent('m2', ev(seq))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await s.readEvents('m2', 0)).toHaveLength(1);
  });

  it('keeps the admin audit in order, newest last, limited', async () => {
    const s = await make();
    for (let i = 0; i < 5; i++) {
      await s.appendAudit({
        id: `au${i}`,
        at: '2026-11-26T01:00:00.000Z',
        actor: { id: 'a', role: 'admin', name: 'A' },
        action: 'x',
      });
    }
    expect((await s.listAudit(3)).map((a) => a.id)).toEqual(['au2', 'au3', 'au4']);
  });

  it('keeps per-meeting documents by key, separate per meeting, last write wins', async () => {
    const s = await make();
    expect(await s.getMeetingDoc('m1', 'minutes.review')).toBeUndefined();
    await s.putMeetingDoc('m1', 'minutes.review', '{"v":1}');
    await s.putMeetingDoc('m1', 'minutes.review', '{"v":2}');
    await s.putMeetingDoc('m2', 'minutes.review', 'other');
    expect(await s.getMeetingDoc('m1', 'minutes.review')).toBe('{"v":2}');
    expect(await s.getMeetingDoc('m2', 'minutes.review')).toBe('other');
    expect(await s.getMeetingDoc('m1', 'minutes.signed')).toBeUndefined();
  });

  it('gives the media node to the first claimer', async () => {
    const s = await make();
    expect(await s.getMediaNode('m1')).toBeUndefined();
    expect(await s.claimMediaNode('m1', 'n1')).toBe('n1');
    expect(await s.claimMediaNode('m1', 'n2')).toBe('n1');
    expect(await s.getMediaNode('m1')).toBe('n1');
  });

  it('keeps node heartbeats that lapse after their TTL and can be dropped', async () => {
    const s = await make();
    expect(await s.heartbeat('n1', 300)).toBe(false); // first beat
    expect(await s.heartbeat('n1', 300)).toBe(true);
    await s.heartbeat('n2', 5_000);
    expect([...(await s.aliveNodes(['n1', 'n2', 'n3']))].sort()).toEqual(['n1', 'n2']);
    expect(await s.aliveNodes([])).toEqual(new Set());
    await new Promise((r) => setTimeout(r, 400));
    expect([...(await s.aliveNodes(['n1', 'n2']))]).toEqual(['n2']);
    expect(await s.heartbeat('n1', 300)).toBe(false); // had lapsed
    await s.dropHeartbeat('n2');
    expect([...(await s.aliveNodes(['n1', 'n2']))]).toEqual(['n1']);
  });

  it('indexes live meetings from the appended events', async () => {
    const s = await make();
    const state = (seq: number, from: MeetingState, to: MeetingState): MeetingEventEntry => ({
      ...ev(seq),
      type: 'state',
      data: { from, to },
    });
    await s.putMeeting(def('m1'));
    await s.putMeeting(def('m2'));
    expect(await s.listLiveMeetingIds()).toEqual([]);
    await s.appendEvent('m1', state(1, 'draft', 'scheduled'));
    await s.appendEvent('m1', state(2, 'scheduled', 'open'));
    await s.appendEvent('m2', ev(1)); // a join (as in logs of hubs that kept no index)
    expect((await s.listLiveMeetingIds()).sort()).toEqual(['m1', 'm2']);
    expect(await s.meetingStatus('m1')).toEqual({ state: 'open' });
    expect(await s.meetingStatus('m2')).toBeUndefined();
    await s.appendEvent('m1', state(3, 'open', 'adjourned'));
    await s.appendEvent('m1', state(4, 'adjourned', 'closed'));
    expect(await s.listLiveMeetingIds()).toEqual(['m2']);
    // A refused append changes nothing.
    await expect(s.appendEvent('m1', state(4, 'closed', 'open'))).rejects.toBeInstanceOf(
      SeqConflictError,
    );
    await s.appendEvent('m1', { ...ev(5), type: 'lock', data: { locked: true } });
    expect(await s.meetingStatus('m1')).toEqual({ state: 'closed', locked: true });
    await s.forgetLiveMeeting('m2');
    expect(await s.listLiveMeetingIds()).toEqual([]);
  });
}
