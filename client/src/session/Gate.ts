/**
 * "The session is connected and in sync": actions made while offline wait on it and go out after
 * the resync. Closing a closed gate keeps the same promise, so a waiter never ends up holding a
 * promise nobody will settle; failing it (the session ended) rejects every waiter, now and later.
 */
export class Gate {
  #promise!: Promise<void>;
  #resolve!: () => void;
  #reject!: (err: Error) => void;
  #settled = false;
  #failed = false;

  constructor() {
    this.#arm();
  }

  /** Resolves when the gate opens; rejects if the session ends first. */
  wait(): Promise<void> {
    return this.#promise;
  }

  open(): void {
    if (this.#failed) return;
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve();
  }

  close(): void {
    if (this.#failed || !this.#settled) return;
    this.#arm();
  }

  fail(err: Error): void {
    if (this.#failed) return;
    this.#failed = true;
    if (this.#settled) this.#arm();
    this.#settled = true;
    this.#reject(err);
  }

  #arm(): void {
    this.#settled = false;
    this.#promise = new Promise<void>((res, rej) => {
      this.#resolve = res;
      this.#reject = rej;
    });
    // Nobody may be waiting when it fails; that is not an unhandled rejection.
    this.#promise.catch(() => {});
  }
}
