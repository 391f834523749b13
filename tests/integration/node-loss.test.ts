// A hub process dies (SIGKILL) with sites connected: their `site.join` has no `site.leave`. Another
// hub on the same Redis sees the dead node's heartbeat lapse and records the leaves (reason
// `node_lost`), so the attendance table closes their intervals; a site that reconnected to the
// surviving hub in the meantime keeps its connection.
import type { LogEntryOf, MeetingEventsPage } from '@giaoban/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientSocket,
  connect,
  exchangeInvite,
  login,
  ok,
  rest,
  startTestHub,
  TEST_SECRET,
  type TestHub,
  waitFor,
} from '../harness/hub';
import { type HubProcess, startHubProcess } from '../harness/processes';
import { RedisServer } from '../harness/redis';

let redis: RedisServer;
let a: HubProcess | undefined;
let b: TestHub | undefined;
const sockets: ClientSocket[] = [];

/** Hub A runs with the default liveness: beat every 5 s, TTL 15 s. */
const A_TTL_MS = 15_000;
const A_BEAT_MS = 5_000;
/** Hub B sweeps often so the test waits for A's TTL, not for B. */
const B_SWEEP_MS = 250;

beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await a?.stop('SIGKILL');
  await b?.close();
  await redis?.stop();
});

async function sock(url: string, token: string) {
  const s = await connect(url, token);
  sockets.push(s);
  return s;
}

interface Row {
  siteId: string;
  connected: boolean;
  intervals: Array<{ joinAt: string; leaveAt?: string }>;
}

describe('a hub process lost with sites connected', () => {
  it("records the leaves of the dead node's sites once its heartbeat lapses", async () => {
    a = await startHubProcess({
      REDIS_URL: redis.url,
      JWT_SECRET: TEST_SECRET,
      NODE_ID: 'hub-a',
      SEED_SITES: '3',
      SEED_PROVINCE: '01',
    });
    b = await startTestHub({
      env: { REDIS_URL: redis.url, NODE_ID: 'hub-b' },
      seed: false,
      hub: {
        liveness: { heartbeatIntervalMs: 200, heartbeatTtlMs: 1_000, sweepIntervalMs: B_SWEEP_MS },
      },
    });
    const seed = a.seed!;
    const meetingId = seed.meetingId;
    const path = `/api/meetings/${meetingId}`;
    const [s0, s1, s2] = seed.sites.map((s) => s.siteId) as [string, string, string];

    // Staff on B (they must see the sweep), chair and the three sites on A.
    const secTok = await login(
      b.url,
      seed.people.secretary.username,
      seed.people.secretary.password,
    );
    const sec = await sock(b.url, secTok.accessToken);
    await ok(sec, 'meeting:join', { meetingId });
    const chairTok = await login(a.url, seed.people.chair.username, seed.people.chair.password);
    const chair = await sock(a.url, chairTok.accessToken);
    await ok(chair, 'meeting:join', { meetingId });
    const siteToks = await Promise.all(
      seed.sites.map((s) => exchangeInvite(a!.url, s.inviteToken)),
    );
    const onA: ClientSocket[] = [chair];
    for (const t of siteToks) {
      const s = await sock(a.url, t.accessToken);
      await ok(s, 'meeting:join', { meetingId });
      onA.push(s);
    }
    await ok(chair, 'meeting:transition', { to: 'in_session' });

    const eventsOf = async () =>
      (
        await rest<MeetingEventsPage>(b!.url, 'GET', `${path}/events?limit=1000`, {
          token: secTok.accessToken,
        })
      ).body.events;
    const joins = (es: Awaited<ReturnType<typeof eventsOf>>) =>
      es.filter((e): e is LogEntryOf<'site.join'> => e.type === 'site.join');
    const joinsOnA = joins(await eventsOf()).filter((e) => e.data.node === 'hub-a');
    expect(joinsOnA.map((e) => e.data.siteId)).toEqual([s0, s1, s2]);
    const connIdOf = new Map(joinsOnA.map((e) => [e.data.siteId as string, e.data.connId]));

    const gone = [s1, s2].map((siteId) =>
      waitFor(sec, 'presence:updated', (p) => p.siteId === siteId && !p.connected, 40_000),
    );
    await a.stop('SIGKILL');
    const killedAt = Date.now();
    for (const s of onA) s.close();

    // Site 0 comes back on B before A's heartbeat lapses: its new connection must stay.
    const site0 = await sock(b.url, siteToks[0]!.accessToken);
    await ok(site0, 'meeting:join', { meetingId });
    expect((await eventsOf()).some((e) => e.type === 'site.leave')).toBe(false);

    await Promise.all(gone);
    const elapsed = Date.now() - killedAt;
    // Not before A's last heartbeat (at most one beat interval old at the kill) lapsed, and
    // within its TTL plus a few sweeps.
    expect(elapsed).toBeGreaterThan(A_TTL_MS - A_BEAT_MS - 1_000);
    expect(elapsed).toBeLessThan(A_TTL_MS + 5_000);

    // Let B sweep a few more times: nothing more is recorded.
    await new Promise((r) => setTimeout(r, 6 * B_SWEEP_MS));
    const events = await eventsOf();
    const leaves = events.filter((e) => e.type === 'site.leave');
    expect(leaves.map((e) => e.data)).toEqual(
      expect.arrayContaining([
        { siteId: s1, connId: connIdOf.get(s1), reason: 'node_lost' },
        { siteId: s2, connId: connIdOf.get(s2), reason: 'node_lost' },
      ]),
    );
    expect(leaves).toHaveLength(2);
    for (const l of leaves) expect(l.actor).toMatchObject({ id: 'system' });
    // Seqs stay contiguous: no lost or duplicated append between the hubs.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const rejoin = joins(events).filter((e) => e.data.siteId === s0);
    expect(rejoin.map((e) => e.data.node)).toEqual(['hub-a', 'hub-b']);

    const table = (
      await rest<Row[]>(b.url, 'GET', `${path}/attendance`, { token: secTok.accessToken })
    ).body;
    const row = (id: string) => table.find((r) => r.siteId === id)!;
    for (const id of [s1, s2]) {
      expect(row(id).connected).toBe(false);
      expect(row(id).intervals).toHaveLength(1);
      const leaveAt = row(id).intervals[0]!.leaveAt;
      expect(leaveAt).toBeDefined();
      expect(Date.parse(leaveAt!)).toBeGreaterThanOrEqual(killedAt);
    }
    // The reconnected site: one interval, still open (the rejoin continued it).
    expect(row(s0).connected).toBe(true);
    expect(row(s0).intervals).toHaveLength(1);
    expect(row(s0).intervals[0]!.leaveAt).toBeUndefined();
  });
});
