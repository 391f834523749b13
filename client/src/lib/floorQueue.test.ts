import type { FloorHolder, FloorRequest } from '@giaoban/shared';
import { describe, expect, it } from 'vitest';
import {
  applyOrder,
  moveInQueue,
  placeInQueue,
  requestsForItem,
  speakingTimer,
} from './floorQueue';

const req = (siteId: string, itemId?: string): FloorRequest => ({
  siteId,
  siteName: `Site ${siteId}`,
  requestedAt: '2026-11-26T08:00:00.000Z',
  presenter: false,
  ...(itemId ? { itemId } : {}),
});

describe('floor queue', () => {
  const queue = [req('a', 'i1'), req('b'), req('c', 'i1'), req('d')];

  it('gives a site its 1-based place, or null when not waiting', () => {
    expect(placeInQueue(queue, 'a')).toBe(1);
    expect(placeInQueue(queue, 'c')).toBe(3);
    expect(placeInQueue(queue, 'z')).toBeNull();
    expect(placeInQueue([], 'a')).toBeNull();
  });

  it('moves an entry up and down, clamped to the ends', () => {
    expect(moveInQueue(queue, 'c', -1)).toEqual(['a', 'c', 'b', 'd']);
    expect(moveInQueue(queue, 'a', 2)).toEqual(['b', 'c', 'a', 'd']);
    expect(moveInQueue(queue, 'b', -10)).toEqual(['b', 'a', 'c', 'd']);
    expect(moveInQueue(queue, 'd', 1)).toBeNull();
    expect(moveInQueue(queue, 'a', -1)).toBeNull();
    expect(moveInQueue(queue, 'zz', 1)).toBeNull();
  });

  it('applies a new order optimistically, unknown ids last', () => {
    const out = applyOrder(queue, ['d', 'b']);
    expect(out.map((e) => e.siteId)).toEqual(['d', 'b', 'a', 'c']);
    expect(queue.map((e) => e.siteId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('counts requests per agenda item', () => {
    expect(requestsForItem(queue, 'i1')).toBe(2);
    expect(requestsForItem(queue, undefined)).toBe(2);
  });
});

describe('speaking timer', () => {
  const t0 = Date.parse('2026-11-26T08:00:00.000Z');
  const holder = (limitSeconds: number): FloorHolder => ({
    siteId: 'a',
    siteName: 'A',
    grantedAt: new Date(t0).toISOString(),
    limitSeconds,
    ...(limitSeconds ? { endsAt: new Date(t0 + limitSeconds * 1000).toISOString() } : {}),
  });

  it('has no remaining time without a limit', () => {
    expect(speakingTimer(holder(0), t0 + 500_000)).toEqual({
      elapsedMs: 500_000,
      remainingMs: null,
      state: 'ok',
    });
  });

  it('turns to warning in the last minute and over past the limit', () => {
    expect(speakingTimer(holder(180), t0 + 60_000).state).toBe('ok');
    expect(speakingTimer(holder(180), t0 + 121_000).state).toBe('warning');
    const over = speakingTimer(holder(180), t0 + 185_000);
    expect(over.state).toBe('over');
    expect(over.remainingMs).toBe(-5_000);
  });

  it('warns only in the second half of a short limit', () => {
    expect(speakingTimer(holder(60), t0 + 20_000).state).toBe('ok');
    expect(speakingTimer(holder(60), t0 + 31_000).state).toBe('warning');
  });
});
