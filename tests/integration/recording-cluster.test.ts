/**
 * Recording in the media cluster when the chair produces on another node (issue #13): two
 * cluster nodes in one process (each its own mediasoup worker and internal channel) over a real
 * redis-server. The chair's camera (Debian's ffmpeg) produces on node A, the meeting's origin;
 * a ward holding the floor produces on node B. The recorder runs on node B (where the hub that
 * wrote `recording.start` is): its port pulls the chair from A over the cluster's pipe and takes
 * the ward from its own room; Debian's ffmpeg records both, each track holds what was sent.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { recording } from '@giaoban/server';
import { MediaPlane, silentLogger } from '@giaoban/sfu';
import { FfmpegTestSource, testSfuConfig } from '@giaoban/sfu/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Cluster } from '../../server/src/cluster/Cluster';
import type { ClusterConfig } from '../../server/src/cluster/ClusterConfig';
import type { MeetingService } from '../../server/src/domain/MeetingService';
import type { Store } from '../../server/src/store/Store';
import { Logger } from '../../server/src/util/logger';
import { RedisServer } from '../harness/redis';

const SECRET = 'recording-cluster-test-secret-0123456789';
const M = 'meeting-rec';
const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
const warnings: string[] = [];
const quiet = {
  info() {},
  warn: (msg: string, o?: unknown) => void warnings.push(`${msg} ${JSON.stringify(o)}`),
  error: (msg: string, o?: unknown) => void warnings.push(`${msg} ${JSON.stringify(o)}`),
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: RedisServer;
let dir: string;
const nodes: Cluster[] = [];
const stops: Array<() => Promise<void> | void> = [];

// The domain this test does not exercise: the chair is account "chair1".
const meetings = {
  peek: async (_m: string, fn: (p: unknown) => unknown) => fn({ meeting: { chairId: 'chair1' } }),
} as unknown as MeetingService;
const store = {
  getUnits: async (codes: string[]) =>
    codes.map((code) => ({ code, tier: 'ward', parentCode: '01' })),
} as unknown as Store;

const config: ClusterConfig = {
  secret: SECRET,
  region: 'hanoi',
  provinces: [],
  internalIp: '127.0.0.1',
  internalPort: 0,
  consumersPerWorker: 600,
  consumersPerSite: 4,
  headroomPct: 90,
  heartbeatMs: 200,
  heartbeatTtlMs: 1000,
  watchTimeoutMs: 1000,
};

async function node(id: string): Promise<Cluster> {
  const plane = await MediaPlane.create(await testSfuConfig({ numWorkers: 1 }), {
    logger: silentLogger,
  });
  const n = await Cluster.start({
    nodeId: id,
    redisUrl: redis.url,
    config,
    plane,
    store,
    meetings,
    logger: new Logger('silent'),
    prefix: 'rc:',
  });
  nodes.push(n);
  return n;
}

/** A camera producing on node `on` through its dispatcher (so the directory lists it). */
async function camera(on: Cluster, peerId: string, colour: string | null, origin: boolean) {
  const room = await on.media!.plane.getOrCreateRoom(M);
  const s = await FfmpegTestSource.start({
    room,
    peerId,
    video: { pattern: colour ? { color: colour } : 'testsrc2' },
    audio: { frequency: colour ? 300 : 880 },
    produce: ({ transportId, kind, rtpParameters, source }) =>
      on.call(on.nodeId, 'peer.produce', {
        meetingId: M,
        peerId,
        transportId,
        kind,
        rtpParameters: rtpParameters as never,
        source,
        ...(origin ? { origin } : {}),
      }) as Promise<{ id: string }>,
  });
  stops.push(() => s.stop());
  return s;
}

beforeAll(async () => {
  redis = await RedisServer.start();
  dir = await mkdtemp(path.join(os.tmpdir(), 'giaoban-rec-cluster-'));
  await node('a-origin');
  await node('b-edge');
  await Promise.all(nodes.map((n) => n.registry.refresh()));
}, 60_000);

afterAll(async () => {
  for (const s of stops.reverse()) await s();
  await Promise.all(nodes.map((n) => n.close()));
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('records on node B the chair producing on node A (pulled over the pipe) and a ward on B', {
  timeout: 120_000,
}, async () => {
  const [a, b] = nodes as [Cluster, Cluster];
  const chair = await camera(a, 'user:chair1:sock-a', null, true);
  const ward = await camera(b, 'site:ward1:sock-b', 'red', false);
  expect(b.directory.origin(M)).toBe('a-origin');

  const recorder = await recording.Recorder.start({
    meetingId: M,
    room: await b.media!.recorderRoom(M),
    dir,
    tools,
    logger: quiet,
    minFreeBytes: 0,
  });
  await recorder.setSources({
    chair: { video: chair.videoProducerId, audio: chair.audioProducerId },
    floor: {
      siteId: 'ward1',
      name: 'Phường 1',
      video: ward.videoProducerId,
      audio: ward.audioProducerId,
    },
  });
  expect(warnings).toEqual([]);
  await sleep(6000);
  const stats = recorder.port.stats();
  const [segment] = await recorder.stop();
  expect(stats['chair.video'].producerId).toBe(chair.videoProducerId);
  expect(stats['chair.video'].received).toBeGreaterThan(50);
  expect(stats['chair.audio'].received).toBeGreaterThan(100);
  expect(stats['floor.video'].received).toBeGreaterThan(20);
  // The chair reached B's room over the pipe from A (it was never produced on B).
  const bRoom = b.media!.plane.getRoom(M)!;
  expect(bRoom.listProducers().find((p) => p.id === chair.videoProducerId)?.remote).toBe(
    'a-origin',
  );

  const { tracks } = await recording.finalizeSegment({
    tools,
    liveFiles: segment!.liveFiles,
    lengthMs: segment!.endedAt! - segment!.startedAt,
  });
  for (const slot of ['chair.video', 'chair.audio', 'floor.video'] as const) {
    const p = await recording.probe(tools, tracks[slot]!);
    expect(Number(p.format.duration), slot).toBeGreaterThan(4);
  }
});
