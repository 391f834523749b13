import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RECORDING_SLOTS, type RecordingSlot } from '@giaoban/sfu';
import { type Chapter, ffmetadata, flatChapters } from './chapters';
import { type FfmpegTools, runTool } from './ffmpeg';
import type { SegmentTracks } from './finalizeSegment';

/**
 * The program feed: what a viewer of the archive watches. The chair full frame (the screen share
 * instead while one runs, the chair then small in the top corner), the floor holder in a
 * picture-in-picture box with the site's name under it while someone holds the floor, and one
 * audio track mixing the chair and the holder.
 *
 * It is composed from a finished segment's source tracks rather than live: decoding five
 * streams and encoding one is the same work either way, but offline it never waits on a stream
 * that went quiet (a still screen share sends nothing), a crash of the composer cannot touch the
 * source recording, and the layout follows the floor exactly. It runs at low priority after the
 * segment, so it never competes with the media of a live meeting for long.
 */

export interface ProgramLayout {
  width: number;
  height: number;
  fps: number;
  videoKbps: number;
  audioKbps: number;
  fontFile: string;
}

export const DEFAULT_PROGRAM_LAYOUT: ProgramLayout = {
  width: 1280,
  height: 720,
  fps: 25,
  videoKbps: 1200,
  audioKbps: 64,
  fontFile: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
};

export interface ProgramTimeline {
  durationMs: number;
  /** Who held the floor when, in segment time; caption = the site's name. */
  floor: Array<{ fromMs: number; toMs: number; caption: string }>;
  screen: Array<{ fromMs: number; toMs: number }>;
}

/** The program's timeline from a segment's marks (wall-clock ms), clipped to its duration. */
export function programTimeline(
  marks: ReadonlyArray<
    | { at: number; kind: 'floor'; siteId: string | null; name?: string }
    | { at: number; kind: 'screen'; on: boolean }
  >,
  startedAt: number,
  durationMs: number,
): ProgramTimeline {
  const t: ProgramTimeline = { durationMs, floor: [], screen: [] };
  let floor: { fromMs: number; caption: string } | null = null;
  let screen: number | null = null;
  const rel = (at: number) => Math.min(durationMs, Math.max(0, at - startedAt));
  const closeFloor = (at: number) => {
    if (floor && rel(at) > floor.fromMs) t.floor.push({ ...floor, toMs: rel(at) });
    floor = null;
  };
  const closeScreen = (at: number) => {
    if (screen !== null && rel(at) > screen) t.screen.push({ fromMs: screen, toMs: rel(at) });
    screen = null;
  };
  for (const m of [...marks].sort((a, b) => a.at - b.at)) {
    if (m.kind === 'floor') {
      closeFloor(m.at);
      if (m.siteId) floor = { fromMs: rel(m.at), caption: m.name ?? m.siteId };
    } else {
      closeScreen(m.at);
      if (m.on) screen = rel(m.at);
    }
  }
  closeFloor(startedAt + durationMs);
  closeScreen(startedAt + durationMs);
  return t;
}

/**
 * ffmpeg input number of each track the segment has. A track can be missing: a recorder killed
 * before a quiet slot's first cluster reached the disk leaves nothing readable for it.
 */
export type ProgramInputs = Partial<Record<RecordingSlot, number>>;

const sec = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** `enable` expression true inside any of the intervals (commas escaped for the graph parser). */
function during(intervals: ReadonlyArray<{ fromMs: number; toMs: number }>): string {
  return intervals.map((i) => `between(t\\,${sec(i.fromMs)}\\,${sec(i.toMs)})`).join('+');
}

function escapePath(p: string): string {
  return p.replace(/[\\:']/g, (c) => `\\${c}`);
}

/**
 * The filter graph for ffmpeg's -filter_complex_script. Caption n of `timeline.floor` is read
 * from `caption-<n>.txt` in ffmpeg's working directory (no escaping of names needed).
 */
export function programFilterGraph(
  t: ProgramTimeline,
  l: ProgramLayout,
  inputs: ProgramInputs,
): string {
  const { width: W, height: H, fps } = l;
  const dur = sec(t.durationMs);
  // A track changes frame size mid-way (the black filler, simulcast layers, another site's
  // camera) and the graph is not rebuilt for it (-reinit_filter 0 keeps every timeline running):
  // scale follows each frame, and overlays centre each frame by its own size. pad would keep
  // the offsets of the first frame.
  const fit = (w: number, h: number) =>
    `scale=${w}:${h}:force_original_aspect_ratio=decrease,setsar=1`;
  const centred = (x: number, y: number, w: number, h: number) =>
    `x=${x}+(${w}-w)/2:y=${y}+(${h}-h)/2`;
  const input = (slot: RecordingSlot) => inputs[slot];
  const chair = input('chair.video');
  const screenIn = input('screen.video');
  const floorIn = input('floor.video');
  const parts: string[] = [`color=c=0x101820:s=${W}x${H}:r=${fps}:d=${dur}[v0]`];
  let v = 'v0';
  const next = () => `v${Number(v.slice(1)) + 1}`;
  if (chair !== undefined) {
    parts.push(`[${chair}:0]${fit(W, H)},split=2[chair][chairsrc]`);
    const n = next();
    parts.push(`[${v}][chair]overlay=${centred(0, 0, W, H)}:eof_action=repeat:shortest=0[${n}]`);
    v = n;
  }

  if (t.screen.length && screenIn !== undefined) {
    const cw = Math.round(W / 4 / 2) * 2;
    const ch = Math.round(H / 4 / 2) * 2;
    const on = during(t.screen);
    parts.push(`[${screenIn}:0]${fit(W, H)}[screen]`);
    let n = next();
    parts.push(`[${v}]drawbox=0:0:${W}:${H}:color=black:t=fill:enable='${on}'[${n}]`);
    v = n;
    n = next();
    parts.push(
      `[${v}][screen]overlay=${centred(0, 0, W, H)}:eof_action=repeat:enable='${on}'[${n}]`,
    );
    v = n;
    if (chair !== undefined) {
      parts.push(`[chairsrc]${fit(cw, ch)}[chairsmall]`);
      n = next();
      parts.push(
        `[${v}][chairsmall]overlay=${centred(W - cw - 16, 16, cw, ch)}:enable='${on}'[${n}]`,
      );
      v = n;
    }
  } else if (chair !== undefined) {
    parts.push('[chairsrc]nullsink');
  }

  if (t.floor.length && floorIn !== undefined) {
    const pw = Math.round(W / 3 / 2) * 2;
    const ph = Math.round((pw * 9) / 16 / 2) * 2;
    const margin = Math.round(W / 64);
    const capH = Math.round(H / 18);
    const x = W - pw - margin;
    const y = H - ph - margin - capH;
    parts.push(`[${floorIn}:0]${fit(pw, ph)}[floor]`);
    const onFloor = during(t.floor);
    let n = next();
    parts.push(`[${v}]drawbox=${x}:${y}:${pw}:${ph}:color=black:t=fill:enable='${onFloor}'[${n}]`);
    v = n;
    n = next();
    parts.push(`[${v}][floor]overlay=${centred(x, y, pw, ph)}:enable='${onFloor}'[${n}]`);
    v = n;
    const font = escapePath(l.fontFile);
    const size = Math.round(capH * 0.62);
    const text = t.floor.map(
      (f, i) =>
        `drawtext=fontfile='${font}':textfile=caption-${i}.txt:fontsize=${size}:fontcolor=white` +
        `:box=1:boxcolor=0x0b3d91@0.9:boxborderw=${Math.round(capH * 0.19)}` +
        `:x=${x}+(${pw}-text_w)/2:y=${y + ph + Math.round(capH * 0.2)}` +
        `:enable='${during([f])}'`,
    );
    n = next();
    parts.push(`[${v}]${text.join(',')}[${n}]`);
    v = n;
  }
  parts.push(`[${v}]format=yuv420p[vout]`);

  // Both microphones, each on the segment's clock (holes become silence), mixed at full level.
  const a = (slot: RecordingSlot, label: string) => {
    const i = input(slot);
    return i === undefined
      ? `anullsrc=r=48000:cl=stereo:d=${dur}[${label}]`
      : // first_pts=0: pad up to the track's first packet. The relay already keeps each slot
        // continuous (silence fills holes), so no soft stretching (async=1; async=1000 was seen
        // to insert a third of a second at a source change); gaps over 100 ms still fill.
        `[${i}:0]aresample=async=1:first_pts=0,aformat=channel_layouts=stereo[${label}]`;
  };
  parts.push(
    a('chair.audio', 'ca'),
    a('floor.audio', 'fa'),
    `[ca][fa]amix=inputs=2:duration=longest:normalize=0,alimiter=limit=0.95,apad,atrim=0:${dur}[aout]`,
  );
  return parts.join(';\n');
}

export interface ComposeOptions {
  tools: FfmpegTools;
  tracks: SegmentTracks;
  /** Chapter marks for the program file (the index beside it says the same). */
  chapters?: readonly Chapter[];
  title?: string;
  programFile: string;
  timeline: ProgramTimeline;
  layout?: ProgramLayout;
  /** Priority of the composer (os.setPriority): default 10, below live media. */
  nice?: number;
  threads?: number;
}

/** Encodes the program: VP8 + opus in WebM, with the chapters. */
export async function composeProgram(o: ComposeOptions): Promise<void> {
  const layout = o.layout ?? DEFAULT_PROGRAM_LAYOUT;
  const work = await mkdtemp(path.join(os.tmpdir(), 'giaoban-program-'));
  try {
    await Promise.all(
      o.timeline.floor.map((f, i) =>
        writeFile(path.join(work, `caption-${i}.txt`), f.caption.replace(/[\r\n]+/g, ' ')),
      ),
    );
    const present = RECORDING_SLOTS.filter((slot) => o.tracks[slot]);
    const numbers: ProgramInputs = {};
    present.forEach((slot, i) => {
      numbers[slot] = i;
    });
    await writeFile(path.join(work, 'graph.txt'), programFilterGraph(o.timeline, layout, numbers));
    await writeFile(
      path.join(work, 'chapters.txt'),
      ffmetadata(o.title ?? '', flatChapters(o.chapters ?? [])),
    );
    // Sources change resolution mid-track (filler, simulcast layers): scale copes per frame.
    // -copyts: the tracks share the recorder's time origin; keep it.
    const inputs = present.flatMap((slot) => [
      ...['-reinit_filter', '0', '-i', path.resolve(o.tracks[slot]!)],
    ]);
    await runTool(
      o.tools.ffmpeg,
      [
        ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-copyts', ...inputs],
        ...['-f', 'ffmetadata', '-i', 'chapters.txt'],
        ...['-filter_complex_script', 'graph.txt', '-map', '[vout]', '-map', '[aout]'],
        ...['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1'],
        ...['-threads', String(o.threads ?? 2), '-b:v', `${layout.videoKbps}k`],
        ...['-g', String(layout.fps * 2), '-c:a', 'libopus', '-b:a', `${layout.audioKbps}k`],
        ...['-map_metadata', String(present.length)],
        ...['-map_chapters', String(present.length), '-f', 'webm'],
        ...['-y', path.resolve(o.programFile)],
      ],
      { cwd: work, nice: o.nice ?? 10 },
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
