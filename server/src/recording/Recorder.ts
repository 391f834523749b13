import { EventEmitter } from 'node:events';
import { mkdir, statfs } from 'node:fs/promises';
import path from 'node:path';
import {
  RECORDING_SLOTS,
  type RecorderPort,
  type RecorderPortOptions,
  type RecordingSlot,
} from '@giaoban/sfu';
import type { Logger } from '../util/logger';
import type { FfmpegTools } from './ffmpeg';
import { vp8FillerFrame } from './fillerFrame';
import { type RecorderExit, RecorderProcess } from './RecorderProcess';

/** What a recorder needs of the meeting's media room (sfu's MediaRoom has it). */
export interface RecorderRoom {
  createRecorderPort(opts?: RecorderPortOptions & { peerId?: string }): Promise<RecorderPort>;
}

/** Who is seen and heard: the producers that feed the recording now. */
export interface RecordingSources {
  chair?: { video?: string | undefined; audio?: string | undefined } | undefined;
  floor?: {
    siteId: string;
    name: string;
    video?: string | undefined;
    audio?: string | undefined;
  } | null;
  screen?: string | null | undefined;
}

export type RecordingLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export type SegmentMark =
  | { at: number; kind: 'floor'; siteId: string | null; name?: string }
  | { at: number; kind: 'screen'; on: boolean };

export type SegmentEnd = 'stopped' | 'recorder_died' | 'disk_full' | 'room_closed';
export type RecordingEnd = 'stopped' | 'disk_full' | 'recorder_failed' | 'room_closed';

/** One file the recorder wrote: a new one starts each time the recorder (re)starts. */
export interface RawSegment {
  /** 1, 2, … within the meeting. */
  index: number;
  /** What ffmpeg wrote for each slot (`seg-001.chair.video.live.mkv`, …). */
  liveFiles: Record<RecordingSlot, string>;
  /** Wall-clock ms of the file's time 0. */
  startedAt: number;
  endedAt?: number;
  end?: SegmentEnd;
  /** Why the recorder died, for the log (its last lines). */
  detail?: string;
  /** The floor and the screen share as they were at the start and every change after. */
  marks: SegmentMark[];
}

export type RecorderEvents = {
  segmentstart: [RawSegment];
  segmentend: [RawSegment];
  /** The recording ended for good; no segment follows. */
  end: [{ reason: RecordingEnd; message?: string }];
};

export interface RecorderOptions {
  meetingId: string;
  room: RecorderRoom;
  /** Where the segments go (created if missing). */
  dir: string;
  tools: FfmpegTools;
  logger: RecordingLogger;
  /** Stop cleanly when the disk holding `dir` has less than this free. */
  minFreeBytes: number;
  /** Free bytes of the disk holding `dir` (default: statfs). */
  freeBytes?: (dir: string) => Promise<number>;
  diskCheckMs?: number;
  /** A recorder that dies more often than this within a minute is given up. Default 3. */
  maxRestartsPerMinute?: number;
  /** Number of the first segment (a recording restarted by the chair continues the count). */
  firstSegment?: number;
  stallMs?: number;
}

export class RecordingDiskFullError extends Error {
  constructor(
    readonly freeBytes: number,
    readonly minFreeBytes: number,
  ) {
    super(
      `archive disk is full: ${Math.floor(freeBytes / 1048576)} MiB free, ` +
        `${Math.floor(minFreeBytes / 1048576)} MiB needed to record`,
    );
    this.name = 'RecordingDiskFullError';
  }
}

const SLOT_OF = {
  chairVideo: 'chair.video',
  chairAudio: 'chair.audio',
  floorVideo: 'floor.video',
  floorAudio: 'floor.audio',
  screen: 'screen.video',
} as const satisfies Record<string, RecordingSlot>;

export async function defaultFreeBytes(dir: string): Promise<number> {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
}

/**
 * Records one meeting: owns its RecorderPort on the SFU and the ffmpeg process writing the
 * current segment. A recorder that dies is restarted at once into a new segment (what it wrote
 * stays); a disk that fills stops the recording cleanly; the meeting's media never notice.
 */
export class Recorder extends EventEmitter<RecorderEvents> {
  readonly meetingId: string;
  readonly #o: RecorderOptions;
  readonly #port: RecorderPort;
  readonly #segments: RawSegment[] = [];
  readonly #restarts: number[] = [];
  readonly #diskTimer: NodeJS.Timeout;
  #process: RecorderProcess | undefined;
  #current: RawSegment | undefined;
  #next: number;
  #ended: RecordingEnd | undefined;
  #floor: { siteId: string; name: string } | null = null;
  #screen = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #starting: Promise<void> | undefined;
  #finishing: Promise<void> | undefined;

  private constructor(o: RecorderOptions, port: RecorderPort) {
    super();
    this.#o = o;
    this.meetingId = o.meetingId;
    this.#port = port;
    this.#next = o.firstSegment ?? 1;
    port.once('close', () => void this.#finish('room_closed'));
    this.#diskTimer = setInterval(() => void this.#checkDisk(), o.diskCheckMs ?? 5000);
    this.#diskTimer.unref();
  }

  /** Starts recording (the first segment is running when this resolves). */
  static async start(o: RecorderOptions): Promise<Recorder> {
    await mkdir(o.dir, { recursive: true });
    const free = await (o.freeBytes ?? defaultFreeBytes)(o.dir);
    if (free < o.minFreeBytes) throw new RecordingDiskFullError(free, o.minFreeBytes);
    const fillerFrame = await vp8FillerFrame(o.tools);
    const port = await o.room.createRecorderPort({
      fillerFrame,
      peerId: `recorder:${o.meetingId}`,
    });
    const recorder = new Recorder(o, port);
    try {
      await recorder.#startSegment();
    } catch (error) {
      recorder.#ended = 'recorder_failed';
      clearInterval(recorder.#diskTimer);
      port.close();
      throw error;
    }
    return recorder;
  }

  get segments(): readonly RawSegment[] {
    return this.#segments;
  }

  get ended(): RecordingEnd | undefined {
    return this.#ended;
  }

  /** pid of the ffmpeg writing the current segment (operators, tests). */
  get recorderPid(): number | undefined {
    return this.#process?.running ? this.#process.pid : undefined;
  }

  get port(): RecorderPort {
    return this.#port;
  }

  /**
   * Who the recording shows and hears now. Only what is given changes (`floor: null` = nobody
   * holds the floor; `screen: null` = no screen share).
   */
  async setSources(s: RecordingSources): Promise<void> {
    if (this.#ended) return;
    const feeds: Array<Promise<void>> = [];
    const feed = (slot: RecordingSlot, producerId: string | undefined | null) =>
      feeds.push(
        this.#port.feed(slot, producerId ?? null).catch((error: Error) =>
          this.#o.logger.warn('recording: cannot feed slot', {
            meetingId: this.meetingId,
            slot,
            error: error.message,
          }),
        ),
      );
    if (s.chair !== undefined) {
      feed(SLOT_OF.chairVideo, s.chair?.video);
      feed(SLOT_OF.chairAudio, s.chair?.audio);
    }
    if (s.floor !== undefined) {
      feed(SLOT_OF.floorVideo, s.floor?.video);
      feed(SLOT_OF.floorAudio, s.floor?.audio);
      const next = s.floor ? { siteId: s.floor.siteId, name: s.floor.name } : null;
      if (next?.siteId !== this.#floor?.siteId || next?.name !== this.#floor?.name) {
        this.#floor = next;
        this.#mark(
          next
            ? { at: Date.now(), kind: 'floor', siteId: next.siteId, name: next.name }
            : { at: Date.now(), kind: 'floor', siteId: null },
        );
      }
    }
    if (s.screen !== undefined) {
      feed(SLOT_OF.screen, s.screen);
      const on = Boolean(s.screen);
      if (on !== this.#screen) {
        this.#screen = on;
        this.#mark({ at: Date.now(), kind: 'screen', on });
      }
    }
    await Promise.all(feeds);
  }

  /** Stops for good: the current file is closed properly. Resolves once it is. */
  async stop(reason: RecordingEnd = 'stopped'): Promise<readonly RawSegment[]> {
    await this.#finish(reason);
    return this.#segments;
  }

  // ------------------------------------------------------------------------------- internals

  #mark(m: SegmentMark): void {
    this.#current?.marks.push(m);
  }

  async #startSegment(): Promise<void> {
    const index = this.#next++;
    const base = path.join(this.#o.dir, `seg-${String(index).padStart(3, '0')}`);
    const files = {} as Record<RecordingSlot, string>;
    for (const slot of RECORDING_SLOTS) files[slot] = `${base}.${slot}.live.mkv`;
    const proc = await RecorderProcess.start({
      tools: this.#o.tools,
      port: this.#port,
      files,
      sdpFile: `${base}.sdp`,
      ...(this.#o.stallMs ? { stallMs: this.#o.stallMs } : {}),
    });
    const segment: RawSegment = {
      index,
      liveFiles: proc.files,
      startedAt: proc.startedAt,
      marks: [
        this.#floor
          ? { at: proc.startedAt, kind: 'floor', ...this.#floor }
          : { at: proc.startedAt, kind: 'floor', siteId: null },
        { at: proc.startedAt, kind: 'screen', on: this.#screen },
      ],
    };
    this.#process = proc;
    this.#current = segment;
    this.#segments.push(segment);
    proc.once('exit', (exit) => this.#onExit(proc, segment, exit));
    this.#o.logger.info('recording segment started', {
      meetingId: this.meetingId,
      segment: index,
      pid: proc.pid,
    });
    this.emit('segmentstart', segment);
    if (this.#ended) await proc.stop();
  }

  #endSegment(segment: RawSegment, end: SegmentEnd, detail?: string, at = Date.now()): void {
    if (segment.end) return;
    segment.end = end;
    segment.endedAt = at;
    if (detail) segment.detail = detail;
    if (this.#current === segment) this.#current = undefined;
    this.#o.logger.info('recording segment ended', {
      meetingId: this.meetingId,
      segment: segment.index,
      end,
    });
    this.emit('segmentend', segment);
  }

  #onExit(proc: RecorderProcess, segment: RawSegment, exit: RecorderExit): void {
    if (this.#process === proc) this.#process = undefined;
    this.#port.untarget();
    if (exit.kind === 'stopped') {
      const ended = this.#ended;
      this.#endSegment(
        segment,
        ended === 'disk_full' || ended === 'room_closed' ? ended : 'stopped',
        undefined,
        exit.at,
      );
      return;
    }
    const detail = exit.stderr.trim().split('\n').slice(-3).join(' | ');
    if (exit.diskFull) {
      this.#endSegment(segment, 'disk_full', detail);
      void this.#finish('disk_full');
      return;
    }
    this.#endSegment(segment, 'recorder_died', detail);
    if (this.#ended) return;
    this.#o.logger.warn('recorder died; restarting into a new segment', {
      meetingId: this.meetingId,
      segment: segment.index,
      code: exit.code,
      signal: exit.signal,
      detail,
    });
    const now = Date.now();
    while (this.#restarts.length && now - this.#restarts[0]! > 60_000) this.#restarts.shift();
    if (this.#restarts.length >= (this.#o.maxRestartsPerMinute ?? 3)) {
      void this.#finish(
        'recorder_failed',
        `recorder died ${this.#restarts.length + 1} times in a minute: ${detail}`,
      );
      return;
    }
    this.#restarts.push(now);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#ended) return;
      this.#starting = this.#startSegment().catch((error: Error) => {
        void this.#finish('recorder_failed', error.message);
      });
    }, 200);
  }

  async #checkDisk(): Promise<void> {
    if (this.#ended) return;
    try {
      const free = await (this.#o.freeBytes ?? defaultFreeBytes)(this.#o.dir);
      if (free < this.#o.minFreeBytes) {
        await this.#finish(
          'disk_full',
          new RecordingDiskFullError(free, this.#o.minFreeBytes).message,
        );
      }
    } catch (error) {
      this.#o.logger.warn('recording: cannot read free disk space', {
        meetingId: this.meetingId,
        error: (error as Error).message,
      });
    }
  }

  #finish(reason: RecordingEnd, message?: string): Promise<void> {
    // A second stop (the chair's, then the close) waits for the first: the port is closed once.
    this.#finishing ??= this.#finishNow(reason, message);
    return this.#finishing;
  }

  async #finishNow(reason: RecordingEnd, message?: string): Promise<void> {
    this.#ended = reason;
    clearInterval(this.#diskTimer);
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    try {
      await this.#starting;
      const proc = this.#process;
      if (proc?.running) await proc.stop();
    } finally {
      // Whatever happened while stopping, the recording is over: what was written gets filed.
      this.#port.close();
      this.#o.logger.info('recording ended', { meetingId: this.meetingId, reason, message });
      this.emit('end', message ? { reason, message } : { reason });
    }
  }
}
