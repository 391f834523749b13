/**
 * The cascade between hosts, on loopback: three media planes (three "hosts": an origin and two
 * edges, each its own worker and port range) joined by RemotePipes with SRTP and RTX. Real RTP
 * from a node dgram socket goes chair → origin → pipe → edge → site; a floor holder on edge B goes
 * B → origin → C; pause, resume and close travel the way the cluster relays them.
 */
import {
  MediaPlane,
  type MediaRoom,
  type PipedProducer,
  type RemotePipeOptions,
  silentLogger,
} from '@giaoban/sfu';
import { RtpCounter, SyntheticMediaSender, testSfuConfig } from '@giaoban/sfu/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const WAIT_MS = 30_000;
const PIPE: RemotePipeOptions = { listenIp: '127.0.0.1', enableSrtp: true, enableRtx: true };

let origin: MediaPlane;
let edgeB: MediaPlane;
let edgeC: MediaPlane;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  const host = async () =>
    MediaPlane.create(await testSfuConfig({ numWorkers: 1 }), { logger: silentLogger });
  [origin, edgeB, edgeC] = await Promise.all([host(), host(), host()]);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await Promise.all([origin?.close(), edgeB?.close(), edgeC?.close()]);
});

/** The handshake the cluster runs over its signed channel: endpoints both ways, then connect. */
async function link(a: MediaRoom, aId: string, b: MediaRoom, bId: string): Promise<void> {
  const [ea, eb] = await Promise.all([a.openPipe(bId, PIPE), b.openPipe(aId, PIPE)]);
  expect(ea.srtpParameters?.keyBase64).toBeTruthy();
  await Promise.all([a.connectPipe(bId, eb), b.connectPipe(aId, ea)]);
}

/** Forwards pause/close events of producers `from` sends to `toId` the way the cluster does. */
function relay(from: MediaRoom, fromId: string, to: MediaRoom, toId: string): void {
  from.on('pipeproducerpaused', (e) => {
    if (e.remoteId === toId) void to.setPipedProducerPaused(fromId, e.producerId, e.paused);
  });
  from.on('pipeproducerclosed', (e) => {
    if (e.remoteId === toId) to.closePipedProducer(fromId, e.producerId);
  });
}

async function pipe(from: MediaRoom, fromId: string, to: MediaRoom, toId: string, id: string) {
  const offer: PipedProducer = await from.pipeOut(toId, id);
  await to.pipeIn(fromId, offer);
  return offer;
}

async function producer(room: MediaRoom, peerId: string) {
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
    appData: { source: 'mic' },
  });
  sender.start({ ip: plain.ip, port: plain.port });
  return { sender, video, audio };
}

async function site(room: MediaRoom, peerId: string, producerIds: string[]) {
  const counter = await RtpCounter.create();
  cleanups.push(() => counter.close());
  const plain = await room.createPlainTransport(peerId, { direction: 'recv' });
  await room.connectPlainTransport(peerId, plain.id, { ip: '127.0.0.1', port: counter.port });
  const consumers = [];
  for (const producerId of producerIds) {
    const c = await room.consume(peerId, plain.id, producerId, room.rtpCapabilities);
    await room.resumeConsumer(peerId, c.id);
    consumers.push({ ...c, ssrc: c.rtpParameters.encodings![0]!.ssrc! });
  }
  return { counter, consumers };
}

async function rooms(name: string) {
  const [a, b, c] = await Promise.all([
    origin.getOrCreateRoom(name),
    edgeB.getOrCreateRoom(name),
    edgeC.getOrCreateRoom(name),
  ]);
  cleanups.push(() => {
    a.close();
    b.close();
    c.close();
  });
  return { a, b, c };
}

describe('cascade between hosts', () => {
  it('pipes the chair from the origin to an edge with SRTP, one pipe for every producer', async () => {
    const { a, b } = await rooms('chair-to-edge');
    await link(a, 'A', b, 'B');
    relay(a, 'A', b, 'B');
    const chair = await producer(a, 'chair');
    const v = await pipe(a, 'A', b, 'B', chair.video.id);
    const au = await pipe(a, 'A', b, 'B', chair.audio.id);
    // The edge knows the producers under their original ids and owner.
    expect(
      b
        .listProducers()
        .map((p) => [p.id, p.peerId, p.remote])
        .sort(),
    ).toEqual(
      [
        [v.id, 'chair', 'A'],
        [au.id, 'chair', 'A'],
      ].sort(),
    );
    // One pipe each side, carrying both producers.
    expect(a.describe().pipes).toHaveLength(1);
    expect(a.describe().pipes[0]!.sent.sort()).toEqual([v.id, au.id].sort());
    expect(b.describe().pipes[0]!.received.sort()).toEqual([v.id, au.id].sort());
    // Offering again reuses the pipe consumer.
    expect((await a.pipeOut('B', chair.video.id)).rtpParameters).toEqual(v.rtpParameters);

    const s = await site(b, 'site-1', [v.id, au.id]);
    await s.counter.waitFor(
      () => s.consumers.every((c) => s.counter.count(c.ssrc) >= 30),
      WAIT_MS,
      'chair RTP through the pipe',
    );
    const [stats] = await a.pipeStats();
    expect(stats!.bytesSent).toBeGreaterThan(10_000);
    expect(stats!.sent).toBe(2);
    const [bs] = await b.pipeStats();
    expect(bs!.bytesReceived).toBeGreaterThan(10_000);
  });

  it('a floor holder on edge B is heard on edge C through the origin', async () => {
    const { a, b, c } = await rooms('floor-b-to-c');
    await Promise.all([link(a, 'A', b, 'B'), link(a, 'A', c, 'C')]);
    relay(b, 'B', a, 'A');
    relay(a, 'A', c, 'C');
    const holder = await producer(b, 'site:b1:sock');
    // B → origin → C, the same id all the way.
    await pipe(b, 'B', a, 'A', holder.audio.id);
    await pipe(a, 'A', c, 'C', holder.audio.id);
    // Sending it back where it came from is refused (no loops).
    await expect(a.pipeOut('B', holder.audio.id)).rejects.toMatchObject({
      code: 'INVALID_PARAMETERS',
    });
    const s = await site(c, 'site:c1:sock', [holder.audio.id]);
    await s.counter.waitFor(
      () => s.counter.count(s.consumers[0]!.ssrc) >= 30,
      WAIT_MS,
      'the floor holder audio on C',
    );
    expect(c.listProducers().find((p) => p.id === holder.audio.id)).toMatchObject({
      peerId: 'site:b1:sock',
      source: 'mic',
      remote: 'A',
    });
  });

  it('mirrors pause and resume, closes the far copy with its producer', async () => {
    const { a, b } = await rooms('pause-close');
    await link(a, 'A', b, 'B');
    relay(a, 'A', b, 'B');
    const chair = await producer(a, 'chair');
    await pipe(a, 'A', b, 'B', chair.video.id);
    const s = await site(b, 'site-1', [chair.video.id]);
    await s.counter.waitFor(() => s.counter.count(s.consumers[0]!.ssrc) >= 10, WAIT_MS);

    await a.pauseProducer(chair.video.id);
    await eventually(() => b.listProducers().find((p) => p.id === chair.video.id)?.paused === true);
    // No RTP flows while paused.
    const before = s.counter.count(s.consumers[0]!.ssrc);
    await new Promise((r) => setTimeout(r, 400));
    expect(s.counter.count(s.consumers[0]!.ssrc) - before).toBeLessThanOrEqual(3);
    await a.resumeProducer(chair.video.id);
    await eventually(
      () => b.listProducers().find((p) => p.id === chair.video.id)?.paused === false,
    );
    const resumedAt = s.counter.count(s.consumers[0]!.ssrc);
    await s.counter.waitFor(() => s.counter.count(s.consumers[0]!.ssrc) >= resumedAt + 10, WAIT_MS);

    const closed = new Promise<{ peerId: string }>((resolve) => b.on('consumerclosed', resolve));
    const gone = new Promise<{ producerId: string }>((resolve) => b.on('producerclosed', resolve));
    a.closeProducer('chair', chair.video.id);
    expect((await gone).producerId).toBe(chair.video.id);
    expect((await closed).peerId).toBe('site-1');
    expect(b.listProducers()).toEqual([]);
    expect(a.describe().pipes[0]!.sent).toEqual([]);
  });

  it('closing a pipe (far end lost) drops every producer it carried; a new pipe works again', async () => {
    const { a, b } = await rooms('rebuild');
    await link(a, 'A', b, 'B');
    const chair = await producer(a, 'chair');
    await pipe(a, 'A', b, 'B', chair.audio.id);
    const s1 = await site(b, 'site-1', [chair.audio.id]);
    await s1.counter.waitFor(() => s1.counter.count(s1.consumers[0]!.ssrc) >= 10, WAIT_MS);
    const pipeClosed = new Promise((resolve) => b.on('pipeclosed', resolve));
    b.closePipe('A');
    // It says what it carried (the cluster tells the peers that consumed it to renegotiate).
    expect(await pipeClosed).toEqual({ remoteId: 'A', received: [chair.audio.id] });
    expect(b.listProducers()).toEqual([]);
    expect(b.hasPipe('A')).toBe(false);
    // The origin learns it the way the cluster does (its channel says the pipe went): rebuild.
    a.closePipe('B');
    await link(a, 'A', b, 'B');
    await pipe(a, 'A', b, 'B', chair.audio.id);
    const s2 = await site(b, 'site-2', [chair.audio.id]);
    await s2.counter.waitFor(() => s2.counter.count(s2.consumers[0]!.ssrc) >= 10, WAIT_MS);
  });

  it('refuses a wrong endpoint, a second connect elsewhere and offers it cannot take', async () => {
    const { a, b } = await rooms('refusals');
    const ea = await a.openPipe('B', PIPE);
    await expect(b.connectPipe('A', ea)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const eb = await b.openPipe('A', PIPE);
    await expect(a.connectPipe('B', { ip: '127.0.0.1', port: 0 })).rejects.toMatchObject({
      code: 'INVALID_PARAMETERS',
    });
    await expect(a.connectPipe('B', { ip: eb.ip, port: eb.port })).rejects.toMatchObject({
      code: 'INVALID_PARAMETERS',
    });
    await a.connectPipe('B', eb);
    await expect(a.connectPipe('B', { ...eb, port: eb.port + 1 })).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await expect(a.pipeOut('B', 'no-such-producer')).rejects.toMatchObject({
      code: 'UNKNOWN_PRODUCER',
    });
    await b.connectPipe('A', ea);
    const chair = await producer(a, 'chair');
    const offer = await a.pipeOut('B', chair.audio.id);
    await expect(b.pipeIn('A', { ...offer, source: 'hdmi' as never })).rejects.toMatchObject({
      code: 'INVALID_PARAMETERS',
    });
    // A producer id that exists locally cannot be taken over by an offer.
    const local = await producer(b, 'site-x');
    await expect(b.pipeIn('A', { ...offer, id: local.audio.id })).rejects.toMatchObject({
      code: 'INVALID_PARAMETERS',
    });
    await b.pipeIn('A', offer);
    await b.pipeIn('A', offer); // twice is fine
    expect(b.listProducers().filter((p) => p.remote === 'A')).toHaveLength(1);
  });
});

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
