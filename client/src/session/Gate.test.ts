import { describe, expect, it } from 'vitest';
import { Gate } from './Gate';

/** How a promise stands once pending callbacks have run. */
async function settled(p: Promise<void>): Promise<'open' | 'failed' | 'pending'> {
  let out: 'open' | 'failed' | 'pending' = 'pending';
  p.then(
    () => {
      out = 'open';
    },
    () => {
      out = 'failed';
    },
  );
  await new Promise((r) => setTimeout(r, 0));
  return out;
}

describe('Gate', () => {
  it('holds waiters until opened, and closing twice keeps the same waiters', async () => {
    const g = new Gate();
    const early = g.wait();
    expect(await settled(early)).toBe('pending');
    g.open();
    expect(await settled(early)).toBe('open');
    g.close();
    const a = g.wait();
    g.close(); // a second drop before the resync
    const b = g.wait();
    expect(a).toBe(b);
    g.open();
    expect(await settled(a)).toBe('open');
  });

  it('fails every waiter, now and later, once the session ends', async () => {
    const g = new Gate();
    const w = g.wait();
    g.fail(new Error('removed'));
    expect(await settled(w)).toBe('failed');
    g.open();
    expect(await settled(g.wait())).toBe('failed');
    const opened = new Gate();
    opened.open();
    opened.fail(new Error('left'));
    expect(await settled(opened.wait())).toBe('failed');
  });
});
