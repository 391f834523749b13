// Sends ffmpeg-encoded clips over a werift DTLS transport as a browser's encoder would: one SSRC
// per simulcast layer, 30 fps VP8 (opus at 50 packets/s), fresh sequence numbers and
// timestamps per layer, mid + abs-send-time + transport-wide sequence numbers, and answers the
// SFU's RTCP: NACK → retransmit from history, PLI/FIR → the next frame is a key frame (the replay
// jumps to the clip's key frame, so the stream stays decodable). `setActive(i, false)` is the
// RTCRtpSender.setParameters({ encodings[i].active: false }) of a browser.
import { randomInt } from 'node:crypto';
import {
  GenericNack,
  PictureLossIndication,
  type RTCDtlsTransport,
  RTP_EXTENSION_URI,
  RtcpPayloadSpecificFeedback,
  RtcpTransportLayerFeedback,
  RtpHeader,
  serializeAbsSendTime,
  serializeSdesMid,
  serializeTransportWideCC,
} from 'werift';
import { packetizeVp8, type Vp8Frame } from './vp8';

export interface ReplayLayer {
  frames?: Vp8Frame[];
  /** Opus packets (audio). */
  audio?: Buffer[];
  ssrc: number;
  active: boolean;
}

export interface SenderCounters {
  packets: number;
  bytes: number;
  retransmitted: number;
  retransmittedBytes: number;
  keyFramesOnRequest: number;
  /** Frame slots elapsed since the start (sent or skipped). */
  frames: number;
  /** Frame slots skipped after a stall of the load process (not sent late in a burst). */
  framesSkipped: number;
}

interface LayerState extends ReplayLayer {
  seq: number;
  ts: number;
  index: number;
  pictureId: number;
  wantKey: boolean;
  history: Array<
    { seq: number; payload: Buffer; ts: number; marker: boolean; resentAt: number } | undefined
  >;
}

const HISTORY = 1024;
const RESEND_MIN_MS = 100;

export class ReplaySender {
  readonly counters: SenderCounters = {
    packets: 0,
    bytes: 0,
    retransmitted: 0,
    retransmittedBytes: 0,
    keyFramesOnRequest: 0,
    frames: 0,
    framesSkipped: 0,
  };
  readonly #layers: LayerState[];
  readonly #bySsrc = new Map<number, LayerState>();
  #ext: { mid?: number; abs?: number; twcc?: number } = {};
  #nextAt: number;
  readonly #periodMs: number;
  #dtls: RTCDtlsTransport | undefined;

  constructor(
    layers: ReplayLayer[],
    readonly payloadType: number,
    readonly mid: string,
    readonly kind: 'audio' | 'video',
  ) {
    this.#periodMs = kind === 'video' ? 1000 / 30 : 20;
    this.#nextAt = performance.now() + Math.random() * this.#periodMs;
    this.#layers = layers.map((l) => ({
      ...l,
      seq: randomInt(0, 0x10000),
      ts: randomInt(0, 0x7fffffff),
      index: 0,
      pictureId: randomInt(0, 0x8000),
      wantKey: false,
      history: new Array(HISTORY),
    }));
    for (const l of this.#layers) this.#bySsrc.set(l.ssrc, l);
  }

  attach(dtls: RTCDtlsTransport, headerExtensions: Array<{ uri: string; id: number }>): void {
    this.#dtls = dtls;
    const id = (uri: string) => headerExtensions.find((e) => e.uri === uri)?.id;
    this.#ext = {
      mid: id(RTP_EXTENSION_URI.sdesMid),
      abs: id(RTP_EXTENSION_URI.absSendTime),
      twcc: id(RTP_EXTENSION_URI.transportWideCC),
    };
    dtls.onRtcp.subscribe((p) => this.#onRtcp(p));
  }

  get ssrcs(): number[] {
    return this.#layers.map((l) => l.ssrc);
  }

  setActive(index: number, active: boolean): void {
    const l = this.#layers[index];
    if (!l || l.active === active) return;
    l.active = active;
    // A resumed layer starts with a key frame, as a browser's encoder does.
    if (active) l.wantKey = true;
  }

  isActive(index: number): boolean {
    return this.#layers[index]?.active ?? false;
  }

  /** Called by the process's media clock; sends every frame that is due. */
  tick(now: number): void {
    if (this.#dtls?.state !== 'connected') {
      this.#nextAt = now + this.#periodMs;
      return;
    }
    if (now < this.#nextAt) return;
    // One frame per tick, as a camera paced by its encoder: after a stall (a descheduled load
    // process) the frames missed meanwhile are skipped (the RTP timestamp jumps over them, as
    // when an encoder drops frames) instead of being sent in one burst that overflows the
    // receiver's socket buffer.
    const skipped = Math.floor((now - this.#nextAt) / this.#periodMs);
    this.#nextAt += (skipped + 1) * this.#periodMs;
    this.counters.frames += skipped + 1;
    this.counters.framesSkipped += skipped;
    for (const l of this.#layers) this.#frame(l, skipped);
  }

  #frame(l: LayerState, skipped: number): void {
    const step = this.kind === 'video' ? 3000 : 960;
    l.ts = (l.ts + step * (skipped + 1)) >>> 0;
    if (this.kind === 'audio') {
      const packets = l.audio!;
      const p = packets[l.index++ % packets.length]!;
      if (l.active) this.#send(l, p, true, l.ts);
      return;
    }
    const frames = l.frames!;
    if (l.wantKey) {
      l.index = 0; // the clip's first frame is its key frame
      l.wantKey = false;
      this.counters.keyFramesOnRequest++;
    }
    const frame = frames[l.index]!;
    l.index = (l.index + 1) % frames.length;
    if (!l.active) return;
    l.pictureId = (l.pictureId + 1) & 0x7fff;
    const parts = packetizeVp8(frame.data, l.pictureId);
    for (let i = 0; i < parts.length; i++) this.#send(l, parts[i]!, i === parts.length - 1, l.ts);
  }

  #send(l: LayerState, payload: Buffer, marker: boolean, ts: number, seq?: number): void {
    const dtls = this.#dtls!;
    const isRetransmit = seq !== undefined;
    if (!isRetransmit) {
      l.seq = (l.seq + 1) & 0xffff;
      l.history[l.seq % HISTORY] = { seq: l.seq, payload, ts, marker, resentAt: -1 };
    }
    const extensions: Array<{ id: number; payload: Buffer }> = [];
    if (this.#ext.mid) extensions.push({ id: this.#ext.mid, payload: serializeSdesMid(this.mid) });
    if (this.#ext.abs) {
      extensions.push({ id: this.#ext.abs, payload: serializeAbsSendTime(ntpNow()) });
    }
    if (this.#ext.twcc) {
      dtls.transportSequenceNumber = (dtls.transportSequenceNumber + 1) & 0xffff;
      extensions.push({
        id: this.#ext.twcc,
        payload: serializeTransportWideCC(dtls.transportSequenceNumber),
      });
    }
    extensions.sort((a, b) => a.id - b.id);
    const header = new RtpHeader({
      payloadType: this.payloadType,
      sequenceNumber: isRetransmit ? seq : l.seq,
      timestamp: ts,
      ssrc: l.ssrc,
      marker,
      extension: extensions.length > 0,
      extensions,
    });
    this.counters.packets++;
    this.counters.bytes += payload.length;
    if (isRetransmit) {
      this.counters.retransmitted++;
      this.counters.retransmittedBytes += payload.length;
    }
    void dtls.sendRtp(payload, header);
  }

  #onRtcp(p: unknown): void {
    if (p instanceof RtcpTransportLayerFeedback && p.feedback instanceof GenericNack) {
      const l = this.#bySsrc.get(p.feedback.mediaSourceSsrc);
      if (!l) return;
      const now = performance.now();
      for (const seq of p.feedback.lost) {
        const h = l.history[seq % HISTORY];
        // As libwebrtc: one retransmission per packet per ~RTT, however often it is NACKed
        // (answering every duplicate NACK turns a starved sender into a retransmission storm).
        if (!h || h.seq !== seq || now - h.resentAt < RESEND_MIN_MS) continue;
        h.resentAt = now;
        this.#send(l, h.payload, h.marker, h.ts, seq);
      }
    } else if (p instanceof RtcpPayloadSpecificFeedback) {
      const fb = p.feedback as { mediaSsrc?: number };
      const l = this.#bySsrc.get(fb.mediaSsrc ?? -1);
      if (l && p.feedback instanceof PictureLossIndication) l.wantKey = true;
      else if (!l) for (const x of this.#layers) x.wantKey = true; // FIR carries SSRCs inside
    }
  }
}

/** 64-bit NTP time of now. */
function ntpNow(): bigint {
  const ms = Date.now() + 2_208_988_800_000;
  const sec = BigInt(Math.floor(ms / 1000));
  const frac = BigInt(Math.floor(((ms % 1000) / 1000) * 2 ** 32));
  return (sec << 32n) | frac;
}
