// A pipe between two nodes that goes silent without closing (a path that drops every packet, a
// far side wedged): no transport closes, no watch stream breaks, only the flow check (MediaNode:
// a pipe that should carry media and received nothing for 3 checks) can notice. It must tear the
// pipe down on both sides, reset the edge's peers that fed on it, and leave a pipe that carries
// media alone. Two real nodes in one process over real redis-server; the pipe's UDP runs through
// a relay this test can make drop everything (the "lossy path").
import { createSocket, type Socket } from 'node:dgram';
import type { PipeEndpoint } from '@giaoban/sfu';
import { RtpCounter, SyntheticMediaSender } from '@giaoban/sfu/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../tests/harness/redis';
import type { Cluster } from './Cluster';
import { startTestNode } from './testNode';

const M = 'silent-pipe-meeting';

let redis: RedisServer;
const nodes: Cluster[] = [];
const closers: Array<() => Promise<void> | void> = [];

/**
 * Two UDP sockets between the ends of one pipe: `a` is what the origin's side sends to, `b` what
 * the edge's side sends to; each forwards to the real far end from the other socket, so each end
 * sees its packets come from the address it connected to. `silent` drops everything both ways.
 */
class PipeRelay {
  silent = false;
  origin?: PipeEndpoint;
  edge?: PipeEndpoint;
  private constructor(
    readonly a: Socket,
    readonly b: Socket,
  ) {
    a.on('message', (m) => {
      if (!this.silent && this.edge) b.send(m, this.edge.port, this.edge.ip);
    });
    b.on('message', (m) => {
      if (!this.silent && this.origin) a.send(m, this.origin.port, this.origin.ip);
    });
  }
  static async create(): Promise<PipeRelay> {
    const bind = () =>
      new Promise<Socket>((resolve) => {
        const s = createSocket('udp4');
        s.bind(0, '127.0.0.1', () => resolve(s));
      });
    const r = new PipeRelay(await bind(), await bind());
    closers.push(() => {
      r.a.close();
      r.b.close();
    });
    return r;
  }
  port(side: 'a' | 'b'): number {
    return this[side].address().port;
  }
}

async function node(id: string, provinces: string[]): Promise<Cluster> {
  const c = await startTestNode({
    nodeId: id,
    redisUrl: redis.url,
    prefix: 'silentpipe:',
    config: { region: provinces.length ? 'hanoi' : 'central', provinces },
  });
  nodes.push(c);
  return c;
}

let origin: Cluster;
let edge: Cluster;
/** Every pipe of the meeting gets its own relay; the last one is the pipe in use. */
const relays: PipeRelay[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
  origin = await node('origin', []);
  edge = await node('edge', ['01']);
  await Promise.all(nodes.map((n) => n.registry.refresh()));
  // The origin's side opens second (pipe.open from the edge): it connects to a new relay's `a`;
  // the edge's side then connects to the same relay's `b`.
  const o = await origin.media!.plane.getOrCreateRoom(M);
  const e = await edge.media!.plane.getOrCreateRoom(M);
  const oConnect = o.connectPipe.bind(o);
  const eConnect = e.connectPipe.bind(e);
  o.connectPipe = async (remote, far) => {
    const r = await PipeRelay.create();
    r.edge = far;
    relays.push(r);
    return oConnect(remote, { ...far, ip: '127.0.0.1', port: r.port('a') });
  };
  e.connectPipe = async (remote, far) => {
    const r = relays.at(-1)!;
    r.origin = far;
    return eConnect(remote, { ...far, ip: '127.0.0.1', port: r.port('b') });
  };
}, 60_000);

afterAll(async () => {
  for (const c of closers) await c();
  await Promise.all(nodes.map((n) => n.close()));
  await redis?.stop();
});

async function eventually(check: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The chair's video produced on the origin (synthetic VP8 into a plain transport). */
async function chairVideo(): Promise<string> {
  const sender = await SyntheticMediaSender.create();
  closers.push(() => sender.close());
  const room = await origin.media!.plane.getOrCreateRoom(M);
  const plain = await room.createPlainTransport('user:chair1:s', { comedia: true });
  const { id } = (await origin.call('origin', 'peer.produce', {
    meetingId: M,
    peerId: 'user:chair1:s',
    transportId: plain.id,
    kind: 'video',
    rtpParameters: sender.rtpParameters.video as never,
    source: 'camera',
    origin: true,
  })) as { id: string };
  sender.start({ ip: plain.ip, port: plain.port });
  return id;
}

/** The edge peer consumes `producerId` into a counting socket (piped in from the origin). */
async function consumeOnEdge(peerId: string, producerId: string) {
  const counter = await RtpCounter.create();
  closers.push(() => counter.close());
  const room = await edge.media!.plane.getOrCreateRoom(M);
  const plain = await room.createPlainTransport(peerId, { direction: 'recv' });
  await room.connectPlainTransport(peerId, plain.id, { ip: '127.0.0.1', port: counter.port });
  const c = (await edge.call('edge', 'peer.consume', {
    meetingId: M,
    peerId,
    transportId: plain.id,
    producerId,
    rtpCapabilities: room.rtpCapabilities as never,
  })) as { id: string; rtpParameters: { encodings: Array<{ ssrc: number }> } };
  await edge.call('edge', 'peer.resumeConsumer', { meetingId: M, peerId, consumerId: c.id });
  const ssrc = c.rtpParameters.encodings[0]!.ssrc;
  return () => counter.count(ssrc);
}

describe('a pipe that goes silent without closing', () => {
  it('is left alone while it carries media, torn down both ways once silent, and rebuilt', async () => {
    const lost: Array<{ peerIds: string[]; reason: string }> = [];
    edge.gateway.onPeersLost((_m, peerIds, reason) => lost.push({ peerIds, reason }));
    const chair = await chairVideo();
    const room = await edge.gateway.clusterRoom(M);
    const peerId = 'site:01001:ward';
    await room.createWebRtcTransport(peerId, { direction: 'recv' }); // driven by hub "edge"
    expect(room.nodeOf(peerId)).toBe('edge');
    const before = await consumeOnEdge(peerId, chair);
    await eventually(() => before() >= 30, 20_000, 'chair RTP on the edge');
    expect(relays).toHaveLength(1);

    // Longer than the check's 3 s: a pipe that carries media is never taken for broken.
    await new Promise((r) => setTimeout(r, 4500));
    expect(lost).toEqual([]);
    expect(edge.media!.getRoom(M)!.hasPipe('origin')).toBe(true);

    // The path drops everything; nothing closes, nothing tells anyone.
    const silentAt = Date.now();
    relays[0]!.silent = true;
    await eventually(() => lost.some((l) => l.peerIds.includes(peerId)), 15_000, 'edge peer reset');
    const noticedMs = Date.now() - silentAt;
    console.log(`cluster: silent pipe noticed after ${noticedMs} ms`);
    expect(lost.find((l) => l.peerIds.includes(peerId))!.reason).toBe('pipelost');
    // Not on a moment's silence: the pipe was silent for (about) 3 checks first.
    expect(noticedMs).toBeGreaterThanOrEqual(2000);
    expect(edge.media!.getRoom(M)!.hasPipe('origin')).toBe(false);
    await eventually(
      () => !origin.media!.getRoom(M)!.hasPipe('edge'),
      5000,
      'origin side dropped too',
    );

    // The peer renegotiates: a new pipe (a new, clean path) and the chair is back.
    await room.createWebRtcTransport(peerId, { direction: 'recv' });
    const after = await consumeOnEdge(peerId, chair);
    await eventually(() => after() >= 30, 20_000, 'chair RTP on the edge again');
    expect(relays).toHaveLength(2);
    expect(edge.media!.getRoom(M)!.hasPipe('origin')).toBe(true);
  }, 60_000);
});
