import type { Clock } from '../../util/Clock';
import type { Logger } from '../../util/logger';
import { SYSTEM_ACTOR } from '../access';
import type { MeetingProjection } from '../MeetingProjection';
import type { MeetingService } from '../MeetingService';
import { timerDelay } from '../MeetingTimers';
import type { BriefingService } from './BriefingService';

/**
 * Closes votes at their deadline (reason `deadline`), armed from the projection after every
 * applied entry and on load, like MeetingTimers: closing twice or on two hubs changes nothing.
 * The meeting's close also closes an open vote (`meeting_closed`).
 */
export class VoteTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    meetings: MeetingService,
    private readonly briefing: BriefingService,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    meetings.on('loaded', (id, p) => this.arm(id, p));
    meetings.on('applied', (id, _e, p) => this.arm(id, p));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private arm(meetingId: string, p: MeetingProjection): void {
    if (this.closed) return;
    for (const v of p.briefing.votes.values()) {
      const key = `${meetingId}:${v.id}`;
      if (v.closedAt) {
        const t = this.timers.get(key);
        if (t) clearTimeout(t);
        this.timers.delete(key);
        continue;
      }
      if (p.meeting.state === 'closed') {
        this.fire(meetingId, v.id, 'meeting_closed');
        continue;
      }
      if (this.timers.has(key)) continue;
      const delay = timerDelay(Date.parse(v.deadline) - this.clock.now() + 50);
      const t = setTimeout(() => {
        this.timers.delete(key);
        this.fire(meetingId, v.id, 'deadline');
      }, delay);
      t.unref();
      this.timers.set(key, t);
    }
  }

  private fire(meetingId: string, voteId: string, reason: 'deadline' | 'meeting_closed'): void {
    if (this.closed) return;
    void this.briefing
      .closeVote(meetingId, SYSTEM_ACTOR, voteId, reason)
      .catch((e) => this.logger.warn('vote close failed', { voteId, err: String(e) }));
  }
}
