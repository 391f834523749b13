// A briefing's opening: every ward joins within a second or two, through two hubs at once, onto
// two media nodes that beat on the production schedule (1 s). Placement must take every site up
// to the nodes' capacity (not refuse one early because a placement was counted both in the node's
// report and as "placed since") and never one more. Real workers, real redis-server, the real
// hub → node path (ClusterRoom → internal channel → MediaNode); the domain is faked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../tests/harness/redis';
import { HubError } from '../util/HubError';
import type { Cluster } from './Cluster';
import { CLUSTER_DEFAULTS } from './ClusterConfig';
import { startTestNode } from './testNode';

const M = 'burst-meeting';
// 1 worker × 100 consumers / 4 per site × 80 % = 20 sites per node.
const PER_NODE = 20;

let redis: RedisServer;
const nodes: Cluster[] = [];

function node(id: string): Promise<Cluster> {
  return startTestNode({
    nodeId: id,
    redisUrl: redis.url,
    prefix: 'burst:',
    config: { consumersPerWorker: 100, consumersPerSite: 4, headroomPct: 80 },
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `n` wards joining `every` ms apart, alternating between the hubs; each opens both transports. */
async function burst(from: number, n: number, every: number) {
  const rooms = await Promise.all(nodes.map((c) => c.gateway.clusterRoom(M)));
  const joins = Array.from({ length: n }, async (_, i) => {
    await sleep(i * every);
    const room = rooms[i % rooms.length]!;
    const peerId = `site:01${String(from + i).padStart(3, '0')}:sock`;
    try {
      await room.createWebRtcTransport(peerId, { direction: 'recv' });
      await room.createWebRtcTransport(peerId, { direction: 'send' });
      return { peerId, room, node: room.nodeOf(peerId) };
    } catch (e) {
      if (e instanceof HubError && e.code === 'MEDIA_UNAVAILABLE') return { peerId, room };
      throw e;
    }
  });
  return Promise.all(joins);
}

/** Placements per node as the nodes themselves report them (after a beat). */
async function reported(): Promise<number[]> {
  await sleep(CLUSTER_DEFAULTS.heartbeatMs * 1.5);
  const recs = await nodes[0]!.registry.refresh();
  return nodes.map((c) => recs.get(c.nodeId)!.load.sites);
}

beforeAll(async () => {
  redis = await RedisServer.start();
  nodes.push(await node('burst-a'), await node('burst-b'));
  await Promise.all(nodes.map((n) => n.registry.refresh()));
}, 60_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.close()));
  await redis?.stop();
});

describe('placement during a join burst', () => {
  it('takes every site up to capacity across beats, none refused early, none over', async () => {
    expect(nodes[0]!.registry.nodes.get('burst-b')!.capacity.sites).toBe(PER_NODE);
    // 46 wards at 25 joins/s for ~1.8 s: every node beats at least once in the middle of it.
    const got = await burst(0, 2 * PER_NODE + 6, 40);
    const placed = got.filter((g) => g.node);
    const byNode = (id: string) => placed.filter((g) => g.node === id).length;
    expect(placed).toHaveLength(2 * PER_NODE);
    expect([byNode('burst-a'), byNode('burst-b')]).toEqual([PER_NODE, PER_NODE]);
    expect(await reported()).toEqual([PER_NODE, PER_NODE]);
    // Full means full: one more ward, well after the burst, is refused too.
    const late = await burst(100, 1, 0);
    expect(late[0]!.node).toBeUndefined();

    // Five leave: their room is free again at the next beat, and only theirs.
    for (const g of placed.slice(0, 5)) g.room.closePeer(g.peerId);
    const after = await reported();
    expect(after[0]! + after[1]!).toBe(2 * PER_NODE - 5);
    const again = await burst(200, 7, 30);
    expect(again.filter((g) => g.node)).toHaveLength(5);
    expect(await reported()).toEqual([PER_NODE, PER_NODE]);
  }, 60_000);
});
