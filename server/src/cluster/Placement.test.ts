import fc from 'fast-check';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../tests/harness/redis';
import { Logger } from '../util/logger';
import type { NodeRecord } from './NodeRecord';
import { NodeRegistry } from './NodeRegistry';
import { type Candidate, candidates, nodeKey, Placement } from './Placement';

let redis: RedisServer;
let client: ReturnType<typeof createClient>;
let run = 0;

beforeAll(async () => {
  redis = await RedisServer.start();
  client = createClient({ url: redis.url });
  await client.connect();
});
afterAll(async () => {
  await client?.quit();
  await redis?.stop();
});

let prefix = '';
/** A fresh key space and a placement over it (window: how long an untaken placement counts). */
function placement(windowMs = 60_000): Placement {
  prefix = `p${++run}:`;
  return new Placement(client, prefix, 'hub-1', windowMs, 4);
}

function rec(id: string, o: Partial<NodeRecord> & { sites?: number; limit?: number } = {}) {
  return {
    id,
    epoch: 'e',
    region: 'r',
    provinces: o.provinces ?? [],
    internal: { ip: '10.0.0.1', port: 7700 },
    media: { announcedIp: '10.0.0.1', ports: [40000], workers: 1 },
    capacity: { consumers: 600, sites: o.limit ?? 135 },
    load: { consumers: 0, sites: o.sites ?? 0 },
    at: 0,
    ...o,
  } as NodeRecord;
}

/** Node records as the nodes' beats write them (placement reads them in Redis, not a cache). */
async function nodesSay(...recs: NodeRecord[]): Promise<void> {
  for (const r of recs) await client.set(nodeKey(prefix, r.id), JSON.stringify(r));
}

const node = async (p: Placement, cands: Candidate[]) => (await p.place(cands))?.node;

describe('candidates', () => {
  it('ranks the preferred node, then the site region, then the rest; skips non-media and excluded', () => {
    const c = candidates(
      [
        rec('z', { provinces: ['01'] }),
        rec('a'),
        rec('sig', { media: undefined }),
        rec('x', { provinces: ['01'] }),
        rec('gone', { provinces: ['01'] }),
      ],
      { province: '01', prefer: 'a', exclude: new Set(['gone']) },
    );
    expect(c.map((x) => [x.id, x.tier])).toEqual([
      ['a', 0],
      ['x', 1],
      ['z', 1],
    ]);
  });
});

describe('Placement', () => {
  it('takes the least loaded node of the best tier; a join burst spreads before any beat', async () => {
    const p = placement();
    await nodesSay(rec('b', { limit: 100, sites: 3 }), rec('c', { limit: 100 }), rec('origin'));
    const cands: Candidate[] = [
      { id: 'b', tier: 1 },
      { id: 'c', tier: 1 },
      { id: 'origin', tier: 2 },
    ];
    const got = await Promise.all(Array.from({ length: 9 }, () => node(p, cands)));
    // c catches up with b (3), then they alternate: never the other region while they have room.
    expect(got.filter((n) => n === 'c')).toHaveLength(6);
    expect(got.filter((n) => n === 'b')).toHaveLength(3);
    expect(got).not.toContain('origin');
  });

  it('a node at its limit takes no new site; when all are full there is none', async () => {
    const p = placement();
    await nodesSay(
      rec('b', { limit: 10, sites: 9 }),
      rec('c', { limit: 10, sites: 10 }),
      rec('origin', { limit: 2 }),
    );
    const cands: Candidate[] = [
      { id: 'b', tier: 1 },
      { id: 'c', tier: 1 },
      { id: 'origin', tier: 2 },
    ];
    expect(await node(p, cands)).toBe('b');
    expect(await node(p, cands)).toBe('origin');
    expect(await node(p, cands)).toBe('origin');
    expect(await node(p, cands)).toBeUndefined();
  });

  it('counts consumers as load when they say more than the sites; skips a node without a record', async () => {
    const p = placement();
    await nodesSay(rec('a', { limit: 101, load: { consumers: 400, sites: 10 } }));
    const cands: Candidate[] = [
      { id: 'a', tier: 1 },
      { id: 'lapsed', tier: 0 },
    ];
    expect(await node(p, cands)).toBe('a'); // 400 / 4 = 100 of 101
    expect(await node(p, cands)).toBeUndefined();
  });

  it('counts each placement once: in the set until the record that counts it takes it out', async () => {
    const p = placement();
    await nodesSay(rec('b', { limit: 3 }));
    const cands: Candidate[] = [{ id: 'b', tier: 1 }];
    const placed = [await p.place(cands), await p.place(cands)];
    // The node took both peers up; its beat writes a record of 2 and takes their ids out of
    // the set in the same MULTI (the real NodeRegistry).
    let written = 0;
    const registry = new NodeRegistry(
      client,
      prefix,
      'b',
      async () => ({
        record: rec('b', { limit: 3, sites: 2 }),
        taken: placed.map((x) => x!.id),
        written: () => written++,
      }),
      { heartbeatMs: 60_000, ttlMs: 60_000 },
      new Logger('silent'),
    );
    await registry.beat();
    expect(written).toBe(1);
    expect(await node(p, cands)).toBe('b'); // 2 + 1 = 3: not 2 + 2 + 1
    expect(await node(p, cands)).toBeUndefined();
    await registry.stop();
  });

  it('forgets placements nobody took up once the window passed', async () => {
    const p = placement(200);
    await nodesSay(rec('b', { limit: 1 }));
    const cands: Candidate[] = [{ id: 'b', tier: 1 }];
    expect(await node(p, cands)).toBe('b');
    expect(await node(p, cands)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 250));
    expect(await node(p, cands)).toBe('b');
  });

  it('property: never above a limit, never a worse tier while a better one has room, least loaded', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            limit: fc.integer({ min: 0, max: 6 }),
            load: fc.integer({ min: 0, max: 6 }),
            tier: fc.constantFrom(0 as const, 1 as const, 2 as const),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        fc.integer({ min: 1, max: 12 }),
        async (spec, joins) => {
          const p = placement();
          const cands = spec.map((s, i) => ({ ...s, id: `n${i}` }));
          await nodesSay(...cands.map((c) => rec(c.id, { limit: c.limit, sites: c.load })));
          const placed = new Map<string, number>();
          for (let j = 0; j < joins; j++) {
            const total = (c: (typeof cands)[number]) => c.load + (placed.get(c.id) ?? 0);
            const open = cands.filter((c) => total(c) < c.limit);
            const got = await node(p, cands);
            if (open.length === 0) {
              expect(got).toBeUndefined();
              continue;
            }
            const best = Math.min(...open.map((c) => c.tier));
            const lightest = Math.min(...open.filter((c) => c.tier === best).map(total));
            const chosen = cands.find((c) => c.id === got)!;
            expect(chosen.tier).toBe(best);
            expect(total(chosen)).toBe(lightest);
            placed.set(chosen.id, (placed.get(chosen.id) ?? 0) + 1);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
