/** Minimal typed event emitter (mediasoup-style typed event map) for browser classes. */
type Handler = (...args: unknown[]) => void;

export class Emitter<Events extends Record<string, unknown[]>> {
  readonly #handlers = new Map<keyof Events, Set<Handler>>();

  on<K extends keyof Events>(event: K, handler: (...args: Events[K]) => void): () => void {
    let set = this.#handlers.get(event);
    if (!set) {
      set = new Set();
      this.#handlers.set(event, set);
    }
    set.add(handler as unknown as Handler);
    return () => set.delete(handler as unknown as Handler);
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const h of this.#handlers.get(event) ?? []) {
      try {
        (h as unknown as (...a: Events[K]) => void)(...args);
      } catch (err) {
        // A faulty listener must not break the session's own bookkeeping.
        console.error('[giaoban] listener error', event, err);
      }
    }
  }

  removeAll(): void {
    this.#handlers.clear();
  }
}
