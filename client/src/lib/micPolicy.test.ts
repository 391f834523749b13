import { describe, expect, it } from 'vitest';
import { meetingState } from '../test/fixtures';
import { mayOpenMic, shouldAutoOpenMic } from './micPolicy';

const grantedAt = '2026-11-26T08:00:00.000Z';
const holderFloor = (siteId: string) => ({
  holder: { siteId, siteName: siteId, grantedAt, limitSeconds: 0 },
  queue: [],
  spotlight: { kind: 'site' as const, siteId },
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
    },
    micAllowed,
    ...(holder ? { floor: holderFloor(holder) } : {}),
  });

describe('microphone policy', () => {
  it('lets a site open its mic only while the hub allows it, even when it holds the floor', () => {
    expect(mayOpenMic(site(true, null))).toBe(true);
    expect(mayOpenMic(site(false, null))).toBe(false);
    // Muted by the chair while holding the floor: the hub says no, so the client does not.
    expect(mayOpenMic(site(false, '00004'))).toBe(false);
    expect(mayOpenMic(null)).toBe(false);
  });

  it('always lets the chair and admins talk, never secretaries or observers', () => {
    const as = (role: 'chair' | 'admin' | 'secretary' | 'observer') =>
      meetingState({
        you: { role, accountId: 'x', name: 'x', peerId: 'user:x:1', micAllowed: false },
        micAllowed: false,
      });
    expect(mayOpenMic(as('chair'))).toBe(true);
    expect(mayOpenMic(as('admin'))).toBe(true);
    expect(mayOpenMic(as('secretary'))).toBe(false);
    expect(mayOpenMic(as('observer'))).toBe(false);
  });

  it('opens the mic by itself only for an allowed floor holder', () => {
    expect(shouldAutoOpenMic(site(true, '00004'))).toBe(true);
    expect(shouldAutoOpenMic(site(false, '00004'))).toBe(false);
    expect(shouldAutoOpenMic(site(true, '00008'))).toBe(false); // asked to unmute: user decides
    expect(shouldAutoOpenMic(site(true, null))).toBe(false);
  });
});
