// Issue #11: a WebRTC transport the worker closes under its peer (DTLS failed/closed) is reported
// (`transportlost`) unless the peer replaced it or left, the rest of the peer goes with it, and a
// peer that keeps losing transports is refused new ones. The DTLS state change is emitted on the
// real mediasoup transport (a real worker behind it); tests/integration/transport-lost.test.ts
// drives a real close_notify through a real DTLS session.
import fc from 'fast-check';
import type * as ms from 'mediasoup/node/lib/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransportsLostError } from './errors';
import { silentLogger } from './logger';
import { MediaPlane } from './MediaPlane';
import type { MediaRoom, MediaRoomEvents } from './MediaRoom';
import { LossBudget } from './TransportLoss';
import { testSfuConfig } from './testing/config';
import { syntheticRtpParameters } from './testing/SyntheticMediaSender';

const LOSS = { graceMs: 50, max: 2, windowMs: 60_000 };
const params = syntheticRtpParameters({ videoSsrc: 1111, audioSsrc: 2222 });
let plane: MediaPlane;
let seq = 0;
/** Every mediasoup transport of the plane's worker, by id (to emit on the real object). */
const transports = new Map<string, ms.Transport>();

beforeAll(async () => {
  plane = await MediaPlane.create(await testSfuConfig({ numWorkers: 1 }), {
    logger: silentLogger,
    transportLoss: LOSS,
  });
  for (const w of plane.workerPool.workers) {
    w.worker.observer.on('newrouter', (router) =>
      router.observer.on('newtransport', (t) => transports.set(t.id, t)),
    );
  }
});
afterAll(async () => {
  await plane?.close();
});

type Lost = MediaRoomEvents['transportlost'][0];
const losses = (room: MediaRoom) => {
  const seen: Lost[] = [];
  room.on('transportlost', (e) => seen.push(e));
  return seen;
};
const nextLoss = (room: MediaRoom) =>
  new Promise<Lost>((resolve) => room.once('transportlost', resolve));
/** What the worker reports when the far end's DTLS fails or sends close_notify. */
const dtls = (id: string, state: 'failed' | 'closed') =>
  (transports.get(id) as unknown as { emit(e: string, s: string): void }).emit(
    'dtlsstatechange',
    state,
  );

async function site(room: MediaRoom, peerId: string) {
  const send = await room.createWebRtcTransport(peerId, { direction: 'send' });
  const recv = await room.createWebRtcTransport(peerId, { direction: 'recv' });
  const video = await room.produce(peerId, send.id, { kind: 'video', rtpParameters: params.video });
  return { send, recv, video };
}

describe('a transport the worker closed under its peer', () => {
  it('is reported after the grace, and the rest of the peer is closed with it', async () => {
    const room = await plane.getOrCreateRoom(`loss-${++seq}`);
    const a = await site(room, 'site:00004:s1');
    await site(room, 'site:00008:s2');
    const closed: string[] = [];
    room.on('producerclosed', ({ producerId }) => closed.push(producerId));
    const lost = nextLoss(room);
    dtls(a.recv.id, 'failed');
    expect(await lost).toEqual({
      peerId: 'site:00004:s1',
      transportId: a.recv.id,
      direction: 'recv',
      dtlsState: 'failed',
      losses: 1,
    });
    // Its send transport and producer went too (the client rebuilds both); the other site stays.
    expect(room.hasPeer('site:00004:s1')).toBe(false);
    expect(closed).toEqual([a.video.id]);
    expect(room.describe().transports.map((t) => t.peerId)).toEqual([
      'site:00008:s2',
      'site:00008:s2',
    ]);
    room.close();
  });

  it('is not reported when the peer builds a new one of that direction within the grace (its own rebuild), or leaves', async () => {
    const room = await plane.getOrCreateRoom(`loss-${++seq}`);
    const seen = losses(room);
    const a = await site(room, 'site:00004:a');
    const b = await site(room, 'site:00008:b');
    const c = await site(room, 'site:00012:c');
    // Its rebuild's new receive transport (the old one's close_notify may come before or after
    // it; the grace covers both orders, this one is deterministic).
    await room.createWebRtcTransport('site:00004:a', { direction: 'recv' });
    dtls(a.recv.id, 'closed');
    dtls(b.send.id, 'closed');
    room.closePeer('site:00008:b');
    // A loss reported after both graces ran (timers of equal delay fire in order): a sentinel.
    const sentinel = nextLoss(room);
    dtls(c.send.id, 'closed');
    expect((await sentinel).peerId).toBe('site:00012:c');
    expect(seen.map((e) => e.peerId)).toEqual(['site:00012:c']);
    expect(room.hasPeer('site:00004:a')).toBe(true);
    room.close();
  });

  it(`refuses a peer new transports after ${LOSS.max} losses in the window; others are unaffected`, async () => {
    const room = await plane.getOrCreateRoom(`loss-${++seq}`);
    for (let n = 1; n <= LOSS.max; n++) {
      const t = await room.createWebRtcTransport('site:00004:x', { direction: 'recv' });
      const lost = nextLoss(room);
      dtls(t.id, 'closed');
      expect((await lost).losses).toBe(n);
    }
    const refused = await room.createWebRtcTransport('site:00004:x', { direction: 'recv' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TransportsLostError);
    expect((refused as TransportsLostError).code).toBe('TRANSPORTS_LOST');
    expect((refused as TransportsLostError).retryInMs).toBeGreaterThan(0);
    await expect(
      room.createWebRtcTransport('site:00008:y', { direction: 'recv' }),
    ).resolves.toMatchObject({ id: expect.any(String) });
    room.close();
  });

  it('is not reported when the room closes during the grace', async () => {
    const room = await plane.getOrCreateRoom(`loss-${++seq}`);
    const seen = losses(room);
    const a = await site(room, 'site:00004:z');
    dtls(a.recv.id, 'failed');
    room.close();
    // The other room's loss comes after this room's grace would have ended (same delay, later).
    const other = await plane.getOrCreateRoom(`loss-${++seq}`);
    const b = await site(other, 'site:00008:w');
    const sentinel = nextLoss(other);
    dtls(b.recv.id, 'failed');
    await sentinel;
    expect(seen).toEqual([]);
    other.close();
  });
});

describe('LossBudget', () => {
  it('is exhausted exactly when the peer has max losses inside the window (model check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(
          fc.record({ peer: fc.constantFrom('a', 'b', 'c'), dt: fc.integer({ min: 0, max: 600 }) }),
          { maxLength: 40 },
        ),
        (max, windowMs, steps) => {
          let now = 0;
          const budget = new LossBudget({ max, windowMs, now: () => now });
          const model = new Map<string, number[]>();
          const inWindow = (p: string) => (model.get(p) ?? []).filter((t) => t > now - windowMs);
          for (const { peer, dt } of steps) {
            now += dt;
            for (const p of ['a', 'b', 'c']) {
              expect(budget.count(p)).toBe(inWindow(p).length);
              expect(budget.exhausted(p)).toBe(inWindow(p).length >= max);
              if (budget.exhausted(p)) {
                // It may build again once its max-th newest loss leaves the window.
                const w = inWindow(p);
                expect(budget.retryInMs(p)).toBe(w[w.length - max]! + windowMs - now);
              } else expect(budget.retryInMs(p)).toBe(0);
            }
            // A transport built before the peer ran out can still be lost: record regardless.
            expect(budget.record(peer)).toBe(inWindow(peer).length + 1);
            model.set(peer, [...(model.get(peer) ?? []), now]);
          }
          // Peers whose losses all left the window are forgotten.
          expect(budget.size).toBe(['a', 'b', 'c'].filter((p) => inWindow(p).length > 0).length);
        },
      ),
    );
  });
});
