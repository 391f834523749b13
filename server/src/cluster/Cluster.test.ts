// Three cluster nodes in one process on loopback (each its own mediasoup worker, internal channel
// and registry record) over one real redis-server: registry, placement, the signed channel, the
// cascade driven by consumers (edge → origin → home), pause relays, node loss. RTP is real
// (synthetic VP8/opus into plain transports, counted at the far edge); the WebRTC sites and
// separate hosts are the netns test's (tests/integration/cluster-netns.test.ts).
import { MediaPlane, silentLogger } from '@giaoban/sfu';
import { RtpCounter, SyntheticMediaSender, testSfuConfig } from '@giaoban/sfu/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer } from '../../../tests/harness/redis';
import type { MeetingService } from '../domain/MeetingService';
import type { Store } from '../store/Store';
import { Logger } from '../util/logger';
import { Cluster } from './Cluster';
import type { ClusterConfig } from './ClusterConfig';
import type { ClusterRoom } from './ClusterRoom';

const SECRET = 'cluster-test-secret-0123456789abcdefghij';
const M = 'meeting-1';

let redis: RedisServer;
const nodes: Record<'a' | 'b' | 'c', Cluster> = {} as never;
const senders: SyntheticMediaSender[] = [];
/** Every node's mediasoup transports by id: a test emits the worker's DTLS state on one. */
const realTransports = new Map<string, { emit(event: string, ...args: unknown[]): boolean }>();
const counters: RtpCounter[] = [];

// The domain this test does not exercise: one meeting whose chair is account "chair1"; sites'
// units say their province.
const meetings = {
  peek: async (_m: string, fn: (p: unknown) => unknown) => fn({ meeting: { chairId: 'chair1' } }),
} as unknown as MeetingService;
const store = {
  getUnits: async (codes: string[]) =>
    codes.map((code) => ({ code, tier: 'ward', parentCode: code.startsWith('79') ? '79' : '01' })),
} as unknown as Store;

function config(provinces: string[]): ClusterConfig {
  return {
    secret: SECRET,
    region: provinces.length ? 'hanoi' : 'central',
    provinces,
    internalIp: '127.0.0.1',
    internalPort: 0,
    consumersPerWorker: 600,
    consumersPerSite: 4,
    headroomPct: 90,
    heartbeatMs: 200,
    heartbeatTtlMs: 1000,
    watchTimeoutMs: 1000,
  };
}

async function node(id: string, provinces: string[]): Promise<Cluster> {
  const plane = await MediaPlane.create(await testSfuConfig({ numWorkers: 1 }), {
    logger: silentLogger,
  });
  for (const w of plane.workerPool.workers) {
    w.worker.observer.on('newrouter', (router) =>
      router.observer.on('newtransport', (t) => realTransports.set(t.id, t)),
    );
  }
  return Cluster.start({
    nodeId: id,
    redisUrl: redis.url,
    config: config(provinces),
    plane,
    store,
    meetings,
    logger: new Logger('silent'),
    prefix: 'ct:',
  });
}

async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000, what = '') {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The chair (or a floor holder) producing synthetic media on node `on`. */
async function produce(on: Cluster, peerId: string, origin = false) {
  const sender = await SyntheticMediaSender.create();
  senders.push(sender);
  const room = await on.media!.plane.getOrCreateRoom(M);
  const plain = await room.createPlainTransport(peerId, { comedia: true });
  const ids: Record<'video' | 'audio', string> = { video: '', audio: '' };
  for (const kind of ['video', 'audio'] as const) {
    const { id } = (await on.call(on.nodeId, 'peer.produce', {
      meetingId: M,
      peerId,
      transportId: plain.id,
      kind,
      rtpParameters: sender.rtpParameters[kind] as never,
      source: kind === 'audio' ? 'mic' : 'camera',
      origin,
    })) as { id: string };
    ids[kind] = id;
  }
  sender.start({ ip: plain.ip, port: plain.port });
  return ids;
}

/** Consumes `producerId` on node `on` into a counting socket, through the node's dispatcher. */
async function consume(on: Cluster, peerId: string, producerId: string) {
  const counter = await RtpCounter.create();
  counters.push(counter);
  const room = await on.media!.plane.getOrCreateRoom(M);
  const plain = await room.createPlainTransport(peerId, { direction: 'recv' });
  await room.connectPlainTransport(peerId, plain.id, { ip: '127.0.0.1', port: counter.port });
  const c = (await on.call(on.nodeId, 'peer.consume', {
    meetingId: M,
    peerId,
    transportId: plain.id,
    producerId,
    rtpCapabilities: room.rtpCapabilities as never,
  })) as { id: string; rtpParameters: { encodings: Array<{ ssrc: number }> } };
  await on.call(on.nodeId, 'peer.resumeConsumer', { meetingId: M, peerId, consumerId: c.id });
  const ssrc = c.rtpParameters.encodings[0]!.ssrc;
  return { counter, ssrc, id: c.id, count: () => counter.count(ssrc) };
}

beforeAll(async () => {
  redis = await RedisServer.start();
  nodes.a = await node('a-origin', []);
  nodes.b = await node('b-edge', ['01']);
  nodes.c = await node('c-edge', ['01']);
  await Promise.all(Object.values(nodes).map((n) => n.registry.refresh()));
}, 60_000);

afterAll(async () => {
  for (const s of senders) await s.close();
  for (const c of counters) await c.close();
  await Promise.all(Object.values(nodes).map((n) => n.close()));
  await redis?.stop();
});

describe('cluster', () => {
  it('registers every node with its media address, capacity and load', async () => {
    for (const n of Object.values(nodes)) {
      expect([...n.registry.nodes.keys()].sort()).toEqual(['a-origin', 'b-edge', 'c-edge']);
    }
    const b = nodes.a.registry.nodes.get('b-edge')!;
    expect(b.media).toMatchObject({ announcedIp: '127.0.0.1', workers: 1 });
    expect(b.media!.ports[0]).toBeGreaterThan(0);
    expect(b.provinces).toEqual(['01']);
    // 1 worker × 600 consumers / 4 per site × 90 %
    expect(b.capacity).toEqual({ consumers: 600, sites: 135 });
    expect(b.internal.port).toBe(nodes.b.internalAddress.port);
  });

  it('refuses unsigned, replayed and misaddressed internal requests', async () => {
    const { ip, port } = nodes.a.internalAddress;
    const url = `http://${ip}:${port}/v1/call`;
    const body = JSON.stringify({ method: 'room.close', params: { meetingId: M } });
    expect((await fetch(url, { method: 'POST', body })).status).toBe(401);
    const headers = nodes.b.auth.sign('a-origin', 'POST', '/v1/call', body);
    const first = await fetch(url, {
      method: 'POST',
      body: JSON.stringify({ method: 'caps', params: {} }),
      headers,
    });
    expect(first.status).toBe(401); // the body is not the one that was signed
    const ok = await fetch(url, {
      method: 'POST',
      body,
      headers: nodes.b.auth.sign('a-origin', 'POST', '/v1/call', body),
    });
    expect(ok.status).toBe(200);
    const replay = nodes.b.auth.sign('a-origin', 'POST', '/v1/call', body);
    expect((await fetch(url, { method: 'POST', body, headers: replay })).status).toBe(200);
    expect((await fetch(url, { method: 'POST', body, headers: replay })).status).toBe(401);
    const forC = nodes.b.auth.sign('c-edge', 'POST', '/v1/call', body);
    expect((await fetch(url, { method: 'POST', body, headers: forC })).status).toBe(401);
  });

  let chair: Record<'video' | 'audio', string>;
  let room: Record<'a' | 'b' | 'c', ClusterRoom>;

  it('places sites least loaded, their region first, and the chair on its own hub', async () => {
    chair = await produce(nodes.a, 'user:chair1:s0', true);
    await eventually(() => Object.values(nodes).every((n) => n.directory.origin(M) === 'a-origin'));
    room = {
      a: await nodes.a.gateway.clusterRoom(M),
      b: await nodes.b.gateway.clusterRoom(M),
      c: await nodes.c.gateway.clusterRoom(M),
    };
    // Every hub lists the chair's producers, wherever they run.
    for (const r of Object.values(room)) {
      expect(
        r
          .listProducers()
          .map((p) => p.id)
          .sort(),
      ).toEqual([chair.video, chair.audio].sort());
    }
    // Ten Hà Nội wards through hub A at once: they go to B and C (region), 5 each (load).
    const placed = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const peerId = `site:0100${i}:sock${i}`;
        await room.a.createWebRtcTransport(peerId, { direction: 'recv' });
        return room.a.nodeOf(peerId);
      }),
    );
    expect(placed.filter((n) => n === 'b-edge')).toHaveLength(5);
    expect(placed.filter((n) => n === 'c-edge')).toHaveLength(5);
    // A ward of another province has no node of its own: the least loaded of all (A).
    await room.b.createWebRtcTransport('site:79001:sx', { direction: 'recv' });
    expect(room.b.nodeOf('site:79001:sx')).toBe('a-origin');
    // The transport is the node's own: its ICE candidate is the node's WebRtcServer.
    const t = await room.c.createWebRtcTransport('site:01020:sy', { direction: 'recv' });
    const where = room.c.nodeOf('site:01020:sy')!;
    const rec = nodes.c.registry.nodes.get(where)!;
    expect(t.iceCandidates.map((c) => c.port)).toContain(rec.media!.ports[0]);
  });

  it('pipes the chair to an edge on first consume, one pipe per pair for every producer', async () => {
    const v = await consume(nodes.b, 'site:01100:rtp', chair.video);
    const a = await consume(nodes.b, 'site:01100:rtp', chair.audio);
    await eventually(() => v.count() >= 30 && a.count() >= 30, 20_000, 'chair RTP at edge B');
    const pipes = nodes.b.media!.getRoom(M)!.describe().pipes;
    expect(pipes.map((p) => [p.remoteId, p.received.length])).toEqual([['a-origin', 2]]);
    const origin = nodes.a.media!.getRoom(M)!.describe().pipes;
    expect(origin.map((p) => p.remoteId)).toEqual(['b-edge']);
  });

  let holder: Record<'video' | 'audio', string>;
  it('a floor holder on edge B is heard on edge C through the origin', async () => {
    holder = await produce(nodes.b, 'site:01001:speaker');
    const heard = await consume(nodes.c, 'site:01200:rtp', holder.audio);
    await eventually(() => heard.count() >= 30, 20_000, 'B speaker audio at C');
    const atC = nodes.c.media!.getRoom(M)!.describe().pipes;
    expect(atC.map((p) => p.remoteId)).toEqual(['a-origin']); // not B directly
    const atA = nodes.a.media!.getRoom(M)!.describe().pipes;
    expect(atA.find((p) => p.remoteId === 'b-edge')!.received).toEqual([holder.audio]);
    expect(atA.find((p) => p.remoteId === 'c-edge')!.sent).toEqual([holder.audio]);
  });

  it('dynacast across nodes: what viewers on C take of a producer on B reaches B and its hub', async () => {
    // The floor holder's peer is driven by hub B (as its socket's hub would).
    await nodes.b.call('b-edge', 'peer.transport', {
      meetingId: M,
      peerId: 'site:01001:speaker',
      direction: 'send',
    });
    const atHub: boolean[][] = [];
    room.b.on('layerswanted', (e) => {
      if (e.producerId === holder.video) atHub.push(e.layers);
    });
    const home = nodes.b.media!.getRoom(M)!;
    const viewer = await consume(nodes.c, 'site:01201:dyn', holder.video); // B → A → C
    await eventually(() => viewer.count() >= 10, 20_000, 'B speaker video at C');
    expect(home.layerDemand(holder.video)!.announced).toEqual([true]);
    const consumerId = viewer.id;
    // Nobody anywhere takes it: C tells A, A tells B, B tells the speaker's hub (each after
    // its off-delay, so a paging chair does not make encoders flap).
    await nodes.c.call('c-edge', 'peer.pauseConsumer', {
      meetingId: M,
      peerId: 'site:01201:dyn',
      consumerId,
    });
    await eventually(() => atHub.at(-1)?.[0] === false, 10_000, 'layers off at the hub');
    expect(home.layerDemand(holder.video)!.announced).toEqual([false]);
    // Taken again: on at once, all the way.
    const on = Date.now();
    await nodes.c.call('c-edge', 'peer.resumeConsumer', {
      meetingId: M,
      peerId: 'site:01201:dyn',
      consumerId,
    });
    await eventually(() => atHub.at(-1)?.[0] === true, 2000, 'layers on at the hub');
    expect(Date.now() - on).toBeLessThan(1000);
  });

  it('pauses on the home node from any hub; the copies follow', async () => {
    await room.c.pauseProducer(chair.video); // the enforcer of hub C, the chair's home is A
    await eventually(
      () =>
        nodes.b
          .media!.getRoom(M)!
          .listProducers()
          .find((p) => p.id === chair.video)?.paused === true,
      5000,
      'pause mirrored on B',
    );
    await eventually(
      () => room.b.listProducers().find((p) => p.id === chair.video)?.paused === true,
    );
    await room.a.resumeProducer(chair.video);
    await eventually(
      () =>
        nodes.b
          .media!.getRoom(M)!
          .listProducers()
          .find((p) => p.id === chair.video)?.paused === false,
    );
  });

  it('a transport the worker closed under a peer on an edge (DTLS failed): its hub resets that peer alone (transportlost)', async () => {
    const lost: Array<{ meetingId: string; peerIds: string[]; reason: string }> = [];
    nodes.b.gateway.onPeersLost((meetingId, peerIds, reason) =>
      lost.push({ meetingId, peerIds, reason }),
    );
    const peerId = 'site:01600:dtls';
    const t = await room.b.createWebRtcTransport(peerId, { direction: 'recv' });
    const edgeId = room.b.nodeOf(peerId)!;
    expect(edgeId).not.toBe('a-origin');
    const edge = edgeId === 'b-edge' ? nodes.b : nodes.c;
    realTransports.get(t.id)!.emit('dtlsstatechange', 'failed');
    await eventually(() => lost.length > 0, 10_000, 'peer reset');
    expect(lost).toEqual([{ meetingId: M, peerIds: [peerId], reason: 'transportlost' }]);
    // The hub dropped it (its next transport places it afresh), the node holds nothing of it.
    expect(room.b.nodeOf(peerId)).toBeUndefined();
    await eventually(() => !edge.media!.getRoom(M)!.hasPeer(peerId), 5000, 'peer gone on the edge');
    // The other sites on that edge were not touched.
    expect(edge.media!.getRoom(M)!.describe().transports.length).toBeGreaterThan(0);
  });

  it('a pipe breaks (its transport closed on the origin side): both sides drop it at once, the edge peers renegotiate and media is back over a new pipe', async () => {
    const lost: Array<{ peerIds: string[]; reason: string }> = [];
    nodes.b.gateway.onPeersLost((_m, peerIds, reason) => lost.push({ peerIds, reason }));
    // A ward driven by hub B, its media where placement says (an edge), watching the chair.
    const peerId = 'site:01500:pipe';
    await room.b.createWebRtcTransport(peerId, { direction: 'recv' });
    const edgeId = room.b.nodeOf(peerId)!;
    expect(edgeId).not.toBe('a-origin');
    const edge = edgeId === 'b-edge' ? nodes.b : nodes.c;
    const before = await consume(edge, peerId, chair.video);
    await eventually(() => before.count() >= 30, 20_000, 'chair at the edge before');
    const brokenAt = Date.now();
    nodes.a.media!.getRoom(M)!.closePipe(edgeId);
    await eventually(() => !edge.media!.getRoom(M)!.hasPipe('a-origin'), 2000, 'edge side dropped');
    await eventually(
      () => lost.some((l) => l.peerIds.includes(peerId)),
      2000,
      `peer told ${edgeId} ${JSON.stringify(lost)}`,
    );
    expect(lost.find((l) => l.peerIds.includes(peerId))!.reason).toBe('pipelost');
    // Well before the flow check (3 s of silence) would have noticed.
    expect(Date.now() - brokenAt).toBeLessThan(2000);
    const stalled = before.count();
    // The client's renegotiation: a new transport, consume the chair again → a new pipe.
    await room.b.createWebRtcTransport(peerId, { direction: 'recv' });
    const after = await consume(edge, peerId, chair.video);
    await eventually(() => after.count() >= 30, 20_000, 'chair at the edge again');
    console.log(`cluster: pipe broken → chair RTP back on the edge in ${Date.now() - brokenAt} ms`);
    expect(before.count() - stalled).toBeLessThan(5); // the old consumer is gone
    expect(edge.media!.getRoom(M)!.hasPipe('a-origin')).toBe(true);
    expect(nodes.a.media!.getRoom(M)!.hasPipe(edgeId)).toBe(true);
  });

  it('an edge lost: its producers leave the directory, its peers are reset, the origin drops its pipe', async () => {
    const lost: Array<{ meetingId: string; peerIds: string[]; reason: string }> = [];
    nodes.a.gateway.onPeersLost((meetingId, peerIds, reason) =>
      lost.push({ meetingId, peerIds, reason }),
    );
    const onB = [...room.a.placements()].filter(([, n]) => n === 'b-edge').map(([p]) => p);
    expect(onB.length).toBeGreaterThan(0);
    const started = Date.now();
    await nodes.b.close({ withdraw: false }); // like SIGKILL: its record stays until its TTL
    await eventually(() => lost.length > 0, 5000, 'peers on B reset');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(lost[0]).toMatchObject({ meetingId: M, reason: 'nodelost' });
    expect(lost[0]!.peerIds.sort()).toEqual(onB.sort());
    await eventually(() => !nodes.a.directory.get(M, holder.audio), 5000, 'B producers gone');
    await eventually(() => !nodes.a.media!.getRoom(M)!.hasPipe('b-edge'), 5000, 'pipe A-B closed');
    // C lost the speaker's copy (its consumer closed), kept the pipe to A.
    expect(nodes.c.media!.getRoom(M)!.hasProducer(holder.audio)).toBe(false);
    expect(nodes.c.media!.getRoom(M)!.hasPipe('a-origin')).toBe(true);
    // A re-placed site avoids B at once, though B's record has not lapsed yet.
    await room.a.createWebRtcTransport(onB[0]!, { direction: 'recv' });
    expect(room.a.nodeOf(onB[0]!)).toBe('c-edge');
  });

  it('the origin lost: its producers and the origin go; the chair re-produces on another node and a new edge pipes from there', async () => {
    const before = await consume(nodes.c, 'site:01300:rtp', chair.video);
    await eventually(() => before.count() >= 10, 20_000, 'chair at C before');
    await nodes.a.close({ withdraw: false }); // like SIGKILL
    await eventually(
      () => !nodes.c.directory.get(M, chair.video) && nodes.c.directory.origin(M) === undefined,
      5000,
      'the chair and the origin leave the directory',
    );
    await eventually(() => !nodes.c.media!.getRoom(M)!.hasPipe('a-origin'), 5000, 'pipe C-A gone');
    // The chair's reconnect reached hub C: its producers are re-created there, the new origin.
    const again = await produce(nodes.c, 'user:chair1:again', true);
    await eventually(() => nodes.c.directory.origin(M) === 'c-edge', 5000, 'C is the origin');
    // A node that joins now (or any edge) pipes the new chair from the new origin.
    const d = await node('d-edge', ['01']);
    (nodes as Record<string, Cluster>).d = d;
    await eventually(() => d.directory.origin(M) === 'c-edge', 5000, 'D knows the origin');
    const heard = await consume(d, 'site:01400:rtp', again.video);
    await eventually(() => heard.count() >= 30, 20_000, 'the new chair at D');
    expect(
      d
        .media!.getRoom(M)!
        .describe()
        .pipes.map((p) => p.remoteId),
    ).toEqual(['c-edge']);
  });
});
