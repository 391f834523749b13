// Issue #12: the origin dies, every site on edge C renegotiates at once (the chair's pipe broke)
// and a new node B′ has just come up. C's record, written at its last beat, still counts the sites
// that have just left it; placement read that record and sent the whole burst to B′ (all 40 sites
// of cluster-netns on one node, 1 run in 4). A node's departures since its record must count
// against that record, so the burst is spread as if C had beaten in between. Real workers, real
// redis-server, the real hub → node path; beats are driven by hand (a 60 s heartbeat), so the
// burst always lands between two of C's records — which is what a loaded machine made happen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../tests/harness/redis';
import type { Cluster } from './Cluster';
import { startTestNode } from './testNode';

const M = 'reshuffle-meeting';
const SITES = 20;

let redis: RedisServer;
const started: Cluster[] = [];

async function node(id: string): Promise<Cluster> {
  const c = await startTestNode({
    nodeId: id,
    redisUrl: redis.url,
    prefix: 'reshuffle:',
    // Beats only when the test says (Cluster.registry.beat): no record lands mid-burst.
    config: { heartbeatMs: 60_000, heartbeatTtlMs: 180_000 },
  });
  started.push(c);
  return c;
}

const site = (i: number) => `site:01${String(i).padStart(3, '0')}:sock`;

beforeAll(async () => {
  redis = await RedisServer.start();
}, 60_000);

afterAll(async () => {
  await Promise.all(started.map((n) => n.close()));
  await redis?.stop();
});

describe('placement after a node loses its peers at once', () => {
  it('spreads the renegotiating sites: the departed ones no longer count on their old node', async () => {
    const c = await node('node-c');
    const room = await c.gateway.clusterRoom(M);
    for (let i = 0; i < SITES; i++) {
      await room.createWebRtcTransport(site(i), { direction: 'recv' });
    }
    expect(new Set(room.placements().values())).toEqual(new Set(['node-c']));
    await c.registry.beat(); // C's record: 20 sites
    expect((await c.registry.refresh()).get('node-c')!.load.sites).toBe(SITES);

    // B′ comes up empty and C's hub sees it.
    const b2 = await node('node-b2');
    await c.registry.refresh();
    expect([...c.registry.nodes.keys()].sort()).toEqual(['node-b2', 'node-c']);

    // The pipe from the origin broke: every site on C renegotiates (the path event.peersLost
    // takes), and places its transport afresh before C's next record.
    let reset: string[] = [];
    c.gateway.onPeersLost((_m, peerIds) => {
      reset = peerIds;
    });
    c.gateway.dropPeers((_m, _p, n) => n === 'node-c', 'pipelost');
    expect(reset).toHaveLength(SITES);
    await Promise.all(reset.map((p) => room.createWebRtcTransport(p, { direction: 'recv' })));

    const on = (id: string) => [...room.placements().values()].filter((n) => n === id).length;
    // Both nodes really carry nothing else: least loaded alternates between them.
    expect([on('node-b2'), on('node-c')]).toEqual([SITES / 2, SITES / 2]);

    // Once both beat, their records say the same, and nothing is counted twice: the next
    // placement still sees 10 / 10 (it goes to the first by id).
    await Promise.all([c.registry.beat(), b2.registry.beat()]);
    const recs = await c.registry.refresh();
    expect([recs.get('node-b2')!.load.sites, recs.get('node-c')!.load.sites]).toEqual([
      SITES / 2,
      SITES / 2,
    ]);
    await room.createWebRtcTransport(site(100), { direction: 'recv' });
    await room.createWebRtcTransport(site(101), { direction: 'recv' });
    expect([on('node-b2'), on('node-c')]).toEqual([SITES / 2 + 1, SITES / 2 + 1]);
  }, 60_000);

  it('a node that came up since the hub last read the registry takes the next burst at once', async () => {
    // The other half of issue #12 (in the netns runs: "0 on B', 40 on C"): candidates came from
    // the hub's copy of the registry, refreshed on its beat, so a node that had just come up
    // (B′, the new origin) got nothing from a burst placed before that beat.
    const c = started[0]!;
    const room = await c.gateway.clusterRoom(M);
    const before = [...room.placements().values()];
    expect(before.filter((n) => n === 'node-c')).toHaveLength(SITES / 2 + 1);
    await node('node-d'); // empty; C's hub does not beat (a 60 s heartbeat)
    expect(c.registry.nodes.has('node-d')).toBe(false);
    const burst = Array.from({ length: SITES / 2 + 1 }, (_, i) => site(300 + i));
    await Promise.all(burst.map((p) => room.createWebRtcTransport(p, { direction: 'recv' })));
    // Least loaded: the new node, until it carries as much as the others (11 each).
    expect(burst.map((p) => room.nodeOf(p))).toEqual(burst.map(() => 'node-d'));
  }, 60_000);
});
