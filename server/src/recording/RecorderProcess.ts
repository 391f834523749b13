import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { stat, writeFile } from 'node:fs/promises';
import type { RecorderPort, RecorderTarget, RecordingSlot } from '@giaoban/sfu';
import { RECORDING_SLOTS } from '@giaoban/sfu';
import type { FfmpegTools } from './ffmpeg';
import { recorderSdp } from './sdp';
import { freePortPairs, isBound, udpBacklog } from './udpPorts';

export type RecorderExit =
  /** stop() asked (at `at`, when ffmpeg stops reading) and ffmpeg closed the files. */
  | { kind: 'stopped'; at: number }
  /** ffmpeg ended on its own, was killed, or stopped writing (stall watchdog). */
  | { kind: 'died'; code: number | null; signal: string | null; stderr: string; diskFull: boolean };

export interface RecorderProcessOptions {
  tools: FfmpegTools;
  port: RecorderPort;
  /** The files ffmpeg writes as the meeting goes: one Matroska file per slot. */
  files: Record<RecordingSlot, string>;
  sdpFile: string;
  /** Kill a recorder whose file stopped growing for this long. Default 15 s. */
  stallMs?: number;
  /** At most this long for ffmpeg to read what it was sent before stop. Default 3 s. */
  drainMs?: number;
}

type Events = { exit: [RecorderExit] };

/**
 * One ffmpeg process recording one segment: it reads the recorder port's five RTP streams (SDP
 * on loopback) and copies each, not re-encoded, into its own Matroska file flushed cluster by
 * cluster (at most a second is lost if it is killed). One file per stream, because a muxer
 * interleaving several waits for every VP8 track to have a packet, and a screen share nobody
 * shares never sends one: the whole meeting would sit in memory. All files share the input's
 * time origin, so they line up again when composed. The port is pointed at ffmpeg only once it
 * holds every UDP port, so the first key frames are not sent into the void.
 */
export class RecorderProcess extends EventEmitter<Events> {
  readonly files: Record<RecordingSlot, string>;
  /** Wall-clock instant of the file's time 0 (the first sender reports and key frames). */
  readonly startedAt: number;
  readonly #proc: ChildProcess;
  readonly #watchdog: NodeJS.Timeout;
  readonly #port: RecorderPort;
  readonly #drainMs: number;
  readonly #ports: number[];
  readonly #target: RecorderTarget;
  #stderr = '';
  #stopping = false;
  #stopAt = 0;
  #exited: RecorderExit | undefined;

  private constructor(
    proc: ChildProcess,
    files: Record<RecordingSlot, string>,
    startedAt: number,
    stallMs: number,
    port: RecorderPort,
    drainMs: number,
    ports: number[],
    target: RecorderTarget,
  ) {
    super();
    this.#proc = proc;
    this.#port = port;
    this.#drainMs = drainMs;
    this.#ports = ports;
    this.#target = target;
    this.files = files;
    this.startedAt = startedAt;
    let lastSize = -1;
    let lastGrowth = Date.now();
    // The audio files always grow (silence fills in): if they stop, ffmpeg is stuck.
    const watched = [files['chair.audio'], files['floor.audio']];
    this.#watchdog = setInterval(() => {
      Promise.all(watched.map((f) => stat(f).then((s) => s.size)))
        .then((sizes) => {
          const size = sizes.reduce((a, b) => a + b, 0);
          if (size !== lastSize) {
            lastSize = size;
            lastGrowth = Date.now();
          } else if (Date.now() - lastGrowth > stallMs && !this.#stopping) {
            this.#stderr += '\n[giaoban] recorder stalled: file stopped growing';
            proc.kill('SIGKILL');
          }
        })
        .catch(() => {});
    }, 1000);
    this.#watchdog.unref();
  }

  static async start(o: RecorderProcessOptions): Promise<RecorderProcess> {
    // The ports were free a moment ago; another process (a second recorder starting, a plain
    // transport) may take one before ffmpeg binds it: try again on fresh ports.
    for (let attempt = 1; ; attempt++) {
      try {
        return await RecorderProcess.#startOnce(o);
      } catch (error) {
        if (attempt >= 4 || !/Address already in use/.test((error as Error).message)) throw error;
      }
    }
  }

  static async #startOnce(o: RecorderProcessOptions): Promise<RecorderProcess> {
    const pairs = await freePortPairs(RECORDING_SLOTS.length);
    const ports = {} as Record<RecordingSlot, { rtp: number; rtcp: number }>;
    RECORDING_SLOTS.forEach((slot, i) => {
      ports[slot] = pairs[i]!;
    });
    const target: RecorderTarget = { ip: '127.0.0.1', ports };
    await writeFile(o.sdpFile, recorderSdp(o.port.slots, target));
    const proc = spawn(o.tools.ffmpeg, recorderArgs(o.sdpFile, o.files), {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    const onErr = (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-8000);
    };
    proc.stderr?.on('data', onErr);
    proc.stdin?.on('error', () => {});

    // Wait for ffmpeg to hold every port (or to fail).
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(
          `recorder exited at start: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
        );
      }
      const bound = await Promise.all(pairs.flatMap((p) => [isBound(p.rtp), isBound(p.rtcp)]));
      if (bound.every(Boolean)) break;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error('recorder did not open its ports within 10 s');
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const startedAt = Date.now();
    o.port.target(target);
    const rp = new RecorderProcess(
      proc,
      o.files,
      startedAt,
      o.stallMs ?? 15_000,
      o.port,
      o.drainMs ?? 3000,
      pairs.map((p) => p.rtp),
      target,
    );
    rp.#stderr = stderr;
    proc.stderr?.off('data', onErr);
    proc.stderr?.on('data', (d: Buffer) => {
      rp.#stderr = (rp.#stderr + d.toString()).slice(-8000);
    });
    proc.once('exit', (code, signal) => rp.#onExit(code, signal));
    return rp;
  }

  get running(): boolean {
    return this.#exited === undefined;
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  /**
   * Ends the segment now: the port stops sending at once (the file ends at this instant whatever
   * ffmpeg still has to read), ffmpeg drains what its socket holds, then finishes the files. ffmpeg
   * sees 'q' (or one SIGINT, its graceful stop) only between two packets it reads, so the port
   * sends again for that moment: the files end a packet or two (≤ 20 ms) after the stop, every
   * one with its trailer. SIGTERM, then SIGKILL if it is stuck. Resolves when it has exited.
   */
  async stop(graceMs = 5000): Promise<RecorderExit> {
    if (this.#exited) return this.#exited;
    this.#stopping = true;
    this.#stopAt = Date.now();
    this.#port.untarget();
    const done = new Promise<RecorderExit>((r) => this.once('exit', r));
    // A busy machine leaves ffmpeg behind its socket; stopping at once would drop that backlog.
    await Promise.race([done, this.#drained(this.#drainMs)]);
    let portOpen = true;
    if (!this.#exited) {
      // ffmpeg looks at 'q' and signals only between packets: let the next few through.
      try {
        this.#port.target(this.#target, { restart: false });
      } catch {
        // The room closed under the recorder (the meeting ended): nothing more will come, so
        // ffmpeg is ended sooner; finalizeSegment recovers what it wrote up to its last cluster.
        portOpen = false;
      }
      this.#proc.stdin?.write('q');
      this.#proc.kill('SIGINT');
    }
    const grace = portOpen ? graceMs : Math.min(graceMs, 500);
    const term = setTimeout(() => this.#proc.kill('SIGTERM'), grace);
    const kill = setTimeout(() => this.#proc.kill('SIGKILL'), grace + (portOpen ? 3000 : 1000));
    const exit = await done;
    clearTimeout(term);
    clearTimeout(kill);
    return exit;
  }

  /** Resolves once ffmpeg's sockets hold nothing unread (twice in a row), or after maxMs. */
  async #drained(maxMs: number): Promise<void> {
    const until = Date.now() + maxMs;
    let empty = 0;
    while (Date.now() < until && empty < 2) {
      const backlog = await udpBacklog(this.#ports);
      if (backlog === undefined) {
        await new Promise((r) => setTimeout(r, 500));
        return;
      }
      empty = backlog === 0 ? empty + 1 : 0;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Tests and operators: the process dies now, as a crash would. */
  kill(): void {
    this.#proc.kill('SIGKILL');
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    clearInterval(this.#watchdog);
    const diskFull = /No space left on device/i.test(this.#stderr);
    this.#exited =
      this.#stopping && !diskFull
        ? { kind: 'stopped', at: this.#stopAt }
        : { kind: 'died', code, signal, stderr: this.#stderr.slice(-2000), diskFull };
    this.emit('exit', this.#exited);
  }
}

/** ffmpeg arguments: RTP in (SDP), stream copy out to one Matroska file per slot, flushed. */
export function recorderArgs(sdpFile: string, files: Record<RecordingSlot, string>): string[] {
  const outputs = RECORDING_SLOTS.flatMap((slot, i) => [
    ...['-map', `0:${i}`, '-c', 'copy', '-flush_packets', '1'],
    ...['-f', 'matroska', '-cluster_time_limit', '1000', '-y', files[slot]],
  ]);
  return [
    ...['-hide_banner', '-nostats', '-loglevel', 'warning'],
    ...['-protocol_whitelist', 'file,udp,rtp'],
    // Parameters come from the first key frame and the SDP: no long probing.
    ...['-analyzeduration', '1500000', '-probesize', '2000000'],
    // The relay delivers in order; a large socket buffer rides out a busy moment.
    ...['-buffer_size', '4194304', '-reorder_queue_size', '64'],
    ...['-fflags', '+genpts', '-i', sdpFile],
    ...outputs,
  ];
}
