/**
 * Our mediasoup worker (built from Debian's libraries by infra/mediasoup/build-worker.sh) survives
 * closing a WebRtcServer that still has live WebRtcTransports.
 *
 * Regression test for infra/mediasoup/patches/0002-webrtcserver-close-transports-first.patch.
 * Unpatched, ~WebRtcServer() iterates its `webRtcTransports` absl::flat_hash_set while closing each
 * transport, and each transport's close callback erases itself from that set; Debian's abseil is
 * built hardened, so advancing the invalidated iterator traps (SIGILL) as soon as one transport
 * exists, the worker dies, the `getResourceUsage()` round trip below rejects and `died` fires.
 * Patched, the transports close first (before the sockets, which the patch also reorders: here
 * their TCP connections are closed by the transports while the TCP server still exists) and the
 * set is cleared afterwards.
 *
 * The transports are made live without a browser: a tiny ICE client sends a real, authenticated
 * STUN Binding Request (USE-CANDIDATE) over UDP or over TCP (RFC 4571 framing) to the server's
 * ports, so each transport has a selected tuple, and some carry a producer or a consumer.
 */
import { createHmac, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { existsSync, readlinkSync, realpathSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32 } from 'node:zlib';
import type * as ms from 'mediasoup/node/lib/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Mediasoup = typeof import('mediasoup');

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const workerBin = path.join(repoRoot, 'sfu', '.worker', 'mediasoup-worker');
const DEADLINE_MS = 30_000;

const mediaCodecs: ms.RtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
];

let mediasoup: Mediasoup;
const workers: ms.Worker[] = [];
const clientSockets: Array<dgram.Socket | net.Socket> = [];

beforeAll(async () => {
  if (!existsSync(workerBin)) {
    throw new Error(`no worker at ${workerBin}: run 'bash infra/mediasoup/build-worker.sh'`);
  }
  // mediasoup 3.12 reads this once, when it is first loaded: set it before importing.
  process.env.MEDIASOUP_WORKER_BIN = workerBin;
  mediasoup = await import('mediasoup');
});

afterAll(() => {
  for (const socket of clientSockets) {
    if (socket instanceof net.Socket) socket.destroy();
    else socket.close();
  }
  for (const worker of workers) worker.close();
});

async function createWorker(): Promise<ms.Worker> {
  const worker = await mediasoup.createWorker({ logLevel: 'warn' });
  workers.push(worker);
  return worker;
}

/** Rejects with a message naming what we waited for if `promise` takes longer than `ms`. */
async function withDeadline<T>(promise: Promise<T>, what: string, ms = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A port that is free right now on 127.0.0.1, chosen by the OS. */
function freePort(protocol: 'udp' | 'tcp'): Promise<number> {
  return new Promise((resolve, reject) => {
    if (protocol === 'tcp') {
      const server = net.createServer();
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    } else {
      const socket = dgram.createSocket('udp4');
      socket.once('error', reject);
      socket.bind({ address: '127.0.0.1', port: 0, exclusive: true }, () => {
        const { port } = socket.address();
        socket.close(() => resolve(port));
      });
    }
  });
}

/**
 * mediasoup 3.12's WebRtcServer needs explicit ports: take free ones from the OS, and try again
 * with new ones in the unlikely case another process grabbed one in between.
 */
async function createWebRtcServer(
  worker: ms.Worker,
  ports?: { udp: number; tcp: number },
): Promise<{ server: ms.WebRtcServer; udp: number; tcp: number }> {
  for (let attempt = 1; ; attempt++) {
    const udp = ports?.udp ?? (await freePort('udp'));
    const tcp = ports?.tcp ?? (await freePort('tcp'));
    try {
      const server = await worker.createWebRtcServer({
        listenInfos: [
          { protocol: 'udp', ip: '127.0.0.1', port: udp },
          { protocol: 'tcp', ip: '127.0.0.1', port: tcp },
        ],
      });
      return { server, udp, tcp };
    } catch (error) {
      if (ports || attempt >= 5) throw error;
    }
  }
}

/** A STUN attribute: type, length, value padded to 4 bytes (RFC 5389 section 15). */
function stunAttribute(type: number, value: Buffer): Buffer {
  const padding = (4 - (value.length % 4)) % 4;
  const attribute = Buffer.alloc(4 + value.length + padding);
  attribute.writeUInt16BE(type, 0);
  attribute.writeUInt16BE(value.length, 2);
  value.copy(attribute, 4);
  return attribute;
}

/**
 * An ICE connectivity check as a controlling browser sends it: Binding Request with USERNAME,
 * PRIORITY, ICE-CONTROLLING, USE-CANDIDATE, MESSAGE-INTEGRITY (keyed by the transport's ICE
 * password) and FINGERPRINT, which mediasoup's IceServer all requires.
 */
function stunBindingRequest(ice: ms.IceParameters): Buffer {
  const transactionId = randomBytes(12);
  const header = (length: number): Buffer => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(0x0001, 0); // Binding Request
    h.writeUInt16BE(length, 2);
    h.writeUInt32BE(0x2112a442, 4); // magic cookie
    transactionId.copy(h, 8);
    return h;
  };
  const priority = Buffer.alloc(4);
  priority.writeUInt32BE(0x6e001eff, 0);
  const attributes = Buffer.concat([
    stunAttribute(0x0006, Buffer.from(`${ice.usernameFragment}:giaoban`)), // USERNAME
    stunAttribute(0x0024, priority), // PRIORITY
    stunAttribute(0x802a, randomBytes(8)), // ICE-CONTROLLING tie-breaker
    stunAttribute(0x0025, Buffer.alloc(0)), // USE-CANDIDATE
  ]);
  // MESSAGE-INTEGRITY: HMAC-SHA1 over everything before it, the header length counting it.
  const integrity = createHmac('sha1', ice.password)
    .update(Buffer.concat([header(attributes.length + 24), attributes]))
    .digest();
  const signed = Buffer.concat([attributes, stunAttribute(0x0008, integrity)]);
  // FINGERPRINT: CRC-32 of everything before it, XOR 0x5354554e.
  const fingerprint = Buffer.alloc(4);
  fingerprint.writeUInt32BE(
    (crc32(Buffer.concat([header(signed.length + 8), signed])) ^ 0x5354554e) >>> 0,
    0,
  );
  return Buffer.concat([header(signed.length + 8), signed, stunAttribute(0x8028, fingerprint)]);
}

/** Resolves once the transport has ICE connectivity (its first tuple was nominated). */
function iceConnected(transport: ms.WebRtcTransport): Promise<void> {
  return new Promise((resolve) => {
    const check = (state: ms.IceState): void => {
      if (state === 'connected' || state === 'completed') {
        transport.removeListener('icestatechange', check);
        resolve();
      }
    };
    transport.on('icestatechange', check);
    check(transport.iceState);
  });
}

/** Makes the transport live from an ICE client over UDP. */
async function connectUdp(transport: ms.WebRtcTransport, serverPort: number): Promise<void> {
  const socket = dgram.createSocket('udp4');
  clientSockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const connected = iceConnected(transport);
  socket.send(stunBindingRequest(transport.iceParameters), serverPort, '127.0.0.1');
  await withDeadline(connected, `ICE over UDP on transport ${transport.id}`);
}

/** Makes the transport live from an ICE client over TCP; resolves with the client socket. */
async function connectTcp(transport: ms.WebRtcTransport, serverPort: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port: serverPort });
  clientSockets.push(socket);
  socket.on('error', () => {}); // The server closing the connection is part of the test.
  socket.on('data', () => {}); // Binding responses: we watch the transport's ICE state instead.
  await withDeadline(
    new Promise<void>((resolve) => socket.once('connect', () => resolve())),
    'TCP connection to the WebRtcServer',
  );
  const connected = iceConnected(transport);
  const request = stunBindingRequest(transport.iceParameters);
  const frame = Buffer.alloc(2 + request.length); // RFC 4571: 16-bit length, then the packet.
  frame.writeUInt16BE(request.length, 0);
  request.copy(frame, 2);
  socket.write(frame);
  await withDeadline(connected, `ICE over TCP on transport ${transport.id}`);
  return socket;
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.closed) resolve();
    else socket.once('close', () => resolve());
  });
}

describe('mediasoup worker built from Debian libraries', () => {
  it('is the binary infra/mediasoup/build-worker.sh built', async () => {
    const worker = await createWorker();
    expect(readlinkSync(`/proc/${worker.pid}/exe`)).toBe(realpathSync(workerBin));
    const usage = await worker.getResourceUsage();
    expect(usage.ru_maxrss).toBeGreaterThan(0);
    worker.close();
  });

  it('survives closing a WebRtcServer with live UDP and TCP WebRtcTransports', async () => {
    const worker = await createWorker();
    let death: Error | undefined;
    worker.on('died', (error) => {
      death = error;
    });
    const router = await worker.createRouter({ mediaCodecs });
    const { server, udp, tcp } = await createWebRtcServer(worker);

    // Live transports of every flavour, connected over UDP or TCP, plus idle ones (no tuple).
    const plan = [
      { enableUdp: true, enableTcp: false, via: 'udp' },
      { enableUdp: true, enableTcp: false, via: 'udp' },
      { enableUdp: false, enableTcp: true, via: 'tcp' },
      { enableUdp: false, enableTcp: true, via: 'tcp' },
      { enableUdp: true, enableTcp: true, via: 'udp' },
      { enableUdp: true, enableTcp: true, via: 'tcp' },
      { enableUdp: true, enableTcp: true, via: 'none' },
      { enableUdp: false, enableTcp: true, via: 'none' },
    ] as const;
    const transports: ms.WebRtcTransport[] = [];
    const tcpClients: net.Socket[] = [];
    for (const { enableUdp, enableTcp, via } of plan) {
      const transport = await router.createWebRtcTransport({
        webRtcServer: server,
        enableUdp,
        enableTcp,
      });
      transports.push(transport);
      if (via === 'udp') await connectUdp(transport, udp);
      if (via === 'tcp') tcpClients.push(await connectTcp(transport, tcp));
    }
    for (const [i, transport] of transports.entries()) {
      expect(transport.iceSelectedTuple !== undefined, `transport ${i} tuple`).toBe(
        plan[i]?.via !== 'none',
      );
    }

    // Media on them too, so closing them also closes producers and consumers.
    const producer = await transports[0]!.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: 11111111 }],
      },
    });
    const consumer = await transports[2]!.consume({
      producerId: producer.id,
      rtpCapabilities: router.rtpCapabilities,
      paused: true,
    });
    expect((await router.dump()).transportIds).toHaveLength(plan.length);

    const listenServerClosed = transports.map(
      (transport) =>
        new Promise<void>((resolve) => transport.once('listenserverclose', () => resolve())),
    );
    server.close();

    // The worker handles channel requests in order: this round trip answers only after the
    // `webRtcServer.close` request was processed; it rejects if that crashed the worker.
    const usage = await worker.getResourceUsage();
    expect(usage.ru_maxrss).toBeGreaterThan(0);
    expect(death).toBeUndefined();
    expect(worker.died).toBe(false);
    await withDeadline(Promise.all(listenServerClosed), "every transport's listenserverclose");
    expect(transports.every((transport) => transport.closed)).toBe(true);
    expect(producer.closed).toBe(true);
    expect(consumer.closed).toBe(true);

    // The worker really dropped everything, and closed the TCP connections of the transports.
    expect((await worker.dump()).webRtcServerIds).toEqual([]);
    expect((await router.dump()).transportIds).toEqual([]);
    await withDeadline(Promise.all(tcpClients.map(closed)), 'the TCP connections to close');

    // Still a working worker: a new router, a new WebRtcServer on the very same ports (so the
    // old sockets were released) and a new transport on it.
    const router2 = await worker.createRouter({ mediaCodecs });
    const { server: server2 } = await createWebRtcServer(worker, { udp, tcp });
    const transport = await router2.createWebRtcTransport({ webRtcServer: server2 });
    await connectTcp(transport, tcp);
    expect((await worker.dump()).webRtcServerIds).toEqual([server2.id]);

    // Closing the worker with a server that still has a live transport is clean as well.
    worker.close();
    expect(worker.died).toBe(false);
    expect(death).toBeUndefined();
  });
});
