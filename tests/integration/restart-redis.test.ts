// A hub process crashes (SIGKILL) mid-meeting; a new one on the same Redis has every attendance
// event, rebuilds the same attendance table, and the meeting carries on. (Once the dead process's
// heartbeat lapses, the new one also records its sites' leaves: see node-loss.test.ts.)
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
const procs: HubProcess[] = [];
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  for (const p of procs) await p.stop('SIGKILL');
  await redis?.stop();
});

const env = () => ({
  REDIS_URL: redis.url,
  JWT_SECRET: TEST_SECRET,
  NODE_ID: `hub-${procs.length}`,
});

async function sock(url: string, token: string) {
  const s = await connect(url, token);
  sockets.push(s);
  return s;
}

interface SweepData {
  siteId?: string;
  reason?: string;
}

interface Row {
  siteId: string;
  status: string;
  headcount?: number;
  mark?: string;
  intervals: Array<{ joinAt: string; leaveAt?: string }>;
}

describe('restart with Redis', () => {
  it('loses no attendance event when the hub is killed mid-meeting', async () => {
    const a = await startHubProcess({ ...env(), SEED_SITES: '4', SEED_PROVINCE: '01' });
    procs.push(a);
    const seed = a.seed!;
    const chairTok = await login(a.url, seed.people.chair.username, seed.people.chair.password);
    const secTok = await login(
      a.url,
      seed.people.secretary.username,
      seed.people.secretary.password,
    );
    const chair = await sock(a.url, chairTok.accessToken);
    const sec = await sock(a.url, secTok.accessToken);
    await ok(chair, 'meeting:join', { meetingId: seed.meetingId });
    await ok(sec, 'meeting:join', { meetingId: seed.meetingId });
    const siteToks = await Promise.all(
      seed.sites.slice(0, 3).map((s) => exchangeInvite(a.url, s.inviteToken)),
    );
    const sites = [];
    for (const t of siteToks) {
      const s = await sock(a.url, t.accessToken);
      await ok(s, 'meeting:join', { meetingId: seed.meetingId });
      sites.push(s);
    }
    await ok(chair, 'meeting:transition', { to: 'in_session' });
    const rc = await ok(sec, 'rollcall:start', { deadlineSeconds: 300 });
    await ok(sites[0]!, 'rollcall:answer', { rollCallId: rc.id, headcount: 15 });
    await ok(sites[1]!, 'rollcall:answer', { rollCallId: rc.id, headcount: 8 });
    await ok(sec, 'attendance:mark', {
      siteId: seed.sites[3]!.siteId,
      mark: 'absent_with_reason',
      absenceReason: 'Họp khác',
    });
    // Site 2 leaves; its leave is acknowledged by the log before the crash.
    await ok(sites[2]!, 'meeting:leave', {});

    const path = `/api/meetings/${seed.meetingId}`;
    const eventsBefore = await rest<{ events: Array<{ seq: number; type: string }> }>(
      a.url,
      'GET',
      `${path}/events?limit=1000`,
      { token: secTok.accessToken },
    );
    const tableBefore = await rest<Row[]>(a.url, 'GET', `${path}/attendance`, {
      token: secTok.accessToken,
    });
    expect(eventsBefore.body.events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'site.join',
        'site.leave',
        'rollcall.start',
        'rollcall.answer',
        'attendance.mark',
      ]),
    );

    await a.stop('SIGKILL');
    for (const s of sockets.splice(0)) s.close();

    const b = await startHubProcess({ ...env(), SEED_SITES: '0' });
    procs.push(b);
    const secTok2 = await login(
      b.url,
      seed.people.secretary.username,
      seed.people.secretary.password,
    );
    const eventsAfter = await rest<{
      events: Array<{ seq: number; type: string; data: SweepData }>;
    }>(b.url, 'GET', `${path}/events?limit=1000`, { token: secTok2.accessToken });
    // Every acknowledged event is there, unchanged. If B took longer than A's heartbeat TTL to
    // come up, its sweeper may already have recorded the leaves of the sites A held: only those.
    const before = eventsBefore.body.events;
    expect(eventsAfter.body.events.slice(0, before.length)).toEqual(before);
    const swept = eventsAfter.body.events.slice(before.length);
    for (const e of swept)
      expect(e).toMatchObject({ type: 'site.leave', data: { reason: 'node_lost' } });
    const sweptSites = new Set(swept.map((e) => e.data.siteId));
    const tableAfter = await rest<Row[]>(b.url, 'GET', `${path}/attendance`, {
      token: secTok2.accessToken,
    });
    const pick = (rows: Row[]) =>
      rows.map((r) => {
        const row = {
          siteId: r.siteId,
          status: r.status,
          headcount: r.headcount,
          mark: r.mark,
          intervals: r.intervals,
        };
        if (!sweptSites.has(r.siteId)) return row;
        // A swept site's open interval was closed by the sweep (and its status follows).
        return { ...row, status: undefined, intervals: r.intervals.map((i) => i.joinAt) };
      });
    expect(pick(tableAfter.body)).toEqual(pick(tableBefore.body));

    // The meeting continues on the new process: a site reconnects and answers a new roll-call.
    const sec2 = await sock(b.url, secTok2.accessToken);
    const secSnap = await ok(sec2, 'meeting:join', { meetingId: seed.meetingId });
    const site0 = await sock(b.url, siteToks[0]!.accessToken);
    const snap = await ok(site0, 'meeting:join', { meetingId: seed.meetingId });
    expect(snap.meeting.state).toBe('in_session');
    // The roll-call started before the crash is still open after it; close it, start another.
    expect(snap.rollCall?.id).toBe(rc.id);
    expect(snap.rollCall?.answers.map((x) => x.headcount)).toEqual([15]); // a site sees its own
    expect(secSnap.rollCall?.answers.map((x) => x.headcount).sort()).toEqual([15, 8].sort());
    await ok(sec2, 'rollcall:close', { rollCallId: rc.id });
    const rc2 = await ok(sec2, 'rollcall:start', { deadlineSeconds: 300 });
    const answered = waitFor(sec2, 'rollcall:answered', (p) => p.rollCallId === rc2.id);
    await ok(site0, 'rollcall:answer', { rollCallId: rc2.id, headcount: 16 });
    expect((await answered).headcount).toBe(16);
    const finalEvents = (
      await rest<{ events: Array<{ seq: number }> }>(b.url, 'GET', `${path}/events?limit=1000`, {
        token: secTok2.accessToken,
      })
    ).body.events;
    expect(finalEvents.map((e) => e.seq)).toEqual(finalEvents.map((_, i) => i + 1));
    expect(finalEvents.length).toBeGreaterThan(before.length);
  });
});
