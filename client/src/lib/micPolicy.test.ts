import { describe, expect, it } from 'vitest';
import { meetingState } from '../test/fixtures';
import { mayOpenMic, micLabel, stepMicWish } from './micPolicy';

const grantedAt = '2026-11-26T08:00:00.000Z';
const holderFloor = (siteId: string) => ({
  holder: { siteId, siteName: siteId, grantedAt, limitSeconds: 0 },
  queue: [],
  spotlight: { kind: 'site' as const, siteId },
  serverTime: '2026-11-26T01:30:00.000Z',
});
const site = (micAllowed: boolean, holder: string | null) =>
  meetingState({
    you: {
      role: 'site',
      accountId: 'a4',
      name: 'Ba Đình',
      siteId: '00004',
      peerId: 'site:00004:x',
      micAllowed,
      mic: { allowed: micAllowed, muted: false, unmute: 'none' },
    },
    micAllowed,
    ...(holder ? { floor: holderFloor(holder) } : {}),
  });

describe('microphone policy', () => {
  it('lets a site open its mic only while the hub allows it, even when it holds the floor', () => {
    expect(mayOpenMic(site(true, '00004'))).toBe(true);
    // The shared rule (mayProduce) and the hub's word must both say yes: no floor, no mic…
    expect(mayOpenMic(site(true, null))).toBe(false);
    expect(mayOpenMic(site(true, '00008'))).toBe(false);
    // …unless the meeting has open mics; and never in a closed meeting.
    const open = site(true, null);
    expect(mayOpenMic({ ...open, meeting: { ...open.meeting, openMics: true } })).toBe(true);
    const holder = site(true, '00004');
    expect(mayOpenMic({ ...holder, meeting: { ...holder.meeting, state: 'closed' } })).toBe(false);
    expect(mayOpenMic(site(false, null))).toBe(false);
    // Muted by the chair while holding the floor: the hub says no, so the client does not.
    expect(mayOpenMic(site(false, '00004'))).toBe(false);
    expect(mayOpenMic(null)).toBe(false);
  });

  it('always lets the chair and admins talk, never secretaries or observers', () => {
    const as = (role: 'chair' | 'admin' | 'secretary' | 'observer') =>
      meetingState({
        you: {
          role,
          accountId: 'x',
          name: 'x',
          peerId: 'user:x:1',
          micAllowed: false,
          mic: { allowed: false, muted: false, unmute: 'none' },
        },
        micAllowed: false,
      });
    expect(mayOpenMic(as('chair'))).toBe(true);
    expect(mayOpenMic(as('admin'))).toBe(true);
    expect(mayOpenMic(as('secretary'))).toBe(false);
    expect(mayOpenMic(as('observer'))).toBe(false);
  });

  /** Runs pushes (states) through the mic wish; returns at which steps the mic opened. */
  function opens(states: ReturnType<typeof site>[], pending = false): number[] {
    const out: number[] = [];
    let wish = pending;
    for (let i = 1; i < states.length; i++) {
      const step = stepMicWish(states[i - 1]!, states[i]!, wish);
      wish = step.pending;
      if (step.open) out.push(i);
    }
    return out;
  }

  it('opens the mic by itself only when the floor is granted, never on ask-to-unmute', () => {
    // The hub's order on a grant: floor:updated (holder = us), then mic:allowed.
    expect(opens([site(false, null), site(false, '00004'), site(true, '00004')])).toEqual([2]);
    // Mute all while holding the floor, then ask-to-unmute (mic:allowed, askUnmute): not opened.
    const muted = { ...site(false, '00004'), mutedAt: 1 };
    const asked = { ...site(true, '00004'), mutedAt: 1, askedToUnmute: true };
    expect(opens([site(true, '00004'), muted, asked])).toEqual([]);
    // Asked to unmute without the floor: never.
    expect(opens([site(false, null), { ...site(true, null), askedToUnmute: true }])).toEqual([]);
    // The user accepted (pending wish): opens once the hub allows it.
    expect(opens([muted, { ...muted }, asked], true)).toEqual([2]);
    // Granted, then revoked before the hub allowed the mic: the wish goes with the floor.
    expect(
      opens([site(false, null), site(false, '00004'), site(false, null), site(true, null)]),
    ).toEqual([]);
    // Granted anew after a revoke: a new grant, it opens again.
    const regrant = site(true, '00004');
    regrant.floor = {
      ...holderFloor('00004'),
      holder: { ...holderFloor('00004').holder, grantedAt: '2026-11-26T08:05:00.000Z' },
    };
    const unallowedRegrant = { ...regrant, micAllowed: false };
    expect(opens([site(true, '00004'), unallowedRegrant, regrant])).toEqual([2]);
  });

  it('tells a muted floor holder the chair closed its mic, not that it lacks the floor', () => {
    expect(micLabel(site(true, '00004'), true)).toBe('media.mic.open');
    expect(micLabel(site(true, '00004'), false)).toBe('media.mic.closed');
    expect(micLabel(site(false, null), false)).toBe('media.mic.closedByServer');
    expect(micLabel(site(false, '00004'), false)).toBe('media.mic.mutedByChair');
    expect(micLabel({ ...site(false, '00004'), askedToUnmute: true }, false)).toBe(
      'media.mic.askedToUnmute',
    );
  });
});
