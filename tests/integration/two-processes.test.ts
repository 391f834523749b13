// Two hub processes on one Redis serve one meeting's signalling: sockets on either node see the
// same meeting, and commands on one reach clients on the other (Redis Streams adapter).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientSocket,
  connect,
  exchangeInvite,
  login,
  ok,
  rest,
  TEST_SECRET,
  waitFor,
} from '../harness/hub';
import { type HubProcess, startHubProcess } from '../harness/processes';
import { RedisServer } from '../harness/redis';

let redis: RedisServer;
let a: HubProcess;
let b: HubProcess;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
  const env = { REDIS_URL: redis.url, JWT_SECRET: TEST_SECRET };
  a = await startHubProcess({ ...env, NODE_ID: 'hub-a', SEED_SITES: '3', SEED_PROVINCE: '01' });
  b = await startHubProcess({ ...env, NODE_ID: 'hub-b', SEED_SITES: '0' });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await a?.stop();
  await b?.stop();
  await redis?.stop();
});

async function sock(url: string, token: string) {
  const s = await connect(url, token);
  sockets.push(s);
  return s;
}

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
});
