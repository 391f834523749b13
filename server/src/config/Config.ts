import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS } from '@giaoban/shared';
import { type ClusterConfig, loadClusterConfig } from '../cluster/ClusterConfig';
import type { LogLevel } from '../util/logger';
import { ConfigError } from './ConfigError';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export { ConfigError };

export const DEV_JWT_SECRET = 'giaoban-dev-secret-change-me';

export interface HubConfig {
  port: number;
  host: string;
  publicUrl: string;
  nodeEnv: 'development' | 'production' | 'test';
  /** Identifies this process in the store (media host of a meeting, connection owner). */
  nodeId: string;
  logLevel: LogLevel;
  redisUrl?: string;
  jwt: {
    secret: string;
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
    inviteTtlSeconds: number;
    /** External identity provider (RS256), optional. */
    idp?: { publicKey: string; issuer: string; audience: string };
  };
  corsOrigins: string[];
  /**
   * Which peers' X-Forwarded-For Express believes (its `trust proxy`): the client address that
   * the per-address login limit counts and that sessions record. false = none; a number = that
   * many proxy hops; otherwise addresses, CIDR ranges or loopback / linklocal / uniquelocal.
   */
  trustProxy: boolean | number | string[];
  /** false = signalling-only node (no mediasoup workers). */
  mediaEnabled: boolean;
  /** The media cluster (CLUSTER_SECRET set): undefined on a single node. */
  cluster?: ClusterConfig;
  socket: { maxPayloadBytes: number; burst: number; refillPerSecond: number };
  restBodyLimitBytes: number;
  clientDist: string;
  /** Reference data for the demo directory. */
  unitsDataPath: string;
  /** Ward reports' attachments and meeting documents (issue #14): the file store. */
  files: { dir: string; maxBytes: number };
  /**
   * The city's e-mail/SMS gateway for report reminders: a webhook that receives a signed JSON
   * POST per reminder. Off (undefined) by default: reminders stay in the app.
   */
  notifyWebhook?: { url: string; secret?: string };
  /**
   * The meeting archive (issue #13): recordings are written under `dir` while a meeting runs
   * and filed (with minutes, attendance, the log) into the hub's file store when it ends.
   */
  archive: {
    dir: string;
    /** A recording stops cleanly (the chair is told) when the disk has less than this free. */
    minFreeBytes: number;
    /** Record from the session's start unless the meeting says otherwise. */
    autoRecordDefault: boolean;
    /**
     * Months a filed recording is kept (0 = for good) unless an admin set another policy:
     * only recordings expire, never minutes, attendance, the log or documents.
     */
    recordingRetentionMonths: number;
  };
}

type Env = NodeJS.ProcessEnv;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `expected an integer, got "${raw}"`);
  const v = Number(raw);
  if (v < min || v > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${v}`);
  return v;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true/false, got "${env[name]}"`);
}

function url(env: Env, name: string, fallback: string, protocols: string[]): string {
  const raw = env[name]?.trim() || fallback;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(name, `not a URL: "${raw}"`);
  }
  if (!protocols.includes(u.protocol)) {
    throw new ConfigError(
      name,
      `protocol must be one of ${protocols.join(', ')}, got ${u.protocol}`,
    );
  }
  return raw.replace(/\/+$/, '');
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function trustProxy(env: Env): HubConfig['trustProxy'] {
  const raw = env.TRUST_PROXY?.trim() || 'loopback';
  if (['false', 'no', 'off', 'none', '0'].includes(raw.toLowerCase())) return false;
  if (raw.toLowerCase() === 'true') {
    throw new ConfigError(
      'TRUST_PROXY',
      'true would believe X-Forwarded-For from anyone (any client could pick its address): name the proxies or the number of hops',
    );
  }
  if (/^\d+$/.test(raw)) return Number(raw);
  const list = raw.split(',').map((s) => s.trim());
  for (const item of list) {
    const [addr, bits, ...rest] = item.split('/');
    const version = isIP(addr ?? '');
    const bitsOk =
      bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 6 ? 128 : 32));
    if (!PROXY_NAMES.includes(item) && (version === 0 || !bitsOk || rest.length > 0)) {
      throw new ConfigError(
        'TRUST_PROXY',
        `not an address, CIDR range, hop count or one of ${PROXY_NAMES.join(', ')}: "${item}"`,
      );
    }
  }
  return list;
}

const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** Reads every setting from the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): HubConfig {
  const nodeEnvRaw = env.NODE_ENV?.trim() || 'development';
  if (!['development', 'production', 'test'].includes(nodeEnvRaw)) {
    throw new ConfigError(
      'NODE_ENV',
      `expected development, production or test, got "${nodeEnvRaw}"`,
    );
  }
  const nodeEnv = nodeEnvRaw as HubConfig['nodeEnv'];
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST?.trim() || '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw new ConfigError('HOST', `not a host: "${host}"`);
  const publicUrl = url(env, 'PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:']);
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      'LOG_LEVEL',
      `expected one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`,
    );
  }
  const redisUrl = env.REDIS_URL?.trim()
    ? url(env, 'REDIS_URL', '', ['redis:', 'rediss:'])
    : undefined;

  const secret = env.JWT_SECRET ?? DEV_JWT_SECRET;
  if (nodeEnv === 'production') {
    if (secret === DEV_JWT_SECRET) {
      throw new ConfigError('JWT_SECRET', 'must be set in production (the default is public)');
    }
    if (secret.length < 32) {
      throw new ConfigError('JWT_SECRET', 'must be at least 32 characters in production');
    }
  } else if (secret.length < 8) {
    throw new ConfigError('JWT_SECRET', 'must be at least 8 characters');
  }

  let idp: HubConfig['jwt']['idp'];
  const keyFile = env.IDP_PUBLIC_KEY_FILE?.trim();
  let publicKey = env.IDP_PUBLIC_KEY?.trim();
  if (keyFile) {
    try {
      publicKey = readFileSync(keyFile, 'utf8');
    } catch (e) {
      throw new ConfigError(
        'IDP_PUBLIC_KEY_FILE',
        `cannot read ${keyFile}: ${(e as Error).message}`,
      );
    }
  }
  if (publicKey) {
    if (!publicKey.includes('-----BEGIN PUBLIC KEY-----')) {
      throw new ConfigError('IDP_PUBLIC_KEY', 'expected a PEM "BEGIN PUBLIC KEY" block');
    }
    const issuer = env.IDP_ISSUER?.trim();
    if (!issuer) throw new ConfigError('IDP_ISSUER', 'required when IDP_PUBLIC_KEY is set');
    idp = { publicKey, issuer, audience: env.IDP_AUDIENCE?.trim() || 'giaoban' };
  }

  const corsRaw = env.CORS_ORIGINS?.trim();
  const corsOrigins = corsRaw
    ? corsRaw.split(',').map((o) => o.trim())
    : [new URL(publicUrl).origin];
  for (const o of corsOrigins) {
    if (o === '*') continue;
    try {
      new URL(o);
    } catch {
      throw new ConfigError('CORS_ORIGINS', `not an origin: "${o}"`);
    }
  }

  const mediaEnabled = bool(env, 'MEDIA_ENABLED', true);
  const cluster = loadClusterConfig(env, { redisUrl, mediaEnabled });
  return {
    trustProxy: trustProxy(env),
    ...(cluster ? { cluster } : {}),
    port,
    host,
    publicUrl,
    nodeEnv,
    nodeId: env.NODE_ID?.trim() || `${os.hostname()}:${process.pid}`,
    logLevel,
    redisUrl,
    jwt: {
      secret,
      issuer: env.JWT_ISSUER?.trim() || 'giaoban',
      audience: env.JWT_AUDIENCE?.trim() || 'giaoban',
      accessTtlSeconds: int(env, 'ACCESS_TTL', 900, 30, 86_400),
      refreshTtlSeconds: int(env, 'REFRESH_TTL', 43_200, 60, 30 * 86_400),
      inviteTtlSeconds: int(env, 'INVITE_TTL', 7 * 86_400, 60, 90 * 86_400),
      idp,
    },
    corsOrigins,
    mediaEnabled,
    socket: {
      maxPayloadBytes: int(
        env,
        'SOCKET_MAX_PAYLOAD',
        LIMITS.socketMaxPayloadBytes,
        1024,
        16 * 1024 * 1024,
      ),
      burst: int(env, 'SOCKET_RATE_BURST', LIMITS.socketBurst, 1, 10_000),
      refillPerSecond: int(env, 'SOCKET_RATE_PER_SECOND', LIMITS.socketRefillPerSecond, 1, 10_000),
    },
    restBodyLimitBytes: int(env, 'REST_BODY_LIMIT', 8 * 1024 * 1024, 1024, 64 * 1024 * 1024),
    clientDist: env.CLIENT_DIST?.trim() || path.join(repoRoot, 'client/dist'),
    unitsDataPath:
      env.UNITS_DATA?.trim() || path.resolve(repoRoot, '../shared/data/vn-admin-units-2025.json'),
    files: {
      // Tests without FILES_DIR get a private directory, never the repository's.
      dir: path.resolve(
        env.FILES_DIR?.trim() ||
          (nodeEnv === 'test'
            ? path.join(os.tmpdir(), `giaoban-files-${process.pid}`)
            : path.join(repoRoot, '.data/files')),
      ),
      maxBytes: int(env, 'FILE_MAX_BYTES', 20 * 1024 * 1024, 1024, 20 * 1024 * 1024),
    },
    ...(env.NOTIFY_WEBHOOK_URL?.trim()
      ? {
          notifyWebhook: {
            url: url(env, 'NOTIFY_WEBHOOK_URL', '', ['http:', 'https:']),
            ...(env.NOTIFY_WEBHOOK_SECRET?.trim()
              ? { secret: env.NOTIFY_WEBHOOK_SECRET.trim() }
              : {}),
          },
        }
      : {}),
    archive: {
      // Tests without ARCHIVE_DIR get a private directory, never the repository's.
      dir:
        env.ARCHIVE_DIR?.trim() ||
        (nodeEnv === 'test'
          ? path.join(os.tmpdir(), `giaoban-archive-${process.pid}`)
          : path.join(repoRoot, '.data/archive')),
      minFreeBytes: int(env, 'ARCHIVE_MIN_FREE_MB', 1024, 0, 10_000_000) * 1024 * 1024,
      autoRecordDefault: bool(env, 'RECORD_BY_DEFAULT', false),
      recordingRetentionMonths: int(env, 'ARCHIVE_RECORDING_RETENTION_MONTHS', 24, 0, 1200),
    },
  };
}
