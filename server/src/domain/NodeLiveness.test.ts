import type { Actor } from '@giaoban/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/MemoryStore';
import type { MeetingDefinition } from '../store/Store';
import { Logger } from '../util/logger';
import { SYSTEM_ACTOR } from './access';
import { MeetingProjection } from './MeetingProjection';
import { MeetingService } from './MeetingService';
import { NodeLiveness } from './NodeLiveness';

const T0 = Date.parse('2026-11-26T01:30:00.000Z');
const chair: Actor = { id: 'chair', role: 'chair', name: 'Chủ trì' };
const site = (id: string): Actor => ({ id: `site:${id}`, role: 'site', name: id });

const def: MeetingDefinition = {
  id: 'm1',
  title: 'Giao ban',
  scheduledStart: new Date(T0).toISOString(),
  chairId: 'chair',
  secretaryId: 'sec',
  siteIds: ['A', 'B', 'C', 'D'],
  agenda: [],
  lateGraceMinutes: 10,
  speakingLimitSeconds: 120,
  openMics: false,
  issuingBody: 'UBND',
  place: 'Hà Nội',
  createdAt: new Date(T0 - 86_400_000).toISOString(),
};

let now = T0;
const clock = { now: () => now };
let store: MemoryStore;
let svc: MeetingService;
const livenesses: NodeLiveness[] = [];

beforeEach(async () => {
  now = T0;
  store = new MemoryStore();
  svc = new MeetingService(store, clock);
  await svc.create(def);
  await svc.transition('m1', chair, 'scheduled');
  await svc.transition('m1', chair, 'open');
});
afterEach(async () => {
  for (const l of livenesses.splice(0)) await l.stop();
});

function liveness(nodeId: string, hasLocal?: (connId: string) => boolean): NodeLiveness {
  const l = new NodeLiveness(
    store,
    svc,
    nodeId,
    new Logger('silent'),
    { heartbeatIntervalMs: 60_000, heartbeatTtlMs: 120_000, sweepIntervalMs: 60_000 },
    hasLocal,
  );
  livenesses.push(l);
  return l;
}

async function fold(): Promise<MeetingProjection> {
  const p = new MeetingProjection(def, new Map());
  for (const e of await store.readEvents('m1', 0)) p.apply(e);
  return p;
}

describe('MeetingProjection node tracking', () => {
  it('knows the node of each live connection, from the log alone', async () => {
    await svc.siteJoin('m1', site('A'), 'A', 'cA', 'n1');
    await svc.siteJoin('m1', site('B'), 'B', 'cB', 'n1');
    await svc.siteJoin('m1', site('C'), 'C', 'cC', 'n2');
    await svc.siteJoin('m1', site('B'), 'B', 'cB2', 'n2'); // B reconnects on n2
    await svc.siteLeave('m1', site('C'), 'C', 'cC');
    const p = await fold();
    expect(p.connections()).toEqual([
      { siteId: 'A', connId: 'cA', node: 'n1' },
      { siteId: 'B', connId: 'cB2', node: 'n2' },
    ]);
    expect(p.sites.get('C')?.node).toBeUndefined();
  });

  it('selects connections of dead nodes, and of its own node only without a local socket', async () => {
    await svc.siteJoin('m1', site('A'), 'A', 'cA', 'dead');
    await svc.siteJoin('m1', site('B'), 'B', 'cB', 'alive');
    await svc.siteJoin('m1', site('C'), 'C', 'cC', 'me');
    await svc.siteJoin('m1', site('D'), 'D', 'cD', 'me');
    const p = await fold();
    const alive = (n: string) => n === 'alive';
    expect(p.lostConnections(alive, 'me').map((c) => c.siteId)).toEqual(['A']);
    expect(p.lostConnections(alive, 'me', (connId) => connId === 'cC')).toEqual([
      { siteId: 'A', connId: 'cA', node: 'dead' },
      { siteId: 'D', connId: 'cD', node: 'me' },
    ]);
    // Once closed every site is disconnected; nothing to select.
    await svc.transition('m1', chair, 'adjourned');
    expect((await fold()).lostConnections(alive, 'me').map((c) => c.siteId)).toEqual(['A']);
    await svc.transition('m1', chair, 'closed');
    expect((await fold()).lostConnections(alive, 'me')).toEqual([]);
  });
});

describe('NodeLiveness sweeper', () => {
  it('records node_lost leaves for connections of nodes without a heartbeat', async () => {
    const me = liveness('me');
    await me.start();
    await store.heartbeat('other', 60_000);
    await svc.siteJoin('m1', site('A'), 'A', 'cA', 'crashed');
    await svc.siteJoin('m1', site('B'), 'B', 'cB', 'other');
    await svc.siteJoin('m1', site('C'), 'C', 'cC', 'me');
    await svc.siteJoin('m1', site('D'), 'D', 'cD', 'crashed');
    // D came back on a live node before the sweep: its new connection stays.
    await svc.siteJoin('m1', site('D'), 'D', 'cD2', 'other');
    now = T0 + 60_000;
    const swept = await me.sweep();
    expect(swept).toEqual([{ meetingId: 'm1', siteId: 'A', connId: 'cA', node: 'crashed' }]);
    const events = await store.readEvents('m1', 0);
    const leaves = events.filter((e) => e.type === 'site.leave');
    expect(leaves).toEqual([
      expect.objectContaining({
        actor: SYSTEM_ACTOR,
        data: { siteId: 'A', connId: 'cA', reason: 'node_lost' },
      }),
    ]);
    const row = await svc.read('m1', (p) => p.attendanceRow('A', now));
    expect(row.connected).toBe(false);
    expect(row.intervals).toEqual([
      { joinAt: new Date(T0).toISOString(), leaveAt: new Date(T0 + 60_000).toISOString() },
    ]);
    expect(await svc.read('m1', (p) => p.isConnected('D'))).toBe(true);
    // A second sweep, or another hub sweeping the same log, records nothing more.
    expect(await me.sweep()).toEqual([]);
    const other = new NodeLiveness(
      store,
      new MeetingService(store, clock),
      'x',
      new Logger('silent'),
    );
    expect(await other.sweep()).toEqual([]);
    expect((await store.readEvents('m1', 0)).length).toBe(events.length);
  });

  it('sweeps its own node id only for connections it holds no socket for', async () => {
    await svc.siteJoin('m1', site('A'), 'A', 'old-process-socket', 'me');
    await svc.siteJoin('m1', site('B'), 'B', 'live-socket', 'me');
    const me = liveness('me', (connId) => connId === 'live-socket');
    await me.start();
    await expect.poll(() => svc.read('m1', (p) => p.isConnected('A'))).toBe(false);
    expect(await svc.read('m1', (p) => p.isConnected('B'))).toBe(true);
  });

  it('keeps its heartbeat until stopped; closed meetings leave the live index', async () => {
    const me = liveness('me');
    await me.start();
    expect(await store.aliveNodes(['me'])).toEqual(new Set(['me']));
    await svc.siteJoin('m1', site('A'), 'A', 'cA', 'me');
    expect(await store.listLiveMeetingIds()).toEqual(['m1']);
    await svc.transition('m1', chair, 'adjourned');
    await svc.transition('m1', chair, 'closed');
    expect(await store.listLiveMeetingIds()).toEqual([]);
    await me.stop();
    expect(await store.aliveNodes(['me'])).toEqual(new Set());
  });

  it('refuses a TTL that does not outlast the beat interval', () => {
    expect(
      () =>
        new NodeLiveness(store, svc, 'n', new Logger('silent'), {
          heartbeatIntervalMs: 5_000,
          heartbeatTtlMs: 5_000,
        }),
    ).toThrow(/TTL/);
  });
});
