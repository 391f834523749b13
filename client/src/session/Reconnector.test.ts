import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReconnectPolicy } from '../lib/backoff';
import { type AttemptOutcome, Reconnector, type ReconnectorState } from './Reconnector';

const fixed = (delays: number[]): ReconnectPolicy => ({
  nextRetryDelayMs: ({ retryCount }) => delays[retryCount] ?? null,
});

/** A reconnector whose attempts answer from a script; records every state it goes through. */
function harness(policy: ReconnectPolicy, outcomes: (AttemptOutcome | Error)[]) {
  const attempts: number[] = [];
  const states: ReconnectorState[] = [];
  const r = new Reconnector({
    policy,
    attempt: async (n) => {
      attempts.push(n);
      const o = outcomes.shift() ?? 'retry';
      if (o instanceof Error) throw o;
      return o;
    },
  });
  r.on('state', (s) => states.push(s));
  return { r, attempts, states };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => vi.useRealTimers());

describe('Reconnector', () => {
  it('waits the policy delay before each attempt and stops once connected', async () => {
    const { r, attempts, states } = harness(fixed([1000, 2000, 4000]), ['retry', 'connected']);
    r.begin();
    expect(r.state).toEqual({ phase: 'waiting', attempt: 1, nextRetryAt: 1_001_000 });
    await vi.advanceTimersByTimeAsync(999);
    expect(attempts).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1]);
    expect(r.state).toEqual({ phase: 'waiting', attempt: 2, nextRetryAt: 1_003_000 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(attempts).toEqual([1, 2]);
    expect(r.state).toEqual({ phase: 'idle' });
    expect(r.active).toBe(false);
    expect(states.map((s) => s.phase)).toEqual(['waiting', 'trying', 'waiting', 'trying', 'idle']);
  });

  it('counts a throwing attempt as a failed one', async () => {
    const { r, attempts } = harness(fixed([10, 10]), [new Error('boom'), 'connected']);
    r.begin();
    await vi.advanceTimersByTimeAsync(25);
    expect(attempts).toEqual([1, 2]);
    expect(r.state.phase).toBe('idle');
  });

  it('gives up when the policy says so; retryNow starts a fresh schedule', async () => {
    const policy: ReconnectPolicy = {
      nextRetryDelayMs: vi.fn(({ retryCount }) => (retryCount < 1 ? 100 : null)),
    };
    const { r, attempts } = harness(policy, ['retry', 'retry', 'connected']);
    r.begin();
    await vi.advanceTimersByTimeAsync(100);
    expect(r.state).toEqual({ phase: 'gaveUp' });
    expect(r.active).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attempts).toEqual([1]);
    vi.setSystemTime(2_000_000);
    r.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    // Counted from the fresh start: attempt 1 again, with the elapsed time reset.
    expect(attempts).toEqual([1, 1]);
    expect(policy.nextRetryDelayMs).toHaveBeenLastCalledWith({ retryCount: 1, elapsedMs: 0 });
    await vi.advanceTimersByTimeAsync(100);
    expect(r.state).toEqual({ phase: 'gaveUp' });
  });

  it('retryNow skips the wait but keeps the count, and never runs two attempts at once', async () => {
    let release!: (o: AttemptOutcome) => void;
    const attempts: number[] = [];
    const r = new Reconnector({
      policy: fixed([5000, 5000, 5000]),
      attempt: (n) => {
        attempts.push(n);
        return new Promise<AttemptOutcome>((res) => {
          release = res;
        });
      },
    });
    r.begin();
    r.retryNow();
    expect(attempts).toEqual([1]);
    expect(r.state).toEqual({ phase: 'trying', attempt: 1 });
    r.retryNow(); // the user clicks again while the attempt is in flight
    r.begin(); // and the link reports another drop
    expect(attempts).toEqual([1]);
    release('retry');
    await vi.advanceTimersByTimeAsync(0);
    expect(r.state).toMatchObject({ phase: 'waiting', attempt: 2 });
    r.retryNow();
    expect(attempts).toEqual([1, 2]);
    release('connected');
    await vi.advanceTimersByTimeAsync(0);
    expect(r.state.phase).toBe('idle');
    // No timer left behind.
    await vi.advanceTimersByTimeAsync(20_000);
    expect(attempts).toEqual([1, 2]);
  });

  it('stop() during an attempt wins over its outcome; "stop" outcome ends the schedule', async () => {
    let release!: (o: AttemptOutcome) => void;
    const r = new Reconnector({
      policy: fixed([10, 10, 10]),
      attempt: () =>
        new Promise<AttemptOutcome>((res) => {
          release = res;
        }),
    });
    r.begin();
    await vi.advanceTimersByTimeAsync(10);
    expect(r.state.phase).toBe('trying');
    r.stop(); // the session was torn down (left, removed)
    release('retry');
    await vi.advanceTimersByTimeAsync(100);
    expect(r.state.phase).toBe('idle');

    const h = harness(fixed([10, 10]), ['stop']);
    h.r.begin();
    await vi.advanceTimersByTimeAsync(100);
    expect(h.attempts).toEqual([1]);
    expect(h.r.state.phase).toBe('idle');
  });

  it('a drop after reconnecting starts counting from 1 again', async () => {
    const { r, attempts } = harness(fixed([10, 20, 30]), ['retry', 'connected', 'connected']);
    r.begin();
    await vi.advanceTimersByTimeAsync(30);
    expect(attempts).toEqual([1, 2]);
    r.begin();
    expect(r.state).toMatchObject({ phase: 'waiting', attempt: 1 });
    await vi.advanceTimersByTimeAsync(10);
    expect(attempts).toEqual([1, 2, 1]);
  });
});
