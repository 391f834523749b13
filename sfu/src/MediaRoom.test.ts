import type * as ms from 'mediasoup/node/lib/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CannotConsumeError,
  InvalidParametersError,
  LimitExceededError,
  RoomClosedError,
  type SfuError,
  UnknownConsumerError,
  UnknownPeerError,
  UnknownProducerError,
  UnknownTransportError,
  UnsupportedCodecError,
} from './errors';
import { silentLogger } from './logger';
import { MediaPlane } from './MediaPlane';
import { type MediaRoom, PEER_LIMITS } from './MediaRoom';
import { testSfuConfig } from './testing/config';
import { syntheticRtpParameters } from './testing/SyntheticMediaSender';

const params = syntheticRtpParameters({ videoSsrc: 1111, audioSsrc: 2222 });

/** Three-layer VP8 simulcast like the client sends. */
const simulcastVideo: ms.RtpParameters = {
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
  encodings: [
    { ssrc: 3001, scalabilityMode: 'L1T3' },
    { ssrc: 3002, scalabilityMode: 'L1T3' },
    { ssrc: 3003, scalabilityMode: 'L1T3' },
  ],
};

let plane: MediaPlane;
let roomSeq = 0;
const newRoom = () => plane.getOrCreateRoom(`room-${++roomSeq}`);

async function expectError<T extends SfuError>(
  p: Promise<unknown> | (() => unknown),
  type: new (...args: never[]) => T,
  code: string,
): Promise<T> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    expect((error as SfuError).code).toBe(code);
    return error as T;
  }
  throw new Error(`expected ${type.name}`);
}

/** A peer with a send transport producing audio and video. */
async function chair(room: MediaRoom, peerId = 'chair') {
  const send = await room.createWebRtcTransport(peerId, { direction: 'send' });
  const video = await room.produce(peerId, send.id, { kind: 'video', rtpParameters: params.video });
  const audio = await room.produce(peerId, send.id, { kind: 'audio', rtpParameters: params.audio });
  return { send, video, audio };
}

beforeAll(async () => {
  plane = await MediaPlane.create(await testSfuConfig({ numWorkers: 1 }), {
    logger: silentLogger,
  });
});

afterAll(async () => {
  await plane?.close();
});

describe('MediaRoom', () => {
  it('returns the same room for concurrent getOrCreateRoom calls', async () => {
    const [a, b] = await Promise.all([
      plane.getOrCreateRoom('same'),
      plane.getOrCreateRoom('same'),
    ]);
    expect(a).toBe(b);
    expect(plane.getRoom('same')).toBe(a);
    expect(a.rtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(
      expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']),
    );
    plane.closeRoom('same');
    expect(plane.getRoom('same')).toBeUndefined();
    expect(a.closed).toBe(true);
  });

  it('creates WebRTC transports on the worker WebRtcServer, UDP preferred and TCP allowed', async () => {
    const room = await newRoom();
    const t = await room.createWebRtcTransport('site-1', { direction: 'recv' });
    const udp = t.iceCandidates.find((c) => c.protocol === 'udp');
    const tcp = t.iceCandidates.find((c) => c.protocol === 'tcp');
    expect(udp).toBeDefined();
    expect(tcp).toBeDefined();
    expect(udp!.priority).toBeGreaterThan(tcp!.priority);
    const port = plane.workerPool.workers[0]!.webRtcPort;
    expect(udp!.port).toBe(port);
    expect(udp!.ip).toBe('127.0.0.1');
    expect(t.dtlsParameters.fingerprints.length).toBeGreaterThan(0);

    const ice = await room.restartIce('site-1', t.id);
    expect(ice.usernameFragment).not.toBe(t.iceParameters.usernameFragment);
    expect(ice.password).not.toBe(t.iceParameters.password);
    room.close();
  });

  it('produces and consumes: consumers start paused, pause/resume, preferred layers, stats', async () => {
    const room = await newRoom();
    const seen: string[] = [];
    room.observer.on('newconsumer', ({ consumerId }) => seen.push(consumerId));
    const send = await room.createWebRtcTransport('chair', { direction: 'send' });
    const cam = await room.produce('chair', send.id, {
      kind: 'video',
      rtpParameters: simulcastVideo,
      appData: { source: 'camera' },
    });
    const mic = await room.produce('chair', send.id, {
      kind: 'audio',
      rtpParameters: params.audio,
    });
    expect(room.listProducers()).toEqual(
      expect.arrayContaining([
        { id: cam.id, peerId: 'chair', kind: 'video', source: 'camera', paused: false },
        { id: mic.id, peerId: 'chair', kind: 'audio', source: 'mic', paused: false },
      ]),
    );

    const recv = await room.createWebRtcTransport('site-1', { direction: 'recv' });
    const c = await room.consume('site-1', recv.id, cam.id, room.rtpCapabilities, {
      preferredLayers: { spatialLayer: 0 },
    });
    expect(c).toMatchObject({
      producerId: cam.id,
      kind: 'video',
      type: 'simulcast',
      producerPaused: false,
    });
    expect(seen).toEqual([c.id]);
    await room.setPreferredLayers('site-1', c.id, { spatialLayer: 2, temporalLayer: 1 });
    await room.resumeConsumer('site-1', c.id);
    await room.pauseConsumer('site-1', c.id);

    await room.pauseProducer(cam.id);
    expect(room.listProducers().find((p) => p.id === cam.id)?.paused).toBe(true);
    const c2 = await room.consume('site-1', recv.id, cam.id, room.rtpCapabilities);
    expect(c2.producerPaused).toBe(true);
    await room.resumeProducer(cam.id);

    const stats = (await room.transportStats('site-1')) as Array<{
      transportId: string;
      type: string;
    }>;
    expect(stats.map((s) => s.transportId)).toContain(recv.id);
    expect(stats[0]?.type).toBe('webrtc-transport');
    room.close();
  });

  it('dynacast: tells a site which camera layers anybody takes (grid low, spotlight high, paused nothing)', async () => {
    const dyn = await MediaPlane.create(
      await testSfuConfig({ numWorkers: 1, dynacastOffDelayMs: 0 }),
      { logger: silentLogger },
    );
    try {
      const room = await dyn.getOrCreateRoom('dynacast');
      const told: Array<{ peerId: string; producerId: string; layers: boolean[] }> = [];
      room.on('layerswanted', (e) => told.push(e));
      const send = await room.createWebRtcTransport('site:s1', { direction: 'send' });
      const cam = await room.produce('site:s1', send.id, {
        kind: 'video',
        rtpParameters: simulcastVideo,
        appData: { source: 'camera' },
      });
      await room.produce('site:s1', send.id, { kind: 'audio', rtpParameters: params.audio });
      // Nobody watches yet: stop all three (audio is not dynacast's business).
      expect(told).toEqual([
        { peerId: 'site:s1', producerId: cam.id, layers: [false, false, false] },
      ]);
      const chairRecv = await room.createWebRtcTransport('chair', { direction: 'recv' });
      const tile = await room.consume('chair', chairRecv.id, cam.id, room.rtpCapabilities, {
        preferredLayers: { spatialLayer: 0 },
      });
      expect(told).toHaveLength(1); // created paused: takes nothing yet
      await room.resumeConsumer('chair', tile.id); // the tile came on screen
      expect(told.at(-1)?.layers).toEqual([true, false, false]);
      const siteRecv = await room.createWebRtcTransport('site:s2', { direction: 'recv' });
      const spot = await room.consume('site:s2', siteRecv.id, cam.id, room.rtpCapabilities);
      await room.resumeConsumer('site:s2', spot.id); // no preference = the highest layer
      expect(told.at(-1)?.layers).toEqual([true, true, true]);
      await room.setPreferredLayers('site:s2', spot.id, { spatialLayer: 1 });
      expect(told.at(-1)?.layers).toEqual([true, true, false]);
      await room.pauseConsumer('chair', tile.id);
      room.closePeer('site:s2'); // its consumer goes with it
      expect(told.at(-1)?.layers).toEqual([false, false, false]);
      expect(room.layerDemand(cam.id)).toEqual({
        wanted: [false, false, false],
        announced: [false, false, false],
      });
    } finally {
      await dyn.close();
    }
  });

  it('dynacast off: no layerswanted at all', async () => {
    const off = await MediaPlane.create(await testSfuConfig({ numWorkers: 1, dynacast: false }), {
      logger: silentLogger,
    });
    try {
      const room = await off.getOrCreateRoom('no-dynacast');
      let n = 0;
      room.on('layerswanted', () => n++);
      const send = await room.createWebRtcTransport('site:s1', { direction: 'send' });
      const cam = await room.produce('site:s1', send.id, {
        kind: 'video',
        rtpParameters: simulcastVideo,
      });
      const recv = await room.createWebRtcTransport('chair', { direction: 'recv' });
      const c = await room.consume('chair', recv.id, cam.id, room.rtpCapabilities);
      await room.resumeConsumer('chair', c.id);
      await new Promise((r) => setTimeout(r, 50));
      expect(n).toBe(0);
      expect(room.layerDemand(cam.id)).toBeUndefined();
    } finally {
      await off.close();
    }
  });

  it('reports producerclosed and consumerclosed when a peer leaves', async () => {
    const room = await newRoom();
    const { video } = await chair(room);
    const recv = await room.createWebRtcTransport('site-1', { direction: 'recv' });
    const c = await room.consume('site-1', recv.id, video.id, room.rtpCapabilities);
    const producerClosed: unknown[] = [];
    const consumerClosed: unknown[] = [];
    room.on('producerclosed', (e) => producerClosed.push(e));
    room.on('consumerclosed', (e) => consumerClosed.push(e));
    room.closePeer('chair');
    expect(producerClosed).toHaveLength(2);
    expect(producerClosed).toContainEqual({ peerId: 'chair', producerId: video.id });
    await expect
      .poll(() => consumerClosed, { timeout: 10_000 })
      .toContainEqual({
        peerId: 'site-1',
        consumerId: c.id,
      });
    expect(room.listProducers()).toEqual([]);
    await expectError(
      room.resumeConsumer('site-1', c.id),
      UnknownConsumerError,
      'UNKNOWN_CONSUMER',
    );
    room.closePeer('chair'); // leaving twice is fine
    room.close();
  });

  it('gives typed errors for bad arguments', async () => {
    const room = await newRoom();
    const { send, video } = await chair(room);
    const recv = await room.createWebRtcTransport('site-1', { direction: 'recv' });

    await expectError(
      room.consume('site-1', recv.id, 'no-such-producer', room.rtpCapabilities),
      UnknownProducerError,
      'UNKNOWN_PRODUCER',
    );
    await expectError(
      () => room.closeProducer('chair', 'nope'),
      UnknownProducerError,
      'UNKNOWN_PRODUCER',
    );
    await expectError(room.pauseProducer('nope'), UnknownProducerError, 'UNKNOWN_PRODUCER');
    await expectError(
      room.produce('chair', send.id, {
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: 'video/VP9', payloadType: 98, clockRate: 90000 }],
          encodings: [{ ssrc: 5555 }],
        },
      }),
      UnsupportedCodecError,
      'UNSUPPORTED_CODEC',
    );
    // Another peer's transport is unknown to this peer (ids do not leak).
    await expectError(
      room.produce('site-1', send.id, { kind: 'audio', rtpParameters: params.audio }),
      UnknownTransportError,
      'UNKNOWN_TRANSPORT',
    );
    await expectError(
      room.consume('chair', recv.id, video.id, room.rtpCapabilities),
      UnknownTransportError,
      'UNKNOWN_TRANSPORT',
    );
    await expectError(
      room.connectTransport('nobody', recv.id, { fingerprints: [] }),
      UnknownPeerError,
      'UNKNOWN_PEER',
    );
    await expectError(
      room.resumeConsumer('site-1', 'no-such-consumer'),
      UnknownConsumerError,
      'UNKNOWN_CONSUMER',
    );
    const audioOnly: ms.RtpCapabilities = {
      codecs: [
        {
          kind: 'audio',
          mimeType: 'audio/opus',
          clockRate: 48000,
          channels: 2,
          preferredPayloadType: 100,
        },
      ],
      headerExtensions: [],
    };
    await expectError(
      room.consume('site-1', recv.id, video.id, audioOnly),
      CannotConsumeError,
      'CANNOT_CONSUME',
    );
    await expectError(
      room.createWebRtcTransport('site-1', { direction: 'sideways' as never }),
      InvalidParametersError,
      'INVALID_PARAMETERS',
    );
    await expectError(
      room.produce('chair', send.id, { kind: 'video', rtpParameters: { codecs: [] } as never }),
      InvalidParametersError,
      'INVALID_PARAMETERS',
    );
    await expectError(
      room.connectPlainTransport('chair', send.id, { ip: '127.0.0.1', port: 9 }),
      InvalidParametersError,
      'INVALID_PARAMETERS',
    );
    const c = await room.consume('site-1', recv.id, video.id, room.rtpCapabilities);
    await expectError(
      room.setPreferredLayers('site-1', c.id, { spatialLayer: -1 }),
      InvalidParametersError,
      'INVALID_PARAMETERS',
    );
    room.close();
  });

  it('bounds the transports of one peer', async () => {
    const room = await newRoom();
    for (let i = 0; i < PEER_LIMITS.transports; i++) {
      await room.createWebRtcTransport('greedy', { direction: 'recv' });
    }
    await expectError(
      room.createPlainTransport('greedy', {}),
      LimitExceededError,
      'LIMIT_EXCEEDED',
    );
    // Other peers are not affected.
    await room.createWebRtcTransport('polite', { direction: 'recv' });
    room.close();
  });

  it('rejects every call on a closed room with RoomClosedError', async () => {
    const room = await newRoom();
    const { send, video } = await chair(room);
    let closed = 0;
    room.on('close', () => closed++);
    plane.closeRoom(room.id);
    expect(closed).toBe(1);
    await expectError(
      room.createWebRtcTransport('chair', { direction: 'send' }),
      RoomClosedError,
      'ROOM_CLOSED',
    );
    await expectError(room.createPlainTransport('chair', {}), RoomClosedError, 'ROOM_CLOSED');
    await expectError(
      room.produce('chair', send.id, { kind: 'audio', rtpParameters: params.audio }),
      RoomClosedError,
      'ROOM_CLOSED',
    );
    await expectError(
      room.consume('chair', send.id, video.id, room.rtpCapabilities),
      RoomClosedError,
      'ROOM_CLOSED',
    );
    await expectError(room.pauseProducer(video.id), RoomClosedError, 'ROOM_CLOSED');
    await expectError(room.transportStats('chair'), RoomClosedError, 'ROOM_CLOSED');
  });

  it('turns a room closed mid-call into RoomClosedError', async () => {
    const room = await newRoom();
    const pending = room.createWebRtcTransport('site-1', { direction: 'send' });
    room.close();
    await expectError(pending, RoomClosedError, 'ROOM_CLOSED');
  });

  it('returns plain transport tuples and SRTP keys', async () => {
    const room = await newRoom();
    const plain = await room.createPlainTransport('recorder', { comedia: true, enableSrtp: true });
    expect(plain.ip).toBe('127.0.0.1');
    const cfg = plane.config;
    expect(plain.port).toBeGreaterThanOrEqual(cfg.rtcMinPort);
    expect(plain.port).toBeLessThanOrEqual(cfg.rtcMaxPort);
    expect(plain.rtcpPort).toBeUndefined(); // rtcp-mux by default
    expect(plain.srtpParameters?.cryptoSuite).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(plain.srtpParameters?.keyBase64.length).toBeGreaterThan(20);
    const noMux = await room.createPlainTransport('recorder', { rtcpMux: false });
    expect(noMux.rtcpPort).toBeGreaterThan(0);
    expect(noMux.srtpParameters).toBeUndefined();
    room.close();
  });
});
