import dgram from 'node:dgram';
import net from 'node:net';

/** A port the OS just handed out for UDP on 127.0.0.1 (closed again before returning). */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((r) => socket.close(() => r()));
  return port;
}

async function tcpFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function udpFree(port: number): Promise<boolean> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve) => {
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive ports free for UDP and TCP right now, near a port the OS picked.
 * mediasoup's port manager skips ports that become busy later, so a small range is enough.
 */
export async function freePortRange(count: number): Promise<{ min: number; max: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = await freeUdpPort();
    if (base + count - 1 > 65535 || base < 1024) continue;
    let ok = true;
    for (let p = base; p < base + count && ok; p++) {
      ok = (await udpFree(p)) && (await tcpFree(p));
    }
    if (ok) return { min: base, max: base + count - 1 };
  }
  throw new Error(`no ${count} consecutive free ports found`);
}
