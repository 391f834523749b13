import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';

function bind(port: number): Promise<dgram.Socket | undefined> {
  const s = dgram.createSocket('udp4');
  return new Promise((resolve) => {
    s.once('error', () => {
      s.close();
      resolve(undefined);
    });
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}

async function close(sockets: Array<dgram.Socket | undefined>): Promise<void> {
  await Promise.all(
    sockets.map((s) => (s ? new Promise<void>((r) => s.close(() => r())) : undefined)),
  );
}

/**
 * `count` pairs of UDP ports (even RTP port, RTCP on the next) free on 127.0.0.1 right now, for
 * the recorder to bind. Starts near a port the OS hands out, so two hubs rarely collide; the
 * recorder start checks the ports really became its own (isBound).
 */
export async function freePortPairs(count: number): Promise<Array<{ rtp: number; rtcp: number }>> {
  for (let attempt = 0; attempt < 30; attempt++) {
    const probe = await bind(0);
    if (!probe) continue;
    let port = probe.address().port & ~1;
    await close([probe]);
    if (port + count * 2 > 65535) port = 20000 + (port % 20000);
    const held = await Promise.all(Array.from({ length: count * 2 }, (_, i) => bind(port + i)));
    await close(held);
    if (held.every(Boolean)) {
      return Array.from({ length: count }, (_, i) => ({
        rtp: port + 2 * i,
        rtcp: port + 2 * i + 1,
      }));
    }
  }
  throw new Error('no free UDP ports for the recorder');
}

/** True when someone (the recorder) holds the UDP port on 127.0.0.1. */
export async function isBound(port: number): Promise<boolean> {
  const s = await bind(port);
  if (!s) return true;
  await close([s]);
  return false;
}

/**
 * Bytes waiting in the receive queues of the UDP sockets bound to these ports on 127.0.0.1
 * (/proc/net/udp, this network namespace): 0 once the recorder has read all it was sent.
 * undefined where the kernel does not tell (not Linux).
 */
export async function udpBacklog(ports: readonly number[]): Promise<number | undefined> {
  let table: string;
  try {
    table = await readFile('/proc/net/udp', 'utf8');
  } catch {
    return undefined;
  }
  const wanted = new Set(ports);
  let total = 0;
  for (const line of table.split('\n').slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue ...
    const f = line.trim().split(/\s+/);
    const local = f[1];
    const queues = f[4];
    if (!local || !queues) continue;
    const port = Number.parseInt(local.split(':')[1] ?? '', 16);
    if (!wanted.has(port)) continue;
    total += Number.parseInt(queues.split(':')[1] ?? '0', 16);
  }
  return total;
}
