import { type FfmpegTools, runTool } from './ffmpeg';

let cached: Promise<Uint8Array> | undefined;

/**
 * A black 320x180 VP8 key frame, encoded once per process by ffmpeg (libvpx) and read out of
 * its IVF container. Video slots send it when they have no source yet, so the recorder learns
 * every stream's parameters at once and a departed speaker's last picture does not linger.
 */
export function vp8FillerFrame(tools: FfmpegTools): Promise<Uint8Array> {
  cached ??= runTool(tools.ffmpeg, [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
    ...['-i', 'color=c=black:s=320x180:r=1', '-frames:v', '1'],
    ...['-c:v', 'libvpx', '-f', 'ivf', 'pipe:1'],
  ]).then(firstIvfFrame);
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}

/** The first frame of an IVF stream: 32-byte file header, then 12-byte frame headers. */
export function firstIvfFrame(ivf: Uint8Array): Uint8Array {
  const b = Buffer.from(ivf.buffer, ivf.byteOffset, ivf.byteLength);
  if (b.length < 44 || b.toString('latin1', 0, 4) !== 'DKIF') {
    throw new Error('not an IVF stream');
  }
  const headerLength = b.readUInt16LE(6);
  const size = b.readUInt32LE(headerLength);
  const start = headerLength + 12;
  if (start + size > b.length) throw new Error('truncated IVF frame');
  return new Uint8Array(b.subarray(start, start + size));
}
