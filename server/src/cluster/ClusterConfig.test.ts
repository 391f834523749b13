import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/ConfigError';
import { CLUSTER_DEFAULTS, loadClusterConfig } from './ClusterConfig';

const SECRET = 'a-cluster-secret-of-32-characters-at-least';
const load = (env: NodeJS.ProcessEnv, redisUrl: string | undefined = 'redis://127.0.0.1:6379') =>
  loadClusterConfig(env, { redisUrl, mediaEnabled: true });

function variable(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).variable;
  }
  throw new Error('expected a ConfigError');
}

describe('cluster configuration', () => {
  it('is off without CLUSTER_SECRET (one node, nothing changes)', () => {
    expect(load({})).toBeUndefined();
    expect(loadClusterConfig({}, { redisUrl: undefined, mediaEnabled: true })).toBeUndefined();
  });

  it('has measured defaults and reads every setting', () => {
    const c = load({ CLUSTER_SECRET: SECRET, SFU_LISTEN_IP: '10.1.0.2' })!;
    expect(c).toMatchObject({
      region: 'default',
      provinces: [],
      internalIp: '10.1.0.2',
      internalPort: CLUSTER_DEFAULTS.internalPort,
      consumersPerWorker: 600,
      consumersPerSite: 4,
      headroomPct: 90,
    });
    const d = load({
      CLUSTER_SECRET: SECRET,
      CLUSTER_REGION: 'hanoi',
      CLUSTER_PROVINCES: '01, 79',
      CLUSTER_INTERNAL_IP: '10.2.0.2',
      CLUSTER_INTERNAL_PORT: '7801',
      SFU_CONSUMERS_PER_WORKER: '450',
      CLUSTER_HEADROOM_PCT: '80',
      CLUSTER_HEARTBEAT_MS: '500',
    })!;
    expect(d).toMatchObject({
      region: 'hanoi',
      provinces: ['01', '79'],
      internalIp: '10.2.0.2',
      internalPort: 7801,
      consumersPerWorker: 450,
      headroomPct: 80,
      heartbeatMs: 500,
      heartbeatTtlMs: 4000,
    });
  });

  it('names the variable of a bad setting', () => {
    expect(variable(() => load({ CLUSTER_SECRET: 'short' }))).toBe('CLUSTER_SECRET');
    expect(
      variable(() =>
        loadClusterConfig({ CLUSTER_SECRET: SECRET }, { redisUrl: undefined, mediaEnabled: true }),
      ),
    ).toBe('CLUSTER_SECRET');
    expect(variable(() => load({ CLUSTER_SECRET: SECRET, CLUSTER_INTERNAL_IP: '0.0.0.0' }))).toBe(
      'CLUSTER_INTERNAL_IP',
    );
    expect(variable(() => load({ CLUSTER_SECRET: SECRET, CLUSTER_REGION: 'a b' }))).toBe(
      'CLUSTER_REGION',
    );
    expect(variable(() => load({ CLUSTER_SECRET: SECRET, CLUSTER_PROVINCES: '01,x y' }))).toBe(
      'CLUSTER_PROVINCES',
    );
    expect(variable(() => load({ CLUSTER_SECRET: SECRET, SFU_CONSUMERS_PER_WORKER: '0' }))).toBe(
      'SFU_CONSUMERS_PER_WORKER',
    );
    expect(
      variable(() =>
        load({
          CLUSTER_SECRET: SECRET,
          CLUSTER_HEARTBEAT_MS: '1000',
          CLUSTER_HEARTBEAT_TTL_MS: '900',
        }),
      ),
    ).toBe('CLUSTER_HEARTBEAT_TTL_MS');
  });
});
