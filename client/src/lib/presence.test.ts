import { describe, expect, it } from 'vitest';
import { meetingState, row } from '../test/fixtures';
import { applyPush } from './meetingState';
import { countPresence, missingSites, presenceOf } from './presence';

const joined = [{ joinAt: '2026-11-26T08:01:00.000Z', leaveAt: '2026-11-26T08:20:00.000Z' }];

describe('presence', () => {
  it('never calls a ward that never joined "disconnected"', () => {
    expect(presenceOf(row('1', 'A', 'absent_without_reason', { connected: false }))).toBe(
      'not_joined',
    );
    expect(presenceOf(row('2', 'B', 'on_time', { connected: false, intervals: joined }))).toBe(
      'dropped',
    );
    expect(presenceOf(row('3', 'C', 'on_time', { connected: true, intervals: joined }))).toBe(
      'connected',
    );
    // The hub's word wins when it tells a leave from a drop.
    expect(
      presenceOf({
        ...row('4', 'D', 'left_early', { connected: false, intervals: joined }),
        presence: 'left',
      }),
    ).toBe('left');
  });

  it('counts "connected 2/3" without removed sites and lists the missing ones by kind', () => {
    const rows = [
      row('1', 'A', 'on_time', { connected: true, intervals: [{ joinAt: joined[0]!.joinAt }] }),
      row('2', 'B', 'on_time', { connected: true, intervals: [{ joinAt: joined[0]!.joinAt }] }),
      row('3', 'C', 'absent_without_reason', { connected: false }),
      row('4', 'D', 'on_time', { connected: false, removed: true, intervals: joined }),
    ];
    expect(countPresence(rows)).toEqual({
      expected: 3,
      connected: 2,
      dropped: 0,
      left: 0,
      notJoined: 1,
    });
    expect(missingSites(rows).notJoined.map((r) => r.siteId)).toEqual(['3']);
  });

  it('keeps the intervals in step with presence pushes, so a site that came and went is not "not joined"', () => {
    const s = meetingState({
      attendance: [row('9', 'E', 'absent_without_reason', { connected: false })],
    });
    const media = { audio: 'none', video: 'none' } as const;
    const mic = { allowed: false, muted: false, unmute: 'none' } as const;
    const on = applyPush(
      s,
      'presence:updated',
      {
        siteId: '9',
        connected: true,
        presence: 'connected',
        media,
        micAllowed: false,
        mic,
        at: '2026-11-26T08:02:00.000Z',
      },
      0,
    );
    expect(presenceOf(on.attendance[0]!)).toBe('connected');
    const off = applyPush(
      on,
      'presence:updated',
      {
        siteId: '9',
        connected: false,
        presence: 'dropped',
        media,
        micAllowed: false,
        mic,
        at: '2026-11-26T08:09:00.000Z',
      },
      0,
    );
    expect(off.attendance[0]!.intervals).toEqual([
      { joinAt: '2026-11-26T08:02:00.000Z', leaveAt: '2026-11-26T08:09:00.000Z' },
    ]);
    expect(presenceOf(off.attendance[0]!)).toBe('dropped');
  });
});
