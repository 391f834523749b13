// The machine's floor for forwarding one packet: infra/bench/floor.c, built with the worker's
// toolchain (Debian's cc) against the libsrtp2 the mediasoup worker links (the OpenSSL build of
// infra/mediasoup/build-libsrtp2.sh, or Debian's when that falls back), measures one sendmsg of
// 1,200 bytes to a loopback receiver and one srtp_protect (AES_CM_128_HMAC_SHA1_80) on this
// machine, by thread CPU time. Built once per source/library, cached in ~/.cache/giaoban.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Floor {
  iterations: number;
  /** CPU µs of one sendmsg (1,200 B, loopback, delivery into the receiver's queue included). */
  sendmsgUs: number;
  sendmsgWallUs: number;
  /** Receiver wake-ups per datagram during the sendmsg loop (its sleeps in recv()). */
  receiverWakeupsPerPacket: number;
  /** CPU µs of the same sendmsg with nobody waiting on the receiving socket (no wake-up). */
  sendmsgNoWakeUs: number;
  /** CPU µs one wake-up of a sleeping receiver costs the sender on loopback. */
  wakeupUs: number;
  /** CPU µs of one srtp_protect (AES_CM_128_HMAC_SHA1_80, 1,200 B). */
  srtpProtectUs: number;
  /** sendmsg + srtp_protect: what the worker cannot avoid per forwarded packet. */
  floorUs: number;
  /** sendmsg with nobody to wake + srtp_protect. */
  floorNoWakeUs: number;
  srtpVersion: string;
  /** Which libsrtp2: the worker's OpenSSL build (its prefix) or Debian's. */
  srtp: string;
  loadavg: string;
}

export function measureFloor(iterations = 200_000): Floor {
  const source = path.join(root, 'infra/bench/floor.c');
  const prefix = execFileSync('bash', [path.join(root, 'infra/mediasoup/build-libsrtp2.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const env = prefix
    ? { ...process.env, PKG_CONFIG_PATH: path.join(prefix, 'lib/pkgconfig') }
    : process.env;
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', '--static', 'libsrtp2'], {
    encoding: 'utf8',
    env,
  })
    .trim()
    .split(/\s+/);
  const key = createHash('sha256')
    .update(readFileSync(source))
    .update(flags.join(' '))
    .digest('hex')
    .slice(0, 16);
  const cache = path.join(
    process.env.GIAOBAN_CACHE_DIR ?? path.join(os.homedir(), '.cache/giaoban'),
    'bench-floor',
    key,
  );
  const bin = path.join(cache, 'floor');
  if (!existsSync(bin)) {
    mkdirSync(cache, { recursive: true });
    const tmp = `${bin}.${process.pid}`;
    execFileSync('cc', ['-O2', '-o', tmp, source, ...flags], { stdio: 'inherit' });
    renameSync(tmp, bin);
  }
  const out = JSON.parse(execFileSync(bin, [String(iterations)], { encoding: 'utf8' })) as Omit<
    Floor,
    'floorUs' | 'floorNoWakeUs' | 'srtp' | 'loadavg'
  >;
  return {
    ...out,
    floorUs: out.sendmsgUs + out.srtpProtectUs,
    floorNoWakeUs: out.sendmsgNoWakeUs + out.srtpProtectUs,
    srtp: prefix ? `openssl build (${path.basename(path.dirname(prefix))})` : 'debian (nss)',
    loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}
