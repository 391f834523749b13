import dgram from 'node:dgram';
import type * as ms from 'mediasoup/node/lib/types';
import {
  AUDIO_LEVEL_EXT_ID,
  AUDIO_LEVEL_URI,
  AUDIO_PT,
  buildRtpPacket,
  isRtcp,
  opusPayload,
  rtcpRequestsKeyFrame,
  VIDEO_PT,
  vp8Payload,
} from './rtp';

export interface SyntheticMediaOptions {
  videoSsrc?: number;
  audioSsrc?: number;
  /** Video bitrate in bits/s (payload), default 1 Mbps. */
  videoBitrate?: number;
  /** RTP packet size of video, default 1,200 bytes. */
  videoPacketSize?: number;
  /** Frames per second of video, default 30. */
  fps?: number;
  /** Audio packets per second, default 50 (20 ms opus frames). */
  audioPps?: number;
  audioPacketSize?: number;
  /** A periodic key frame in addition to the ones PLI/FIR ask for; default 2 s. */
  keyFrameIntervalMs?: number;
  /** Pacing tick; every tick sends what is due since the last one. Default 5 ms. */
  tickMs?: number;
  /** Whether the first frame is a key frame (default true); false waits for a PLI/FIR. */
  keyFrameOnStart?: boolean;
  /** When set, audio carries an ssrc-audio-level extension with this level (0..127 = -dBov). */
  audioLevelDbov?: number;
}

/** rtpParameters for producing what SyntheticMediaSender sends. */
export function syntheticRtpParameters(o: {
  videoSsrc: number;
  audioSsrc: number;
  audioLevel?: boolean;
}): {
  video: ms.RtpParameters;
  audio: ms.RtpParameters;
} {
  return {
    video: {
      codecs: [
        {
          mimeType: 'video/VP8',
          payloadType: VIDEO_PT,
          clockRate: 90000,
          // Without 'nack pli' mediasoup never asks this producer for a key frame.
          rtcpFeedback: [
            { type: 'nack', parameter: 'pli' },
            { type: 'ccm', parameter: 'fir' },
          ],
        },
      ],
      encodings: [{ ssrc: o.videoSsrc }],
    },
    audio: {
      codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }],
      encodings: [{ ssrc: o.audioSsrc }],
      ...(o.audioLevel
        ? { headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: AUDIO_LEVEL_EXT_ID }] }
        : {}),
    },
  };
}

/**
 * Sends VP8-like video and opus-like audio RTP to a plain transport, paced from the clock: each
 * tick sends every packet that is due, so timer jitter changes burst size, not the rate.
 * Answers PLI/FIR from the SFU with a key frame, like an encoder.
 */
export class SyntheticMediaSender {
  readonly videoSsrc: number;
  readonly audioSsrc: number;
  readonly socket: dgram.Socket;
  sentVideo = 0;
  sentAudio = 0;
  keyFramesSent = 0;
  keyFrameRequests = 0;
  readonly #o: Required<
    Omit<SyntheticMediaOptions, 'videoSsrc' | 'audioSsrc' | 'audioLevelDbov' | 'keyFrameOnStart'>
  >;
  readonly #audioLevelDbov: number | undefined;
  #target: { ip: string; port: number } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #t0 = 0;
  #frames = 0;
  #audioFrames = 0;
  #videoSeq = 1000;
  #audioSeq = 2000;
  #pictureId = 1;
  #keyFrameWanted = true;
  #lastKeyFrameAt = 0;

  private constructor(socket: dgram.Socket, o: SyntheticMediaOptions) {
    this.socket = socket;
    this.videoSsrc = o.videoSsrc ?? 0x11110000;
    this.audioSsrc = o.audioSsrc ?? 0x22220000;
    this.#o = {
      videoBitrate: o.videoBitrate ?? 1_000_000,
      videoPacketSize: o.videoPacketSize ?? 1200,
      fps: o.fps ?? 30,
      audioPps: o.audioPps ?? 50,
      audioPacketSize: o.audioPacketSize ?? 100,
      keyFrameIntervalMs: o.keyFrameIntervalMs ?? 2000,
      tickMs: o.tickMs ?? 5,
    };
    this.#audioLevelDbov = o.audioLevelDbov;
    this.#keyFrameWanted = o.keyFrameOnStart ?? true;
    socket.on('message', (msg) => {
      if (isRtcp(msg) && rtcpRequestsKeyFrame(msg)) {
        this.keyFrameRequests++;
        this.#keyFrameWanted = true;
      }
    });
  }

  static async create(o: SyntheticMediaOptions = {}): Promise<SyntheticMediaSender> {
    const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new SyntheticMediaSender(socket, o);
  }

  get rtpParameters(): { video: ms.RtpParameters; audio: ms.RtpParameters } {
    return syntheticRtpParameters({
      videoSsrc: this.videoSsrc,
      audioSsrc: this.audioSsrc,
      audioLevel: this.#audioLevelDbov !== undefined,
    });
  }

  /** Video packets per second that the configured bitrate and packet size give. */
  get videoPps(): number {
    return this.#o.videoBitrate / 8 / this.#o.videoPacketSize;
  }

  start(target: { ip: string; port: number }): void {
    this.#target = target;
    this.#t0 = performance.now();
    this.#timer = setInterval(() => this.#tick(), this.#o.tickMs);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async close(): Promise<void> {
    this.stop();
    await new Promise<void>((r) => this.socket.close(() => r()));
  }

  /** Packets of frame `f`: spreads the byte budget so the average bitrate is exact. */
  #packetsInFrame(f: number): number {
    const perFrame = this.#o.videoBitrate / 8 / this.#o.fps / this.#o.videoPacketSize;
    return Math.max(1, Math.floor((f + 1) * perFrame) - Math.floor(f * perFrame));
  }

  #tick(): void {
    const target = this.#target;
    if (!target) return;
    const elapsedMs = performance.now() - this.#t0;
    const framesDue = Math.floor((elapsedMs * this.#o.fps) / 1000);
    const audioDue = Math.floor((elapsedMs * this.#o.audioPps) / 1000);
    while (this.#frames < framesDue) this.#sendFrame(target, elapsedMs);
    while (this.#audioFrames < audioDue) {
      const ts = this.#audioFrames * (48000 / this.#o.audioPps);
      const pkt = buildRtpPacket(
        {
          payloadType: AUDIO_PT,
          sequenceNumber: this.#audioSeq++,
          timestamp: ts,
          ssrc: this.audioSsrc,
          marker: this.#audioFrames === 0,
          ...(this.#audioLevelDbov !== undefined ? { audioLevelDbov: this.#audioLevelDbov } : {}),
        },
        opusPayload(this.#o.audioPacketSize - 12),
      );
      this.socket.send(pkt, target.port, target.ip);
      this.#audioFrames++;
      this.sentAudio++;
    }
  }

  #sendFrame(target: { ip: string; port: number }, nowMs: number): void {
    const keyFrame =
      this.#keyFrameWanted || nowMs - this.#lastKeyFrameAt >= this.#o.keyFrameIntervalMs;
    if (keyFrame) {
      this.#keyFrameWanted = false;
      this.#lastKeyFrameAt = nowMs;
      this.keyFramesSent++;
    }
    const n = this.#packetsInFrame(this.#frames);
    const ts = Math.round(this.#frames * (90000 / this.#o.fps));
    const pictureId = this.#pictureId;
    this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    for (let i = 0; i < n; i++) {
      const pkt = buildRtpPacket(
        {
          payloadType: VIDEO_PT,
          sequenceNumber: this.#videoSeq++,
          timestamp: ts,
          ssrc: this.videoSsrc,
          marker: i === n - 1,
        },
        vp8Payload(this.#o.videoPacketSize - 12, { start: i === 0, keyFrame, pictureId }),
      );
      this.socket.send(pkt, target.port, target.ip);
      this.sentVideo++;
    }
    this.#frames++;
  }
}
