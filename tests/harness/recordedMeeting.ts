/**
 * The meeting a recording is tested and measured on (tests/integration/recording.test.ts and
 * bench:recording build the same one): a chair from Debian's ffmpeg (test pattern, a white flash
 * in the top-left quarter and an 880 Hz beep for the first 200 ms of every second, so the
 * program's A/V offset can be read back), and two wards that take the floor in turn, site A red
 * with 300 Hz, site B blue with 500 Hz (easy to find again in a decoded frame and in the mix).
 * Sizes and bitrates are the test encoder's small defaults unless given (the bench gives a
 * browser's: 720p at 1.2 Mbit/s for the chair).
 */
import type { MediaRoom } from '@giaoban/sfu';
import { FfmpegTestSource, type FfmpegTestVideo } from '@giaoban/sfu/testing';
import { onsets, type Region, regionLuma, tonePower } from './mediaAnalysis';

export type VideoSize = Pick<FfmpegTestVideo, 'width' | 'height' | 'fps' | 'kbps' | 'noise'>;

/** What a browser sends: the chair's 720p camera, a ward's 360p one (VP8, one layer each). */
export const BROWSER_LIKE = {
  chair: { width: 1280, height: 720, fps: 30, kbps: 1200 },
  // A flat colour with a camera's grain, so the encoder spends its 0.6 Mbit/s.
  site: { width: 640, height: 360, fps: 30, kbps: 600, noise: 10 },
} as const satisfies Record<string, VideoSize>;

export const CHAIR_TONE_HZ = 880;
export const SITE_A = { colour: 'red', toneHz: 300 } as const;
export const SITE_B = { colour: 'blue', toneHz: 500 } as const;

export interface MeetingSources {
  chair: FfmpegTestSource;
  a: FfmpegTestSource;
  b: FfmpegTestSource;
  stop(): Promise<void>;
}

export interface MeetingSourcesOptions {
  peerIds?: { chair: string; a: string; b: string };
  chair?: VideoSize;
  site?: VideoSize;
}

/** Starts the chair and the two wards producing into `room`. */
export async function startMeetingSources(
  room: MediaRoom,
  o: MeetingSourcesOptions = {},
): Promise<MeetingSources> {
  const ids = o.peerIds ?? { chair: 'chair', a: 'site-a', b: 'site-b' };
  const [chair, a, b] = await Promise.all([
    FfmpegTestSource.start({
      room,
      peerId: ids.chair,
      video: { pattern: 'testsrc2', flash: true, ...o.chair },
      audio: { frequency: CHAIR_TONE_HZ, beep: true },
    }),
    FfmpegTestSource.start({
      room,
      peerId: ids.a,
      video: { pattern: { color: SITE_A.colour }, ...o.site },
      audio: { frequency: SITE_A.toneHz },
    }),
    FfmpegTestSource.start({
      room,
      peerId: ids.b,
      video: { pattern: { color: SITE_B.colour }, ...o.site },
      audio: { frequency: SITE_B.toneHz },
    }),
  ]);
  return {
    chair,
    a,
    b,
    stop: async () => {
      await Promise.all([chair.stop(), a.stop(), b.stop()]);
    },
  };
}

/**
 * Where the chair's flash shows in a program of this size: the chair's picture is fitted into
 * the program (aspect kept, centred); a box well inside the flash's top-left quarter.
 */
export function chairFlashRegion(
  program: { width: number; height: number },
  chair: { width?: number | undefined; height?: number | undefined } = {},
): Region {
  const aspect = (chair.width ?? 320) / (chair.height ?? 240);
  const pw = Math.min(program.width, program.height * aspect);
  const ph = pw / aspect;
  const x0 = (program.width - pw) / 2;
  const y0 = (program.height - ph) / 2;
  return {
    x: Math.round(x0 + (pw * 70) / 480),
    y: Math.round(y0 + (ph * 60) / 360),
    w: Math.round((pw * 40) / 480),
    h: Math.round((ph * 40) / 360),
  };
}

export interface AvDrift {
  /** Flash onsets (ms of the program) and beep onsets. */
  flashes: number[];
  beeps: number[];
  /** Each flash after the first second minus the nearest beep (ms). */
  drifts: number[];
  /** Loudest 10 ms window of the chair's tone (to compare other tones with). */
  peak: number;
  /** Video frames decoded. */
  frames: number;
}

/** The chair's flashes against its beeps in a composed program. */
export async function avDrift(
  programFile: string,
  program: { width: number; height: number; fps: number },
  chair?: VideoSize,
): Promise<AvDrift> {
  const luma = await regionLuma(programFile, chairFlashRegion(program, chair));
  const flashes = onsets(luma, 245, 10).map((i) => (i / program.fps) * 1000);
  const power = await tonePower(programFile, CHAIR_TONE_HZ, 10);
  const peak = Math.max(...power);
  const beeps = onsets(power, peak / 10, 30).map((i) => i * 10);
  const drifts = beeps.length
    ? flashes
        .filter((f) => f > 1000)
        .map((f) => f - beeps.reduce((x, y) => (Math.abs(y - f) < Math.abs(x - f) ? y : x)))
    : [];
  return { flashes, beeps, drifts, peak, frames: luma.length };
}
