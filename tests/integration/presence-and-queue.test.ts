// Issue #8, defects 5, 6 and 7 through real sockets and real Redis: presence tells not-yet-joined,
// connected, dropped and left apart (with counts against the invited sites); the speaking site
// gets what its countdown needs and a mic state that says why it is closed; general-opinion
// requests stay general, presenters are invited sites that join the queue, and the chair can
// decline a request (the site is told).
import type { Meeting } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { useBriefingHub } from '../harness/briefingHub';
import { newBriefing, people } from '../harness/briefings';
import { eventually, ok, req, rest, waitFor } from '../harness/hub';

const fx = useBriefingHub({ seed: { maxSites: 4, siteAccounts: 0 } });

describe('defect 5: presence states', () => {
  it('tells not-yet-joined, connected, dropped and left apart, with counts', async () => {
    const b = await newBriefing(fx.t, { sites: 4 });
    const who = people(fx.t, b, fx.sock);
    const chair = await who.staff('chair');
    const seen = new Map<string, string>();
    chair.on('presence:updated', (p) => seen.set(p.siteId, p.presence));
    const stays = await who.site(0);
    const leaves = await who.site(1);
    const drops = await who.site(2);
    await ok(leaves.s, 'meeting:leave', {});
    drops.s.disconnect();
    const [s0, s1, s2, s3] = b.sites.map((s) => s.siteId);
    await eventually(
      () => seen.get(s1!) === 'left' && seen.get(s2!) === 'dropped',
      10_000,
      'left and dropped pushed to staff',
    );
    expect(seen.get(s0!)).toBe('connected');
    const snap = await ok(chair, 'meeting:snapshot', {});
    expect(snap.presence).toEqual({
      invited: 4,
      connected: 1,
      notJoined: 1,
      dropped: 1,
      left: 1,
      removed: 0,
    });
    const byId = new Map(snap.attendance.map((r) => [r.siteId, r.presence]));
    expect([s0, s1, s2, s3].map((s) => byId.get(s!))).toEqual([
      'connected',
      'left',
      'dropped',
      'not_joined',
    ]);
    // Sites do not get the board.
    expect((await ok(stays.s, 'meeting:snapshot', {})).presence).toBeNull();
  });
});

describe('defect 6: the speaking site can count down, and reads why its mic is closed', () => {
  it('gets the grant time, the limit and the server time, and a muted state after mute all', async () => {
    const b = await newBriefing(fx.t, { sites: 2, state: 'in_session' });
    const who = people(fx.t, b, fx.sock);
    const chair = await who.staff('chair');
    const a = await who.site(0);
    const pushed = waitFor(a.s, 'floor:updated', (f) => f.holder?.siteId === a.siteId);
    await ok(chair, 'floor:grant', { siteId: a.siteId, limitSeconds: 120 });
    const f = await pushed;
    expect(f.holder).toMatchObject({ siteId: a.siteId, limitSeconds: 120 });
    expect(Date.parse(f.holder!.endsAt!) - Date.parse(f.holder!.grantedAt)).toBe(120_000);
    expect(Math.abs(Date.parse(f.serverTime) - Date.now())).toBeLessThan(5_000);
    const allowed = await ok(a.s, 'meeting:snapshot', {});
    expect(allowed.you.mic).toEqual({ allowed: true, muted: false, unmute: 'none' });
    expect(allowed.floor.serverTime).toBeDefined();

    const muted = waitFor(a.s, 'mic:allowed', (p) => !p.allowed);
    await ok(chair, 'moderation:muteAll', {});
    expect(await muted).toEqual({ siteId: a.siteId, allowed: false, muted: true, unmute: 'none' });
    const snap = await ok(a.s, 'meeting:snapshot', {});
    expect(snap.floor.holder?.siteId).toBe(a.siteId);
    expect(snap.you.mic).toEqual({ allowed: false, muted: true, unmute: 'none' });
  });
});

describe('defect 7: the floor queue', () => {
  it('keeps a general-opinion request out of the current agenda item', async () => {
    const b = await newBriefing(fx.t, { sites: 2, state: 'in_session' });
    const who = people(fx.t, b, fx.sock);
    const chair = await who.staff('chair');
    const a = await who.site(1);
    const item = b.meeting.agenda[1]!.id;
    await ok(chair, 'agenda:start', { itemId: item });
    const queued = await ok(a.s, 'floor:request', {});
    expect(queued.queue.find((q) => q.siteId === a.siteId)?.itemId).toBeUndefined();
    const granted = await ok(chair, 'floor:next', {});
    // Presenter of the item (site 0) is first in the queue but not connected: skipped.
    expect(granted.holder?.siteId).toBe(a.siteId);
    expect(granted.holder?.itemId).toBeUndefined();
    await ok(chair, 'floor:revoke', {});
    const speeches = await fx.t.hub.meetings.read(b.meetingId, (p) => p.speeches);
    expect(speeches.map((s) => [s.siteId, s.itemId])).toEqual([[a.siteId, undefined]]);
  });

  it('queues the presenting sites of an item when it starts, and refuses presenters not invited', async () => {
    const b = await newBriefing(fx.t, { sites: 3, state: 'in_session' });
    const who = people(fx.t, b, fx.sock);
    const chair = await who.staff('chair');
    const item = b.meeting.agenda[1]!;
    expect(item.presenterSiteIds).toEqual([b.sites[0]!.siteId]);
    const m = await ok(chair, 'agenda:start', { itemId: item.id });
    expect(m.currentItemId).toBe(item.id);
    const snap = await ok(chair, 'meeting:snapshot', {});
    expect(snap.floor.queue).toMatchObject([
      { siteId: b.sites[0]!.siteId, itemId: item.id, presenter: true },
    ]);

    // A definition whose presenters are not invited sites is refused, also when the invitation
    // list shrinks under an agenda that still names them.
    const draft = await newBriefing(fx.t, { sites: 3, state: 'scheduled' });
    const token = await who.token('secretary');
    const patch = (body: unknown) =>
      rest<Meeting>(fx.t.url, 'PATCH', `/api/meetings/${draft.meetingId}`, { token, body });
    expect((await patch({ siteIds: [draft.sites[1]!.siteId] })).status).toBe(400);
    const bad = await patch({
      agenda: [{ title: 'x', plannedMinutes: 5, presenterSiteIds: ['99999'] }],
    });
    expect(bad.status).toBe(400);
  });

  it('lets the chair decline a request, and tells the site', async () => {
    const b = await newBriefing(fx.t, { sites: 2, state: 'in_session' });
    const who = people(fx.t, b, fx.sock);
    const chair = await who.staff('chair');
    const a = await who.site(0);
    await ok(a.s, 'floor:request', {});
    const told = waitFor(a.s, 'floor:declined');
    const floor = await ok(chair, 'floor:decline', { siteId: a.siteId, reason: 'Hết thời gian' });
    expect(floor.queue).toEqual([]);
    expect(await told).toEqual({ siteId: a.siteId, reason: 'Hết thời gian' });
    expect(await req(chair, 'floor:decline', { siteId: a.siteId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});
