import { EXPIRING_KINDS, type LogData } from '@giaoban/shared';
import { SYSTEM_ACTOR } from '../../domain/access';
import type { MeetingService } from '../../domain/MeetingService';
import type { FileStore } from '../../files/FileStore';
import type { Store } from '../../store/Store';
import type { Clock } from '../../util/Clock';
import type { Logger } from '../../util/logger';
import { keepUntil, type RetentionSettingsStore } from './RetentionSettingsStore';

/** Retention is counted in months: a pass every few hours is plenty (and one at start). */
export const RETENTION_SWEEP_EVERY_MS = 6 * 60 * 60_000;

export interface RetentionSweepResult {
  /** Files whose `archive.expire` entry this pass wrote. */
  expired: Array<{ meetingId: string; sha256: string; name: string }>;
  /** Files removed from the store (new expiries, and expiries whose removal failed before). */
  removed: number;
  /** Expired files kept because another meeting still files the same bytes within its term. */
  sharedKept: number;
  /** Files past their term kept because their meeting's archive is held, with the hold's reason. */
  held: Array<{ meetingId: string; sha256: string; name: string; reason: string }>;
}

const none = (): RetentionSweepResult => ({ expired: [], removed: 0, sharedKept: 0, held: [] });

export interface RetentionSweeperDeps {
  store: Pick<Store, 'listMeetingIds'>;
  meetings: Pick<MeetingService, 'fold' | 'command'>;
  files: Pick<FileStore, 'remove'>;
  settings: RetentionSettingsStore;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Removes the recordings of closed meetings whose term under the retention policy ended. For
 * each, an `archive.expire` entry (what, when filed, which policy) is written into the meeting's
 * log *before* the file goes, so nothing is ever removed without its line, and the archive lists
 * "deleted under the retention policy" instead of a broken link; a removal that failed is retried
 * on the next pass. Minutes, attendance, the log export and documents are never candidates.
 * Files are content-addressed: bytes another meeting still refers to (within its term, or as a
 * kind kept for good, or a ward's attachment) stay until nothing refers to them. A meeting whose
 * archive is under a retention hold (`archive.hold`, a complaint or an inspection) loses nothing
 * until the hold is released; the pass reports what it kept for that and why.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RetentionSweepResult> | null = null;

  constructor(private readonly d: RetentionSweeperDeps) {}

  start(everyMs = RETENTION_SWEEP_EVERY_MS): this {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), everyMs);
    this.timer.unref();
    return this;
  }

  /** One pass (never two at once in this process; the log entries are idempotent across hubs). */
  sweep(): Promise<RetentionSweepResult> {
    this.running ??= this.pass()
      .catch((err: unknown) => {
        this.d.logger.warn('retention sweep failed', { err: String(err) });
        return none();
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async pass(): Promise<RetentionSweepResult> {
    const { recordingMonths } = await this.d.settings.policy();
    const now = this.d.clock.now();
    const live = new Set<string>();
    const gone = new Set<string>();
    const due: Array<{ meetingId: string; file: LogData<'archive.file'> & { at: string } }> = [];
    const result = none();
    for (const meetingId of await this.d.store.listMeetingIds()) {
      // Folded without caching: a pass over years of meetings must not keep them in memory.
      const p = await this.d.meetings.fold(meetingId).catch(() => null);
      if (!p) continue;
      for (const doc of p.briefing.documents.values()) live.add(doc.file.key);
      for (const r of p.briefing.reports.values()) for (const f of r.files) live.add(f.key);
      const closed = p.meeting.state === 'closed';
      for (const a of p.archived) {
        if (a.expired) {
          gone.add(a.key);
          continue;
        }
        const until = keepUntil(a.at, recordingMonths);
        const expiring = closed && EXPIRING_KINDS.includes(a.kind) && until !== null;
        const past = expiring && Date.parse(until) <= now;
        if (past && p.archiveHold) {
          // Held: its bytes are live, whatever the other meetings filing them say.
          result.held.push({
            meetingId,
            sha256: a.sha256,
            name: a.name,
            reason: p.archiveHold.reason,
          });
          live.add(a.key);
        } else if (past) due.push({ meetingId, file: { ...a } });
        else live.add(a.key);
      }
    }
    for (const { meetingId, file } of due) {
      if (live.has(file.key)) {
        result.sharedKept++;
        continue;
      }
      const data: LogData<'archive.expire'> = {
        sha256: file.sha256,
        name: file.name,
        kind: file.kind,
        filedAt: file.at,
        policy: 'retention',
        recordingMonths,
      };
      // Decided on the meeting's current log: another hub's pass may have written it already, and
      // a hold put on since this pass folded the meeting keeps the file.
      let wrote = false;
      let heldBy: string | null = null;
      await this.d.meetings.command(
        meetingId,
        SYSTEM_ACTOR,
        (p) => {
          heldBy = p.archiveHold?.reason ?? null;
          wrote = heldBy === null && p.archived.some((a) => a.sha256 === file.sha256 && !a.expired);
          return wrote ? { type: 'archive.expire', data } : null;
        },
        () => null,
      );
      if (heldBy !== null) {
        result.held.push({ meetingId, sha256: file.sha256, name: file.name, reason: heldBy });
        live.add(file.key);
        continue;
      }
      if (wrote) {
        result.expired.push({ meetingId, sha256: file.sha256, name: file.name });
        this.d.logger.info('archive: removed under the retention policy', {
          meetingId,
          name: file.name,
          sha256: file.sha256,
          filedAt: file.at,
          recordingMonths,
        });
      }
      gone.add(file.key);
    }
    for (const key of gone) {
      if (live.has(key)) continue;
      if (await this.d.files.remove(key)) result.removed++;
    }
    if (result.held.length > 0)
      this.d.logger.info('archive: kept past the retention term under a hold', {
        meetings: [...new Set(result.held.map((h) => h.meetingId))],
        files: result.held.length,
      });
    return result;
  }
}
