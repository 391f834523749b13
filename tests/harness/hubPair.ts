// Two hub processes on one real redis-server, for the tests where what one process does must
// reach the clients of the other (signalling through the Redis adapter, revocations through the
// store's channel). Hub A seeds the demo meeting and its wards, hub B seeds nothing and serves the
// same meeting from Redis. The sockets opened through `sock` are closed by `stop`.
import { type ClientSocket, connect, TEST_SECRET } from './hub';
import { type HubProcess, startHubProcess } from './processes';
import { RedisServer } from './redis';

export interface HubPair {
  redis: RedisServer;
  /** NODE_ID hub-a: holds the seed (`a.seed`). */
  a: HubProcess;
  /** NODE_ID hub-b. */
  b: HubProcess;
  /** A socket on either hub, closed by `stop`. */
  sock(url: string, token: string): Promise<ClientSocket>;
  /** Closes the sockets, stops both hubs, then redis. */
  stop(): Promise<void>;
}

export async function startHubPair(opts: {
  /** Wards hub A seeds into its demo meeting. */
  seedSites: number;
  /** Province code of those wards (default Hà Nội). */
  province?: string;
}): Promise<HubPair> {
  const sockets: ClientSocket[] = [];
  let a: HubProcess | undefined;
  let b: HubProcess | undefined;
  const redis = await RedisServer.start();
  const stop = async () => {
    for (const s of sockets) s.close();
    await a?.stop();
    await b?.stop();
    await redis.stop();
  };
  try {
    const env = { REDIS_URL: redis.url, JWT_SECRET: TEST_SECRET };
    a = await startHubProcess({
      ...env,
      NODE_ID: 'hub-a',
      SEED_SITES: String(opts.seedSites),
      SEED_PROVINCE: opts.province ?? '01',
    });
    b = await startHubProcess({ ...env, NODE_ID: 'hub-b', SEED_SITES: '0' });
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
  return {
    redis,
    a,
    b,
    async sock(url, token) {
      const s = await connect(url, token);
      sockets.push(s);
      return s;
    },
    stop,
  };
}
