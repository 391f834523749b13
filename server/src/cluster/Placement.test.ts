import fc from 'fast-check';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../tests/harness/redis';
import type { NodeRecord } from './NodeRecord';
import { type Candidate, candidates, Placement } from './Placement';

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

const placement = (windowMs = 60_000) => new Placement(client, `p${++run}:`, 'hub-1', windowMs);

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
      4,
    );
    expect(c.map((x) => [x.id, x.tier])).toEqual([
      ['a', 0],
      ['x', 1],
      ['z', 1],
    ]);
  });

  it('counts consumers as load when they say more than the sites', () => {
    const [c] = candidates([rec('a', { load: { consumers: 400, sites: 10 } })], {}, 4);
    expect(c!.load).toBe(100);
  });
});

describe('Placement', () => {
  it('takes the least loaded node of the best tier; a join burst spreads before any beat', async () => {
    const p = placement();
    const cands: Candidate[] = [
      { id: 'b', limit: 100, load: 3, tier: 1 },
      { id: 'c', limit: 100, load: 0, tier: 1 },
      { id: 'origin', limit: 100, load: 0, tier: 2 },
    ];
    const got = await Promise.all(Array.from({ length: 9 }, () => p.place(cands)));
    // c catches up with b (3), then they alternate: never the other region while they have room.
    expect(got.filter((n) => n === 'c')).toHaveLength(6);
    expect(got.filter((n) => n === 'b')).toHaveLength(3);
    expect(got).not.toContain('origin');
  });

  it('a node at its limit takes no new site; when all are full there is none', async () => {
    const p = placement();
    const cands: Candidate[] = [
      { id: 'b', limit: 10, load: 9, tier: 1 },
      { id: 'c', limit: 10, load: 10, tier: 1 },
      { id: 'origin', limit: 2, load: 0, tier: 2 },
    ];
    expect(await p.place(cands)).toBe('b');
    expect(await p.place(cands)).toBe('origin');
    expect(await p.place(cands)).toBe('origin');
    expect(await p.place(cands)).toBeUndefined();
  });

  it('counts only placements the node has not reported yet (made after its record, less a margin)', async () => {
    const p = new Placement(client, `p${++run}:`, 'hub-1', 60_000, 100);
    const early = [{ id: 'b', limit: 3, load: 0, tier: 1 as const }];
    for (let i = 0; i < 3; i++) expect(await p.place(early)).toBe('b');
    expect(await p.place(early)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 150));
    // A newer record says 2 (it saw them): the earlier placements are in it, not counted again.
    const reported = [{ id: 'b', limit: 3, load: 2, tier: 1 as const, at: Date.now() }];
    expect(await p.place(reported)).toBe('b');
    expect(await p.place(reported)).toBeUndefined();
  });

  it('forgets placements once the window passed (the beat reports them by then)', async () => {
    const p = placement(200);
    const cands: Candidate[] = [{ id: 'b', limit: 1, load: 0, tier: 1 }];
    expect(await p.place(cands)).toBe('b');
    expect(await p.place(cands)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 250));
    expect(await p.place(cands)).toBe('b');
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
          const placed = new Map<string, number>();
          for (let j = 0; j < joins; j++) {
            const total = (c: Candidate) => c.load + (placed.get(c.id) ?? 0);
            const open = cands.filter((c) => total(c) < c.limit);
            const got = await p.place(cands);
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
