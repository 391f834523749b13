import type { Actor, LogDecision } from '@giaoban/shared';
import { beforeEach, describe, expect, it } from 'vitest';
import { MeetingService } from '../../domain/MeetingService';
import { MemoryStore } from '../../store/MemoryStore';
import type { MeetingDefinition } from '../../store/Store';
import { RetentionSettingsStore } from './RetentionSettingsStore';
import { RetentionSweeper } from './RetentionSweeper';

const T0 = Date.parse('2026-01-10T01:30:00.000Z');
const DAY = 86_400_000;
const sec: Actor = { id: 'sec', role: 'secretary', name: 'Trần Thị Bình' };
const sha = (c: string) => c.repeat(64);

const def = (id: string): MeetingDefinition => ({
  id,
  title: `Giao ban ${id}`,
  scheduledStart: new Date(T0).toISOString(),
  chairId: 'chair',
  secretaryId: 'sec',
  siteIds: [],
  agenda: [],
  lateGraceMinutes: 10,
  speakingLimitSeconds: 120,
  openMics: false,
  issuingBody: 'ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI',
  place: 'Hà Nội',
  createdAt: new Date(T0 - DAY).toISOString(),
});

let now = T0;
let store: MemoryStore;
let meetings: MeetingService;
let removed: string[];
let sweeper: RetentionSweeper;

/** A closed meeting that filed one recording (kept 1 month) and its minutes (kept for good). */
async function closedWithRecording(id: string, bytes: string): Promise<void> {
  await meetings.create(def(id));
  for (const to of ['scheduled', 'open', 'in_session', 'adjourned', 'closed'] as const)
    await meetings.transition(id, sec, to);
  await meetings.recordingNote(id, {
    type: 'archive.file',
    data: {
      name: `GhiHinh-${id}.webm`,
      kind: 'recording',
      key: `sha256/${sha(bytes)}`,
      sha256: sha(bytes),
      size: 1000,
      mediaType: 'video/webm',
    },
  });
  await meetings.recordingNote(id, {
    type: 'archive.file',
    data: {
      name: `BienBan-${id}.pdf`,
      kind: 'minutes.pdf',
      key: `sha256/${sha('f')}`,
      sha256: sha('f'),
      size: 10,
      mediaType: 'application/pdf',
    },
  });
}

const write = (id: string, d: LogDecision) =>
  meetings.command(
    id,
    sec,
    () => d,
    () => null,
  );
const hold = (id: string, reason: string) => write(id, { type: 'archive.hold', data: { reason } });
const release = (id: string, reason: string) =>
  write(id, { type: 'archive.release', data: { reason } });
const expiredOf = (id: string) =>
  meetings.read(id, (p) => p.archived.filter((a) => a.expired).map((a) => a.name));

beforeEach(async () => {
  now = T0;
  store = new MemoryStore();
  meetings = new MeetingService(store, { now: () => now });
  removed = [];
  const settings = new RetentionSettingsStore(store, { recordingMonths: 1 });
  sweeper = new RetentionSweeper({
    store,
    meetings,
    files: {
      remove: async (key: string) => {
        removed.push(key);
        return true;
      },
    },
    settings,
    clock: { now: () => now },
    logger: { info: () => {}, warn: () => {} },
  });
});

describe('RetentionSweeper and the retention hold', () => {
  it('keeps a held archive past its term, says so with the reason, and sweeps it once released', async () => {
    await closedWithRecording('held', 'a');
    await closedWithRecording('free', 'b');
    await hold('held', 'Khiếu nại số 12/KN của bà Nguyễn Thị C');
    const projected = await meetings.read('held', (p) => p.archiveHold);
    expect(projected).toMatchObject({ reason: 'Khiếu nại số 12/KN của bà Nguyễn Thị C', by: sec });

    now = T0 + 62 * DAY; // past the 1-month term
    const first = await sweeper.sweep();
    expect(first.expired.map((e) => e.meetingId)).toEqual(['free']);
    expect(first.held).toEqual([
      {
        meetingId: 'held',
        sha256: sha('a'),
        name: 'GhiHinh-held.webm',
        reason: 'Khiếu nại số 12/KN của bà Nguyễn Thị C',
      },
    ]);
    expect(removed).toEqual([`sha256/${sha('b')}`]);
    expect(await expiredOf('held')).toEqual([]);
    // The next pass keeps it again (the hold is not used up by one pass).
    expect((await sweeper.sweep()).held).toHaveLength(1);
    expect(await expiredOf('held')).toEqual([]);

    await release('held', 'Đã giải quyết xong khiếu nại');
    expect(await meetings.read('held', (p) => p.archiveHold)).toBeNull();
    const after = await sweeper.sweep();
    expect(after.held).toEqual([]);
    expect(after.expired).toEqual([
      { meetingId: 'held', sha256: sha('a'), name: 'GhiHinh-held.webm' },
    ]);
    expect(removed).toContain(`sha256/${sha('a')}`);
    expect(await expiredOf('held')).toEqual(['GhiHinh-held.webm']);
    // The minutes are never candidates, held or not.
    expect(removed).not.toContain(`sha256/${sha('f')}`);
  });

  it('a held meeting keeps bytes another meeting files too (as any meeting still keeping them)', async () => {
    await closedWithRecording('held', 'c');
    await closedWithRecording('other', 'c');
    await hold('held', 'Thanh tra năm 2026');
    now = T0 + 62 * DAY;
    const r = await sweeper.sweep();
    // The other meeting's term ended, but the same bytes are still the held one's: kept whole.
    expect(r.expired).toEqual([]);
    expect(r.sharedKept).toBe(1);
    expect(r.held.map((h) => h.meetingId)).toEqual(['held']);
    expect(removed).toEqual([]);
  });

  it('a hold put on between the fold and the expiry line still keeps the file', async () => {
    await closedWithRecording('late', 'd');
    now = T0 + 62 * DAY;
    // The hold lands while the pass is deciding: the command re-reads the current log.
    const command = meetings.command.bind(meetings);
    let once = false;
    meetings.command = (async (...args: Parameters<typeof command>) => {
      if (!once) {
        once = true;
        await command(
          'late',
          sec,
          () => ({ type: 'archive.hold', data: { reason: 'Thanh tra' } }),
          () => null,
        );
      }
      return command(...args);
    }) as typeof meetings.command;
    const r = await sweeper.sweep();
    expect(r.expired).toEqual([]);
    expect(r.held).toMatchObject([{ meetingId: 'late', reason: 'Thanh tra' }]);
    expect(removed).toEqual([]);
    expect(await expiredOf('late')).toEqual([]);
  });
});
