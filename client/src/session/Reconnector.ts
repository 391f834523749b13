import type { ReconnectPolicy } from '../lib/backoff';
import { Emitter } from '../lib/Emitter';

/**
 * The retry schedule after the link drops, framework-free and with no socket in it: the policy
 * says how long to wait, `attempt` tries once, and the state says what the banner shows
 * ("reconnecting, attempt 3 in 4 s", or "gave up, retry now"). One attempt at a time: "retry
 * now" while an attempt is in flight does not start a second one.
 */

export type ReconnectorState =
  | { phase: 'idle' }
  /** Waiting for retry number `attempt` (1-based), due at `nextRetryAt` (epoch ms). */
  | { phase: 'waiting'; attempt: number; nextRetryAt: number }
  | { phase: 'trying'; attempt: number }
  /** The policy gave up; only `retryNow()` starts again. */
  | { phase: 'gaveUp' };

/** What one attempt achieved: back in sync, try again later, or stop for good (removed...). */
export type AttemptOutcome = 'connected' | 'retry' | 'stop';

export type ReconnectorEvents = { state: [ReconnectorState] };

export class Reconnector extends Emitter<ReconnectorEvents> {
  readonly #policy: ReconnectPolicy;
  readonly #attempt: (attempt: number) => Promise<AttemptOutcome>;
  readonly #now: () => number;
  #state: ReconnectorState = { phase: 'idle' };
  #dropAt = 0;
  #retryCount = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(opts: {
    policy: ReconnectPolicy;
    /** Tries once; a throw counts as 'retry'. */
    attempt: (attempt: number) => Promise<AttemptOutcome>;
    now?: () => number;
  }) {
    super();
    this.#policy = opts.policy;
    this.#attempt = opts.attempt;
    this.#now = opts.now ?? Date.now;
  }

  get state(): ReconnectorState {
    return this.#state;
  }

  /** Between a drop and the end of the retries (including "gave up"). */
  get active(): boolean {
    return this.#state.phase !== 'idle';
  }

  /** The link dropped: start the schedule (no-op while one already runs). */
  begin(): void {
    if (this.active) return;
    this.#reset();
    this.#schedule();
  }

  /** Skips the wait; after "gave up" (or from idle) starts a fresh schedule. */
  retryNow(): void {
    if (this.#state.phase === 'trying') return;
    if (this.#state.phase !== 'waiting') this.#reset();
    this.#clearTimer();
    void this.#run();
  }

  /** Connected again, or the session ended: no more retries. */
  stop(): void {
    this.#clearTimer();
    this.#set({ phase: 'idle' });
  }

  #reset(): void {
    this.#dropAt = this.#now();
    this.#retryCount = 0;
  }

  #schedule(): void {
    const delay = this.#policy.nextRetryDelayMs({
      retryCount: this.#retryCount,
      elapsedMs: this.#now() - this.#dropAt,
    });
    if (delay === null) {
      this.#set({ phase: 'gaveUp' });
      return;
    }
    this.#set({
      phase: 'waiting',
      attempt: this.#retryCount + 1,
      nextRetryAt: this.#now() + delay,
    });
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#run();
    }, delay);
  }

  async #run(): Promise<void> {
    this.#retryCount++;
    const attempt = this.#retryCount;
    this.#set({ phase: 'trying', attempt });
    let outcome: AttemptOutcome;
    try {
      outcome = await this.#attempt(attempt);
    } catch {
      outcome = 'retry';
    }
    // Stopped (left, removed) while the attempt ran: stay stopped.
    if (this.#state.phase !== 'trying') return;
    if (outcome === 'retry') this.#schedule();
    else this.stop();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #set(state: ReconnectorState): void {
    this.#state = state;
    this.emit('state', state);
  }
}
