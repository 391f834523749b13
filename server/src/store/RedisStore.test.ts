import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../tests/harness/redis';
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
