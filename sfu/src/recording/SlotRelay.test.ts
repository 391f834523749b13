import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRtp, OPUS_SILENCE, parseRtp, type RtpPacket } from './rtp';
import { type SlotKind, SlotRelay } from './SlotRelay';
import { Timeline, tsDiff } from './Timeline';

/**
 * A model of what feeds a recorder slot: sources (SFU consumers) that send frames on their own
 * clock through a lossy, reordering, duplicating loopback hop, an SFU that answers NACKs from its
 * retransmission buffer, and a relay ticked every 10 ms like RecorderPort does.
 */
class Harness {
  readonly relay: SlotRelay;
  readonly out: RtpPacket[] = [];
  /**
   * Output index at which each setSource/restart happened, the source fed after it, and whether
   * the relay asked that source for a key frame right then.
   */
  readonly marks: Array<{ index: number; source: number | null; keyFrameAsked: boolean }> = [];
  /** What each source packet (by payload) was: when it was captured, on which clock. */
  readonly sentInfo = new Map<string, { at: number; ssrc: number; srcTs: number }>();
  keyFrameRequests = 0;
  readonly timeline: Timeline;
  now = 1000;
  fed: number | null = null;
  loss = 0;
  /** Until then nothing arrives; then the backlog arrives at once (a stalled sender or hop). */
  stalledUntil = 0;
  #rand: () => number;
  #inflight: Array<{ at: number; bytes: Buffer }> = [];
  #sources: Array<{
    ssrc: number;
    seq: number;
    ts0: number;
    frames: number;
    sent: Map<number, Buffer>;
  }>;
  #nextFrameAt: number[];

  constructor(
    readonly kind: SlotKind,
    seed: number,
    readonly tsBase: number,
  ) {
    let state = seed >>> 0 || 1;
    this.#rand = () => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 0x1_0000_0000;
    };
    this.timeline = new Timeline(this.now, 1_700_000_000_000);
    this.#sources = [0, 1, 2].map((i) => ({
      ssrc: 0x1000 + i,
      seq: Math.floor(this.#rand() * 0x10000),
      ts0: Math.floor(this.#rand() * 0x1_0000_0000),
      frames: 0,
      sent: new Map(),
    }));
    this.#nextFrameAt = [this.now, this.now, this.now];
    this.relay = new SlotRelay({
      kind,
      ssrc: 0xabc,
      payloadType: kind === 'video' ? 96 : 111,
      clockRate: kind === 'video' ? 90000 : 48000,
      timeline: this.timeline,
      tsBase,
      seqBase: 0xfff0,
      ...(kind === 'video'
        ? { fillerFrame: Uint8Array.of(0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a) }
        : {}),
      sendRtp: (p) => this.out.push(parseRtp(p)!),
      sendNack: (ssrc, seqs) => {
        const src = this.#sources.find((s) => s.ssrc === ssrc)!;
        for (const seq of seqs) {
          const bytes = src.sent.get(seq);
          if (bytes && this.#rand() >= this.loss) this.#inflight.push({ at: this.now + 5, bytes });
        }
      },
      requestKeyFrame: () => {
        this.keyFrameRequests++;
        if (this.fed !== null) this.#sources[this.fed]!.frames = 0; // next frame is a key frame
      },
    });
  }

  setSource(i: number | null): void {
    // A stray packet of the old consumer still on its way: the relay must ignore it.
    if (this.fed !== null && this.fed !== i) {
      this.#frame(this.fed, true, this.#nextFrameAt[this.fed]!);
      this.#nextFrameAt[this.fed]! += this.kind === 'video' ? 1000 / 30 : 20;
    }
    // Feeding a slot always makes a new SFU consumer, with an SSRC of its own.
    if (i !== null) this.#sources[i]!.ssrc += 0x100;
    this.fed = i;
    if (i !== null) this.#nextFrameAt[i] = Math.max(this.#nextFrameAt[i]!, this.now);
    const index = this.out.length;
    const asked = this.keyFrameRequests;
    this.relay.setSource(
      i === null ? null : { ssrc: this.#sources[i]!.ssrc, nack: true },
      this.now,
    );
    this.marks.push({ index, source: i, keyFrameAsked: this.keyFrameRequests > asked });
  }

  /** The fed source's clock jumps ahead (a sender that bursts or skips). */
  jump(ms: number): void {
    if (this.fed === null) return;
    const s = this.#sources[this.fed]!;
    s.ts0 = (s.ts0 + Math.round((ms * (this.kind === 'video' ? 90000 : 48000)) / 1000)) >>> 0;
  }

  restart(): void {
    const index = this.out.length;
    const asked = this.keyFrameRequests;
    this.relay.restart(this.now);
    this.marks.push({ index, source: this.fed, keyFrameAsked: this.keyFrameRequests > asked });
  }

  advance(ms: number): void {
    const end = this.now + ms;
    while (this.now < end) {
      this.now += 10;
      if (this.fed !== null) {
        while (this.#nextFrameAt[this.fed]! <= this.now) {
          this.#frame(this.fed, false, this.#nextFrameAt[this.fed]!);
          this.#nextFrameAt[this.fed]! += this.kind === 'video' ? 1000 / 30 : 20;
        }
      }
      const due = this.#inflight.filter((p) => p.at <= this.now);
      this.#inflight = this.#inflight.filter((p) => p.at > this.now);
      for (const p of due) this.relay.push(p.bytes, p.at);
      this.relay.tick(this.now);
    }
  }

  /** Sends one frame of source i (3 packets of video, 1 of audio) through the lossy hop. */
  #frame(i: number, stray: boolean, at: number): void {
    const s = this.#sources[i]!;
    const clock = this.kind === 'video' ? 90000 : 48000;
    const ts = (s.ts0 + Math.round(((at - 1000) * clock) / 1000)) >>> 0;
    const key = s.frames % 10 === 0;
    s.frames++;
    const count = this.kind === 'video' ? 3 : 1;
    for (let k = 0; k < count; k++) {
      s.seq = (s.seq + 1) & 0xffff;
      const payload =
        this.kind === 'video'
          ? Uint8Array.of(k === 0 ? 0x10 : 0x00, key ? 0x00 : 0x01, i, s.seq >> 8, s.seq & 0xff)
          : Uint8Array.of(0x78, i, s.seq >> 8, s.seq & 0xff);
      const bytes = buildRtp(
        {
          marker: k === count - 1,
          payloadType: 100,
          sequenceNumber: s.seq,
          timestamp: ts,
          ssrc: s.ssrc,
        },
        payload,
      );
      s.sent.set(s.seq, bytes);
      this.sentInfo.set(Buffer.from(payload).toString('hex'), { at, ssrc: s.ssrc, srcTs: ts });
      if (s.sent.size > 2000) s.sent.delete(s.sent.keys().next().value!);
      if (this.#rand() < this.loss && !stray) continue;
      const delay = Math.max(0, this.stalledUntil - this.now) + Math.floor(this.#rand() * 25);
      this.#inflight.push({ at: this.now + delay, bytes });
      if (this.#rand() < 0.02) this.#inflight.push({ at: this.now + delay + 3, bytes });
    }
  }
}

const isFiller = (kind: SlotKind, p: RtpPacket) =>
  kind === 'audio'
    ? Buffer.from(p.payload).equals(Buffer.from(OPUS_SILENCE))
    : p.payload[0] === 0x10 && p.payload[1] === 0x50;

/** What every output stream must satisfy, whatever happened upstream. */
function checkInvariants(h: Harness): void {
  const { out, kind } = h;
  const frameTicks = kind === 'audio' ? 960 : 1;
  let gaps = 0;
  const clock = kind === 'video' ? 90000 : 48000;
  const seen = new Set<string>();
  /** Output timestamp of each source frame (ssrc:srcTs): one frame, one timestamp. */
  const frameTs = new Map<string, number>();
  for (let i = 0; i < out.length; i++) {
    const p = out[i]!;
    expect(p.ssrc).toBe(0xabc);
    expect(p.payloadType).toBe(kind === 'video' ? 96 : 111);
    if (i > 0) {
      const prev = out[i - 1]!;
      const step = (p.sequenceNumber - prev.sequenceNumber) & 0xffff;
      expect(step).toBeGreaterThanOrEqual(1);
      expect(step).toBeLessThan(1000);
      gaps += step - 1;
      const dts = tsDiff(p.timestamp, prev.timestamp);
      expect(dts).toBeGreaterThanOrEqual(0);
      if (kind === 'audio') expect(dts).toBeGreaterThanOrEqual(frameTicks);
      // A new video frame (filler or real) never shares the timestamp of the one before: the
      // recorder's depacketizer tells frames apart by it.
      const startsFrame = (p.payload[0]! & 0x10) !== 0;
      if (kind === 'video' && startsFrame)
        expect(dts, 'frame start on a new ts').toBeGreaterThanOrEqual(1);
    }
    if (!isFiller(kind, p)) {
      const id = Buffer.from(p.payload).toString('hex');
      expect(seen.has(id), `packet ${id} forwarded twice`).toBe(false);
      seen.add(id);
      const info = h.sentInfo.get(id)!;
      const frame = `${info.ssrc}:${info.srcTs}`;
      const ts = frameTs.get(frame);
      if (ts === undefined) frameTs.set(frame, p.timestamp);
      else expect(p.timestamp, `frame ${frame} split over two timestamps`).toBe(ts);
    }
  }
  // Every hole in the output numbering is a packet the relay gave up on (a run that ends
  // before its anchor is chosen takes its holes with it, hence ≤).
  expect(gaps).toBeLessThanOrEqual(h.relay.stats.lost);
  // Never ahead of the wall clock by more than a second (then the relay holds the source back)
  // plus what the monotonic clamps can add.
  const last = out[out.length - 1];
  if (last) {
    const wall = h.timeline.ts(h.now, clock, h.tsBase);
    expect(tsDiff(last.timestamp, wall)).toBeLessThanOrEqual(clock * 1.1);
  }
  // Video: after a new source (or a recorder restart) the first real packet opens a key frame.
  if (kind === 'video') {
    for (const m of h.marks) {
      // …because the relay asked for one at once, not by luck of the source's key-frame interval.
      if (m.source !== null)
        expect(m.keyFrameAsked, 'key frame asked on source/restart').toBe(true);
      const first = out.slice(m.index).find((p) => !isFiller(kind, p));
      const nextMark = h.marks.find((n) => n.index > m.index);
      const idx = first ? out.indexOf(first) : -1;
      if (!first || (nextMark && idx >= nextMark.index)) continue;
      expect(first.payload[0]).toBe(0x10);
      expect(first.payload[1]! & 1).toBe(0);
      expect(first.payload[2]).toBe(m.source);
    }
  }
}

const step = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('advance' as const),
      ms: fc.integer({ min: 10, max: 600 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('source' as const),
      i: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('restart' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('stall' as const), ms: fc.constantFrom(150, 400, 1500) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('jump' as const), ms: fc.constantFrom(400, 1500, 5000) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('loss' as const),
      p: fc.constantFrom(0, 0, 0.02, 0.1, 0.3),
    }),
  },
);

type Step =
  | { t: 'advance'; ms: number }
  | { t: 'source'; i: number | null }
  | { t: 'restart' }
  | { t: 'stall'; ms: number }
  | { t: 'jump'; ms: number }
  | { t: 'loss'; p: number };

/** Plays one generated scenario, checking the output stream after every step. */
function runModel(kind: SlotKind, seed: number, tsBase: number, steps: Step[]): Harness {
  const h = new Harness(kind, seed, tsBase);
  for (const s of steps) {
    if (s.t === 'advance') h.advance(s.ms);
    else if (s.t === 'source') h.setSource(s.i);
    else if (s.t === 'restart') h.restart();
    else if (s.t === 'jump') h.jump(s.ms);
    else if (s.t === 'stall') h.stalledUntil = h.now + s.ms;
    else h.loss = s.p;
    checkInvariants(h);
  }
  return h;
}

/**
 * Counterexamples the property found (issue #13), kept as fixed cases: [seed, tsBase, steps]
 * exactly as fast-check printed them.
 */
const regressions: Array<{ kind: SlotKind; why: string; example: [number, number, Step[]] }> = [
  {
    kind: 'video',
    why: 'a late copy of a key frame packet after a recorder restart is not sent again',
    example: [
      706839834,
      0,
      [
        { t: 'source', i: 0 },
        { t: 'advance', ms: 531 },
        { t: 'advance', ms: 131 },
        { t: 'restart' },
        { t: 'advance', ms: 401 },
      ],
    ],
  },
  {
    kind: 'audio',
    why: "a restart's silence while a stalled run waits for its anchor, then a clock jump",
    example: [
      286719805,
      0,
      [
        { t: 'stall', ms: 400 },
        { t: 'source', i: 0 },
        { t: 'advance', ms: 391 },
        { t: 'advance', ms: 381 },
        { t: 'stall', ms: 150 },
        { t: 'restart' },
        { t: 'jump', ms: 400 },
        { t: 'advance', ms: 10 },
        { t: 'advance', ms: 151 },
      ],
    ],
  },
];

describe('SlotRelay', () => {
  for (const kind of ['video', 'audio'] as const) {
    it(`${kind}: keeps one continuous, ordered stream through source changes, loss and restarts`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 0x7fff_ffff }),
          fc.constantFrom(0, 0xffff_f000, 123_456),
          fc.array(step, { minLength: 1, maxLength: 40 }),
          (seed, tsBase, steps) => {
            runModel(kind, seed, tsBase, steps);
          },
        ),
        {
          // CI: ~2 s for both kinds on an idle 2-core machine. SLOT_RELAY_RUNS=20000 (and SLOT_RELAY_SEED)
          // for a long local hunt.
          numRuns: Number(process.env.SLOT_RELAY_RUNS ?? 200),
          ...(process.env.SLOT_RELAY_SEED ? { seed: Number(process.env.SLOT_RELAY_SEED) } : {}),
          examples: regressions.filter((r) => r.kind === kind).map((r) => r.example),
        },
      );
    });
  }

  for (const r of regressions) {
    it(`${r.kind} regression (#13): ${r.why}`, () => {
      const [seed, tsBase, steps] = r.example;
      runModel(r.kind, seed, tsBase, steps);
    });
  }

  it('recovers every lost packet through NACK when the resend arrives in time', () => {
    const h = new Harness('video', 42, 0);
    h.setSource(0);
    h.loss = 0.1;
    h.advance(3000);
    h.loss = 0;
    h.advance(500);
    const { stats } = h.relay;
    expect(stats.nacked).toBeGreaterThan(0);
    expect(stats.recovered).toBeGreaterThan(0);
    // 10% loss on the first send and on each resend, three tries: almost nothing is lost.
    expect(stats.lost).toBeLessThanOrEqual(stats.recovered / 20);
    checkInvariants(h);
  });

  it('video waits for the new source key frame and shows the filler meanwhile', () => {
    const h = new Harness('video', 7, 0);
    h.setSource(0);
    h.advance(200);
    const before = h.out.length;
    h.setSource(1);
    expect(isFiller('video', h.out[before]!)).toBe(true);
    expect(h.relay.waitingForKeyFrame).toBe(true);
    h.advance(200);
    expect(h.relay.waitingForKeyFrame).toBe(false);
    expect(h.relay.stats.keyFrameRequests).toBeGreaterThanOrEqual(2);
    checkInvariants(h);
  });

  it('audio fills silence while nobody feeds the slot, at the wall-clock pace', () => {
    const h = new Harness('audio', 9, 0);
    h.advance(1000);
    const silent = h.out.filter((p) => isFiller('audio', p)).length;
    expect(silent).toBeGreaterThanOrEqual(45);
    expect(silent).toBeLessThanOrEqual(51);
    h.setSource(2);
    h.advance(1000);
    const real = h.out.filter((p) => !isFiller('audio', p)).length;
    expect(real).toBeGreaterThanOrEqual(45);
    checkInvariants(h);
  });

  it('audio: a source whose first packets were held up lands at their capture time, not after the silence', () => {
    // #13: silence ran on until the stalled backlog arrived, and the run was then pushed after
    // it: 0.6–0.8 s later on the timeline than the other slots, for the whole run. (A stall
    // over maxLead (1 s) still leaves the anchor late: it cannot tell that from a clock jump.)
    for (const seed of [3, 17, 29, 41, 53, 67, 79, 97]) {
      const h = new Harness('audio', seed, 0);
      h.stalledUntil = h.now + 800;
      h.setSource(0);
      h.advance(3000);
      const late = h.out
        .filter((p) => !isFiller('audio', p))
        .map((p) => {
          const at = h.sentInfo.get(Buffer.from(p.payload).toString('hex'))!.at;
          return tsDiff(p.timestamp, h.timeline.ts(at, 48000, 0)) / 48;
        });
      // The anchor puts the least delayed packet (a hop of 0–25 ms) at its arrival.
      expect(Math.max(...late), `seed ${seed}`).toBeLessThanOrEqual(30);
      expect(h.relay.stats.superseded).toBeGreaterThan(0); // what the silence covered: dropped
      checkInvariants(h);
    }
  });

  it('a stalled source whose backlog arrives at once stays on its timeline', () => {
    const h = new Harness('audio', 5, 0);
    h.setSource(0);
    h.advance(2000);
    h.stalledUntil = h.now + 1000;
    h.advance(3000);
    const { stats } = h.relay;
    expect(stats.reanchors).toBe(0);
    expect(stats.fillerPackets).toBeGreaterThan(35); // the stall was filled with silence…
    expect(stats.superseded).toBeGreaterThan(35); // …and the late backlog dropped, not shifted
    const last = h.out[h.out.length - 1]!;
    const wall = h.timeline.ts(h.now, 48000, 0);
    expect(Math.abs(tsDiff(last.timestamp, wall))).toBeLessThan(48000 * 0.05);
    checkInvariants(h);
  });

  it('puts a source whose clock jumped seconds ahead back on the wall clock', () => {
    const h = new Harness('audio', 11, 0);
    h.setSource(0);
    h.advance(1000);
    h.jump(3000);
    h.advance(500);
    expect(h.relay.stats.reanchors).toBe(1);
    const last = h.out[h.out.length - 1]!;
    const wall = h.timeline.ts(h.now, 48000, 0);
    expect(Math.abs(tsDiff(last.timestamp, wall))).toBeLessThan(48000 * 0.1);
    checkInvariants(h);
  });
});
