// The usual integration fixture: a real redis-server on a free loopback port, a hub on it (with one
// real mediasoup worker when the test needs media), a seeded briefing, and the client sockets the
// test opens — all torn down after the file. Registers vitest's beforeAll/afterAll itself.

import { SfuMediaGateway, type seedDemo } from '@giaoban/server';
import { MediaPlane } from '@giaoban/sfu';
import { testSfuConfig } from '@giaoban/sfu/testing';
import { afterAll, beforeAll } from 'vitest';
import { type ClientSocket, connect, startTestHub, type TestHub } from './hub';
import { RedisServer } from './redis';

export interface BriefingHub {
  /** The running hub (read it inside tests: it exists once beforeAll has run). */
  readonly t: TestHub;
  readonly redis: RedisServer;
  /** A client socket on this hub, closed after the file. */
  sock(token: string): Promise<ClientSocket>;
  /**
   * The hub process stops and a new one starts on the same redis-server (state from the log),
   * with a fresh media worker when the fixture has media. Sockets must connect again (t.url).
   */
  restart(): Promise<void>;
}

export function useBriefingHub(opts: {
  seed: Parameters<typeof seedDemo>[1];
  media?: boolean;
  env?: Record<string, string>;
}): BriefingHub {
  let redis: RedisServer | undefined;
  let t: TestHub | undefined;
  const sockets: ClientSocket[] = [];

  const boot = async (seed: Parameters<typeof seedDemo>[1] | false) => {
    const media = opts.media
      ? new SfuMediaGateway(await MediaPlane.create(await testSfuConfig({ numWorkers: 1 })))
      : undefined;
    return startTestHub({
      env: { REDIS_URL: redis!.url, ...opts.env },
      ...(media ? { hub: { media } } : {}),
      seed,
    });
  };
  const stop = async () => {
    await t?.close();
    // A gateway passed in is not owned by the hub: close it here.
    if (opts.media) await t?.hub.media?.close();
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
    t = await boot(opts.seed);
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await stop();
    await redis?.stop();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet (use it inside a test)`);
    return value;
  };
  return {
    get t() {
      return started(t, 'the hub');
    },
    get redis() {
      return started(redis, 'redis-server');
    },
    async restart() {
      const seed = started(t, 'the hub').seed;
      await stop();
      t = { ...(await boot(false)), seed };
    },
    async sock(token) {
      const s = await connect(started(t, 'the hub').url, token);
      sockets.push(s);
      return s;
    },
  };
}
