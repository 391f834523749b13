/**
 * A worker killed with SIGKILL under live media: the plane replaces it, names the room, and the
 * rebuilt room carries RTP again across both workers.
 */
import { MediaPlane, type MediaRoom, silentLogger } from '@giaoban/sfu';
import { RtpCounter, SyntheticMediaSender, testSfuConfig } from '@giaoban/sfu/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let plane: MediaPlane;
const closers: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  plane = await MediaPlane.create(await testSfuConfig({ numWorkers: 2, consumersPerRouter: 2 }), {
    logger: silentLogger,
  });
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await plane?.close();
});

/** Chair in, three sites out: the first site stays on the home worker, the others spill. */
async function buildMedia(room: MediaRoom, counter: RtpCounter) {
  const sender = await SyntheticMediaSender.create();
  closers.push(() => sender.close());
  const plain = await room.createPlainTransport('chair', { comedia: true });
  const video = await room.produce('chair', plain.id, {
    kind: 'video',
    rtpParameters: sender.rtpParameters.video,
  });
  const audio = await room.produce('chair', plain.id, {
    kind: 'audio',
    rtpParameters: sender.rtpParameters.audio,
  });
  const ssrcs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const site = await room.createPlainTransport(`site-${i}`, { direction: 'recv' });
    await room.connectPlainTransport(`site-${i}`, site.id, { ip: '127.0.0.1', port: counter.port });
    for (const p of [video, audio]) {
      const c = await room.consume(`site-${i}`, site.id, p.id, room.rtpCapabilities);
      ssrcs.push(c.rtpParameters.encodings![0]!.ssrc!);
      await room.resumeConsumer(`site-${i}`, c.id);
    }
  }
  sender.start({ ip: plain.ip, port: plain.port });
  return { sender, ssrcs };
}

describe('sfu worker death', () => {
  it('replaces a SIGKILLed worker, tells the room owner, and media flows after the rebuild', async () => {
    const counter = await RtpCounter.create();
    closers.push(() => counter.close());
    const room = await plane.getOrCreateRoom('meeting-42');
    const other = await plane.getOrCreateRoom('meeting-43');
    const first = await buildMedia(room, counter);
    await counter.waitFor(() => first.ssrcs.every((s) => counter.count(s) >= 20), 30_000);

    const routers = room.describe().routers;
    expect(new Set(routers.map((r) => r.workerIndex)).size).toBe(2);
    // Kill the worker that only carries consumers of meeting-42 (not its producers).
    const spill = routers.find((r) => !r.home)!;
    const victim = plane.workerPool.workers[spill.workerIndex]!;
    const died = new Promise<{ pid: number; roomIds: string[] }>((resolve) =>
      plane.once('workerdied', resolve),
    );
    process.kill(victim.pid, 'SIGKILL');
    const info = await died;
    expect(info.pid).toBe(victim.pid);
    // meeting-43 is named only if its home router happened to be on the dead worker.
    const otherOnVictim = other.workersUsed.has(victim);
    expect(info.roomIds.sort()).toEqual(
      otherOnVictim ? ['meeting-42', 'meeting-43'] : ['meeting-42'],
    );
    expect(room.closed).toBe(true);
    expect(other.closed).toBe(otherOnVictim);
    first.sender.stop();

    const replacement = plane.workerPool.workers[spill.workerIndex]!;
    expect(replacement.pid).not.toBe(victim.pid);
    expect(replacement.alive).toBe(true);

    // The server rebuilds the room: media flows again, through the replacement worker too.
    const rebuilt = await plane.getOrCreateRoom('meeting-42');
    const second = await buildMedia(rebuilt, counter);
    await counter.waitFor(() => second.ssrcs.every((s) => counter.count(s) >= 20), 30_000);
    const pids = new Set(rebuilt.describe().routers.map((r) => r.workerPid));
    expect(pids.has(replacement.pid)).toBe(true);
  });
});
