import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import { mkdir, rename, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
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
  /**
   * Moving grain of this strength (0–100) over the picture: a flat colour then costs the
   * encoder what a camera's picture does (its bitrate reaches `kbps`), its average colour stays.
   */
  noise?: number;
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
  /**
   * Produces on the room's transport some other way than `room.produce` (a cluster node's
   * dispatcher, which also lists the producer in the cluster's directory).
   */
  produce?: (p: {
    transportId: string;
    kind: 'audio' | 'video';
    rtpParameters: ms.RtpParameters;
    source: 'camera' | 'screen' | 'mic';
  }) => Promise<{ id: string }>;
  /**
   * Encode while sending (CPU per source, and a starved encoder falls behind real time). By
   * default a 10 s clip is encoded once per set of options and replayed in a loop, not
   * re-encoded (the flashes and beeps repeat every second, so a loop changes nothing).
   */
  live?: boolean;
}

const CLIP_SECONDS = 10;

function videoInput(v: FfmpegTestVideo): string[] {
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
  const noise = v.noise ? `,noise=alls=${v.noise}:allf=t` : '';
  return ['-f', 'lavfi', '-i', `${base}${flash}${noise},format=yuv420p`];
}

function audioInput(a: FfmpegTestAudio): string[] {
  const gate = a.beep ? '*lt(mod(t,1),0.2)' : '';
  return [
    ...['-f', 'lavfi', '-i'],
    `aevalsrc=exprs='0.4*sin(2*PI*${a.frequency}*t)${gate}':s=48000:c=mono`,
  ];
}

function videoCodecArgs(v: FfmpegTestVideo): string[] {
  const fps = String(v.fps ?? 15);
  return [
    ...['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0'],
    ...['-error-resilient', '1', '-b:v', `${v.kbps ?? 300}k`, '-g', fps, '-keyint_min', fps],
  ];
}

const audioCodecArgs = [
  ...['-c:a', 'libopus', '-b:a', '48k', '-frame_duration', '20', '-application', 'lowdelay'],
];

const clips = new Map<string, Promise<string>>();

/** The clip for these options in the temp directory, encoded on first use (then reused). */
function testClip(
  ffmpeg: string,
  video: FfmpegTestVideo | undefined,
  audio: FfmpegTestAudio | undefined,
): Promise<string> {
  const key = createHash('sha256')
    .update(JSON.stringify({ video, audio, v: 1 }))
    .digest('hex')
    .slice(0, 16);
  let clip = clips.get(key);
  if (!clip) {
    clip = (async () => {
      const dir = path.join(os.tmpdir(), 'giaoban-test-clips');
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${key}.mkv`);
      if (
        await stat(file).then(
          (s) => s.size > 0,
          () => false,
        )
      )
        return file;
      const tmp = `${file}.${process.pid}.tmp`;
      const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
      if (video) args.push(...videoInput(video));
      if (audio) args.push(...audioInput(audio));
      if (video) args.push('-map', '0:v', ...videoCodecArgs(video));
      if (audio) args.push('-map', `${video ? 1 : 0}:a`, ...audioCodecArgs);
      args.push('-t', String(CLIP_SECONDS), '-f', 'matroska', '-y', tmp);
      await new Promise<void>((resolve, reject) => {
        const p = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr?.on('data', (d: Buffer) => {
          err += d.toString();
        });
        p.once('error', reject);
        p.once('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`test clip encoder (${code}): ${err.trim()}`)),
        );
      });
      await rename(tmp, file);
      return file;
    })();
    clip.catch(() => clips.delete(key));
    clips.set(key, clip);
  }
  return clip;
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
    const ffmpeg = o.ffmpegPath ?? 'ffmpeg';
    const ids: { video?: string; audio?: string } = {};
    const targets: { video?: string; audio?: string } = {};
    // ffmpeg takes a signed 32-bit ssrc
    const ssrcs = { video: randomInt(1, 0x7fff_ffff), audio: randomInt(1, 0x7fff_ffff) };
    const produce = (
      transportId: string,
      kind: 'audio' | 'video',
      source: 'camera' | 'screen' | 'mic',
      rtpParameters: ms.RtpParameters,
    ) =>
      o.produce
        ? o.produce({ transportId, kind, rtpParameters, source })
        : room.produce(peerId, transportId, { kind, rtpParameters, appData: { source } });

    if (o.video) {
      const t = await room.createPlainTransport(peerId, { comedia: true, rtcpMux: true });
      const { id } = await produce(t.id, 'video', o.screen ? 'screen' : 'camera', {
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
        encodings: [{ ssrc: ssrcs.video }],
      });
      ids.video = id;
      targets.video = `rtp://${t.ip}:${t.port}?rtcpport=${t.port}&pkt_size=1200`;
    }
    if (o.audio) {
      const t = await room.createPlainTransport(peerId, { comedia: true, rtcpMux: true });
      const { id } = await produce(t.id, 'audio', 'mic', {
        codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: ssrcs.audio }],
      });
      ids.audio = id;
      targets.audio = `rtp://${t.ip}:${t.port}?rtcpport=${t.port}&pkt_size=1200`;
    }

    // Replay: the clip is encoded once (cached), then sent as it is (-c copy): a busy machine
    // then slows no test source down. Live: encoded while it is sent, as before.
    const args = ['-hide_banner', '-loglevel', 'error', '-nostdin'];
    const outputs: string[] = [];
    let vIn = '0:v';
    let aIn = o.video ? '1:a' : '0:a';
    let vCodec = o.video ? videoCodecArgs(o.video) : [];
    let aCodec = audioCodecArgs;
    if (o.live) {
      if (o.video) args.push('-re', ...videoInput(o.video));
      if (o.audio) args.push('-re', ...audioInput(o.audio));
    } else {
      const clip = await testClip(ffmpeg, o.video, o.audio);
      args.push('-re', '-stream_loop', '-1', '-i', clip);
      vIn = '0:v';
      aIn = '0:a';
      vCodec = ['-c:v', 'copy'];
      aCodec = ['-c:a', 'copy'];
    }
    if (o.video) {
      outputs.push(
        ...['-map', vIn, ...vCodec, '-ssrc', String(ssrcs.video), '-payload_type'],
        ...[String(VIDEO_PT), '-rtpflags', 'skip_rtcp', '-f', 'rtp', targets.video!],
      );
    }
    if (o.audio) {
      outputs.push(
        ...['-map', aIn, ...aCodec, '-ssrc', String(ssrcs.audio), '-payload_type'],
        ...[String(AUDIO_PT), '-rtpflags', 'skip_rtcp', '-f', 'rtp', targets.audio!],
      );
    }

    const proc = spawn(ffmpeg, [...args, ...outputs], {
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
