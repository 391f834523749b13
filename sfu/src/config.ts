import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SfuConfigError } from './errors';

export type SfuLogLevel = 'debug' | 'warn' | 'error' | 'none';

export interface SfuConfig {
  /** Worker processes; default one per core. (SFU_WORKERS) */
  numWorkers: number;
  /** Address the WebRtcServers and plain transports bind. (SFU_LISTEN_IP) */
  listenIp: string;
  /** Address put in ICE candidates / plain transport tuples, e.g. a public IP. (SFU_ANNOUNCED_ADDRESS) */
  announcedAddress?: string;
  /** Worker i gets UDP and TCP port portBase + i for WebRTC; 0 = the OS picks. (SFU_PORT_BASE) */
  portBase: number;
  /** Port range for plain and pipe transports. (SFU_RTC_MIN_PORT / SFU_RTC_MAX_PORT) */
  rtcMinPort: number;
  rtcMaxPort: number;
  /** Consumers on one router before new consumers spill to another worker. (SFU_CONSUMERS_PER_ROUTER) */
  consumersPerRouter: number;
  /** mediasoup worker log level. (SFU_LOG_LEVEL) */
  logLevel: SfuLogLevel;
  /**
   * Minimum time between key-frame requests forwarded to a video producer, so hundreds of
   * viewers resuming at once cannot flood the chair's encoder. (SFU_KEYFRAME_REQUEST_DELAY_MS)
   */
  keyFrameRequestDelayMs: number;
  /** Initial outgoing bitrate estimate of WebRTC transports. (SFU_INITIAL_OUTGOING_BITRATE) */
  initialOutgoingBitrate: number;
  /**
   * SO_RCVBUF / SO_SNDBUF of the workers' UDP sockets, bytes (0 = kernel default). One
   * WebRtcServer socket receives every site's simulcast camera: the kernel's default 208 KiB
   * overflows under bursts. Applied by worker patch 0003; capped by net.core.rmem_max/wmem_max
   * unless the worker may force it. (SFU_UDP_RECV_BUFFER / SFU_UDP_SEND_BUFFER)
   */
  udpRecvBufferBytes: number;
  udpSendBufferBytes: number;
  /**
   * Dynacast: tell each sender which simulcast layers anybody takes (MediaRoom 'layerswanted'),
   * so it stops sending the rest. (SFU_DYNACAST, `true`/`false`)
   */
  dynacast: boolean;
  /** How long layers stay unwanted before the sender is told to stop them. (SFU_DYNACAST_OFF_DELAY_MS) */
  dynacastOffDelayMs: number;
  /** Path of the mediasoup-worker binary. (MEDIASOUP_WORKER_BIN) */
  workerBin: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where infra/mediasoup/build-worker.sh links the binary it built. */
export const DEFAULT_WORKER_BIN = path.join(repoRoot, 'sfu/.worker/mediasoup-worker');

/** Env var of each field: errors name the variable an operator has to fix. */
export const SFU_ENV: Record<keyof SfuConfig, string> = {
  numWorkers: 'SFU_WORKERS',
  listenIp: 'SFU_LISTEN_IP',
  announcedAddress: 'SFU_ANNOUNCED_ADDRESS',
  portBase: 'SFU_PORT_BASE',
  rtcMinPort: 'SFU_RTC_MIN_PORT',
  rtcMaxPort: 'SFU_RTC_MAX_PORT',
  consumersPerRouter: 'SFU_CONSUMERS_PER_ROUTER',
  logLevel: 'SFU_LOG_LEVEL',
  keyFrameRequestDelayMs: 'SFU_KEYFRAME_REQUEST_DELAY_MS',
  initialOutgoingBitrate: 'SFU_INITIAL_OUTGOING_BITRATE',
  udpRecvBufferBytes: 'SFU_UDP_RECV_BUFFER',
  udpSendBufferBytes: 'SFU_UDP_SEND_BUFFER',
  dynacast: 'SFU_DYNACAST',
  dynacastOffDelayMs: 'SFU_DYNACAST_OFF_DELAY_MS',
  workerBin: 'MEDIASOUP_WORKER_BIN',
};

export function defaultSfuConfig(): SfuConfig {
  return {
    numWorkers: Math.max(1, os.cpus().length),
    listenIp: '127.0.0.1',
    portBase: 40000,
    rtcMinPort: 40100,
    rtcMaxPort: 49999,
    consumersPerRouter: 500,
    logLevel: 'error',
    keyFrameRequestDelayMs: 300,
    initialOutgoingBitrate: 1_000_000,
    udpRecvBufferBytes: 4 * 1024 * 1024,
    udpSendBufferBytes: 4 * 1024 * 1024,
    dynacast: true,
    dynacastOffDelayMs: 1000,
    workerBin: DEFAULT_WORKER_BIN,
  };
}

const MAX_BUFFER = 256 * 1024 * 1024;
const LOG_LEVELS: readonly SfuLogLevel[] = ['debug', 'warn', 'error', 'none'];
const HOSTNAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function readInt(
  env: NodeJS.ProcessEnv,
  field: keyof SfuConfig,
  fallback: number,
  min: number,
  max: number,
): number {
  const name = SFU_ENV[field];
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) {
    throw new SfuConfigError(name, `expected an integer between ${min} and ${max}, got "${raw}"`);
  }
  return Number(raw.trim());
}

function readBool(env: NodeJS.ProcessEnv, field: keyof SfuConfig, fallback: boolean): boolean {
  const name = SFU_ENV[field];
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new SfuConfigError(name, `expected true or false, got "${env[name]}"`);
}

/**
 * Reads the SFU configuration from environment variables (defaults in sfu/README.md).
 * Throws SfuConfigError naming the variable on the first bad value.
 */
export function loadSfuConfig(env: NodeJS.ProcessEnv = process.env): SfuConfig {
  const d = defaultSfuConfig();
  const logLevel = env[SFU_ENV.logLevel]?.trim() || d.logLevel;
  const announced = env[SFU_ENV.announcedAddress]?.trim();
  const config: SfuConfig = {
    numWorkers: readInt(env, 'numWorkers', d.numWorkers, 1, 128),
    listenIp: env[SFU_ENV.listenIp]?.trim() || d.listenIp,
    portBase: readInt(env, 'portBase', d.portBase, 0, 65535),
    rtcMinPort: readInt(env, 'rtcMinPort', d.rtcMinPort, 1024, 65535),
    rtcMaxPort: readInt(env, 'rtcMaxPort', d.rtcMaxPort, 1024, 65535),
    consumersPerRouter: readInt(env, 'consumersPerRouter', d.consumersPerRouter, 1, 100_000),
    logLevel: logLevel as SfuLogLevel,
    keyFrameRequestDelayMs: readInt(
      env,
      'keyFrameRequestDelayMs',
      d.keyFrameRequestDelayMs,
      0,
      60_000,
    ),
    initialOutgoingBitrate: readInt(
      env,
      'initialOutgoingBitrate',
      d.initialOutgoingBitrate,
      100_000,
      100_000_000,
    ),
    udpRecvBufferBytes: readInt(env, 'udpRecvBufferBytes', d.udpRecvBufferBytes, 0, MAX_BUFFER),
    udpSendBufferBytes: readInt(env, 'udpSendBufferBytes', d.udpSendBufferBytes, 0, MAX_BUFFER),
    dynacast: readBool(env, 'dynacast', d.dynacast),
    dynacastOffDelayMs: readInt(env, 'dynacastOffDelayMs', d.dynacastOffDelayMs, 0, 60_000),
    workerBin: env[SFU_ENV.workerBin]?.trim() || d.workerBin,
  };
  if (announced) config.announcedAddress = announced;
  return validateSfuConfig(config);
}

function checkInt(config: SfuConfig, field: keyof SfuConfig, min: number, max: number): void {
  const value = config[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SfuConfigError(
      SFU_ENV[field],
      `expected an integer between ${min} and ${max}, got ${String(value)}`,
    );
  }
}

/** Validates a config built in code (tests, server) the same way as one read from the env. */
export function validateSfuConfig(config: SfuConfig): SfuConfig {
  checkInt(config, 'numWorkers', 1, 128);
  checkInt(config, 'portBase', 0, 65535);
  checkInt(config, 'rtcMinPort', 1024, 65535);
  checkInt(config, 'rtcMaxPort', 1024, 65535);
  checkInt(config, 'consumersPerRouter', 1, 100_000);
  checkInt(config, 'keyFrameRequestDelayMs', 0, 60_000);
  checkInt(config, 'initialOutgoingBitrate', 100_000, 100_000_000);
  checkInt(config, 'udpRecvBufferBytes', 0, MAX_BUFFER);
  checkInt(config, 'udpSendBufferBytes', 0, MAX_BUFFER);
  checkInt(config, 'dynacastOffDelayMs', 0, 60_000);
  if (typeof config.dynacast !== 'boolean') {
    throw new SfuConfigError(
      SFU_ENV.dynacast,
      `expected true or false, got ${String(config.dynacast)}`,
    );
  }
  if (!LOG_LEVELS.includes(config.logLevel)) {
    throw new SfuConfigError(
      SFU_ENV.logLevel,
      `expected one of ${LOG_LEVELS.join(', ')}, got "${String(config.logLevel)}"`,
    );
  }
  if (!isIP(config.listenIp)) {
    throw new SfuConfigError(SFU_ENV.listenIp, `expected an IP address, got "${config.listenIp}"`);
  }
  const wildcard = config.listenIp === '0.0.0.0' || config.listenIp === '::';
  if (config.announcedAddress !== undefined) {
    const a = config.announcedAddress;
    if (!isIP(a) && !HOSTNAME.test(a)) {
      throw new SfuConfigError(
        SFU_ENV.announcedAddress,
        `expected an IP address or host name, got "${a}"`,
      );
    }
  } else if (wildcard) {
    throw new SfuConfigError(
      SFU_ENV.announcedAddress,
      `required when ${SFU_ENV.listenIp} is ${config.listenIp}: browsers cannot reach a wildcard address`,
    );
  }
  if (config.rtcMinPort > config.rtcMaxPort) {
    throw new SfuConfigError(
      SFU_ENV.rtcMinPort,
      `must not exceed ${SFU_ENV.rtcMaxPort} (${config.rtcMinPort} > ${config.rtcMaxPort})`,
    );
  }
  if (config.portBase !== 0) {
    const last = config.portBase + config.numWorkers - 1;
    if (last > 65535) {
      throw new SfuConfigError(
        SFU_ENV.portBase,
        `${config.portBase} + ${config.numWorkers} workers runs past port 65535`,
      );
    }
    if (config.portBase <= config.rtcMaxPort && last >= config.rtcMinPort) {
      throw new SfuConfigError(
        SFU_ENV.portBase,
        `WebRTC ports ${config.portBase}-${last} overlap the plain/pipe range ${config.rtcMinPort}-${config.rtcMaxPort}`,
      );
    }
  }
  if (typeof config.workerBin !== 'string' || config.workerBin === '') {
    throw new SfuConfigError(SFU_ENV.workerBin, 'expected the path of the mediasoup-worker binary');
  }
  return config;
}
