import { type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import type * as ms from 'mediasoup/node/lib/types';
import type { MediaRoom } from '../MediaRoom';

/**
 * What the test encoder draws. `testsrc2` is ffmpeg's moving test pattern; `color` a flat colour
 * (easy to find again in a decoded frame). `flash` adds a white box over the top-left quarter for
 * the first 200 ms of every second; with `beep` on the audio side the two mark the same instants,
 * so a recording's audio/video offset can be measured.
 */
export interface FfmpegTestVideo {
  pattern: 'testsrc2' | { color: string };
  width?: number;
  height?: number;
  fps?: number;
  kbps?: number;
  flash?: boolean;
}

export interface FfmpegTestAudio {
  /** Tone frequency in Hz (continuous unless `beep`). */
  frequency: number;
  /** Only sound for the first 200 ms of every second. */
  beep?: boolean;
}

export interface FfmpegTestSourceOptions {
  room: MediaRoom;
  peerId: string;
  video?: FfmpegTestVideo;
  audio?: FfmpegTestAudio;
  /** The screen share instead of the camera (appData.source = 'screen'). */
  screen?: boolean;
  ffmpegPath?: string;
}

const VIDEO_PT = 101;
const AUDIO_PT = 100;

/**
 * A real encoder for media tests: Debian's ffmpeg renders a lavfi test pattern and tone, encodes
 * VP8 (libvpx, realtime, no lag) and opus (libopus, 20 ms), and sends RTP into two comedia
 * PlainTransports of the room, one per kind, produced like a site would. ffmpeg ignores PLI, so
 * it sends a key frame every second instead. It sends no RTCP: its sender reports would leave
 * from a second socket, and a comedia transport would lock onto that one and drop the RTP.
 */
export class FfmpegTestSource {
  readonly peerId: string;
  readonly videoProducerId: string | undefined;
  readonly audioProducerId: string | undefined;
  readonly #proc: ChildProcess;
  #stderr = '';

  private constructor(
    peerId: string,
    proc: ChildProcess,
    ids: { video?: string | undefined; audio?: string | undefined },
  ) {
    this.peerId = peerId;
    this.#proc = proc;
    this.videoProducerId = ids.video;
    this.audioProducerId = ids.audio;
    proc.stderr?.on('data', (d: Buffer) => {
      this.#stderr = (this.#stderr + d.toString()).slice(-4000);
    });
  }

  static async start(o: FfmpegTestSourceOptions): Promise<FfmpegTestSource> {
    const { room, peerId } = o;
    const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
    const outputs: string[] = [];
    const ids: { video?: string; audio?: string } = {};
    let input = 0;

    if (o.video) {
      const v = o.video;
      const w = v.width ?? 320;
      const h = v.height ?? 240;
      const fps = v.fps ?? 15;
      const base =
        v.pattern === 'testsrc2'
          ? `testsrc2=size=${w}x${h}:rate=${fps}`
          : `color=c=${v.pattern.color}:size=${w}x${h}:rate=${fps}`;
      const flash = v.flash
        ? `,drawbox=x=0:y=0:w=iw/2:h=ih/2:color=white:t=fill:enable='lt(mod(t\\,1)\\,0.2)'`
        : '';
      args.push('-re', '-f', 'lavfi', '-i', `${base}${flash},format=yuv420p`);
      const ssrc = randomInt(1, 0x7fff_ffff); // ffmpeg takes a signed 32-bit ssrc
      const t = await room.createPlainTransport(peerId, { comedia: true, rtcpMux: true });
      const rtp: ms.RtpParameters = {
        codecs: [
          {
            mimeType: 'video/VP8',
            payloadType: VIDEO_PT,
            clockRate: 90000,
            rtcpFeedback: [
              { type: 'nack' },
              { type: 'nack', parameter: 'pli' },
              { type: 'ccm', parameter: 'fir' },
            ],
          },
        ],
        encodings: [{ ssrc }],
      };
      const { id } = await room.produce(peerId, t.id, {
        kind: 'video',
        rtpParameters: rtp,
        appData: { source: o.screen ? 'screen' : 'camera' },
      });
      ids.video = id;
      outputs.push(
        ...['-map', `${input}:v`, '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8'],
        ...['-lag-in-frames', '0', '-error-resilient', '1', '-b:v', `${v.kbps ?? 300}k`],
        ...['-g', String(fps), '-keyint_min', String(fps), '-ssrc', String(ssrc)],
        ...['-payload_type', String(VIDEO_PT), '-rtpflags', 'skip_rtcp', '-f', 'rtp'],
        `rtp://${t.ip}:${t.port}?rtcpport=${t.port}&pkt_size=1200`,
      );
      input++;
    }

    if (o.audio) {
      const a = o.audio;
      const gate = a.beep ? '*lt(mod(t,1),0.2)' : '';
      args.push(
        '-re',
        '-f',
        'lavfi',
        '-i',
        `aevalsrc=exprs='0.4*sin(2*PI*${a.frequency}*t)${gate}':s=48000:c=mono`,
      );
      const ssrc = randomInt(1, 0x7fff_ffff); // ffmpeg takes a signed 32-bit ssrc
      const t = await room.createPlainTransport(peerId, { comedia: true, rtcpMux: true });
      const { id } = await room.produce(peerId, t.id, {
        kind: 'audio',
        rtpParameters: {
          codecs: [
            { mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 },
          ],
          encodings: [{ ssrc }],
        },
        appData: { source: 'mic' },
      });
      ids.audio = id;
      outputs.push(
        ...['-map', `${input}:a`, '-c:a', 'libopus', '-b:a', '48k', '-frame_duration', '20'],
        ...['-application', 'lowdelay', '-ssrc', String(ssrc), '-payload_type', String(AUDIO_PT)],
        ...['-rtpflags', 'skip_rtcp', '-f', 'rtp'],
        `rtp://${t.ip}:${t.port}?rtcpport=${t.port}&pkt_size=1200`,
      );
    }

    const proc = spawn(o.ffmpegPath ?? 'ffmpeg', [...args, ...outputs], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const source = new FfmpegTestSource(peerId, proc, ids);
    await new Promise<void>((resolve, reject) => {
      const early = (code: number | null) =>
        reject(new Error(`test encoder exited (${code}): ${source.#stderr.trim()}`));
      proc.once('exit', early);
      proc.once('error', reject);
      // ffmpeg's -re pacing stalls, then bursts to catch up, in its first second: call it
      // started once it sends at a steady pace (and would have failed on bad arguments).
      setTimeout(() => {
        proc.off('exit', early);
        resolve();
      }, 1500);
    });
    return source;
  }

  get running(): boolean {
    return this.#proc.exitCode === null && this.#proc.signalCode === null;
  }

  /** Stops the encoder; the producers close with the peer (room.closePeer). */
  async stop(): Promise<void> {
    if (!this.running) return;
    const done = new Promise<void>((r) => this.#proc.once('exit', () => r()));
    this.#proc.kill('SIGKILL');
    await done;
  }
}
