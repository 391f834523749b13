import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../tests/harness/redis';
import { accessStoreContract } from './accessStoreContract';
import { RedisStore } from './RedisStore';
import { storeContract } from './storeContract';

let redis: RedisServer;
const stores: RedisStore[] = [];
let n = 0;

beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await redis?.stop();
});

// Each test gets its own key prefix on the one real redis-server.
async function make(): Promise<RedisStore> {
  const s = await RedisStore.connect(redis.url, `t${++n}:`);
  stores.push(s);
  return s;
}

describe('RedisStore', () => {
  storeContract(make);
  describe('access', () => accessStoreContract(async () => (await make()).access));

  it('indexes the live meetings of logs written before the index existed, once', async () => {
    const s = await make();
    const prefix = `t${n}:`;
    const raw = createClient({ url: redis.url });
    await raw.connect();
    try {
      const entry = (seq: number, to: string) =>
        JSON.stringify({
          seq,
          at: '2026-11-26T01:30:00.000Z',
          actor: { id: 'c', role: 'chair', name: 'c' },
          type: 'state',
          data: { to },
        });
      // Written the old way: a bare XADD, no live set.
      for (const [id, states] of [
        ['live', ['scheduled', 'open', 'in_session']],
        ['done', ['scheduled', 'open', 'closed']],
        ['draft', []],
      ] as const) {
        await raw.hSet(`${prefix}meeting`, id, '{}');
        for (const [i, to] of states.entries()) {
          await raw.xAdd(`${prefix}events:${id}`, `${i + 1}-0`, { e: entry(i + 1, to) });
        }
        // Many later events without a state change: the scan pages back to the last `state`.
        if (id === 'live') {
          for (let seq = 4; seq < 600; seq++) {
            await raw.xAdd(`${prefix}events:${id}`, `${seq}-0`, {
              e: JSON.stringify({ ...JSON.parse(entry(seq, 'x')), type: 'floor.request' }),
            });
          }
        }
      }
      expect(await s.listLiveMeetingIds()).toEqual(['live']);
      expect(await raw.get(`${prefix}live:indexed`)).toBe('1');
    } finally {
      await raw.close();
    }
  });

  it('keeps the event log across a redis-server restart (AOF)', async () => {
    const s = await make();
    const prefix = `t${n}:`;
    await s.appendEvent('m', {
      seq: 1,
      at: '2026-11-26T01:30:00.000Z',
      actor: { id: 'x', role: 'site', name: 'x' },
      type: 'site.join',
      data: { siteId: '00004', connId: 'c', node: 'n' },
    });
    await s.close();
    const dir = redis.dir;
    await redis.stop(true);
    redis = await RedisServer.start({ dir });
    const again = await RedisStore.connect(redis.url, prefix);
    stores.push(again);
    expect((await again.readEvents('m', 0)).map((e) => e.type)).toEqual(['site.join']);
  });
});
