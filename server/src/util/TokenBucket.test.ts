import { describe, expect, it } from 'vitest';
import { TokenBucket } from './TokenBucket';

describe('TokenBucket', () => {
  it('allows a burst, then refills at the given rate', () => {
    let now = 0;
    const b = new TokenBucket(3, 2, () => now);
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
    now += 500; // one token back
    expect([b.take(), b.take()]).toEqual([true, false]);
    now += 10_000; // capped at the burst
    expect([b.take(), b.take(), b.take(), b.take()]).toEqual([true, true, true, false]);
  });
});
