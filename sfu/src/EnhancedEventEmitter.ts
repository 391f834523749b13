import { EventEmitter } from 'node:events';

/** An event map: event name → listener argument tuple. */
export type EventMap<E> = { [K in keyof E]: unknown[] };

/**
 * EventEmitter typed by an event map (mediasoup style). `safeEmit` keeps a throwing listener
 * from unwinding into the media plane: the error is reported and the other listeners still run.
 */
export class EnhancedEventEmitter<E extends EventMap<E>> extends EventEmitter<
  // biome-ignore lint/suspicious/noExplicitAny: node's EventEmitter map wants any[] tuples
  E & Record<keyof E, any[]>
> {
  constructor() {
    super();
    // Hundreds of sites may watch one room; a listener per site is legitimate.
    this.setMaxListeners(Number.POSITIVE_INFINITY);
  }

  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    const listeners = this.rawListeners(event as never) as unknown as Array<
      (...a: unknown[]) => void
    >;
    for (const listener of listeners) {
      try {
        listener.apply(this, args);
      } catch (error) {
        console.error(`[sfu] listener for '${event}' threw:`, error);
      }
    }
    // rawListeners keeps once-wrappers; calling them removes them, which is what we want.
    return listeners.length > 0;
  }
}
