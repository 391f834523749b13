import {
  buildRtp,
  buildSenderReport,
  isVp8KeyFrameStart,
  OPUS_SILENCE,
  packetizeVp8,
  parseRtp,
  type RtpPacket,
} from './rtp';
import { type Timeline, tsDiff } from './Timeline';

export type SlotKind = 'audio' | 'video';

export interface SlotRelayOptions {
  kind: SlotKind;
  /** What the recorder sees: one SSRC, payload type and clock for the slot's whole life. */
  ssrc: number;
  payloadType: number;
  clockRate: number;
  timeline: Timeline;
  /** RTP timestamp at the timeline's epoch (random in production). */
  tsBase: number;
  /** First output sequence number. */
  seqBase: number;
  sendRtp(packet: Buffer): void;
  /** Ask the SFU to resend these source sequence numbers (generic NACK). */
  sendNack(sourceSsrc: number, seqs: number[]): void;
  requestKeyFrame(): void;
  /**
   * A VP8 key frame shown while a video slot has no source yet: sent when the recorder starts
   * (so it learns the stream's parameters at once) and when a source ends or changes.
   */
  fillerFrame?: Uint8Array;
  /** How long a gap waits for a retransmission before it is given up. Default 150 ms. */
  maxWaitMs?: number;
  /** Audio silence fills in after this long without a packet. Default 200 ms. */
  audioGapMs?: number;
  /** Re-anchor a source whose packets arrive this much later than their timestamps say. Default 300 ms. */
  maxDriftMs?: number;
}

export interface SlotSource {
  ssrc: number;
  /** Whether the SFU keeps packets to resend for this consumer (nack negotiated). */
  nack: boolean;
}

export interface SlotStats {
  /** Packets of the current source that reached the relay. */
  received: number;
  forwarded: number;
  /** Packets from an SSRC that is not the slot's source (an old consumer's last packets). */
  foreign: number;
  /** Duplicates and packets older than what was already forwarded. */
  late: number;
  /** Sequence numbers given up on after waiting for a retransmission. */
  lost: number;
  /** Sequence numbers asked for again (NACK), counting each try. */
  nacked: number;
  /** Missing packets that arrived after all (retransmission or reordering). */
  recovered: number;
  /** Video packets dropped while waiting for a new source's key frame. */
  awaitingKeyFrame: number;
  /** Buffered packets dropped because the source changed under them. */
  flushed: number;
  /** Packets of a stalled source whose time silence already filled. */
  superseded: number;
  fillerPackets: number;
  keyFrameRequests: number;
  sources: number;
  reanchors: number;
  octets: number;
}

interface Buffered {
  packet: RtpPacket;
  arrival: number;
}

interface Missing {
  since: number;
  lastNack: number;
  tries: number;
}

interface Run {
  seqOffset: number;
  tsOffset: number;
  lastSrcTs: number;
  /** The run's first packets, held until its anchor is chosen (null once it is). */
  pending: Array<Buffered & { ext: number }> | null;
  anchorAt: number;
  /** Silence was sent since the last packet: the next ones must come after it. */
  afterFiller: boolean;
  /** Least lateness (ticks) of the frames since windowStart. */
  windowMin: number;
  windowStart: number;
}

/** How long a new run collects packets before it chooses its anchor. */
const ANCHOR_MS = 400;
/** A source late by more than maxDriftMs for this long gets re-anchored. */
const DRIFT_WINDOW_MS = 3000;
const MAX_NACK_TRIES = 3;
const NACK_INTERVAL_MS = 40;
const KEY_FRAME_RETRY_MS = 1000;
const MAX_REORDER = 512;
/** Filler never bursts more than a second of audio; a longer hole jumps ahead instead. */
const MAX_FILLER_BURST = 50;

/**
 * One recorder slot (the chair's video, the floor holder's audio...). Turns the packets of
 * whichever SFU consumer currently feeds the slot into one continuous RTP stream for the
 * recorder: a fixed SSRC, sequence numbers that run on across sources, timestamps on the port's
 * wall-clock timeline. Reorders and asks for retransmissions (NACK) within `maxWaitMs`, waits
 * for a key frame when a video source starts, and fills audio holes with opus silence so a
 * mixer downstream never waits for a slot nobody speaks on.
 *
 * Pure apart from the callbacks: time comes in as arguments, so tests drive it step by step.
 */
export class SlotRelay {
  readonly kind: SlotKind;
  readonly ssrc: number;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly stats: SlotStats = {
    received: 0,
    forwarded: 0,
    foreign: 0,
    late: 0,
    lost: 0,
    nacked: 0,
    recovered: 0,
    awaitingKeyFrame: 0,
    flushed: 0,
    superseded: 0,
    fillerPackets: 0,
    keyFrameRequests: 0,
    sources: 0,
    reanchors: 0,
    octets: 0,
  };
  readonly #o: SlotRelayOptions;
  readonly #maxWaitMs: number;
  readonly #audioGapMs: number;
  readonly #maxDriftTicks: number;
  readonly #maxLeadTicks: number;
  readonly #frameTicks: number;

  #source: SlotSource | null = null;
  /** Highest extended source sequence number seen (unwrapping the 16-bit field). */
  #highest: number | undefined;
  /** Next extended source sequence number to forward; undefined until a run can start. */
  #expected: number | undefined;
  /**
   * Source sequence numbers below this were seen before a recorder restart. The restart drops
   * what the relay held, not what the source sent: a late copy of an old packet (a NACK's
   * retransmission, a duplicate of the hop) must not start the new run, or a key frame that
   * already went out goes out again (issue #13).
   */
  #floor: number | undefined;
  readonly #buffer = new Map<number, Buffered>();
  readonly #missing = new Map<number, Missing>();
  #waitingKeyFrame = false;
  #lastKeyFrameRequest = Number.NEGATIVE_INFINITY;
  /** Source → output mapping of the current run (one source, no filler in between). */
  #run: Run | null = null;
  #outSeq: number;
  #outTs: number | undefined;
  #lastRealAt = Number.NEGATIVE_INFINITY;
  /** The last thing sent was audio silence (filler), not the source's media. */
  #silenceLast = false;

  constructor(options: SlotRelayOptions) {
    this.#o = options;
    this.kind = options.kind;
    this.ssrc = options.ssrc >>> 0;
    this.payloadType = options.payloadType;
    this.clockRate = options.clockRate;
    this.#maxWaitMs = options.maxWaitMs ?? 150;
    this.#audioGapMs = options.audioGapMs ?? 200;
    this.#maxDriftTicks = ((options.maxDriftMs ?? 300) * options.clockRate) / 1000;
    this.#maxLeadTicks = options.clockRate; // a second
    // An opus frame is 20 ms; a video "step" of one tick keeps timestamps strictly rising.
    this.#frameTicks = options.kind === 'audio' ? options.clockRate / 50 : 1;
    this.#outSeq = (options.seqBase - 1) | 0;
  }

  get source(): SlotSource | null {
    return this.#source;
  }

  /** A video slot whose current source has not yet sent the key frame it can start from. */
  get waitingForKeyFrame(): boolean {
    return this.#waitingKeyFrame;
  }

  /** A new consumer feeds the slot (or none). Video waits for the new source's key frame. */
  setSource(source: SlotSource | null, now: number): void {
    this.#reset();
    // A new consumer numbers its packets afresh: nothing of the old one's sequence applies.
    this.#highest = undefined;
    this.#floor = undefined;
    this.#source = source ? { ssrc: source.ssrc >>> 0, nack: source.nack } : null;
    if (source) this.stats.sources++;
    if (this.kind === 'video') {
      this.#sendFiller(now);
      this.#waitingKeyFrame = source !== null;
      if (source) this.#requestKeyFrame(now, true);
    }
  }

  /** The recorder (re)started: it needs a key frame, and the stream's parameters at once. */
  restart(now: number): void {
    if (this.kind === 'video') {
      // Same source, same sequence space: keep unwrapping where we were, and refuse whatever
      // arrived before the restart (see #floor).
      if (this.#highest !== undefined) this.#floor = this.#highest + 1;
      this.#reset();
      this.#sendFiller(now);
      this.#waitingKeyFrame = this.#source !== null;
      if (this.#source) this.#requestKeyFrame(now, true);
    } else {
      this.#fillAudio(now, true);
    }
  }

  /** An RTP packet from the SFU. */
  push(datagram: Uint8Array, now: number): void {
    const packet = parseRtp(datagram);
    if (!packet) return;
    if (!this.#source || packet.ssrc !== this.#source.ssrc) {
      this.stats.foreign++;
      return;
    }
    this.stats.received++;
    const ext = this.#unwrap(packet.sequenceNumber);
    if (this.#floor !== undefined && ext < this.#floor) {
      this.stats.late++;
      return;
    }
    if (this.#expected === undefined) {
      if (this.#waitingKeyFrame && !isVp8KeyFrameStart(packet.payload)) {
        this.stats.awaitingKeyFrame++;
        this.#requestKeyFrame(now, false);
        return;
      }
      this.#expected = ext;
    }
    if (ext < this.#expected || this.#buffer.has(ext)) {
      this.stats.late++;
      return;
    }
    if (this.#missing.delete(ext)) this.stats.recovered++;
    if (ext - this.#expected > MAX_REORDER) {
      // The source jumped (or we lost a lot): start again from here rather than wait.
      this.stats.lost += ext - this.#expected - this.#buffer.size;
      this.stats.flushed += this.#buffer.size;
      this.#buffer.clear();
      this.#missing.clear();
      this.#expected = ext;
      if (this.kind === 'video') this.#requestKeyFrame(now, true);
    }
    this.#buffer.set(ext, { packet, arrival: now });
    if (ext > this.#expected) {
      const fresh: number[] = [];
      for (let s = this.#expected; s < ext; s++) {
        if (!this.#buffer.has(s) && !this.#missing.has(s)) {
          this.#missing.set(s, { since: now, lastNack: now, tries: 1 });
          fresh.push(s);
        }
      }
      if (fresh.length && this.#source.nack) {
        this.stats.nacked += fresh.length;
        this.#o.sendNack(
          this.#source.ssrc,
          fresh.map((s) => s & 0xffff),
        );
      }
    }
    this.#drain(now);
  }

  /** Timers: NACK retries, giving up on a gap, audio filler, key-frame retries. */
  tick(now: number): void {
    const source = this.#source;
    if (source && this.#expected !== undefined) {
      const again: number[] = [];
      for (const [s, m] of this.#missing) {
        if (s < this.#expected) this.#missing.delete(s);
        else if (now - m.lastNack >= NACK_INTERVAL_MS && m.tries < MAX_NACK_TRIES) {
          m.tries++;
          m.lastNack = now;
          again.push(s & 0xffff);
        }
      }
      if (again.length && source.nack) {
        this.stats.nacked += again.length;
        this.#o.sendNack(source.ssrc, again);
      }
      const gap = this.#missing.get(this.#expected);
      if (this.#buffer.size && gap && now - gap.since >= this.#maxWaitMs) {
        const head = Math.min(...this.#buffer.keys());
        this.stats.lost += head - this.#expected;
        for (let s = this.#expected; s < head; s++) this.#missing.delete(s);
        this.#expected = head;
        this.#drain(now);
        if (this.kind === 'video') this.#requestKeyFrame(now, false);
      }
    }
    if (this.#run?.pending && now >= this.#run.anchorAt) this.#settle(this.#run, now);
    if (this.kind === 'audio') this.#fillAudio(now, false);
    else if (this.#waitingKeyFrame) this.#requestKeyFrame(now, false);
  }

  /** A sender report mapping the slot's timestamps to the wall clock, for the recorder's sync. */
  senderReport(now: number): Buffer {
    const { timeline } = this.#o;
    return buildSenderReport({
      ssrc: this.ssrc,
      unixMs: timeline.unixMs(now),
      rtpTimestamp: timeline.ts(now, this.clockRate, this.#o.tsBase),
      packets: this.stats.forwarded + this.stats.fillerPackets,
      octets: this.stats.octets,
    });
  }

  // ------------------------------------------------------------------------------- internals

  #endRun(): void {
    this.stats.flushed += this.#run?.pending?.length ?? 0;
    this.#run = null;
  }

  #reset(): void {
    this.#endRun();
    this.stats.flushed += this.#buffer.size;
    this.#buffer.clear();
    this.#missing.clear();
    this.#expected = undefined;
    this.#waitingKeyFrame = false;
  }

  #unwrap(seq: number): number {
    if (this.#highest === undefined) {
      this.#highest = seq + 0x10000 * 16;
      return this.#highest;
    }
    const delta = ((seq - (this.#highest & 0xffff) + 0x8000) & 0xffff) - 0x8000;
    const ext = this.#highest + delta;
    if (ext > this.#highest) this.#highest = ext;
    return ext;
  }

  #drain(now: number): void {
    while (this.#expected !== undefined) {
      const ext = this.#expected;
      const next = this.#buffer.get(ext);
      if (!next) return;
      this.#buffer.delete(ext);
      this.#forward(ext, next, now);
      // (forward may have ended the run: then the next packet starts afresh)
      if (this.#expected === ext) this.#expected = ext + 1;
    }
  }

  #wallTs(mono: number): number {
    return this.#o.timeline.ts(mono, this.clockRate, this.#o.tsBase);
  }

  #forward(ext: number, b: Buffered, now: number): void {
    let run = this.#run;
    if (!run) {
      run = {
        seqOffset: this.#outSeq + 1 - ext,
        tsOffset: 0,
        lastSrcTs: b.packet.timestamp,
        pending: [],
        anchorAt: b.arrival + ANCHOR_MS,
        windowMin: Number.POSITIVE_INFINITY,
        windowStart: now,
        // A run that starts after silence (a stalled source's backlog, a first packet that was
        // on its way while the slot idled) lands where its capture belongs, not after the
        // silence: what the silence covers is dropped, as for a run that comes back after it.
        afterFiller: this.#silenceLast,
      };
      this.#run = run;
    }
    this.#lastRealAt = now;
    this.#waitingKeyFrame = false;
    if (run.pending) {
      run.pending.push({ ext, ...b });
      if (now >= run.anchorAt) this.#settle(run, now);
      return;
    }
    this.#forwardInRun(run, ext, b, now);
  }

  #forwardInRun(run: Run, ext: number, b: Buffered, now: number): void {
    const { packet } = b;
    if (packet.timestamp !== run.lastSrcTs) {
      // A new frame: how late is it against the wall clock?
      const lateness = tsDiff(this.#wallTs(b.arrival), (packet.timestamp + run.tsOffset) >>> 0);
      if (lateness < -this.#maxLeadTicks) {
        // The source jumped ahead: put it back on the wall clock. Timestamps never go back,
        // so when what was sent is itself ahead (a run anchored on late packets) this keeps
        // the stream where it is rather than drop media to catch up.
        run.tsOffset = this.#offsetFor(this.#wallTs(b.arrival), packet.timestamp);
        this.stats.reanchors++;
      }
      // Late packets after a stall (ours or the network's) say nothing about the source's
      // clock; a whole window of late packets does (a slow clock, a jump): follow it.
      run.windowMin = Math.min(run.windowMin, lateness);
      if (now - run.windowStart >= DRIFT_WINDOW_MS) {
        if (run.windowMin > this.#maxDriftTicks) {
          run.tsOffset = (run.tsOffset + run.windowMin) >>> 0;
          this.stats.reanchors++;
        }
        run.windowMin = Number.POSITIVE_INFINITY;
        run.windowStart = now;
      }
      run.lastSrcTs = packet.timestamp;
    }
    this.#send(ext, packet, run);
  }

  /**
   * Picks a run's anchor from its first ANCHOR_MS of packets: the least delayed one says best
   * where the source's timestamps sit on the wall clock (the first packet may have waited for
   * a busy moment of ours, or of the network). Then sends what waited.
   */
  #settle(run: Run, now: number): void {
    const pending = run.pending ?? [];
    run.pending = null;
    const first = pending[0];
    if (!first) return;
    const base = (this.#wallTs(first.arrival) - first.packet.timestamp) >>> 0;
    let best = 0;
    for (const p of pending) {
      const d = tsDiff((this.#wallTs(p.arrival) - p.packet.timestamp) >>> 0, base);
      // (a source that jumped ahead within the window is not "less delayed")
      if (d < best && d > -this.#maxLeadTicks) best = d;
    }
    const target = (first.packet.timestamp + base + best) >>> 0;
    // Silence went out before or while the run waited for its anchor (a recorder restart, an
    // idle slot, a stalled hop): the run keeps its own place on the wall clock and #send drops
    // what the silence covers. Pushing the anchor past the silence instead put the whole run
    // that much later than its capture (as long as the stall, up to a second), out of sync
    // with the other slots and, with a later clock jump, over a second ahead of the wall
    // clock (issue #13).
    run.tsOffset = run.afterFiller
      ? (target - first.packet.timestamp) >>> 0
      : this.#offsetFor(target, first.packet.timestamp);
    run.lastSrcTs = first.packet.timestamp;
    for (const p of pending) this.#forwardInRun(run, p.ext, p, now);
  }

  /** The offset that puts source timestamp `srcTs` at `target`, never before what was sent. */
  #offsetFor(target: number, srcTs: number): number {
    let out = target;
    if (this.#outTs !== undefined && tsDiff(out, this.#outTs) < this.#frameTicks) {
      out = (this.#outTs + this.#frameTicks) >>> 0;
    }
    return (out - srcTs) >>> 0;
  }

  #send(ext: number, packet: RtpPacket, run: Run): void {
    const outTs = (packet.timestamp + run.tsOffset) >>> 0;
    if (run.afterFiller) {
      if (this.#outTs !== undefined && tsDiff(outTs, this.#outTs) < this.#frameTicks) {
        this.stats.superseded++;
        return;
      }
      run.afterFiller = false;
      run.seqOffset = this.#outSeq + 1 - ext;
    }
    this.#outSeq = ext + run.seqOffset;
    this.#silenceLast = false;
    this.#emit(packet.marker, this.#outSeq, outTs, packet.payload);
    this.stats.forwarded++;
  }

  #emit(marker: boolean, seq: number, ts: number, payload: Uint8Array): void {
    this.#outTs = ts;
    this.stats.octets += payload.length;
    this.#o.sendRtp(
      buildRtp(
        {
          marker,
          payloadType: this.payloadType,
          sequenceNumber: seq,
          timestamp: ts,
          ssrc: this.ssrc,
        },
        payload,
      ),
    );
  }

  #sendFiller(now: number): void {
    const frame = this.#o.fillerFrame;
    if (!frame) return;
    let ts = this.#wallTs(now);
    if (this.#outTs !== undefined && tsDiff(ts, this.#outTs) < 1) ts = (this.#outTs + 1) >>> 0;
    const parts = packetizeVp8(frame);
    parts.forEach((payload, i) => {
      this.#outSeq++;
      this.#emit(i === parts.length - 1, this.#outSeq, ts, payload);
      this.stats.fillerPackets++;
    });
    this.#endRun();
  }

  /**
   * Opus silence for every 20 ms the slot had nothing to say, keeping the audio stream
   * continuous (a mixer waits for every input). `force` starts at once (recorder start).
   */
  #fillAudio(now: number, force: boolean): void {
    const idle = now - this.#lastRealAt >= this.#audioGapMs;
    if (!force && (!idle || this.#buffer.size > 0)) return;
    const wall = this.#wallTs(now);
    const step = this.#frameTicks;
    if (this.#outTs === undefined || tsDiff(wall, this.#outTs) > step * MAX_FILLER_BURST) {
      this.#outTs = (wall - step) >>> 0;
    }
    let sent = 0;
    while (tsDiff(wall, (this.#outTs + step) >>> 0) >= 0 && sent < MAX_FILLER_BURST) {
      this.#outSeq++;
      this.#emit(false, this.#outSeq, (this.#outTs + step) >>> 0, OPUS_SILENCE);
      this.stats.fillerPackets++;
      sent++;
    }
    // A source that comes back keeps its mapping (its backlog lands where it belongs); what
    // the silence already covers is dropped.
    if (sent) this.#silenceLast = true;
    if (sent && this.#run) this.#run.afterFiller = true;
  }

  #requestKeyFrame(now: number, force: boolean): void {
    if (!force && now - this.#lastKeyFrameRequest < KEY_FRAME_RETRY_MS) return;
    this.#lastKeyFrameRequest = now;
    this.stats.keyFrameRequests++;
    this.#o.requestKeyFrame();
  }
}
