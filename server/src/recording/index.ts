export { ArchiveSearch, fold } from './archive/ArchiveSearch';
export { PLAY_LINK_TTL_MS, type PlayGrant, PlayLinks } from './archive/PlayLinks';
export { keepUntil, RetentionSettingsStore } from './archive/RetentionSettingsStore';
export {
  RETENTION_SWEEP_EVERY_MS,
  RetentionSweeper,
  type RetentionSweepResult,
} from './archive/RetentionSweeper';
export {
  type Chapter,
  type ChapterKind,
  ffmetadata,
  flatChapters,
  segmentChapters,
  type TimelineInterval,
} from './chapters';
export { FfmpegError, type FfmpegTools, type ProbeResult, probe, runTool } from './ffmpeg';
export { finalizeSegment, type SegmentTracks, trackFile } from './finalizeSegment';
export { localDay, MeetingArchive, type MeetingArchiveDeps } from './MeetingArchive';
export {
  composeProgram,
  DEFAULT_PROGRAM_LAYOUT,
  type ProgramLayout,
  type ProgramTimeline,
  programFilterGraph,
  programTimeline,
} from './program';
export {
  type RawSegment,
  Recorder,
  type RecorderEvents,
  type RecorderOptions,
  type RecorderRoom,
  RecordingDiskFullError,
  type RecordingEnd,
  type RecordingLogger,
  type RecordingSources,
  type SegmentEnd,
  type SegmentMark,
} from './Recorder';
export {
  meetingTimeline,
  RecordingService,
  type RecordingServiceDeps,
  recordingSources,
} from './RecordingService';
