/**
 * Chapters of one recorded segment: agenda items and speaking turns, clipped to the segment and
 * in segment time. Written into the file (FFMETADATA for ffmpeg's remux) and beside it (the
 * index the archive player jumps with).
 */

export type ChapterKind = 'agenda' | 'turn';

/** Something that happened over a wall-clock interval (ms since the epoch); `to` open = still on. */
export interface TimelineInterval {
  kind: ChapterKind;
  title: string;
  from: number;
  to?: number | undefined;
  itemId?: string | undefined;
  siteId?: string | undefined;
}

export interface Chapter {
  kind: ChapterKind;
  title: string;
  /** Milliseconds from the start of the segment file. */
  startMs: number;
  endMs: number;
  itemId?: string;
  siteId?: string;
}

/** The intervals that overlap [startedAt, endedAt), clipped and made relative to startedAt. */
export function segmentChapters(
  intervals: readonly TimelineInterval[],
  segment: { startedAt: number; endedAt: number },
): Chapter[] {
  const length = Math.max(0, segment.endedAt - segment.startedAt);
  const out: Chapter[] = [];
  for (const i of intervals) {
    const from = Math.max(i.from, segment.startedAt) - segment.startedAt;
    const to = Math.min(i.to ?? segment.endedAt, segment.endedAt) - segment.startedAt;
    if (to <= from || from >= length) continue;
    out.push({
      kind: i.kind,
      title: i.title,
      startMs: Math.round(from),
      endMs: Math.round(to),
      ...(i.itemId ? { itemId: i.itemId } : {}),
      ...(i.siteId ? { siteId: i.siteId } : {}),
    });
  }
  // Agenda items before the turns they contain when both start at once.
  return out.sort(
    (a, b) => a.startMs - b.startMs || (a.kind === b.kind ? 0 : a.kind === 'agenda' ? -1 : 1),
  );
}

/**
 * The chapter marks written into a file: a flat sequence, because ffmpeg writes no nested
 * chapters and drops ones that start with or before an earlier one. Every boundary (an item or
 * a turn starting or ending) opens a chapter named after what runs then: "item — speaker",
 * the item alone, or the speaker alone. The index beside the file keeps items and turns apart.
 */
export function flatChapters(chapters: readonly Chapter[]): Chapter[] {
  const cuts = [...new Set(chapters.flatMap((c) => [c.startMs, c.endMs]))].sort((a, b) => a - b);
  const out: Chapter[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i]!;
    const to = cuts[i + 1]!;
    const on = (kind: ChapterKind) =>
      chapters.filter((c) => c.kind === kind && c.startMs <= from && c.endMs >= to).at(-1);
    const item = on('agenda');
    const turn = on('turn');
    if (!item && !turn) continue;
    const title = [item?.title, turn?.title].filter(Boolean).join(' — ');
    const prev = out.at(-1);
    if (prev && prev.title === title && prev.endMs === from) {
      prev.endMs = to;
      continue;
    }
    out.push({
      kind: turn ? 'turn' : 'agenda',
      title,
      startMs: from,
      endMs: to,
      ...(item?.itemId ? { itemId: item.itemId } : {}),
      ...(turn?.siteId ? { siteId: turn.siteId } : {}),
    });
  }
  return out;
}

/** ffmpeg's metadata file format: `=`, `;`, `#`, `\` and newlines are escaped with `\`. */
function escapeMeta(value: string): string {
  return value.replace(/[=;#\\\n]/g, (c) => `\\${c}`);
}

export function ffmetadata(title: string, chapters: readonly Chapter[]): string {
  const lines = [';FFMETADATA1', `title=${escapeMeta(title)}`];
  for (const c of chapters) {
    lines.push(
      '[CHAPTER]',
      'TIMEBASE=1/1000',
      `START=${c.startMs}`,
      `END=${c.endMs}`,
      `title=${escapeMeta(c.title)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
