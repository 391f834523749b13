/**
 * keyFrameRequestDelay: viewers joining right after a key frame must not each cause a key-frame
 * request to the chair. Two planes (one worker each) differ only in SFU_KEYFRAME_REQUEST_DELAY_MS.
 */
import { MediaPlane, type MediaRoom, silentLogger } from '@giaoban/sfu';
import { RtpCounter, SyntheticMediaSender, testSfuConfig } from '@giaoban/sfu/testing';
import { afterAll, describe, expect, it } from 'vitest';

const closers: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c();
});

async function setup(keyFrameRequestDelayMs: number) {
  const plane = await MediaPlane.create(
    await testSfuConfig({ numWorkers: 1, keyFrameRequestDelayMs }),
    { logger: silentLogger },
  );
  closers.push(() => plane.close());
  const counter = await RtpCounter.create();
  closers.push(() => counter.close());
  // After the first frame (a key frame, so the producer's new stream needs no request), key
  // frames only on request: a viewer sees video only once its own request was answered.
  const sender = await SyntheticMediaSender.create({ keyFrameIntervalMs: 3_600_000 });
  closers.push(() => sender.close());
  const room = await plane.getOrCreateRoom('kf');
  const plain = await room.createPlainTransport('chair', { comedia: true });
  const video = await room.produce('chair', plain.id, {
    kind: 'video',
    rtpParameters: sender.rtpParameters.video,
  });
  sender.start({ ip: plain.ip, port: plain.port });
  // Viewers join a running stream: wait until the producer has received media.
  await expect
    .poll(
      async () => {
        const [stats] = (await room.transportStats('chair')) as Array<{ rtpBytesReceived: number }>;
        return stats?.rtpBytesReceived ?? 0;
      },
      { timeout: 30_000, interval: 50 },
    )
    .toBeGreaterThan(0);
  return { room, counter, sender, videoId: video.id };
}

async function viewer(room: MediaRoom, peerId: string, producerId: string, counter: RtpCounter) {
  const t = await room.createPlainTransport(peerId, { direction: 'recv' });
  await room.connectPlainTransport(peerId, t.id, { ip: '127.0.0.1', port: counter.port });
  const c = await room.consume(peerId, t.id, producerId, room.rtpCapabilities);
  await room.resumeConsumer(peerId, c.id);
  return c.rtpParameters.encodings![0]!.ssrc!;
}

describe('sfu key-frame requests', () => {
  it('holds back key-frame requests within SFU_KEYFRAME_REQUEST_DELAY_MS', async () => {
    const fast = await setup(0);
    const slow = await setup(60_000);
    const second = new Map<typeof fast, number>();
    for (const s of [fast, slow]) {
      // The first viewer asks for a key frame; once it sees video the answer has gone through.
      const first = await viewer(s.room, 'v1', s.videoId, s.counter);
      await s.counter.waitFor(() => s.counter.count(first) > 0, 30_000, 'first viewer video');
      second.set(s, await viewer(s.room, 'v2', s.videoId, s.counter));
    }
    // Without a delay every request reaches the chair: the second viewer gets its key frame.
    await fast.counter.waitFor(
      () => fast.counter.count(second.get(fast)!) > 0,
      30_000,
      'second viewer video without a delay',
    );
    expect(fast.sender.keyFrameRequests).toBeGreaterThanOrEqual(2);
    // With a 60 s delay only the first request went out: a second later the second viewer is
    // still waiting for a key frame (the chair sends them only on request here).
    await new Promise((r) => setTimeout(r, 1000));
    expect(slow.sender.keyFrameRequests).toBe(1);
    expect(slow.counter.count(second.get(slow)!)).toBe(0);
  });
});
