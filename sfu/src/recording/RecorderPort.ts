import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import type * as ms from 'mediasoup/node/lib/types';
import { EnhancedEventEmitter } from '../EnhancedEventEmitter';
import { InvalidParametersError, SfuError } from '../errors';
import type { SfuLogger } from '../logger';
import { buildNack, isRtcp, parseRtp } from './rtp';
import { type SlotKind, SlotRelay, type SlotStats } from './SlotRelay';
import { Timeline } from './Timeline';

/**
 * What a meeting's recorder listens to. The chair's camera and microphone, whoever holds the
 * floor (camera and microphone), and the screen share: five fixed streams, whatever sources
 * feed them over time.
 */
export const RECORDING_SLOTS = [
  'chair.video',
  'chair.audio',
  'floor.video',
  'floor.audio',
  'screen.video',
] as const;
export type RecordingSlot = (typeof RECORDING_SLOTS)[number];

export const RECORDING_SLOT_KIND: Record<RecordingSlot, SlotKind> = {
  'chair.video': 'video',
  'chair.audio': 'audio',
  'floor.video': 'video',
  'floor.audio': 'audio',
  'screen.video': 'video',
};

/** Payload types the recorder sees (its SDP says the same). */
export const RECORDER_VIDEO_PT = 96;
export const RECORDER_AUDIO_PT = 111;

/**
 * What the recorder's consumers accept: VP8 and opus, copied into the file as they come, with
 * NACK so the SFU resends what the loopback hop lost, and PLI/FIR so a new source or a new
 * segment starts on a key frame. No header extensions: the recorder needs none.
 */
export const RECORDER_RTP_CAPABILITIES: ms.RtpCapabilities = {
  codecs: [
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      clockRate: 48000,
      channels: 2,
      preferredPayloadType: RECORDER_AUDIO_PT,
      rtcpFeedback: [{ type: 'nack' }],
    },
    {
      kind: 'video',
      mimeType: 'video/VP8',
      clockRate: 90000,
      preferredPayloadType: RECORDER_VIDEO_PT,
      rtcpFeedback: [
        { type: 'nack' },
        { type: 'nack', parameter: 'pli' },
        { type: 'ccm', parameter: 'fir' },
      ],
    },
  ],
  headerExtensions: [],
};

export interface RecorderSlotInfo {
  slot: RecordingSlot;
  kind: SlotKind;
  /** Encoding name as an SDP rtpmap writes it. */
  encoding: 'VP8' | 'opus';
  payloadType: number;
  clockRate: number;
  channels?: number;
  ssrc: number;
}

/** Where the recorder process listens: an RTP and an RTCP port per slot. */
export interface RecorderTarget {
  ip: string;
  ports: Record<RecordingSlot, { rtp: number; rtcp: number }>;
}

export interface RecorderSourceChange {
  slot: RecordingSlot;
  producerId: string | null;
  /** Wall-clock time of the change (ms since the Unix epoch). */
  at: number;
}

export type RecorderPortEvents = {
  /** A slot's source changed: feed() or its producer closed (then producerId is null). */
  sourcechange: [RecorderSourceChange];
  close: [];
};

/** The part of MediaRoom a recorder port drives, always as the port's own peer. */
export interface RecorderPortHost {
  consume(
    peerId: string,
    transportId: string,
    producerId: string,
    rtpCapabilities: ms.RtpCapabilities,
  ): Promise<{ id: string; kind: SlotKind; rtpParameters: ms.RtpParameters }>;
  resumeConsumer(peerId: string, consumerId: string): Promise<void>;
  closeConsumer(peerId: string, consumerId: string): void;
  requestKeyFrame(peerId: string, consumerId: string): Promise<void>;
  closePeer(peerId: string): void;
  on(event: 'consumerclosed', fn: (e: { peerId: string; consumerId: string }) => void): unknown;
  off(event: 'consumerclosed', fn: (e: { peerId: string; consumerId: string }) => void): unknown;
}

export interface RecorderPortOptions {
  /** VP8 key frame a video slot shows until its source's first key frame (see SlotRelay). */
  fillerFrame?: Uint8Array;
  /** How long a missing packet waits for its retransmission. Default 150 ms. */
  maxWaitMs?: number;
  /** Tests only: decides, per datagram from the SFU, whether the relay sees it (loss). */
  inboundFilter?: (datagram: Buffer) => boolean;
}

interface SlotState {
  relay: SlotRelay;
  consumerId: string | null;
  producerId: string | null;
  /** feed() calls on one slot run one after the other. */
  chain: Promise<void>;
}

const TICK_MS = 10;
const SENDER_REPORT_MS = 500;

/**
 * The SFU end of a meeting's recording: one PlainTransport on the room's home router carrying a
 * consumer per fed slot to a relay socket on 127.0.0.1, and a relay per slot (SlotRelay) that
 * hands the recorder process five continuous RTP streams with sender reports on one wall-clock
 * timeline. The recorder can die and come back on other ports (target()) without the SFU side
 * noticing; the meeting never does either.
 */
export class RecorderPort extends EnhancedEventEmitter<RecorderPortEvents> {
  readonly peerId: string;
  readonly transportId: string;
  readonly #host: RecorderPortHost;
  readonly #transport: ms.PlainTransport;
  readonly #socket: dgram.Socket;
  readonly #out: dgram.Socket;
  readonly #slots = new Map<RecordingSlot, SlotState>();
  readonly #bySsrc = new Map<number, SlotState>();
  readonly #logger: SfuLogger;
  readonly #inboundFilter: ((d: Buffer) => boolean) | undefined;
  readonly #timeline: Timeline;
  readonly #timer: NodeJS.Timeout;
  readonly #onConsumerClosed: (e: { peerId: string; consumerId: string }) => void;
  #target: RecorderTarget | undefined;
  #lastReport = 0;
  #closed = false;

  private constructor(
    o: {
      host: RecorderPortHost;
      peerId: string;
      transport: ms.PlainTransport;
      socket: dgram.Socket;
      out: dgram.Socket;
      logger: SfuLogger;
    } & RecorderPortOptions,
  ) {
    super();
    this.#host = o.host;
    this.peerId = o.peerId;
    this.#transport = o.transport;
    this.transportId = o.transport.id;
    this.#socket = o.socket;
    this.#out = o.out;
    this.#logger = o.logger;
    this.#inboundFilter = o.inboundFilter;
    this.#timeline = new Timeline(performance.now(), Date.now());

    for (const slot of RECORDING_SLOTS) {
      const kind = RECORDING_SLOT_KIND[slot];
      const state: SlotState = {
        consumerId: null,
        producerId: null,
        chain: Promise.resolve(),
        relay: new SlotRelay({
          kind,
          ssrc: randomInt(1, 0xffff_ffff),
          payloadType: kind === 'video' ? RECORDER_VIDEO_PT : RECORDER_AUDIO_PT,
          clockRate: kind === 'video' ? 90000 : 48000,
          timeline: this.#timeline,
          tsBase: randomInt(0, 0xffff_ffff),
          seqBase: randomInt(0, 0x10000),
          ...(kind === 'video' && o.fillerFrame ? { fillerFrame: o.fillerFrame } : {}),
          ...(o.maxWaitMs !== undefined ? { maxWaitMs: o.maxWaitMs } : {}),
          sendRtp: (packet) => this.#sendToRecorder(slot, packet, false),
          sendNack: (ssrc, seqs) => this.#sendToSfu(buildNack(state.relay.ssrc, ssrc, seqs)),
          requestKeyFrame: () => {
            const id = state.consumerId;
            if (!id) return;
            this.#host.requestKeyFrame(this.peerId, id).catch(() => {});
          },
        }),
      };
      this.#slots.set(slot, state);
    }

    this.#socket.on('message', (msg) => this.#onDatagram(msg));
    this.#onConsumerClosed = ({ peerId, consumerId }) => {
      if (peerId !== this.peerId) return;
      for (const [slot, s] of this.#slots) {
        if (s.consumerId !== consumerId) continue;
        const producerId = s.producerId;
        this.#detach(s);
        s.relay.setSource(null, performance.now());
        if (producerId) this.safeEmit('sourcechange', { slot, producerId: null, at: Date.now() });
      }
    };
    this.#host.on('consumerclosed', this.#onConsumerClosed);
    this.#transport.observer.once('close', () => this.close());
    // Timers run before I/O in Node's loop: after a busy moment (GC, a loaded machine) the
    // tick would fill silence and give up on gaps before the datagrams that waited meanwhile
    // are read. setImmediate runs it after the I/O phase, once they have been.
    this.#timer = setInterval(() => setImmediate(() => this.#tick()), TICK_MS);
    this.#timer.unref();
  }

  /**
   * Wires a port to an already created PlainTransport (comedia off, rtcp-mux on, listening on
   * 127.0.0.1) of the room's home router. MediaRoom.createRecorderPort() is the way in.
   */
  static async create(
    o: {
      host: RecorderPortHost;
      peerId: string;
      transport: ms.PlainTransport;
      logger: SfuLogger;
    } & RecorderPortOptions,
  ): Promise<RecorderPort> {
    const socket = await bindLoopback();
    const out = await bindLoopback().catch((error) => {
      socket.close();
      throw error;
    });
    try {
      await o.transport.connect({ ip: '127.0.0.1', port: socket.address().port });
    } catch (error) {
      socket.close();
      out.close();
      throw error;
    }
    return new RecorderPort({ ...o, socket, out });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The five streams as the recorder's SDP must describe them. */
  get slots(): RecorderSlotInfo[] {
    return RECORDING_SLOTS.map((slot) => {
      const { relay } = this.#slots.get(slot)!;
      return {
        slot,
        kind: relay.kind,
        encoding: relay.kind === 'video' ? 'VP8' : 'opus',
        payloadType: relay.payloadType,
        clockRate: relay.clockRate,
        ...(relay.kind === 'audio' ? { channels: 2 } : {}),
        ssrc: relay.ssrc,
      };
    });
  }

  /** Which producer feeds each slot now. */
  get sources(): Record<RecordingSlot, string | null> {
    const out = {} as Record<RecordingSlot, string | null>;
    for (const [slot, s] of this.#slots) out[slot] = s.producerId;
    return out;
  }

  /**
   * Point the streams at a (new) recorder process: sender reports go out at once and every
   * video slot starts again from a key frame, so the new file opens cleanly.
   */
  target(target: RecorderTarget, o: { restart?: boolean } = {}): void {
    this.#assertOpen();
    for (const slot of RECORDING_SLOTS) {
      const p = target.ports[slot];
      if (!p || !validPort(p.rtp) || !validPort(p.rtcp)) {
        throw new InvalidParametersError(`target.ports["${slot}"] needs rtp and rtcp ports`);
      }
    }
    this.#target = target;
    // restart: false = the same recorder again (a stop after a drain): the streams just go on.
    if (o.restart === false) return;
    const now = performance.now();
    this.#sendReports(now);
    for (const s of this.#slots.values()) s.relay.restart(now);
  }

  /** The recorder went away: stop sending until target() names the next one. */
  untarget(): void {
    this.#target = undefined;
  }

  /**
   * Feeds a slot from a producer of the room (or from nothing). The old consumer closes, the
   * new one starts with a key-frame request; the recorder sees one continuous stream.
   */
  feed(slot: RecordingSlot, producerId: string | null): Promise<void> {
    this.#assertOpen();
    const s = this.#slots.get(slot);
    if (!s) throw new InvalidParametersError(`unknown recording slot ${String(slot)}`);
    const run = s.chain.then(() => this.#feed(slot, s, producerId));
    s.chain = run.catch(() => {});
    return run;
  }

  stats(): Record<RecordingSlot, SlotStats & { producerId: string | null }> {
    const out = {} as Record<RecordingSlot, SlotStats & { producerId: string | null }>;
    for (const [slot, s] of this.#slots) out[slot] = { ...s.relay.stats, producerId: s.producerId };
    return out;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#host.off('consumerclosed', this.#onConsumerClosed);
    this.#socket.close();
    this.#out.close();
    this.#host.closePeer(this.peerId);
    this.safeEmit('close');
  }

  // ------------------------------------------------------------------------------- internals

  async #feed(slot: RecordingSlot, s: SlotState, producerId: string | null): Promise<void> {
    if (this.#closed || s.producerId === producerId) return;
    const old = s.consumerId;
    this.#detach(s);
    if (old) {
      try {
        this.#host.closeConsumer(this.peerId, old);
      } catch {
        // already gone with its producer
      }
    }
    if (!producerId) {
      s.relay.setSource(null, performance.now());
      this.safeEmit('sourcechange', { slot, producerId: null, at: Date.now() });
      return;
    }
    const info = await this.#host.consume(
      this.peerId,
      this.transportId,
      producerId,
      RECORDER_RTP_CAPABILITIES,
    );
    if (info.kind !== RECORDING_SLOT_KIND[slot]) {
      this.#host.closeConsumer(this.peerId, info.id);
      throw new InvalidParametersError(`slot ${slot} records ${RECORDING_SLOT_KIND[slot]}`);
    }
    if (this.#closed) return;
    const ssrc = info.rtpParameters.encodings?.[0]?.ssrc;
    if (ssrc === undefined) {
      this.#host.closeConsumer(this.peerId, info.id);
      throw new SfuError('MEDIA_ERROR', 'recorder consumer has no ssrc');
    }
    const nack = (info.rtpParameters.codecs[0]?.rtcpFeedback ?? []).some(
      (fb) => fb.type === 'nack' && !fb.parameter,
    );
    s.consumerId = info.id;
    s.producerId = producerId;
    this.#bySsrc.set(ssrc, s);
    s.relay.setSource({ ssrc, nack }, performance.now());
    await this.#host.resumeConsumer(this.peerId, info.id);
    this.safeEmit('sourcechange', { slot, producerId, at: Date.now() });
    // The relay asked for a key frame before the consumer ran; ask again now that it does.
    if (info.kind === 'video') {
      await this.#host.requestKeyFrame(this.peerId, info.id).catch(() => {});
    }
  }

  #detach(s: SlotState): void {
    for (const [ssrc, v] of this.#bySsrc) if (v === s) this.#bySsrc.delete(ssrc);
    s.consumerId = null;
    s.producerId = null;
  }

  #onDatagram(msg: Buffer): void {
    if (this.#inboundFilter && !this.#inboundFilter(msg)) return;
    if (isRtcp(msg)) return; // the SFU's sender reports: the relay keeps its own clock
    const packet = parseRtp(msg);
    if (!packet) return;
    this.#bySsrc.get(packet.ssrc)?.relay.push(msg, performance.now());
  }

  #tick(): void {
    if (this.#closed) return;
    const now = performance.now();
    for (const s of this.#slots.values()) s.relay.tick(now);
    if (now - this.#lastReport >= SENDER_REPORT_MS) this.#sendReports(now);
  }

  #sendReports(now: number): void {
    this.#lastReport = now;
    for (const [slot, s] of this.#slots)
      this.#sendToRecorder(slot, s.relay.senderReport(now), true);
  }

  #sendToRecorder(slot: RecordingSlot, packet: Buffer, rtcp: boolean): void {
    const t = this.#target;
    if (!t || this.#closed) return;
    const p = t.ports[slot];
    this.#out.send(packet, rtcp ? p.rtcp : p.rtp, t.ip, (error) => {
      if (error) this.#logger.warn('recorder send failed', { slot, error: error.message });
    });
  }

  #sendToSfu(packet: Buffer): void {
    if (this.#closed) return;
    const { localIp, localPort } = this.#transport.tuple;
    this.#socket.send(packet, localPort, localIp, () => {});
  }

  #assertOpen(): void {
    if (this.#closed) throw new SfuError('RECORDER_PORT_CLOSED', 'recorder port is closed');
  }
}

function validPort(p: unknown): boolean {
  return Number.isInteger(p) && (p as number) > 0 && (p as number) < 65536;
}

function bindLoopback(): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}
