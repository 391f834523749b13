import { describe, expect, it } from 'vitest';
import { Logger } from '../util/logger';
import type { NodeRecord } from './NodeRecord';
import { NodeRegistry, type RedisClient } from './NodeRegistry';

const rec = (id: string): NodeRecord => ({
  id,
  epoch: 'e1',
  region: 'r',
  provinces: [],
  internal: { ip: '10.0.0.1', port: 7700 },
  capacity: { consumers: 0, sites: 0 },
  load: { consumers: 0, sites: 0 },
  at: 0,
});

/**
 * A Redis whose answers the test releases one by one: two reads of the registry overlap and the
 * older one (from before node "new" came up) answers last — a beat's read and placement's
 * `current` do overlap, and Redis is not the only thing that delays a reply (the hub's event loop).
 */
function slowRedis() {
  const pending: Array<() => void> = [];
  const later = <T>(v: T) => new Promise<T>((r) => pending.push(() => r(v)));
  let index = ['self', 'old'];
  const redis = {
    sMembers: () => later([...index]),
    mGet: (keys: string[]) => later(keys.map((k) => JSON.stringify(rec(k.split(':').at(-1)!)))),
    sRem: async () => 0,
  };
  return {
    redis: redis as unknown as RedisClient,
    pending,
    nodeCameUp: () => {
      index = [...index, 'new'];
    },
  };
}

describe('NodeRegistry reads', () => {
  it('an older read that answers last neither hides a node that just came up nor reports it gone', async () => {
    const r = slowRedis();
    const reg = new NodeRegistry(
      r.redis,
      'x:',
      'self',
      async () => ({ record: rec('self') }),
      { heartbeatMs: 60_000, ttlMs: 60_000 },
      new Logger('silent'),
    );
    const gone: string[] = [];
    reg.onGone((id) => gone.push(id));
    const older = reg.refresh(); // SMEMBERS sent: self, old
    r.nodeCameUp();
    const newer = reg.refresh(); // SMEMBERS sent: self, old, new
    const step = async () => {
      r.pending.shift()!();
      await new Promise((res) => setTimeout(res, 0));
    };
    await step(); // older's SMEMBERS answers → its MGET is sent
    await step(); // newer's SMEMBERS answers → its MGET is sent
    r.pending.pop()!(); // newer's MGET answers first
    expect([...(await newer).keys()].sort()).toEqual(['new', 'old', 'self']);
    await step(); // then the older one's
    await older;
    expect([...reg.nodes.keys()].sort()).toEqual(['new', 'old', 'self']);
    expect(gone).toEqual([]);
  });
});
