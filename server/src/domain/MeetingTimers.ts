import type { MeetingEventEntry } from '@giaoban/shared';
import type { Clock } from '../util/Clock';
import type { Logger } from '../util/logger';
import { SYSTEM_ACTOR } from './access';
import type { MeetingProjection } from './MeetingProjection';
import type { MeetingService } from './MeetingService';

/** Speaking-time warnings: seconds left. */
export const WARN_AT = [60, 10] as const;

/** setTimeout's delay is a signed 32-bit number: clamp (a longer one would fire at once). */
export const timerDelay = (ms: number): number => Math.max(0, Math.min(ms, 2 ** 31 - 1));

export interface MeetingTimersDeps {
  meetings: MeetingService;
  clock: Clock;
  logger: Logger;
  /** A speaking-time warning is due (for this process's sockets only: every hub runs timers). */
  onWarning(meetingId: string, siteId: string, secondsLeft: number): void;
}

/**
 * The meeting's clocks: the floor's speaking limit (warnings at 60 s and 10 s, then the revoke
 * with reason `expired`) and the roll-call deadline. Armed from the projection after every
 * applied entry (local or from another hub) and whenever a meeting is folded (after a restart),
 * so a timer never depends on the process that granted the floor. Expiry commands carry the
 * grant or roll-call they were armed for: firing twice, late, or on two hubs changes nothing.
 */
export class MeetingTimers {
  private readonly timers = new Map<string, NodeJS.Timeout[]>();
  /** What each meeting's timers were armed for, to re-arm only on a change. */
  private readonly armedFor = new Map<string, string>();
  private closed = false;

  constructor(private readonly d: MeetingTimersDeps) {
    d.meetings.on('loaded', (meetingId, p) => this.arm(meetingId, p));
    d.meetings.on('applied', (meetingId, _entry: MeetingEventEntry, p) => this.arm(meetingId, p));
  }

  close(): void {
    this.closed = true;
    for (const ts of this.timers.values()) for (const t of ts) clearTimeout(t);
    this.timers.clear();
    this.armedFor.clear();
  }

  private arm(meetingId: string, p: MeetingProjection): void {
    if (this.closed) return;
    this.armFloor(meetingId, p);
    this.armRollCall(meetingId, p);
  }

  private set(key: string, ts: NodeJS.Timeout[]): void {
    for (const t of this.timers.get(key) ?? []) clearTimeout(t);
    if (ts.length) this.timers.set(key, ts);
    else this.timers.delete(key);
  }

  private armFloor(meetingId: string, p: MeetingProjection): void {
    const key = `${meetingId}:floor`;
    const h = p.holder;
    const mark = h && h.limitSeconds > 0 ? `${h.siteId}@${h.grantedAt}` : '';
    if (this.armedFor.get(key) === (mark || undefined)) return;
    if (!h || !mark) {
      this.armedFor.delete(key);
      this.set(key, []);
      return;
    }
    this.armedFor.set(key, mark);
    const { clock, meetings, logger } = this.d;
    const endsAt = Date.parse(h.grantedAt) + h.limitSeconds * 1000;
    const ts: NodeJS.Timeout[] = [];
    for (const left of WARN_AT) {
      const at = endsAt - left * 1000;
      if (h.limitSeconds > left && at > clock.now()) {
        ts.push(
          setTimeout(
            () => this.d.onWarning(meetingId, h.siteId, left),
            timerDelay(at - clock.now()),
          ),
        );
      }
    }
    ts.push(
      setTimeout(
        () => {
          void meetings
            .floorRevoke(meetingId, SYSTEM_ACTOR, 'expired', h.grantedAt)
            .catch((e) => logger.warn('floor expiry failed', { err: String(e) }));
        },
        timerDelay(endsAt - clock.now()),
      ),
    );
    this.set(key, ts);
  }

  private armRollCall(meetingId: string, p: MeetingProjection): void {
    const key = `${meetingId}:rollcall`;
    const rc = p.currentRollCall();
    const mark = rc && !rc.closedAt ? rc.id : '';
    if (this.armedFor.get(key) === (mark || undefined)) return;
    if (!rc || !mark) {
      this.armedFor.delete(key);
      this.set(key, []);
      return;
    }
    this.armedFor.set(key, mark);
    const { clock, meetings, logger } = this.d;
    this.set(key, [
      setTimeout(
        () => {
          void meetings
            .rollCallClose(meetingId, SYSTEM_ACTOR, rc.id)
            .catch((e) => logger.warn('roll-call close failed', { err: String(e) }));
        },
        timerDelay(Date.parse(rc.deadline) - clock.now()),
      ),
    ]);
  }
}
