// What a site measures on one received stream, from RTP alone (no decoding): the first packet,
// the first complete key frame (every packet from its S=1 start to its marker, i.e. decodable),
// unique packets, gaps, and packets that arrived after a later one (retransmissions after NACK).
import { vp8StartsKeyFrame } from './vp8';

export interface InboundSummary {
  firstRtpAt: number | null;
  firstKeyFrameAt: number | null;
  /** When this stream was last resumed (a tile came on screen); null before. */
  resumedAt: number | null;
  received: number;
  expected: number;
  lost: number;
  recovered: number;
  bytes: number;
}

export class InboundStream {
  firstRtpAt: number | null = null;
  firstKeyFrameAt: number | null = null;
  resumedAt: number | null = null;
  bytes = 0;
  #base = -1;
  #highest = -1; // extended
  #seen = new Set<number>();
  #received = 0;
  #recovered = 0;
  readonly #frames = new Map<number, { start: number; end: number }>();
  #windowStart = -1;
  #windowStartReceived = 0;
  #windowStartRecovered = 0;

  constructor(readonly kind: 'audio' | 'video') {}

  onRtp(seq: number, ts: number, marker: boolean, payload: Buffer, now: number): void {
    if (this.firstRtpAt === null) this.firstRtpAt = now;
    this.bytes += payload.length;
    let ext: number;
    if (this.#highest < 0) {
      ext = seq;
      this.#base = seq;
    } else {
      const cycle = this.#highest & ~0xffff;
      ext = cycle | seq;
      if (ext - this.#highest > 0x8000) ext -= 0x10000;
      else if (this.#highest - ext > 0x8000) ext += 0x10000;
    }
    if (this.#seen.has(ext)) return;
    this.#seen.add(ext);
    if (this.#seen.size > 4096) {
      // Keep memory flat: forget what is far behind.
      for (const s of this.#seen) {
        if (s < this.#highest - 2048) this.#seen.delete(s);
      }
    }
    this.#received++;
    if (ext < this.#highest) this.#recovered++;
    else this.#highest = ext;
    if (this.kind === 'video' && this.firstKeyFrameAt === null)
      this.#keyFrame(ext, ts, marker, payload, now);
  }

  #keyFrame(ext: number, ts: number, marker: boolean, payload: Buffer, now: number): void {
    // Packets of one frame share its timestamp; retransmissions may bring them in any order.
    let f = this.#frames.get(ts);
    if (!f) {
      f = { start: -1, end: -1 };
      this.#frames.set(ts, f);
      if (this.#frames.size > 64) this.#frames.delete(this.#frames.keys().next().value!);
    }
    if (vp8StartsKeyFrame(payload) === true) f.start = ext;
    if (marker) f.end = ext;
    if (f.start < 0 || f.end < 0) return;
    for (let s = f.start; s <= f.end; s++) if (!this.#seen.has(s)) return;
    this.firstKeyFrameAt = now;
    this.#frames.clear();
  }

  /**
   * The consumer is being resumed (its tile came on screen): from now on, wait for a complete
   * key frame again (firstKeyFrameAt − resumedAt = tile visible → first frame).
   */
  resumed(now: number): void {
    this.resumedAt = now;
    this.firstKeyFrameAt = null;
    this.#frames.clear();
  }

  /** Starts the measurement window: loss counts from the next packet on. */
  markWindow(): void {
    this.#windowStart = this.#highest;
    this.#windowStartReceived = this.#received;
    this.#windowStartRecovered = this.#recovered;
  }

  /** Since markWindow (or the first packet). */
  summary(): InboundSummary {
    const from = this.#windowStart >= 0 ? this.#windowStart : this.#base - 1;
    const expected = this.#highest < 0 ? 0 : this.#highest - from;
    const received = this.#received - (this.#windowStart >= 0 ? this.#windowStartReceived : 0);
    return {
      firstRtpAt: this.firstRtpAt,
      firstKeyFrameAt: this.firstKeyFrameAt,
      resumedAt: this.resumedAt,
      received,
      expected,
      lost: Math.max(0, expected - received),
      recovered: this.#recovered - (this.#windowStart >= 0 ? this.#windowStartRecovered : 0),
      bytes: this.bytes,
    };
  }
}
