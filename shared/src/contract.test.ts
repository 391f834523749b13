import { describe, expect, it } from 'vitest';
import {
  C2S,
  C2S_EVENTS,
  CreateMeetingBody,
  DirectoryImportBody,
  ERROR_CODES,
  EVENT_ROLES,
  HTTP_STATUS_OF,
  MEETING_STATES,
  MEETING_TRANSITIONS,
  ROLES,
  ROUTES,
  Snapshot,
} from './index';

describe('shared contract', () => {
  it('gives every client→server event a schema and a role list of known roles', () => {
    expect(Object.keys(EVENT_ROLES).sort()).toEqual([...C2S_EVENTS].sort());
    for (const roles of Object.values(EVENT_ROLES)) {
      expect(roles.length).toBeGreaterThan(0);
      for (const r of roles) expect(ROLES).toContain(r);
    }
  });

  it('maps every error code to an HTTP status', () => {
    expect(Object.keys(HTTP_STATUS_OF).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('has a state machine over known states that can reach closed from draft', () => {
    const seen = new Set<string>(['draft']);
    const queue = ['draft'] as Array<keyof typeof MEETING_TRANSITIONS>;
    while (queue.length) {
      for (const next of MEETING_TRANSITIONS[queue.shift()!]) {
        expect(MEETING_STATES).toContain(next);
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual([...MEETING_STATES].sort());
    expect(MEETING_TRANSITIONS.closed).toEqual([]);
  });

  it('validates socket payloads strictly on types and sizes', () => {
    expect(C2S['meeting:join'].safeParse({ meetingId: 'mtg_1' }).success).toBe(true);
    expect(C2S['meeting:join'].safeParse({ meetingId: 'x'.repeat(65) }).success).toBe(false);
    expect(C2S['meeting:join'].safeParse({ meetingId: 'a b' }).success).toBe(false);
    expect(C2S['rollcall:answer'].safeParse({ rollCallId: 'rc_1', headcount: -1 }).success).toBe(
      false,
    );
    expect(C2S['rollcall:start'].safeParse({ deadlineSeconds: 2 }).success).toBe(false);
    expect(
      C2S['floor:spotlight'].safeParse({ spotlight: { kind: 'site', siteId: '00004' } }).success,
    ).toBe(true);
    expect(C2S['floor:spotlight'].safeParse({ spotlight: { kind: 'moon' } }).success).toBe(false);
    expect(
      C2S['media:produce'].safeParse({
        transportId: 't',
        kind: 'audio',
        rtpParameters: { codecs: [] },
        source: 'mic',
      }).success,
    ).toBe(false);
    expect(C2S['attendance:mark'].safeParse({ siteId: '00004', mark: null }).success).toBe(true);
    expect(C2S['attendance:mark'].safeParse({ siteId: '00004', mark: 'maybe' }).success).toBe(
      false,
    );
  });

  it('validates REST bodies', () => {
    expect(
      CreateMeetingBody.safeParse({
        title: 'x',
        scheduledStart: 'tomorrow',
        chairId: 'a',
        secretaryId: 'b',
      }).success,
    ).toBe(false);
    expect(
      CreateMeetingBody.safeParse({
        title: 'x',
        scheduledStart: '2026-11-26T01:30:00.000Z',
        chairId: 'a',
        secretaryId: 'b',
      }).success,
    ).toBe(true);
    expect(DirectoryImportBody.safeParse({ format: 'xml', data: 1 }).success).toBe(false);
  });

  it('lists each REST route once', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('describes a full snapshot', () => {
    const meeting = {
      id: 'm1',
      title: 'Giao ban',
      scheduledStart: '2026-11-26T01:30:00.000Z',
      state: 'open',
      chairId: 'c',
      secretaryId: 's',
      siteIds: ['00004'],
      agenda: [],
      lateGraceMinutes: 10,
      speakingLimitSeconds: 300,
      openMics: false,
      locked: false,
      issuingBody: 'UBND',
      place: 'Hà Nội',
      transitions: [],
      createdAt: '2026-11-26T01:00:00.000Z',
    };
    const snap = {
      meeting,
      you: {
        role: 'site',
        accountId: 'site:00004',
        name: 'Ba Đình',
        siteId: '00004',
        peerId: 'site:00004:abc',
        micAllowed: false,
        mic: { allowed: false, muted: false, unmute: 'none' },
      },
      chair: { id: 'c', name: 'Chủ trì' },
      secretary: { id: 's', name: 'Thư ký' },
      sites: [{ siteId: '00004', code: '00004', name: 'Phường Ba Đình' }],
      floor: {
        holder: null,
        queue: [],
        spotlight: { kind: 'chair' },
        serverTime: '2026-11-26T01:31:00.000Z',
      },
      rollCall: null,
      attendance: [],
      presence: null,
      producers: [],
      seq: 3,
      serverTime: '2026-11-26T01:31:00.000Z',
    };
    expect(Snapshot.safeParse(snap).success).toBe(true);
    expect(Snapshot.safeParse({ ...snap, meeting: { ...meeting, state: 'paused' } }).success).toBe(
      false,
    );
  });
});
