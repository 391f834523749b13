import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logger';
import { MediaPlane } from '../MediaPlane';
import type { MediaRoom } from '../MediaRoom';
import { testSfuConfig } from '../testing/config';
import { SyntheticMediaSender } from '../testing/SyntheticMediaSender';
import { RECORDING_SLOTS, type RecorderTarget, type RecordingSlot } from './RecorderPort';
import { isRtcp, isVp8KeyFrameStart, parseRtp, type RtpPacket, rtcpPackets } from './rtp';

let plane: MediaPlane;
let roomSeq = 0;

beforeAll(async () => {
  plane = await MediaPlane.create(await testSfuConfig({ numWorkers: 1 }), { logger: silentLogger });
});
afterAll(async () => {
  await plane?.close();
});

/** A stand-in recorder: two sockets per slot, keeping what arrives. */
class CapturingRecorder {
  readonly rtp = new Map<RecordingSlot, RtpPacket[]>();
  readonly reports = new Map<RecordingSlot, number>();
  readonly #sockets: dgram.Socket[] = [];

  async target(): Promise<RecorderTarget> {
    const ports = {} as RecorderTarget['ports'];
    for (const slot of RECORDING_SLOTS) {
      this.rtp.set(slot, []);
      this.reports.set(slot, 0);
      const rtp = await this.#bind((m) => {
        const p = parseRtp(m);
        if (p) this.rtp.get(slot)!.push(p);
      });
      const rtcp = await this.#bind((m) => {
        for (const p of rtcpPackets(m)) {
          if (p.type === 200) this.reports.set(slot, this.reports.get(slot)! + 1);
        }
      });
      ports[slot] = { rtp, rtcp };
    }
    return { ip: '127.0.0.1', ports };
  }

  close(): void {
    for (const s of this.#sockets) s.close();
  }

  #bind(onMessage: (m: Buffer) => void): Promise<number> {
    const s = dgram.createSocket('udp4');
    this.#sockets.push(s);
    s.on('message', onMessage);
    return new Promise((r) => s.bind(0, '127.0.0.1', () => r(s.address().port)));
  }
}

async function site(room: MediaRoom, peerId: string) {
  const sender = await SyntheticMediaSender.create({
    keyFrameIntervalMs: 3_600_000,
    videoBitrate: 400_000,
  });
  const plain = await room.createPlainTransport(peerId, { comedia: true });
  const p = sender.rtpParameters;
  const video = await room.produce(peerId, plain.id, { kind: 'video', rtpParameters: p.video });
  const audio = await room.produce(peerId, plain.id, { kind: 'audio', rtpParameters: p.audio });
  sender.start({ ip: plain.ip, port: plain.port });
  return { sender, video: video.id, audio: audio.id };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Waits until `check` passes (it throws until then). A fixed sleep before an assertion fails on
 * a loaded machine where the worker, the senders and this process get the CPU late.
 */
const until = (check: () => void) => vi.waitFor(check, { timeout: 20_000, interval: 50 });
/** Packets of a real frame, not the relay's filler (descriptor + 3 bytes) or opus silence. */
const real = (ps: RtpPacket[]) => ps.filter((p) => p.payload.length > 4);

describe('RecorderPort (real worker)', () => {
  it('feeds continuous slot streams, asks for key frames on start and on a new source', async () => {
    const room = await plane.getOrCreateRoom(`rec-${++roomSeq}`);
    const chair = await site(room, 'chair');
    const a = await site(room, 'site-a');
    const b = await site(room, 'site-b');
    const recorder = new CapturingRecorder();
    const port = await room.createRecorderPort({ fillerFrame: Uint8Array.of(0x50, 0, 0) });
    // Let the senders' own first key frames pass: what the relay gets next, it asked for.
    await sleep(300);
    try {
      port.target(await recorder.target());
      await port.feed('chair.video', chair.video);
      await port.feed('chair.audio', chair.audio);
      await port.feed('floor.video', a.video);
      await until(() => {
        expect(chair.sender.keyFrameRequests).toBeGreaterThanOrEqual(1);
        expect(a.sender.keyFrameRequests).toBeGreaterThanOrEqual(1);
        // A's frames reached the recorder before B takes the floor.
        expect(real(recorder.rtp.get('floor.video')!).length).toBeGreaterThan(0);
      });

      const changes: Array<string | null> = [];
      port.on('sourcechange', (c) => changes.push(c.producerId));
      await port.feed('floor.video', b.video);
      await until(() => {
        expect(changes).toEqual([b.video]);
        expect(b.sender.keyFrameRequests).toBeGreaterThanOrEqual(1);
        // Enough of every slot arrived (the floor's audio is opus silence nobody feeds).
        expect(recorder.rtp.get('chair.audio')!.length).toBeGreaterThan(15);
        expect(recorder.rtp.get('floor.audio')!.length).toBeGreaterThan(30);
        for (const slot of RECORDING_SLOTS) expect(recorder.reports.get(slot)).toBeGreaterThan(0);
      });

      const floor = recorder.rtp.get('floor.video')!;
      const ssrcs = new Set(floor.map((p) => p.ssrc));
      expect(ssrcs.size).toBe(1);
      for (let i = 1; i < floor.length; i++) {
        expect((floor[i]!.sequenceNumber - floor[i - 1]!.sequenceNumber) & 0xffff).toBe(1);
      }
      // Filler, then A from a key frame, filler again, then B from a key frame.
      const firstReal = floor.find((p) => p.payload.length > 4)!;
      expect(isVp8KeyFrameStart(firstReal.payload)).toBe(true);

      // The producer goes away: the slot falls back to nothing and says so.
      room.closePeer('site-b');
      await until(() => expect(port.sources['floor.video']).toBeNull());
      expect(changes).toEqual([b.video, null]);
    } finally {
      port.close();
      recorder.close();
      for (const s of [chair, a, b]) await s.sender.close();
      room.close();
    }
  });

  it('keeps NACK: packets lost on the way to the relay come back from the SFU', async () => {
    const room = await plane.getOrCreateRoom(`rec-${++roomSeq}`);
    const chair = await site(room, 'chair');
    const recorder = new CapturingRecorder();
    let n = 0;
    const port = await room.createRecorderPort({
      // Drop every 15th datagram the SFU sends us (RTP only; retransmissions get through).
      inboundFilter: (d) => isRtcp(d) || ++n % 15 !== 0,
    });
    try {
      port.target(await recorder.target());
      await port.feed('chair.video', chair.video);
      await until(() => {
        const s = port.stats()['chair.video'];
        expect(s.nacked).toBeGreaterThan(5);
        expect(s.recovered).toBeGreaterThan(5);
        expect(real(recorder.rtp.get('chair.video')!).length).toBeGreaterThan(50);
      });
      const s = port.stats()['chair.video'];
      expect(s.lost).toBeLessThanOrEqual(Math.ceil(s.recovered / 10));
    } finally {
      port.close();
      recorder.close();
      await chair.sender.close();
      room.close();
    }
  });

  it('retargets to a restarted recorder with a key frame first', async () => {
    const room = await plane.getOrCreateRoom(`rec-${++roomSeq}`);
    const chair = await site(room, 'chair');
    const first = new CapturingRecorder();
    const second = new CapturingRecorder();
    const port = await room.createRecorderPort({ fillerFrame: Uint8Array.of(0x50, 0, 0) });
    try {
      port.target(await first.target());
      await port.feed('chair.video', chair.video);
      await until(() => expect(real(first.rtp.get('chair.video')!).length).toBeGreaterThan(0));
      port.untarget();
      const before = chair.sender.keyFrameRequests;
      port.target(await second.target());
      await until(() => {
        expect(chair.sender.keyFrameRequests).toBeGreaterThan(before);
        expect(real(second.rtp.get('chair.video')!).length).toBeGreaterThan(0);
      });
      const video = second.rtp.get('chair.video')!;
      expect(video[0]!.payload.length).toBe(4); // the filler key frame (descriptor + 3 bytes)
      const firstReal = video.find((p) => p.payload.length > 4)!;
      expect(isVp8KeyFrameStart(firstReal.payload)).toBe(true);
    } finally {
      port.close();
      first.close();
      second.close();
      await chair.sender.close();
      room.close();
    }
  });
});
