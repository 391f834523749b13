import type { C2SEventName, FloorState, RollCall } from '@giaoban/shared';
import { C2S } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import { fromSnapshot } from '../lib/meetingState';
import { meeting, request, row } from '../test/fixtures';
import { ACK_PUSHES, applyAck, pushesForAck } from './ackPushes';

function state() {
  return fromSnapshot(
    {
      meeting: meeting(),
      you: {
        role: 'chair',
        accountId: 'acc_chair',
        name: 'Chủ trì',
        peerId: 'user:acc_chair:1',
        micAllowed: true,
        mic: { allowed: true, muted: false, unmute: 'none' },
      },
      chair: { id: 'acc_chair', name: 'Chủ trì' },
      secretary: { id: 'acc_sec', name: 'Thư ký' },
      sites: [],
      floor: {
        holder: null,
        queue: [],
        spotlight: { kind: 'chair' },
        serverTime: '2026-11-26T01:30:00.000Z',
      },
      rollCall: null,
      attendance: [row('00004', 'Ba Đình', 'on_time')],
      presence: null,
      producers: [],
      seq: 1,
      serverTime: new Date(0).toISOString(),
    },
    0,
  );
}

describe('the ack-to-push table', () => {
  it('covers every command of the contract, and nothing else', () => {
    expect(Object.keys(ACK_PUSHES).sort()).toEqual(Object.keys(C2S).sort());
  });

  it('names the push a floor ack stands for and applies it to the state', () => {
    const floor: FloorState = {
      holder: null,
      queue: [request('00004', 'Ba Đình')],
      spotlight: { kind: 'chair' },
      serverTime: '2026-11-26T01:30:00.000Z',
    };
    for (const event of ['floor:request', 'floor:grant', 'floor:next'] as const) {
      expect(pushesForAck(event, {} as never, floor)).toEqual([
        { event: 'floor:updated', payload: floor },
      ]);
    }
    expect(applyAck(state(), 'floor:request', {}, floor, 0).floor).toBe(floor);
  });

  it('maps meeting-changing acks (agenda, transition, lock) to meeting:updated', () => {
    const m = meeting({ locked: true });
    for (const event of [
      'meeting:transition',
      'agenda:start',
      'agenda:next',
      'agenda:extend',
      'agenda:reorder',
      'agenda:note',
      'moderation:lock',
    ] satisfies C2SEventName[]) {
      expect(pushesForAck(event, {} as never, m)).toEqual([
        { event: 'meeting:updated', payload: m },
      ]);
    }
    expect(applyAck(state(), 'moderation:lock', { locked: true }, m, 0).meeting.locked).toBe(true);
  });

  it('ties a roll-call answer to the roll call it was sent for', () => {
    const rc: RollCall = {
      id: 'rc1',
      startedAt: '2026-11-26T08:00:00.000Z',
      startedBy: 'acc_chair',
      deadline: '2026-11-26T08:01:00.000Z',
      expectedSiteIds: ['00004'],
      answers: [],
    };
    const s = applyAck(state(), 'rollcall:start', { deadlineSeconds: 60 }, rc, 0);
    expect(s.rollCall?.id).toBe('rc1');
    const answer = { siteId: '00004', headcount: 12, at: '2026-11-26T08:00:10.000Z' };
    const answered = applyAck(
      s,
      'rollcall:answer',
      { rollCallId: 'rc1', headcount: 12 },
      answer,
      0,
    );
    expect(answered.rollCall?.answers).toEqual([answer]);
    expect(answered.attendance[0]?.headcount).toBe(12);
    // An answer acked for another (older) roll call does not touch the current one.
    const stale = applyAck(s, 'rollcall:answer', { rollCallId: 'rc0', headcount: 3 }, answer, 0);
    expect(stale.rollCall?.answers).toEqual([]);
  });

  it('upserts the attendance rows of a table ack', () => {
    const rows = [row('00004', 'Ba Đình', 'late'), row('00007', 'Hoàn Kiếm', 'on_time')];
    const s = applyAck(state(), 'attendance:table', {}, rows, 0);
    expect(s.attendance.map((r) => [r.siteId, r.status])).toEqual([
      ['00004', 'late'],
      ['00007', 'on_time'],
    ]);
  });

  it('leaves the state untouched for acks that stand for no push', () => {
    const s = state();
    expect(applyAck(s, 'moderation:muteAll', {}, { muted: 3 }, 0)).toBe(s);
    expect(applyAck(s, 'media:produce', {} as never, { id: 'p1', paused: false }, 0)).toBe(s);
    expect(applyAck(s, 'moderation:mute', { siteId: '00004' }, null, 0)).toBe(s);
  });
});
