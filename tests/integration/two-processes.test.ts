// Two hub processes on one Redis serve one meeting's signalling: sockets on either node see the
// same meeting, and commands on one reach clients on the other (Redis Streams adapter).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, exchangeInvite, login, ok, req, rest, waitFor } from '../harness/hub';
import { type HubPair, startHubPair } from '../harness/hubPair';
import type { HubProcess } from '../harness/processes';

let pair: HubPair | undefined;
let a: HubProcess;
let b: HubProcess;

beforeAll(async () => {
  pair = await startHubPair({ seedSites: 3 });
  ({ a, b } = pair);
});
afterAll(async () => {
  await pair?.stop();
});

const sock = (url: string, token: string) => pair!.sock(url, token);

describe('two hub processes, one Redis', () => {
  it('share one meeting: state, floor and roll-call cross nodes', async () => {
    const seed = a.seed!;
    const meetingId = seed.meetingId;
    const chairTok = await login(a.url, seed.people.chair.username, seed.people.chair.password);
    const secTok = await login(
      b.url,
      seed.people.secretary.username,
      seed.people.secretary.password,
    );
    const [t1, t2] = await Promise.all(
      seed.sites.slice(0, 2).map((s) => exchangeInvite(b.url, s.inviteToken)),
    );
    const chair = await sock(a.url, chairTok.accessToken); // node A
    const sec = await sock(b.url, secTok.accessToken); // node B
    const site1 = await sock(b.url, t1!.accessToken); // node B
    const site2 = await sock(a.url, t2!.accessToken); // node A
    await ok(chair, 'meeting:join', { meetingId });
    await ok(sec, 'meeting:join', { meetingId });
    const joined = waitFor(
      chair,
      'presence:updated',
      (p) => p.siteId === seed.sites[0]!.siteId && p.connected,
    );
    await ok(site1, 'meeting:join', { meetingId });
    await joined; // pushed from B to the chair on A
    await ok(site2, 'meeting:join', { meetingId });

    const onB = waitFor(site1, 'meeting:updated', (m) => m.state === 'in_session');
    await ok(chair, 'meeting:transition', { to: 'in_session' });
    expect((await onB).state).toBe('in_session');

    // Site on B asks for the floor; the chair on A sees it and grants; the site on B is told.
    const queued = waitFor(chair, 'floor:updated', (f) =>
      f.queue.some((q) => q.siteId === seed.sites[0]!.siteId),
    );
    await ok(site1, 'floor:request', {});
    await queued;
    const allowed = waitFor(site1, 'mic:allowed', (p) => p.allowed);
    const floor = await ok(chair, 'floor:grant', { siteId: seed.sites[0]!.siteId });
    expect(floor.holder?.siteId).toBe(seed.sites[0]!.siteId);
    await allowed;

    // Secretary on B runs a roll-call; sites on both nodes answer; B's secretary sees both.
    const startedOnA = waitFor(site2, 'rollcall:started');
    const answers = new Map<string, number>();
    const bothAnswered = new Promise<void>((resolve) => {
      sec.on('rollcall:answered', (p) => {
        answers.set(p.siteId, p.headcount);
        if (answers.size === 2) resolve();
      });
    });
    const rc = await ok(sec, 'rollcall:start', { deadlineSeconds: 120 });
    expect((await startedOnA).id).toBe(rc.id);
    await ok(site1, 'rollcall:answer', { rollCallId: rc.id, headcount: 5 });
    await ok(site2, 'rollcall:answer', { rollCallId: rc.id, headcount: 7 });
    await bothAnswered;
    expect(Object.fromEntries(answers)).toEqual({
      [seed.sites[0]!.siteId]: 5,
      [seed.sites[1]!.siteId]: 7,
    });

    // Both nodes serve the same snapshot and one gap-free log.
    const snapA = await ok(chair, 'meeting:snapshot', {});
    const snapB = await ok(sec, 'meeting:snapshot', {});
    expect(snapB.seq).toBe(snapA.seq);
    // Same floor (each snapshot carries its own hub's clock).
    expect({ ...snapB.floor, serverTime: '' }).toEqual({ ...snapA.floor, serverTime: '' });
    expect(snapB.rollCall?.answers.length).toBe(2);
    const events = (
      await rest<{ events: Array<{ seq: number }> }>(
        a.url,
        'GET',
        `/api/meetings/${meetingId}/events?limit=1000`,
        { token: chairTok.accessToken },
      )
    ).body.events;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it('a site reconnecting through the other node replaces its old connection there', async () => {
    const seed = a.seed!;
    const tok = await exchangeInvite(a.url, seed.sites[2]!.inviteToken);
    const onA = await sock(a.url, tok.accessToken);
    await ok(onA, 'meeting:join', { meetingId: seed.meetingId });
    const gone = new Promise<string>((r) => onA.once('disconnect', (reason) => r(reason)));
    const onB = await sock(b.url, tok.accessToken);
    await ok(onB, 'meeting:join', { meetingId: seed.meetingId });
    expect(await gone).toBe('io server disconnect');
    // The new connection survives its own join (the adapter's remote disconnect must skip it).
    await new Promise((r) => setTimeout(r, 1500));
    expect(onB.connected).toBe(true);
    expect((await ok(onB, 'meeting:snapshot', {})).you.siteId).toBe(seed.sites[2]!.siteId);
  });
  // Issue #8, defects 2 and 3 "on every hub process": removal and close end the site's sockets
  // on both nodes, lobby tabs included, and neither node lets them back.
  it('removing a site and closing the meeting end its sockets on both nodes', async () => {
    const seed = a.seed!;
    const meetingId = seed.meetingId;
    const chairTok = await login(a.url, seed.people.chair.username, seed.people.chair.password);
    const secTok = await login(
      b.url,
      seed.people.secretary.username,
      seed.people.secretary.password,
    );
    const chair = await sock(a.url, chairTok.accessToken); // node A
    const sec = await sock(b.url, secTok.accessToken); // node B
    await ok(chair, 'meeting:join', { meetingId });
    await ok(sec, 'meeting:join', { meetingId });

    // Site 3: live on B, lobby tabs on both nodes.
    const t3 = await exchangeInvite(a.url, seed.sites[2]!.inviteToken);
    const live3 = await sock(b.url, t3.accessToken);
    await ok(live3, 'meeting:join', { meetingId });
    const tabs3 = [];
    for (const url of [a.url, a.url, b.url, b.url]) {
      const s = await sock(url, t3.accessToken);
      await ok(s, 'meeting:join', { meetingId, lobby: true });
      tabs3.push(s);
    }
    const told = tabs3.map((s) => waitFor(s, 'moderation:removed', () => true, 10_000));
    await ok(chair, 'moderation:remove', { siteId: seed.sites[2]!.siteId, reason: 'kiểm thử' });
    await Promise.all(told);
    for (const s of [live3, ...tabs3]) {
      await eventually(() => !s.connected, 10_000, 'removed socket disconnected on its node');
    }
    for (const url of [a.url, b.url]) {
      const again = await sock(url, t3.accessToken);
      expect(await req(again, 'meeting:join', { meetingId, lobby: true })).toMatchObject({
        ok: false,
        error: { code: 'REMOVED' },
      });
    }

    // Close: site 1 live on B, site 2 live on A and a lobby tab of it on B.
    const [t1, t2] = await Promise.all(
      seed.sites.slice(0, 2).map((x) => exchangeInvite(a.url, x.inviteToken)),
    );
    const s1 = await sock(b.url, t1!.accessToken);
    const s2 = await sock(a.url, t2!.accessToken);
    const s2lobby = await sock(b.url, t2!.accessToken);
    await ok(s1, 'meeting:join', { meetingId });
    await ok(s2, 'meeting:join', { meetingId });
    await ok(s2lobby, 'meeting:join', { meetingId, lobby: true });
    const state = (await ok(chair, 'meeting:snapshot', {})).meeting.state;
    if (state === 'in_session') await ok(chair, 'meeting:transition', { to: 'adjourned' });
    const ended = [sec, s1, s2, s2lobby].map((s) =>
      waitFor(s, 'meeting:ended', () => true, 10_000),
    );
    await ok(chair, 'meeting:transition', { to: 'closed' });
    await Promise.all(ended);
    for (const s of [s1, s2, s2lobby]) {
      await eventually(() => !s.connected, 10_000, 'site socket disconnected on its node');
    }
    expect(sec.connected).toBe(true); // staff stay to read the record
    for (const url of [a.url, b.url]) {
      const back = await sock(url, t1!.accessToken);
      expect(await req(back, 'meeting:join', { meetingId })).toMatchObject({
        ok: false,
        error: { code: 'MEETING_CLOSED' },
      });
    }
    // Nobody is left connected on the board of either node.
    for (const staff of [chair, sec]) {
      const table = await ok(staff, 'attendance:table', {});
      expect(table.filter((r) => r.connected)).toEqual([]);
    }
  });
});
