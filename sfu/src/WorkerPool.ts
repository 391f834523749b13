import type { SfuConfig } from './config';
import { EnhancedEventEmitter } from './EnhancedEventEmitter';
import type { SfuLogger } from './logger';
import { loadMediasoup } from './mediasoupLoader';
import { PoolWorker } from './PoolWorker';

type Mediasoup = typeof import('mediasoup');

export type WorkerPoolEvents = {
  /** A worker died; emitted before its replacement starts. Rooms on it are already gone. */
  workerdied: [{ worker: PoolWorker; error: Error }];
  /** The dead worker's slot runs again (same index, same WebRTC ports). */
  workerreplaced: [{ previous: PoolWorker; replacement: PoolWorker }];
};

export type WorkerPoolObserverEvents = {
  newworker: [PoolWorker];
  close: [];
};

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * A fixed number of worker slots (default one per core). A dead worker is logged and replaced
 * in its slot, so its WebRtcServer gets the same ports back and the firewall stays correct.
 */
export class WorkerPool extends EnhancedEventEmitter<WorkerPoolEvents> {
  readonly observer = new EnhancedEventEmitter<WorkerPoolObserverEvents>();
  readonly #mediasoup: Mediasoup;
  readonly #config: SfuConfig;
  readonly #logger: SfuLogger;
  readonly #slots: PoolWorker[];
  #closed = false;

  private constructor(
    mediasoup: Mediasoup,
    config: SfuConfig,
    logger: SfuLogger,
    slots: PoolWorker[],
  ) {
    super();
    this.#mediasoup = mediasoup;
    this.#config = config;
    this.#logger = logger;
    this.#slots = slots;
    for (const w of slots) this.#watch(w);
  }

  static async create(config: SfuConfig, logger: SfuLogger): Promise<WorkerPool> {
    const mediasoup = await loadMediasoup(config.workerBin);
    const slots: PoolWorker[] = [];
    try {
      // Sequentially: fixed WebRTC ports are easier to diagnose one worker at a time.
      for (let i = 0; i < config.numWorkers; i++) {
        slots.push(await PoolWorker.create(mediasoup, config, i));
      }
    } catch (error) {
      for (const w of slots) w.close();
      throw error;
    }
    const pool = new WorkerPool(mediasoup, config, logger, slots);
    logger.info('worker pool started', {
      workers: slots.map((w) => ({ index: w.index, pid: w.pid, port: w.webRtcPort })),
    });
    return pool;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get mediasoup(): Mediasoup {
    return this.#mediasoup;
  }

  /** Current worker of every slot (a dead one until its replacement is up). */
  get workers(): readonly PoolWorker[] {
    return this.#slots;
  }

  get size(): number {
    return this.#slots.length;
  }

  /**
   * The live worker with the least load (consumers), skipping `exclude`; ties go to the one
   * with fewer routers, then the lower index, so empty rooms still spread over the workers.
   */
  leastLoaded(exclude?: ReadonlySet<PoolWorker>): PoolWorker | undefined {
    let best: PoolWorker | undefined;
    for (const w of this.#slots) {
      if (!w.alive || exclude?.has(w)) continue;
      if (
        !best ||
        w.load < best.load ||
        (w.load === best.load && w.roomRouters.size < best.roomRouters.size)
      ) {
        best = w;
      }
    }
    return best;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#slots) w.close();
    this.observer.safeEmit('close');
  }

  #watch(worker: PoolWorker): void {
    worker.once('died', (error) => {
      if (this.#closed) return;
      this.#logger.error('mediasoup worker died; replacing it', {
        index: worker.index,
        pid: worker.pid,
        error: error.message,
      });
      this.safeEmit('workerdied', { worker, error });
      void this.#replace(worker);
    });
  }

  async #replace(previous: PoolWorker): Promise<void> {
    let delay = RETRY_MIN_MS;
    while (!this.#closed) {
      try {
        const replacement = await PoolWorker.create(this.#mediasoup, this.#config, previous.index);
        if (this.#closed) {
          replacement.close();
          return;
        }
        this.#slots[previous.index] = replacement;
        this.#watch(replacement);
        this.#logger.info('mediasoup worker replaced', {
          index: previous.index,
          oldPid: previous.pid,
          pid: replacement.pid,
        });
        this.observer.safeEmit('newworker', replacement);
        this.safeEmit('workerreplaced', { previous, replacement });
        return;
      } catch (error) {
        // The old process may still hold the fixed port for a moment; retry with backoff.
        this.#logger.error('could not replace mediasoup worker; retrying', {
          index: previous.index,
          error: (error as Error).message,
          retryInMs: delay,
        });
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
  }
}
