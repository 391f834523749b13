import { spawn } from 'node:child_process';

/**
 * Reading recordings back for tests: decoded pixels of a region, a tone's loudness over time,
 * onsets of marks (the test encoder's flashes and beeps). Everything through Debian's ffmpeg.
 */

function run(args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', ...args]);
    const out: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    p.once('error', reject);
    p.once('close', (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg ${code}: ${err}`)),
    );
  });
}

export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type Rgb = [number, number, number];

/** Mean colour of a region in the first video frame at or after `seconds`. */
export async function regionColourAt(file: string, seconds: number, r: Region): Promise<Rgb> {
  const raw = await run([
    ...['-ss', String(seconds), '-i', file, '-map', '0:v:0', '-frames:v', '1'],
    ...['-vf', `crop=${r.w}:${r.h}:${r.x}:${r.y},scale=1:1:flags=area`],
    ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
  ]);
  return [raw[0]!, raw[1]!, raw[2]!];
}

/** Mean luma of a region for every frame of a constant-frame-rate video (index = frame). */
export async function regionLuma(file: string, r: Region): Promise<Uint8Array> {
  const raw = await run([
    ...['-i', file, '-map', '0:v:0', '-fps_mode', 'passthrough'],
    ...['-vf', `crop=${r.w}:${r.h}:${r.x}:${r.y},scale=1:1:flags=area,format=gray`],
    ...['-f', 'rawvideo', 'pipe:1'],
  ]);
  return new Uint8Array(raw);
}

/**
 * Power of one frequency (Goertzel) in consecutive windows of the first audio track, decoded to
 * mono 48 kHz.
 */
export async function tonePower(file: string, hz: number, windowMs = 10): Promise<Float64Array> {
  const raw = await run([
    ...['-i', file, '-map', '0:a:0', '-ac', '1', '-ar', '48000', '-f', 'f32le', 'pipe:1'],
  ]);
  const samples = new Float32Array(raw.buffer, raw.byteOffset, Math.floor(raw.length / 4));
  const n = Math.round((48000 * windowMs) / 1000);
  const k = (2 * Math.cos((2 * Math.PI * hz) / 48000)) as number;
  const out = new Float64Array(Math.floor(samples.length / n));
  for (let w = 0; w < out.length; w++) {
    let s1 = 0;
    let s2 = 0;
    for (let i = w * n; i < (w + 1) * n; i++) {
      const s0 = samples[i]! + k * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    out[w] = (s1 * s1 + s2 * s2 - k * s1 * s2) / (n * n);
  }
  return out;
}

/** Indices where the series rises above `threshold` after at least `quiet` values below it. */
export function onsets(series: ArrayLike<number>, threshold: number, quiet: number): number[] {
  const out: number[] = [];
  let below = quiet;
  for (let i = 0; i < series.length; i++) {
    if (series[i]! > threshold) {
      if (below >= quiet) out.push(i);
      below = 0;
    } else below++;
  }
  return out;
}
