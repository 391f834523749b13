import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/MemoryStore';
import { LoginThrottle, LoginThrottledError } from './LoginThrottle';

function make() {
  const store = new MemoryStore();
  const clock = { t: Date.now(), now: () => clock.t };
  const throttle = new LoginThrottle(store, clock);
  return { store, clock, throttle };
}

async function waitOf(p: Promise<void>): Promise<number> {
  try {
    await p;
    return 0;
  } catch (e) {
    if (e instanceof LoginThrottledError) return e.retryAfterSeconds;
    throw e;
  }
}

describe('LoginThrottle', () => {
  it('lets 5 failures through, then doubles the wait with each further failure', async () => {
    const { throttle, clock } = make();
    for (let i = 0; i < 5; i++) {
      expect(await waitOf(throttle.check('thuky', '10.0.0.1'))).toBe(0);
      await throttle.failed('thuky', '10.0.0.1');
    }
    expect(await waitOf(throttle.check('thuky', '10.0.0.1'))).toBe(0);
    await throttle.failed('thuky', '10.0.0.1'); // 6th
    expect(await waitOf(throttle.check('thuky', '10.0.0.1'))).toBe(1);
    // Per account: another address is held back as well.
    expect(await waitOf(throttle.check('thuky', '10.0.0.2'))).toBe(1);
    expect(await waitOf(throttle.check('chutri', '10.0.0.1'))).toBe(0);
    clock.t += 1000;
    expect(await waitOf(throttle.check('thuky', '10.0.0.1'))).toBe(0);
    await throttle.failed('thuky', '10.0.0.1'); // 7th
    expect(await waitOf(throttle.check('thuky', '10.0.0.1'))).toBe(2);
    for (let i = 0; i < 20; i++) await throttle.failed('thuky', '10.0.0.9');
    expect(await waitOf(throttle.check('thuky', '10.0.0.3'))).toBe(15 * 60);
  });

  it('a success clears the account, not the address', async () => {
    const { throttle } = make();
    for (let i = 0; i < 21; i++) await throttle.failed(`user${i}`, '10.0.0.5');
    expect(await waitOf(throttle.check('thuky', '10.0.0.5'))).toBe(1);
    for (let i = 0; i < 6; i++) await throttle.failed('thuky', '10.0.0.6');
    await throttle.succeeded('thuky');
    expect(await waitOf(throttle.check('thuky', '10.0.0.6'))).toBe(0);
    expect(await waitOf(throttle.check('thuky', '10.0.0.5'))).toBe(1);
  });

  it('forgets failures a window after the last one', async () => {
    const { throttle, clock } = make();
    for (let i = 0; i < 8; i++) await throttle.failed('thuky', '10.0.0.1');
    clock.t += 31 * 60_000;
    await throttle.failed('thuky', '10.0.0.1');
    // Counted afresh: one failure, no wait (had it been the 9th, 8 s).
    expect(await waitOf(throttle.check('thuky', '10.0.0.1'))).toBe(0);
  });

  it('audits once when an account or an address starts being held back', async () => {
    const { throttle, store } = make();
    for (let i = 0; i < 30; i++) await throttle.failed('thuky', '10.0.0.1');
    const audit = await store.listAudit(100);
    expect(audit.map((a) => [a.action, a.target])).toEqual([
      ['auth.throttled', 'thuky'],
      ['auth.throttled', 'ip:10.0.0.1'],
    ]);
    expect(audit[0]!.detail).toEqual({ by: 'account', failures: 6, ip: '10.0.0.1' });
  });
});
