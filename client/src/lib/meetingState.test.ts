import { describe, expect, it } from 'vitest';
import { meetingState, request, row } from '../test/fixtures';
import { countBoard } from './attendanceBoard';
import { applyPush, fromSnapshot, serverNow } from './meetingState';

const site = () =>
  meetingState({
    you: {
      role: 'site',
      accountId: 'a1',
      name: 'Ba Đình',
      siteId: '00004',
      peerId: 'site:00004:x',
      micAllowed: false,
      mic: { allowed: false, muted: false, unmute: 'none' },
    },
    micAllowed: false,
  });

describe('meeting state reducer', () => {
  it('applies floor, agenda and meeting pushes', () => {
    const s0 = meetingState();
    const floor = {
      holder: null,
      queue: [request('00004', 'Ba Đình')],
      spotlight: { kind: 'chair' as const },
      serverTime: '2026-11-26T01:30:00.000Z',
    };
    const s1 = applyPush(s0, 'floor:updated', floor, 0);
    expect(s1.floor.queue).toHaveLength(1);
    const s2 = applyPush(
      s1,
      'agenda:updated',
      { agenda: s1.meeting.agenda, currentItemId: 'i2' },
      0,
    );
    expect(s2.meeting.currentItemId).toBe('i2');
    const s3 = applyPush(
      s2,
      'agenda:updated',
      { agenda: s2.meeting.agenda, currentItemId: null },
      0,
    );
    expect(s3.meeting.currentItemId).toBeUndefined();
    expect(s0.floor.queue).toHaveLength(0); // immutable
  });

  it('tracks this site’s microphone permission through mute, ask-to-unmute and mic:allowed', () => {
    let s = site();
    s = applyPush(s, 'moderation:askUnmute', { siteId: '00004' }, 0);
    // Asked only: the mic is not allowed until the site accepts and the hub says so.
    expect(s).toMatchObject({ askedToUnmute: true, micAllowed: false });
    s = applyPush(s, 'moderation:muted', { siteId: null }, 1234);
    expect(s).toMatchObject({ askedToUnmute: false, micAllowed: false, mutedAt: 1234 });
    s = applyPush(
      s,
      'mic:allowed',
      { siteId: '00004', allowed: true, muted: false, unmute: 'none' },
      0,
    );
    expect(s.micAllowed).toBe(true);
    // Another site's events do not touch this one.
    const other = applyPush(
      s,
      'mic:allowed',
      { siteId: '00008', allowed: false, muted: false, unmute: 'none' },
      0,
    );
    expect(other).toBe(s);
  });

  it('updates presence and attendance rows, and records roll-call answers', () => {
    let s = meetingState({ attendance: [row('00004', 'Ba Đình', 'on_time', { connected: true })] });
    s = applyPush(
      s,
      'presence:updated',
      {
        siteId: '00004',
        connected: false,
        presence: 'dropped',
        media: { audio: 'none', video: 'none' },
        micAllowed: false,
        mic: { allowed: false, muted: false, unmute: 'none' },
        at: '2026-11-26T08:00:00Z',
      },
      0,
    );
    expect(s.attendance[0]!.connected).toBe(false);
    s = applyPush(s, 'attendance:updated', row('00008', 'Ngọc Hà', 'late'), 0);
    expect(s.attendance.map((r) => r.siteId)).toEqual(['00004', '00008']);
    const rc = {
      id: 'rc1',
      startedAt: '2026-11-26T08:00:00Z',
      startedBy: 'sec',
      deadline: '2026-11-26T08:01:00Z',
      expectedSiteIds: ['00004', '00008'],
      answers: [],
    };
    s = applyPush(s, 'rollcall:started', rc, 0);
    s = applyPush(
      s,
      'rollcall:answered',
      { rollCallId: 'rc1', siteId: '00004', headcount: 7, at: '2026-11-26T08:00:10Z' },
      0,
    );
    s = applyPush(
      s,
      'rollcall:answered',
      { rollCallId: 'rc1', siteId: '00004', headcount: 8, at: '2026-11-26T08:00:20Z' },
      0,
    );
    expect(s.rollCall!.answers).toEqual([
      { siteId: '00004', headcount: 8, at: '2026-11-26T08:00:20Z' },
    ]);
    expect(
      applyPush(
        s,
        'rollcall:answered',
        { rollCallId: 'other', siteId: '00008', headcount: 1, at: 'x' },
        0,
      ),
    ).toBe(s);
  });

  it('keeps the producer list in step with new, paused and closed producers', () => {
    let s = meetingState();
    s = applyPush(
      s,
      'media:newProducer',
      { producerId: 'p1', peerId: 'site:00004:x', kind: 'audio', source: 'mic', paused: true },
      0,
    );
    s = applyPush(
      s,
      'media:producerPaused',
      { producerId: 'p1', peerId: 'site:00004:x', paused: false },
      0,
    );
    expect(s.producers).toEqual([
      { producerId: 'p1', peerId: 'site:00004:x', kind: 'audio', source: 'mic', paused: false },
    ]);
    s = applyPush(s, 'media:producerClosed', { producerId: 'p1' }, 0);
    expect(s.producers).toEqual([]);
  });

  it('media:reset drops every producer only when the room went (workerdied), not for one peer', () => {
    const chair = {
      producerId: 'pc',
      peerId: 'user:acc_chair:1',
      kind: 'video' as const,
      source: 'camera' as const,
      paused: false,
    };
    const s = applyPush(site(), 'media:newProducer', chair, 0);
    // Issue #11: after a transport the SFU closed under this site, the chair still produces; the
    // old reducer emptied the list and the rebuilt site consumed nothing (a black chair tile).
    for (const reason of ['transportlost', 'nodelost', 'pipelost'] as const) {
      expect(applyPush(s, 'media:reset', { reason }, 0).producers, reason).toEqual([chair]);
    }
    expect(applyPush(s, 'media:reset', { reason: 'workerdied' }, 0).producers).toEqual([]);
  });

  it('resyncs from a snapshot, keeping only what the snapshot cannot know', () => {
    const prev = { ...site(), askedToUnmute: true, activeSpeakerPeerId: 'user:chair:1' };
    const snap = {
      meeting: prev.meeting,
      you: {
        ...prev.you,
        micAllowed: true,
        mic: { allowed: true, muted: true, unmute: 'requested' as const },
      },
      chair: prev.chair,
      secretary: prev.secretary,
      sites: [],
      floor: prev.floor,
      rollCall: null,
      attendance: [],
      presence: null,
      producers: [],
      seq: 42,
      serverTime: new Date(10_000).toISOString(),
    };
    const s = fromSnapshot(snap, 9_000, prev);
    expect(s).toMatchObject({
      seq: 42,
      micAllowed: true,
      askedToUnmute: true,
      activeSpeakerPeerId: 'user:chair:1',
      serverOffsetMs: 1000,
    });
    expect(serverNow(s, 5_000)).toBe(6_000);
  });

  it("puts a roll-call answer's headcount on the board unless the secretary recorded one", () => {
    const rc = {
      id: 'rc1',
      startedAt: '2026-11-26T08:00:00.000Z',
      startedBy: 'acc_chair',
      deadline: '2026-11-26T08:05:00.000Z',
      expectedSiteIds: ['00004', '00008'],
      answers: [],
    };
    let s = meetingState({
      rollCall: rc,
      attendance: [
        row('00004', 'Ba Đình', 'on_time'),
        row('00008', 'Ngọc Hà', 'on_time', { headcount: 30, headcountSource: 'mark' }),
      ],
    });
    const at = '2026-11-26T08:01:00.000Z';
    s = applyPush(
      s,
      'rollcall:answered',
      { rollCallId: 'rc1', siteId: '00004', headcount: 12, at },
      0,
    );
    s = applyPush(
      s,
      'rollcall:answered',
      { rollCallId: 'rc1', siteId: '00008', headcount: 7, at },
      0,
    );
    expect(s.attendance.map((r) => [r.siteId, r.headcount, r.headcountSource])).toEqual([
      ['00004', 12, 'rollcall'],
      ['00008', 30, 'mark'],
    ]);
    expect(countBoard(s.attendance).headcount).toBe(42);
  });

  it("marks a removed site's row removed on the staff's board, not as a dropped line", () => {
    const s = meetingState({
      attendance: [
        row('00004', 'Ba Đình', 'on_time', { connected: true }),
        row('00008', 'Ngọc Hà', 'on_time', { connected: true }),
      ],
    });
    const next = applyPush(s, 'moderation:removed', { siteId: '00004' }, 0);
    expect(next.attendance.map((r) => [r.siteId, r.removed])).toEqual([
      ['00004', true],
      ['00008', false],
    ]);
    expect(next.removed).toBeNull();
    expect(applyPush(s, 'moderation:removed', { siteId: '99999' }, 0)).toBe(s);
  });

  it('drops the "speaking" badge when the meeting closes or the speaking site is removed', () => {
    const s = {
      ...meetingState({
        attendance: [row('00004', 'Ba Đình', 'on_time', { connected: true })],
      }),
      activeSpeakerPeerId: 'site:00004:abc',
    };
    const closed = applyPush(s, 'meeting:updated', { ...s.meeting, state: 'closed' }, 0);
    expect(closed.activeSpeakerPeerId).toBeNull();
    const open = applyPush(s, 'meeting:updated', { ...s.meeting, state: 'in_session' }, 0);
    expect(open.activeSpeakerPeerId).toBe('site:00004:abc');
    expect(applyPush(s, 'moderation:removed', { siteId: '00004' }, 0).activeSpeakerPeerId).toBe(
      null,
    );
  });

  it('adopts the hub: meeting:ended closes, floor:declined tells the site, serverTime sets the clock', () => {
    const s = site();
    const ended = applyPush(
      s,
      'meeting:ended',
      { meetingId: s.meeting.id, state: 'closed', at: '2026-11-26T10:00:00.000Z' },
      0,
    );
    expect(ended.meeting.state).toBe('closed');
    expect(ended.meeting.transitions.at(-1)).toMatchObject({ to: 'closed' });
    expect(applyPush(s, 'meeting:ended', { meetingId: 'other', state: 'closed', at: '' }, 0)).toBe(
      s,
    );

    const declined = applyPush(s, 'floor:declined', { siteId: '00004', reason: 'Hết giờ' }, 5);
    expect(declined.declined).toEqual({ reason: 'Hết giờ', at: 5 });
    expect(applyPush(s, 'floor:declined', { siteId: '00008' }, 5).declined).toBeNull();
    // Queued again: the notice goes.
    const again = applyPush(
      declined,
      'floor:updated',
      { ...s.floor, queue: [request('00004', 'Ba Đình')], serverTime: s.floor.serverTime },
      5,
    );
    expect(again.declined).toBeNull();

    // The ward PC's clock is 90 s behind the hub: the countdown follows the hub.
    const local = Date.parse('2026-11-26T09:00:00.000Z');
    const floor = applyPush(
      s,
      'floor:updated',
      { ...s.floor, serverTime: '2026-11-26T09:01:30.000Z' },
      local,
    );
    expect(serverNow(floor, local)).toBe(Date.parse('2026-11-26T09:01:30.000Z'));
  });

  it("keeps this site's mic state from mute, ask-to-unmute and mic:allowed", () => {
    let s = site();
    s = applyPush(s, 'moderation:askUnmute', { siteId: '00004' }, 0);
    expect(s.mic.unmute).toBe('requested');
    expect(s.micAllowed).toBe(false);
    s = applyPush(
      s,
      'mic:allowed',
      { siteId: '00004', allowed: true, muted: false, unmute: 'accepted' },
      0,
    );
    expect(s).toMatchObject({
      micAllowed: true,
      askedToUnmute: false,
      mic: { unmute: 'accepted' },
    });
    s = applyPush(s, 'moderation:muted', { siteId: null }, 0);
    expect(s).toMatchObject({
      micAllowed: false,
      mic: { allowed: false, muted: true, unmute: 'none' },
    });
  });
});
