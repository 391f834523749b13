import { rm } from 'node:fs/promises';
import { RECORDING_SLOTS, type RecordingSlot } from '@giaoban/sfu';
import { type FfmpegTools, probe, runTool } from './ffmpeg';

/**
 * The finished source tracks of a segment: one Matroska file per slot, as received. A slot can
 * be missing when the recorder was killed before that slot's first cluster reached the disk
 * (a screen share nobody started has one filler frame, still in the muxer's buffer).
 */
export type SegmentTracks = Partial<Record<RecordingSlot, string>>;

/** `seg-001.chair.video.live.mkv` → `seg-001.chair.video.mkv`. */
export function trackFile(liveFile: string): string {
  return liveFile.replace(/\.live\.mkv$/, '.mkv');
}

/**
 * Turns what the recorder wrote (files possibly cut short by a crash) into the segment's source
 * tracks: the same packets, not re-encoded, timestamps kept (`-copyts`, so the tracks still line
 * up), with a proper index and duration. ffmpeg reads a truncated file up to its last whole
 * cluster. The segment lasts as long as its audio (silence fills the audio slots throughout).
 */
export async function finalizeSegment(o: {
  tools: FfmpegTools;
  liveFiles: Record<RecordingSlot, string>;
  /**
   * The segment's length (endedAt - startedAt): what the recorder read after the stop (the
   * packets that let ffmpeg see it) is cut off, so the tracks end where the segment does.
   */
  lengthMs?: number;
}): Promise<{ tracks: SegmentTracks; unreadable: RecordingSlot[]; durationMs: number }> {
  const tracks: SegmentTracks = {};
  const unreadable: RecordingSlot[] = [];
  await Promise.all(
    RECORDING_SLOTS.map(async (slot) => {
      const out = trackFile(o.liveFiles[slot]);
      try {
        await runTool(o.tools.ffmpeg, [
          ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-err_detect', 'ignore_err'],
          ...['-copyts', '-i', o.liveFiles[slot], '-map', '0', '-c', 'copy'],
          ...(o.lengthMs !== undefined ? ['-to', (o.lengthMs / 1000).toFixed(3)] : []),
          ...['-f', 'matroska', '-y', out],
        ]);
        tracks[slot] = out;
      } catch {
        unreadable.push(slot);
        await rm(out, { force: true });
      }
    }),
  );
  let end = 0;
  for (const slot of ['chair.audio', 'floor.audio'] as const) {
    const file = tracks[slot];
    if (!file) continue;
    const p = await probe(o.tools, file);
    const s = p.streams[0];
    const start = Number((s as { start_time?: string } | undefined)?.start_time ?? 0);
    end = Math.max(end, start + Number(p.format.duration ?? 0));
  }
  return { tracks, unreadable, durationMs: Math.round(end * 1000) };
}
