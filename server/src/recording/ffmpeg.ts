import { spawn } from 'node:child_process';
import os from 'node:os';

/** Debian's ffmpeg and ffprobe (package `ffmpeg`); paths from RECORDER_FFMPEG / RECORDER_FFPROBE. */
export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
}

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'FfmpegError';
  }

  /** ffmpeg said the disk is full (ENOSPC while writing). */
  get diskFull(): boolean {
    return /No space left on device/i.test(this.stderr);
  }
}

export interface RunOptions {
  /** Lower priority (os.setPriority), for work that may trail the meeting. */
  nice?: number;
  /** Give up and kill after this long. */
  timeoutMs?: number;
  stdin?: Uint8Array;
  cwd?: string;
}

/** Runs a finite ffmpeg/ffprobe job; resolves to its stdout, rejects with the stderr tail. */
export function runTool(bin: string, args: string[], o: RunOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const proc = spawn(bin, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(o.cwd ? { cwd: o.cwd } : {}),
    });
    const out: Buffer[] = [];
    let err = '';
    proc.stdout.on('data', (d: Buffer) => out.push(d));
    proc.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-8000);
    });
    if (o.nice && proc.pid) {
      try {
        os.setPriority(proc.pid, o.nice);
      } catch {
        // not allowed here: run at normal priority
      }
    }
    const timer = o.timeoutMs
      ? setTimeout(() => proc.kill('SIGKILL'), o.timeoutMs).unref()
      : undefined;
    proc.once('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new FfmpegError(`${bin}: ${e.message}`, '', null));
    });
    proc.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out));
      else {
        const last = err.trim().split('\n').slice(-3).join(' | ');
        reject(new FfmpegError(`${bin} failed (${code ?? signal}): ${last}`, err, code));
      }
    });
    proc.stdin.on('error', () => {});
    proc.stdin.end(o.stdin);
  });
}

export interface ProbeStream {
  index: number;
  codec_type: 'video' | 'audio' | string;
  codec_name: string;
  width?: number;
  height?: number;
  duration?: string;
}

export interface ProbeResult {
  streams: ProbeStream[];
  format: { duration?: string; size?: string; format_name?: string };
  chapters: Array<{ start_time: string; end_time: string; tags?: { title?: string } }>;
}

export async function probe(tools: FfmpegTools, file: string): Promise<ProbeResult> {
  const out = await runTool(tools.ffprobe, [
    ...['-v', 'error', '-of', 'json', '-show_streams', '-show_format', '-show_chapters'],
    file,
  ]);
  return JSON.parse(out.toString()) as ProbeResult;
}
