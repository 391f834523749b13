/**
 * Real RTP through real mediasoup workers: a node dgram socket sends VP8/opus into a plain
 * transport, consumers on plain transports (on the producer's worker and on another one, joined
 * by pipeToRouter) forward it to counting sockets.
 */
import { MediaPlane, type MediaRoom, silentLogger } from '@giaoban/sfu';
import { RtpCounter, SyntheticMediaSender, testSfuConfig } from '@giaoban/sfu/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const PACKETS = 30;
const WAIT_MS = 30_000;

let plane: MediaPlane;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  // Two workers at most (2-core machine); a threshold of 4 consumers forces spilling early.
  plane = await MediaPlane.create(await testSfuConfig({ numWorkers: 2, consumersPerRouter: 4 }), {
    logger: silentLogger,
  });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  await plane?.close();
});

/** A producer peer sending synthetic audio+video into a comedia plain transport. */
async function startChair(room: MediaRoom, peerId = 'chair') {
  const sender = await SyntheticMediaSender.create();
  cleanups.push(() => sender.close());
  const plain = await room.createPlainTransport(peerId, { comedia: true });
  const video = await room.produce(peerId, plain.id, {
    kind: 'video',
    rtpParameters: sender.rtpParameters.video,
  });
  const audio = await room.produce(peerId, plain.id, {
    kind: 'audio',
    rtpParameters: sender.rtpParameters.audio,
  });
  return { sender, plain, video, audio };
}

/** A site receiving audio+video on its own plain transport, resumed, pointed at `counter`. */
async function addSite(
  room: MediaRoom,
  peerId: string,
  producerIds: string[],
  counter: RtpCounter,
  srtp = false,
) {
  const plain = await room.createPlainTransport(peerId, { direction: 'recv', enableSrtp: srtp });
  await room.connectPlainTransport(peerId, plain.id, {
    ip: '127.0.0.1',
    port: counter.port,
    // Any valid key: the counter never decrypts, it reads the SSRC from the clear header.
    ...(plain.srtpParameters ? { srtpParameters: plain.srtpParameters } : {}),
  });
  const ssrcs: number[] = [];
  for (const producerId of producerIds) {
    const c = await room.consume(peerId, plain.id, producerId, room.rtpCapabilities);
    ssrcs.push(c.rtpParameters.encodings![0]!.ssrc!);
    await room.resumeConsumer(peerId, c.id);
  }
  return { plain, ssrcs };
}

function routerOfTransport(room: MediaRoom, transportId: string) {
  const d = room.describe();
  const t = d.transports.find((x) => x.transportId === transportId)!;
  return d.routers.find((r) => r.routerId === t.routerId)!;
}

describe('sfu media', () => {
  it('RTP into a PlainTransport reaches consumers on the same and on another worker', async () => {
    const room = await plane.getOrCreateRoom('flow');
    cleanups.push(() => room.close());
    const counter = await RtpCounter.create();
    cleanups.push(() => counter.close());
    const { sender, plain, video, audio } = await startChair(room);

    // Two sites (4 consumers) fill the home router; the third spills to the other worker.
    const sites = [];
    for (let i = 0; i < 3; i++) {
      sites.push(await addSite(room, `site-${i}`, [video.id, audio.id], counter));
    }
    const homes = sites.map((s) => routerOfTransport(room, s.plain.id));
    expect(homes[0]!.home).toBe(true);
    expect(homes[1]!.home).toBe(true);
    expect(homes[2]!.home).toBe(false);
    expect(homes[2]!.workerIndex).not.toBe(homes[0]!.workerIndex);

    sender.start({ ip: plain.ip, port: plain.port });
    const all = sites.flatMap((s) => s.ssrcs);
    expect(new Set(all).size).toBe(6);
    await counter.waitFor(
      () => all.every((ssrc) => counter.count(ssrc) >= PACKETS),
      WAIT_MS,
      `${PACKETS} packets on each of 6 consumers`,
    );
    // The packets are the sender's: the SFU forwarded what it got, it did not make them up.
    expect(sender.sentVideo + sender.sentAudio).toBeGreaterThan(PACKETS);
    const [stats] = (await room.transportStats('site-2')) as Array<{ rtpBytesSent: number }>;
    expect(stats!.rtpBytesSent).toBeGreaterThan(0);
  });

  it('puts consumers past the threshold on a second worker, chosen by load', async () => {
    const room = await plane.getOrCreateRoom('spill');
    cleanups.push(() => room.close());
    const counter = await RtpCounter.create();
    cleanups.push(() => counter.close());
    const { video, audio } = await startChair(room);
    const placed = [];
    for (let i = 0; i < 5; i++) {
      const site = await addSite(room, `s${i}`, [video.id, audio.id], counter);
      placed.push(routerOfTransport(room, site.plain.id));
    }
    const d = room.describe();
    const home = d.routers.find((r) => r.home)!;
    const other = d.routers.filter((r) => !r.home);
    expect(other).toHaveLength(1);
    expect(other[0]!.workerIndex).not.toBe(home.workerIndex);
    // Home: 2 sites x 2 consumers. The rest: 3 sites x 2 consumers; the home router also
    // carries the 2 pipe consumers feeding the other worker.
    expect(placed.map((r) => r.home)).toEqual([true, true, false, false, false]);
    expect(home.consumers).toBe(4 + 2);
    expect(other[0]!.consumers).toBe(6);
    // Producing is only possible on the producer router.
    const recvPlain = d.transports.find((t) => t.peerId === 's4')!;
    await expect(
      room.produce('s4', recvPlain.transportId, {
        kind: 'audio',
        rtpParameters: {
          codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
          encodings: [{ ssrc: 999 }],
        },
      }),
    ).rejects.toMatchObject({ code: 'WRONG_DIRECTION' });
  });

  it('carries RTP through SRTP plain transports out of one room and into another', async () => {
    // Room A forwards the chair to an SRTP plain transport; room B takes that SRTP stream in
    // on its own SRTP plain transport and forwards it to a plain consumer. Packets reach the
    // counter only if both ends agree on the keys: B drops what it cannot authenticate.
    const a = await plane.getOrCreateRoom('srtp-a');
    const b = await plane.getOrCreateRoom('srtp-b');
    cleanups.push(() => a.close());
    cleanups.push(() => b.close());
    const counter = await RtpCounter.create();
    cleanups.push(() => counter.close());
    const { sender, plain, video } = await startChair(a);

    const out = await a.createPlainTransport('bridge', { direction: 'recv', enableSrtp: true });
    const inb = await b.createPlainTransport('bridge', { enableSrtp: true, comedia: true });
    expect(out.srtpParameters).toBeDefined();
    expect(inb.srtpParameters).toBeDefined();
    expect(out.srtpParameters!.keyBase64).not.toBe(inb.srtpParameters!.keyBase64);
    await b.connectPlainTransport('bridge', inb.id, { srtpParameters: out.srtpParameters! });
    await a.connectPlainTransport('bridge', out.id, {
      ip: inb.ip,
      port: inb.port,
      srtpParameters: inb.srtpParameters!,
    });
    const outConsumer = await a.consume('bridge', out.id, video.id, a.rtpCapabilities);
    const bridged = await b.produce('bridge', inb.id, {
      kind: 'video',
      rtpParameters: outConsumer.rtpParameters,
    });
    await a.resumeConsumer('bridge', outConsumer.id);

    const site = await addSite(b, 'site', [bridged.id], counter);
    sender.start({ ip: plain.ip, port: plain.port });
    await counter.waitFor(
      () => counter.count(site.ssrcs[0]!) >= PACKETS,
      WAIT_MS,
      'bridged SRTP video at the far consumer',
    );
    const [inStats] = (await b.transportStats('bridge')) as Array<{ rtpBytesReceived: number }>;
    expect(inStats!.rtpBytesReceived).toBeGreaterThan(0);
  });

  it('SRTP consumers send encrypted packets that still count by SSRC', async () => {
    const room = await plane.getOrCreateRoom('srtp-count');
    cleanups.push(() => room.close());
    const counter = await RtpCounter.create();
    cleanups.push(() => counter.close());
    const { sender, plain, video } = await startChair(room);
    const clear = await addSite(room, 'clear', [video.id], counter);
    const secret = await addSite(room, 'secret', [video.id], counter, true);
    const maxSize = new Map<number, number>();
    counter.socket.on('message', (m) => {
      if (m.length < 12) return;
      const ssrc = m.readUInt32BE(8);
      maxSize.set(ssrc, Math.max(maxSize.get(ssrc) ?? 0, m.length));
    });
    sender.start({ ip: plain.ip, port: plain.port });
    const ssrcs = [clear.ssrcs[0]!, secret.ssrcs[0]!];
    await counter.waitFor(() => ssrcs.every((x) => counter.count(x) >= PACKETS), WAIT_MS);
    // AES_CM_128_HMAC_SHA1_80 appends a 10-byte authentication tag to every packet.
    expect(maxSize.get(secret.ssrcs[0]!)! - maxSize.get(clear.ssrcs[0]!)!).toBe(10);
  });

  it('reports audio volumes and the active speaker from the room observers', async () => {
    const room = await plane.getOrCreateRoom('speakers');
    cleanups.push(() => room.close());
    const loud = await SyntheticMediaSender.create({ audioLevelDbov: 20, audioSsrc: 0x5150 });
    cleanups.push(() => loud.close());
    const plain = await room.createPlainTransport('chair', { comedia: true });
    const mic = await room.produce('chair', plain.id, {
      kind: 'audio',
      rtpParameters: loud.rtpParameters.audio,
    });
    const volumes: Array<Array<{ peerId: string; producerId: string; volume: number }>> = [];
    const speakers: Array<{ peerId: string; producerId: string }> = [];
    room.on('volumes', (v) => volumes.push(v));
    room.on('activespeaker', (s) => speakers.push(s));
    loud.start({ ip: plain.ip, port: plain.port });
    await expect
      .poll(() => volumes.find((v) => v.length > 0), { timeout: WAIT_MS, interval: 100 })
      .toEqual([{ peerId: 'chair', producerId: mic.id, volume: -20 }]);
    await expect
      .poll(() => speakers[0], { timeout: WAIT_MS, interval: 100 })
      .toEqual({ peerId: 'chair', producerId: mic.id });
  });
});
