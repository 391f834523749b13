// A media node for the cluster's own tests: a real MediaPlane (one mediasoup worker) and a real
// Cluster on a real redis-server, with the meeting domain faked (every meeting's chair is
// 'chair1', every unit a Hà Nội ward). The placement, departure and silent-pipe tests start
// their nodes through here; only the cluster settings they are about differ.
import { MediaPlane, silentLogger } from '@giaoban/sfu';
import { testSfuConfig } from '@giaoban/sfu/testing';
import type { MeetingService } from '../domain/MeetingService';
import type { Store } from '../store/Store';
import { Logger } from '../util/logger';
import { Cluster } from './Cluster';
import { CLUSTER_DEFAULTS, type ClusterConfig } from './ClusterConfig';

export const fakeMeetings = {
  peek: async (_m: string, fn: (p: unknown) => unknown) => fn({ meeting: { chairId: 'chair1' } }),
} as unknown as MeetingService;

export const fakeStore = {
  getUnits: async (codes: string[]) =>
    codes.map((code) => ({ code, tier: 'ward', parentCode: '01' })),
} as unknown as Store;

export async function startTestNode(o: {
  nodeId: string;
  redisUrl: string;
  /** Redis key prefix: one per test file, so files never see each other's nodes. */
  prefix: string;
  config?: Partial<ClusterConfig>;
}): Promise<Cluster> {
  const plane = await MediaPlane.create(await testSfuConfig({ numWorkers: 1 }), {
    logger: silentLogger,
  });
  return Cluster.start({
    nodeId: o.nodeId,
    redisUrl: o.redisUrl,
    config: {
      ...CLUSTER_DEFAULTS,
      secret: `${o.prefix}test-secret-0123456789abcdefghijklmnop`,
      region: 'hanoi',
      provinces: ['01'],
      internalIp: '127.0.0.1',
      internalPort: 0,
      ...o.config,
    },
    plane,
    store: fakeStore,
    meetings: fakeMeetings,
    logger: new Logger('silent'),
    prefix: o.prefix,
  });
}
