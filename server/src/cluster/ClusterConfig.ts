import { isIP } from 'node:net';
import { ConfigError } from '../config/ConfigError';

/**
 * The media cluster: several hubs share one meeting's media (an origin where the chair produces,
 * edges that pipe it on to their sites). Off unless CLUSTER_SECRET is set; it needs REDIS_URL.
 */
export interface ClusterConfig {
  /** Signs every internal request (HMAC-SHA256); the same on every node. (CLUSTER_SECRET) */
  secret: string;
  /** This node's region or group, shown to operators. (CLUSTER_REGION) */
  region: string;
  /**
   * Province codes this node serves first: a site of one of them is placed here before any node
   * of another region (a province's wards prefer the province's node). (CLUSTER_PROVINCES)
   */
  provinces: string[];
  /**
   * Address for pipes and the internal channel, reachable from the other nodes only.
   * (CLUSTER_INTERNAL_IP; default: the SFU's listen address)
   */
  internalIp: string;
  /** Port of the internal channel on internalIp. (CLUSTER_INTERNAL_PORT) */
  internalPort: number;
  /**
   * Consumers one mediasoup worker carries under 1 % loss. Default 600: bench:sfu held 300 sites
   * (600 consumers, SRTP) at 0 % loss on one worker and lost 8.4 % at 400. (SFU_CONSUMERS_PER_WORKER)
   */
  consumersPerWorker: number;
  /** Consumers a placed site costs: chair video + audio, floor holder video + audio. (CLUSTER_CONSUMERS_PER_SITE) */
  consumersPerSite: number;
  /** Above this share of its capacity a node takes no new sites. (CLUSTER_HEADROOM_PCT) */
  headroomPct: number;
  /** Registry heartbeat: how often this node refreshes its record; lapses after ttl. */
  heartbeatMs: number;
  heartbeatTtlMs: number;
  /** A node's watch stream silent this long (no beat, no close) is taken for lost. */
  watchTimeoutMs: number;
}

export const CLUSTER_DEFAULTS = {
  region: 'default',
  internalPort: 7_700,
  consumersPerWorker: 600,
  consumersPerSite: 4,
  headroomPct: 90,
  heartbeatMs: 1_000,
  heartbeatTtlMs: 4_000,
  watchTimeoutMs: 3_000,
} as const;

type Env = NodeJS.ProcessEnv;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected an integer, got "${raw}"`);
  const v = Number(raw);
  if (v < min || v > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${v}`);
  return v;
}

/** undefined when CLUSTER_SECRET is unset: one node, no cluster, nothing changes. */
export function loadClusterConfig(
  env: Env,
  o: { redisUrl: string | undefined; mediaEnabled: boolean },
): ClusterConfig | undefined {
  const secret = env.CLUSTER_SECRET;
  if (secret === undefined || secret === '') return undefined;
  if (secret.length < 32) {
    throw new ConfigError('CLUSTER_SECRET', 'must be at least 32 characters');
  }
  if (!o.redisUrl) {
    throw new ConfigError('CLUSTER_SECRET', 'a cluster needs REDIS_URL (the nodes meet there)');
  }
  const region = env.CLUSTER_REGION?.trim() || CLUSTER_DEFAULTS.region;
  if (!/^[\w.-]{1,64}$/.test(region)) {
    throw new ConfigError('CLUSTER_REGION', `letters, digits, . _ - (1..64), got "${region}"`);
  }
  const provinces = (env.CLUSTER_PROVINCES ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const p of provinces) {
    if (!/^\w{1,16}$/.test(p)) throw new ConfigError('CLUSTER_PROVINCES', `not a code: "${p}"`);
  }
  const internalIp = env.CLUSTER_INTERNAL_IP?.trim() || env.SFU_LISTEN_IP?.trim() || '127.0.0.1';
  if (!isIP(internalIp) || internalIp === '0.0.0.0' || internalIp === '::') {
    throw new ConfigError(
      'CLUSTER_INTERNAL_IP',
      `expected the node's own internal IP address (not a wildcard), got "${internalIp}"`,
    );
  }
  const heartbeatMs = int(env, 'CLUSTER_HEARTBEAT_MS', CLUSTER_DEFAULTS.heartbeatMs, 100, 60_000);
  const heartbeatTtlMs = int(
    env,
    'CLUSTER_HEARTBEAT_TTL_MS',
    Math.max(CLUSTER_DEFAULTS.heartbeatTtlMs, heartbeatMs * 3),
    200,
    300_000,
  );
  if (heartbeatTtlMs <= heartbeatMs) {
    throw new ConfigError('CLUSTER_HEARTBEAT_TTL_MS', 'must exceed CLUSTER_HEARTBEAT_MS');
  }
  return {
    secret,
    region,
    provinces,
    internalIp,
    internalPort: int(env, 'CLUSTER_INTERNAL_PORT', CLUSTER_DEFAULTS.internalPort, 0, 65535),
    consumersPerWorker: int(
      env,
      'SFU_CONSUMERS_PER_WORKER',
      CLUSTER_DEFAULTS.consumersPerWorker,
      1,
      1_000_000,
    ),
    consumersPerSite: int(
      env,
      'CLUSTER_CONSUMERS_PER_SITE',
      CLUSTER_DEFAULTS.consumersPerSite,
      1,
      100,
    ),
    headroomPct: int(env, 'CLUSTER_HEADROOM_PCT', CLUSTER_DEFAULTS.headroomPct, 1, 100),
    heartbeatMs,
    heartbeatTtlMs,
    watchTimeoutMs: int(
      env,
      'CLUSTER_WATCH_TIMEOUT_MS',
      CLUSTER_DEFAULTS.watchTimeoutMs,
      200,
      60_000,
    ),
  };
}
