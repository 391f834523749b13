import type { ProducerInfo } from '@giaoban/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HIGH_LAYER } from '../lib/consumePolicy';
import { meetingState } from '../test/fixtures';
import type { MediaSession } from './MediaSession';
import { reconcileConsumers } from './reconcileConsumers';

const prod = (producerId: string, peerId: string, kind: 'audio' | 'video'): ProducerInfo => ({
  producerId,
  peerId,
  kind,
  source: kind === 'audio' ? 'mic' : 'camera',
  paused: false,
});

/** A media session that only records what it was asked to do. */
function fakeMedia(existing: Record<string, { paused: boolean }>, failing = new Set<string>()) {
  const calls: string[] = [];
  const job = (name: string) =>
    vi.fn(async (producerId: string, arg?: unknown) => {
      calls.push(`${name} ${producerId}${typeof arg === 'number' ? ` ${arg}` : ''}`);
      if (failing.has(producerId)) throw new Error(`${name} failed`);
    });
  const media = {
    consumerFor: (id: string) => existing[id],
    consume: vi.fn(async (p: ProducerInfo) => {
      calls.push(`consume ${p.producerId}`);
      if (failing.has(p.producerId)) throw new Error('consume failed');
    }),
    pause: job('pause'),
    resume: job('resume'),
    setLayer: job('setLayer'),
  } as unknown as MediaSession;
  return { media, calls };
}

const site = (producers: ProducerInfo[], holderSiteId: string | null) =>
  meetingState({
    you: {
      role: 'site',
      accountId: 'a3',
      name: 'Giảng Võ',
      siteId: '003',
      peerId: 'site:003:c',
      micAllowed: false,
      mic: { allowed: false, muted: false, unmute: 'none' },
    },
    meeting: { ...meetingState().meeting, chairId: 'chair1' },
    floor: {
      holder: holderSiteId
        ? {
            siteId: holderSiteId,
            siteName: 'Ba Đình',
            grantedAt: '2026-12-03T08:00:00.000Z',
            limitSeconds: 0,
          }
        : null,
      queue: [],
      spotlight: { kind: 'chair' },
      serverTime: '2026-12-03T08:00:00.000Z',
    },
    producers,
  });

afterEach(() => vi.restoreAllMocks());

describe('reconcileConsumers', () => {
  it('consumes what the policy wants, resumes, pauses what it no longer wants, sets layers', async () => {
    const producers = [
      prod('chair-v', 'user:chair1:s0', 'video'),
      prod('s1-v', 'site:001:a', 'video'),
      prod('s2-v', 'site:002:b', 'video'),
    ];
    // s2 holds the floor (its camera was paused as a thumbnail), s1 no longer does.
    const { media, calls } = fakeMedia({ 's1-v': { paused: false }, 's2-v': { paused: true } });
    await reconcileConsumers(media, site(producers, '002'), new Set());
    expect(calls.sort()).toEqual(
      ['consume chair-v', 'pause s1-v', 'resume s2-v', `setLayer s2-v ${HIGH_LAYER}`].sort(),
    );
  });

  it('does nothing for consumers already as wanted, and never pauses a paused one twice', async () => {
    const producers = [
      prod('chair-v', 'user:chair1:s0', 'video'),
      prod('s1-v', 'site:001:a', 'video'),
    ];
    const { media, calls } = fakeMedia({ 'chair-v': { paused: false }, 's1-v': { paused: true } });
    await reconcileConsumers(media, site(producers, null), new Set());
    expect(calls).toEqual([`setLayer chair-v ${HIGH_LAYER}`]);
  });

  it('keeps going when one job fails (the next pass retries it) and never throws', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const producers = [
      prod('chair-v', 'user:chair1:s0', 'video'),
      prod('s2-v', 'site:002:b', 'video'),
    ];
    const { media, calls } = fakeMedia({}, new Set(['chair-v']));
    await expect(reconcileConsumers(media, site(producers, '002'), new Set())).resolves.toBe(
      undefined,
    );
    expect(calls.sort()).toEqual(['consume chair-v', 'consume s2-v']);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
