import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { ProducerInfo } from '@giaoban/sfu';
import {
  type MeetingEventEntry,
  parsePeerId,
  type RecordingStopReason,
  siteOfPeer,
} from '@giaoban/shared';
import type { HubConfig } from '../config/Config';
import { SYSTEM_ACTOR } from '../domain/access';
import type { MeetingProjection } from '../domain/MeetingProjection';
import type { MeetingService } from '../domain/MeetingService';
import type { MediaRoomPort } from '../media/MediaGateway';
import type { Logger } from '../util/logger';
import { segmentChapters, type TimelineInterval } from './chapters';
import type { FfmpegTools } from './ffmpeg';
import { finalizeSegment } from './finalizeSegment';
import { localDay, type MeetingArchive } from './MeetingArchive';
import {
  composeProgram,
  DEFAULT_PROGRAM_LAYOUT,
  type ProgramLayout,
  programTimeline,
} from './program';
import {
  type RawSegment,
  Recorder,
  type RecorderRoom,
  RecordingDiskFullError,
  type RecordingEnd,
  type RecordingSources,
} from './Recorder';

export interface RecordingServiceDeps {
  meetings: MeetingService;
  /** The meetings' media rooms on this node (MeetingMedia). */
  rooms: {
    roomFor(meetingId: string): Promise<MediaRoomPort>;
    getRoom(meetingId: string): MediaRoomPort | undefined;
  };
  archive: MeetingArchive;
  /**
   * Cluster: where this hub records, on its own media node (MediaNode.recorderRoom), pulling the
   * chair and the floor holder from whichever node they produce on. The hub that wrote
   * `recording.start` records; the others only follow its stop and the close.
   */
  recorderRoom?: ((meetingId: string) => Promise<RecorderRoom>) | undefined;
  config: HubConfig['archive'];
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  tools?: FfmpegTools;
  layout?: ProgramLayout;
  /** How often who is seen/heard is re-checked besides after every log entry. Default 1 s. */
  reconcileMs?: number;
  /**
   * How long a recording whose media room was lost (its worker died) waits for the rebuilt room
   * before it stops as failed. Default 30 s.
   */
  resumeWithinMs?: number;
  /**
   * Scheduling priority of the program composition. Default 10: below the live media, as in
   * production. Tests on a shared machine pass 0, or a loaded CI starves it (it got 4 % of a
   * core beside four busy processes and filed nothing in 5 min).
   */
  composeNice?: number;
}

/**
 * One recording of a meeting, from a start to its stop (one or more segments). A lost media
 * room (its worker died) ends a recorder but not the take: the next recorder, on the rebuilt
 * room, continues its segments.
 */
interface Take {
  recorder: Recorder;
  /** Every recorder of the take so far, the current one last. */
  recorders: Recorder[];
  dir: string;
  timer: NodeJS.Timeout;
  chain: Promise<void>;
  /** The chair's stop or the close came: nothing resumes any more. */
  stopping: boolean;
  /** Waiting for the rebuilt room (a stop waits for this to settle). */
  resuming?: Promise<void> | undefined;
}

/** Who the recording shows and hears, from the meeting and the room's producers. */
export function recordingSources(
  p: Pick<MeetingProjection, 'holderSiteId' | 'siteName'> & { meeting: { chairId: string } },
  producers: readonly ProducerInfo[],
): RecordingSources {
  const own = producers.filter((x) => !x.remote);
  const last = (pred: (x: ProducerInfo) => boolean, kind: 'audio' | 'video') =>
    own.filter((x) => pred(x) && x.kind === kind && x.source !== 'screen').at(-1)?.id;
  const isChair = (x: ProducerInfo) => {
    const who = parsePeerId(x.peerId);
    return who?.kind === 'user' && who.accountId === p.meeting.chairId;
  };
  const holder = p.holderSiteId;
  const isHolder = (x: ProducerInfo) => holder !== null && siteOfPeer(x.peerId) === holder;
  return {
    chair: { video: last(isChair, 'video'), audio: last(isChair, 'audio') },
    floor: holder
      ? {
          siteId: holder,
          name: p.siteName(holder),
          video: last(isHolder, 'video'),
          audio: last(isHolder, 'audio'),
        }
      : null,
    screen: own.find((x) => x.source === 'screen' && x.kind === 'video')?.id ?? null,
  };
}

/** Agenda items and speaking turns as wall-clock intervals (the recording's chapters). */
export function meetingTimeline(p: MeetingProjection): TimelineInterval[] {
  const out: TimelineInterval[] = [];
  p.meeting.agenda.forEach((item, i) => {
    if (!item.startedAt) return;
    out.push({
      kind: 'agenda',
      title: `Mục ${i + 1}: ${item.title}`,
      from: Date.parse(item.startedAt),
      to: item.endedAt ? Date.parse(item.endedAt) : undefined,
      itemId: item.id,
    });
  });
  for (const s of p.speeches) {
    out.push({
      kind: 'turn',
      title: `${p.siteName(s.siteId)} phát biểu`,
      from: s.startedAt,
      to: s.endedAt,
      siteId: s.siteId,
    });
  }
  return out;
}

const STOP_REASON: Record<RecordingEnd, RecordingStopReason> = {
  stopped: 'stopped',
  disk_full: 'disk_full',
  recorder_failed: 'recorder_failed',
  room_closed: 'recorder_failed',
};

/**
 * Runs the meetings' recordings on this node, from their log: `recording.start` starts a
 * Recorder on the meeting's media room (the chair, the floor holder and the screen share, kept
 * current after every entry and every second), `recording.stop` and the close stop it; a
 * recorder that keeps dying or a full disk stops the recording in the log with its reason (the
 * chair sees it; the meeting goes on). A stopped recording's segments are composed into the
 * program with their chapters and filed in the archive; a closed meeting files its minutes,
 * attendance and log too. A meeting set to record from the start begins when its session does.
 */
export class RecordingService {
  private readonly takes = new Map<string, Take>();
  private readonly starting = new Map<string, Promise<void>>();
  /** Compositions run one at a time (below the live media, nice 10). */
  private composing: Promise<void> = Promise.resolve();
  private readonly tools: FfmpegTools;
  private closed = false;

  constructor(private readonly d: RecordingServiceDeps) {
    this.tools = d.tools ?? { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
    d.meetings.on('applied', (id, entry, p, _fx, local) => this.afterEntry(id, entry, p, local));
  }

  /** Is the meeting being recorded on this node now (tests, metrics)? */
  recorderOf(meetingId: string): Recorder | undefined {
    const take = this.takes.get(meetingId);
    return take && !take.resuming ? take.recorder : undefined;
  }

  /** Resolves once every composition and filing queued so far is done (tests, shutdown). */
  async idle(): Promise<void> {
    for (const s of this.starting.values()) await s;
    await this.composing;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.takes.keys()].map((id) => this.stop(id)));
    await this.composing;
  }

  private afterEntry(
    meetingId: string,
    entry: MeetingEventEntry,
    p: MeetingProjection,
    local: boolean,
  ): void {
    if (this.closed) return;
    // The node holding the meeting's media records it; the one that wrote the entry otherwise
    // (in a cluster always that one: every hub has a view of the meeting's room there).
    const here = local || (!this.d.recorderRoom && this.d.rooms.getRoom(meetingId) !== undefined);
    if (!here && !this.takes.has(meetingId) && !this.starting.has(meetingId)) return;
    if (entry.type === 'recording.start') {
      if (here) void this.start(meetingId, entry.at);
    } else if (entry.type === 'recording.stop') void this.stop(meetingId);
    else if (entry.type === 'state' && entry.data.to === 'closed') {
      void this.stop(meetingId)
        .catch((error: Error) =>
          this.d.logger.error('recording: stop at close', { meetingId, error: error.message }),
        )
        .then(() => (here ? this.fileRecords(meetingId) : undefined));
      return;
    } else if (entry.type === 'state' && entry.data.to === 'in_session' && local) {
      const first = p.meeting.transitions.filter((t) => t.to === 'in_session').length === 1;
      if (first && (p.meeting.autoRecord ?? this.d.config.autoRecordDefault)) {
        this.d.meetings
          .setRecording(meetingId, SYSTEM_ACTOR, true, { auto: true })
          .catch((error: Error) =>
            this.d.logger.warn('recording: auto start refused', {
              meetingId,
              error: error.message,
            }),
          );
      }
    }
    if (this.takes.has(meetingId)) this.reconcile(meetingId);
  }

  private start(meetingId: string, at: string): Promise<void> {
    if (this.takes.has(meetingId) || this.starting.has(meetingId)) return Promise.resolve();
    const run = this.startNow(meetingId, at).finally(() => this.starting.delete(meetingId));
    this.starting.set(meetingId, run);
    return run;
  }

  private async startNow(meetingId: string, at: string): Promise<void> {
    const dir = path.join(
      this.d.config.dir,
      meetingId.replace(/[^A-Za-z0-9_-]/g, '_'),
      `take-${at.replace(/[^0-9]/g, '').slice(0, 14)}`,
    );
    try {
      const recorder = await this.startRecorder(meetingId, dir, 1);
      const take: Take = {
        recorder,
        recorders: [recorder],
        dir,
        chain: Promise.resolve(),
        stopping: false,
        timer: setInterval(() => this.reconcile(meetingId), this.d.reconcileMs ?? 1000),
      };
      take.timer.unref();
      this.takes.set(meetingId, take);
      this.follow(meetingId, take, recorder);
      this.reconcile(meetingId);
    } catch (error) {
      const e = error as Error;
      this.d.logger.error('recording: cannot start', { meetingId, error: e.message });
      await this.refuse(
        meetingId,
        error instanceof RecordingDiskFullError ? 'disk_full' : 'recorder_failed',
        e.message,
      );
    }
  }

  /** A recorder on the meeting's media room now (opening the room if it is not open). */
  private async startRecorder(
    meetingId: string,
    dir: string,
    firstSegment: number,
  ): Promise<Recorder> {
    const room: Partial<RecorderRoom> = this.d.recorderRoom
      ? await this.d.recorderRoom(meetingId)
      : ((await this.d.rooms.roomFor(meetingId)) as MediaRoomPort & Partial<RecorderRoom>);
    if (!room.createRecorderPort) throw new Error('this media plane cannot record');
    return Recorder.start({
      meetingId,
      room: room as RecorderRoom,
      dir,
      tools: this.tools,
      logger: this.d.logger,
      minFreeBytes: this.d.config.minFreeBytes,
      firstSegment,
    });
  }

  private follow(meetingId: string, take: Take, recorder: Recorder): void {
    recorder.on('segmentstart', (s) => {
      // The recorder's own restarts; the first segment of a resumed take is noted by resume().
      const previous = recorder.segments.at(-2);
      if (!previous) return;
      this.noteSegment(meetingId, s.index, 'recorder_died', s.startedAt - previous.endedAt!);
    });
    recorder.once('end', ({ reason, message }) => {
      if (reason === 'room_closed' && !take.stopping && !this.closed) {
        take.resuming = this.resume(meetingId, take).finally(() => {
          take.resuming = undefined;
        });
        return;
      }
      void this.ended(meetingId, take, reason, message);
    });
  }

  private noteSegment(
    meetingId: string,
    segment: number,
    cause: 'recorder_died' | 'media_lost',
    gapMs: number,
  ): void {
    void this.d.meetings
      .recordingNote(meetingId, {
        type: 'recording.segment',
        data: { segment, cause, gapMs: Math.max(0, Math.round(gapMs)) },
      })
      .catch(() => {});
  }

  /**
   * The meeting's media room closed under the recording (its worker died): while the meeting
   * is still recorded, a new recorder starts on the rebuilt room as the take's next segment (the
   * sites renegotiate onto it meanwhile); the log notes the gap. Only a room that cannot be
   * rebuilt in time ends the recording as failed.
   */
  private async resume(meetingId: string, take: Take): Promise<void> {
    const lost = take.recorder;
    const lostAt = lost.segments.at(-1)?.endedAt ?? Date.now();
    const next = (lost.segments.at(-1)?.index ?? 0) + 1;
    const deadline = Date.now() + (this.d.resumeWithinMs ?? 30_000);
    this.d.logger.warn('recording: media room lost; resuming on the rebuilt room', {
      meetingId,
      segment: next,
    });
    let lastError = 'media room lost';
    while (!take.stopping && !this.closed && Date.now() < deadline) {
      const still = await this.d.meetings
        .peek(meetingId, (p) => p.meeting.state !== 'closed' && p.meeting.recording?.on === true)
        .catch(() => false);
      if (!still) break;
      try {
        const recorder = await this.startRecorder(meetingId, take.dir, next);
        if (take.stopping || this.closed) {
          await recorder.stop('stopped');
          take.recorders.push(recorder);
          break;
        }
        take.recorder = recorder;
        take.recorders.push(recorder);
        this.follow(meetingId, take, recorder);
        this.noteSegment(meetingId, next, 'media_lost', recorder.segments[0]!.startedAt - lostAt);
        this.reconcile(meetingId);
        return;
      } catch (error) {
        lastError = (error as Error).message;
        if (error instanceof RecordingDiskFullError) {
          return this.ended(meetingId, take, 'disk_full', lastError);
        }
        // The replacement worker is still starting (or the room closed again): try once more.
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const stoppedOnPurpose = take.stopping || this.closed;
    await this.ended(
      meetingId,
      take,
      stoppedOnPurpose ? 'stopped' : 'room_closed',
      stoppedOnPurpose ? undefined : `media room lost and not rebuilt: ${lastError}`,
    );
  }

  private async stop(meetingId: string): Promise<void> {
    await this.starting.get(meetingId);
    const take = this.takes.get(meetingId);
    if (!take) return;
    take.stopping = true;
    try {
      await take.resuming;
      await take.recorder.stop('stopped');
    } catch (error) {
      this.d.logger.error('recording: stop', { meetingId, error: (error as Error).message });
    }
  }

  /** Keeps who is seen and heard current (floor changes, the chair reconnecting, a share). */
  private reconcile(meetingId: string): void {
    const take = this.takes.get(meetingId);
    const room = this.d.rooms.getRoom(meetingId);
    if (!take || !room) return;
    take.chain = take.chain
      .then(async () => {
        const sources = await this.d.meetings.peek(meetingId, (p) =>
          recordingSources(p, room.listProducers()),
        );
        await take.recorder.setSources(sources);
      })
      .catch((error: Error) =>
        this.d.logger.warn('recording: sources', { meetingId, error: error.message }),
      );
  }

  private async ended(
    meetingId: string,
    take: Take,
    reason: RecordingEnd,
    message?: string,
  ): Promise<void> {
    clearInterval(take.timer);
    if (this.takes.get(meetingId) === take) this.takes.delete(meetingId);
    if (reason !== 'stopped') await this.refuse(meetingId, STOP_REASON[reason], message);
    const segments = take.recorders.flatMap((r) =>
      r.segments.filter((s) => s.endedAt !== undefined),
    );
    await this.queue(meetingId, () => this.fileTake(meetingId, take, segments));
  }

  /** The recording ended by itself (disk, recorder): the log says why, the chair sees it. */
  private async refuse(meetingId: string, reason: RecordingStopReason, message?: string) {
    try {
      await this.d.meetings.setRecording(meetingId, SYSTEM_ACTOR, false, {
        reason,
        ...(message ? { message } : {}),
      });
    } catch {
      // closed meanwhile: the close ended the recording
    }
  }

  private async fileTake(meetingId: string, take: Take, segments: RawSegment[]): Promise<void> {
    const info = await this.d.meetings.peek(meetingId, (p) => ({
      timeline: meetingTimeline(p),
      title: p.meeting.title,
      timeZone: 'Asia/Ho_Chi_Minh',
    }));
    const layout = this.d.layout ?? DEFAULT_PROGRAM_LAYOUT;
    for (const seg of segments) {
      try {
        const lengthMs = seg.endedAt! - seg.startedAt;
        const { tracks, durationMs } = await finalizeSegment({
          tools: this.tools,
          liveFiles: seg.liveFiles,
          lengthMs,
        });
        const chapters = segmentChapters(info.timeline, {
          startedAt: seg.startedAt,
          endedAt: seg.endedAt!,
        });
        const programFile = path.join(take.dir, `seg-${String(seg.index).padStart(3, '0')}.webm`);
        await composeProgram({
          tools: this.tools,
          tracks,
          programFile,
          timeline: programTimeline(seg.marks, seg.startedAt, durationMs),
          layout,
          chapters,
          title: info.title,
          ...(this.d.composeNice !== undefined ? { nice: this.d.composeNice } : {}),
        });
        const start = new Date(seg.startedAt);
        const hhmm = new Intl.DateTimeFormat('en-GB', {
          timeZone: info.timeZone,
          hour: '2-digit',
          minute: '2-digit',
        })
          .format(start)
          .replace(':', '');
        const name = `GhiHinh-${localDay(start.toISOString(), info.timeZone)}-${hhmm}-${seg.index}.webm`;
        await this.d.archive.filePath(meetingId, {
          name,
          kind: 'recording',
          mediaType: 'video/webm',
          path: programFile,
        });
        await this.d.archive.fileBytes(meetingId, {
          name: `${name}.chapters.json`,
          kind: 'chapters',
          mediaType: 'application/json',
          bytes: new TextEncoder().encode(
            JSON.stringify({
              segment: seg.index,
              startedAt: start.toISOString(),
              durationMs,
              chapters,
            }),
          ),
        });
      } catch (error) {
        this.d.logger.error('recording: a segment could not be filed', {
          meetingId,
          segment: seg.index,
          error: (error as Error).message,
        });
      }
    }
    // The store keeps the filed copies; the working files go (KEEP_RECORDING_DIR keeps them).
    if (!process.env.KEEP_RECORDING_DIR) await rm(take.dir, { recursive: true, force: true });
  }

  private async fileRecords(meetingId: string): Promise<void> {
    await this.queue(meetingId, () => this.d.archive.fileRecords(meetingId));
  }

  /** One filing job at a time; the archive lists the meeting as pending from now on. */
  private queue(meetingId: string, job: () => Promise<void>): Promise<void> {
    const before = this.composing;
    const run = this.d.archive.busy(meetingId, async () => {
      await before;
      await job();
    });
    this.composing = run.catch((error: Error) =>
      this.d.logger.error('archive: filing failed', { meetingId, error: error.message }),
    );
    return this.composing;
  }
}
