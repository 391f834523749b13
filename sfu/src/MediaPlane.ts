import type * as ms from 'mediasoup/node/lib/types';
import { DEFAULT_MEDIA_CODECS } from './codecs';
import { type SfuConfig, validateSfuConfig } from './config';
import { EnhancedEventEmitter } from './EnhancedEventEmitter';
import { InvalidParametersError, MediaPlaneClosedError, SfuError } from './errors';
import { consoleLogger, type SfuLogger } from './logger';
import { MediaRoom, type TransportLossOptions } from './MediaRoom';
import type { PoolWorker, PoolWorkerUsage } from './PoolWorker';
import { WorkerPool } from './WorkerPool';

export type MediaPlaneEvents = {
  /**
   * A worker died and its replacement is running. `roomIds` names every room that had media on
   * it; those rooms are closed: call getOrCreateRoom and have their peers reconnect.
   */
  workerdied: [{ pid: number; error: Error; roomIds: string[] }];
  /** Same rooms, emitted at once when the death is seen (before the replacement is up). */
  roomslost: [string[]];
};

export type MediaPlaneObserverEvents = {
  newroom: [MediaRoom];
  close: [];
};

export interface MediaPlaneOptions {
  logger?: SfuLogger;
  /** Router codecs; default opus, VP8, H264 42e01f (see codecs.ts). */
  mediaCodecs?: ms.RtpCodecCapability[];
  /** Grace and bound of transport losses (TransportLoss.ts: TRANSPORT_LOSS); tests shorten them. */
  transportLoss?: TransportLossOptions;
}

const ROOM_ID_MAX = 200;

/**
 * The media plane the server uses: a worker pool and the meetings' media rooms on it. No HTTP
 * or signalling of its own; the server relays what the client needs.
 */
export class MediaPlane extends EnhancedEventEmitter<MediaPlaneEvents> {
  readonly observer = new EnhancedEventEmitter<MediaPlaneObserverEvents>();
  readonly config: SfuConfig;
  readonly #pool: WorkerPool;
  readonly #logger: SfuLogger;
  readonly #mediaCodecs: ms.RtpCodecCapability[];
  readonly #transportLoss: TransportLossOptions | undefined;
  readonly #rooms = new Map<string, MediaRoom>();
  readonly #creating = new Map<string, Promise<MediaRoom>>();
  /** Rooms a dead worker took down, until its replacement is announced. */
  readonly #lost = new Map<PoolWorker, Set<string>>();
  readonly #deathErrors = new Map<PoolWorker, Error>();
  #closed = false;

  private constructor(config: SfuConfig, pool: WorkerPool, options: MediaPlaneOptions) {
    super();
    this.config = config;
    this.#pool = pool;
    this.#logger = options.logger ?? consoleLogger;
    this.#mediaCodecs = options.mediaCodecs ?? DEFAULT_MEDIA_CODECS;
    this.#transportLoss = options.transportLoss;
    pool.on('workerdied', ({ worker, error }) => {
      this.#deathErrors.set(worker, error);
      this.#onWorkerDied(worker);
    });
    pool.on('workerreplaced', ({ previous }) => {
      const roomIds = [...(this.#lost.get(previous) ?? [])];
      this.#lost.delete(previous);
      const error = this.#deathErrors.get(previous) ?? new Error('worker died');
      this.#deathErrors.delete(previous);
      this.safeEmit('workerdied', { pid: previous.pid, error, roomIds });
    });
  }

  static async create(config: SfuConfig, options: MediaPlaneOptions = {}): Promise<MediaPlane> {
    validateSfuConfig(config);
    const pool = await WorkerPool.create(config, options.logger ?? consoleLogger);
    return new MediaPlane(config, pool, options);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The worker pool (tests, the benchmark and health checks look at it). */
  get workerPool(): WorkerPool {
    return this.#pool;
  }

  get rooms(): ReadonlyMap<string, MediaRoom> {
    return this.#rooms;
  }

  async getOrCreateRoom(roomId: string): Promise<MediaRoom> {
    if (this.#closed) throw new MediaPlaneClosedError();
    if (typeof roomId !== 'string' || roomId.length === 0 || roomId.length > ROOM_ID_MAX) {
      throw new InvalidParametersError(`roomId must be a string of 1..${ROOM_ID_MAX} characters`);
    }
    const existing = this.#rooms.get(roomId);
    if (existing) return existing;
    let creating = this.#creating.get(roomId);
    if (!creating) {
      creating = MediaRoom.create({
        id: roomId,
        pool: this.#pool,
        config: this.config,
        logger: this.#logger,
        mediaCodecs: this.#mediaCodecs,
        ...(this.#transportLoss ? { transportLoss: this.#transportLoss } : {}),
      })
        .then((room) => {
          if (this.#closed) {
            room.close();
            throw new MediaPlaneClosedError();
          }
          this.#rooms.set(roomId, room);
          room.once('close', () => this.#onRoomClosed(room));
          this.observer.safeEmit('newroom', room);
          return room;
        })
        .catch((error: unknown) => {
          if (error instanceof SfuError) throw error;
          // e.g. the chosen worker died while the router was being created
          throw new SfuError('MEDIA_ERROR', `could not create room ${roomId}: ${String(error)}`);
        })
        .finally(() => this.#creating.delete(roomId));
      this.#creating.set(roomId, creating);
    }
    return creating;
  }

  getRoom(roomId: string): MediaRoom | undefined {
    return this.#rooms.get(roomId);
  }

  closeRoom(roomId: string): void {
    this.#rooms.get(roomId)?.close();
  }

  /** Per-worker CPU (getResourceUsage), RSS, routers and consumers; dead workers are skipped. */
  async workerStats(): Promise<PoolWorkerUsage[]> {
    const live = this.#pool.workers.filter((w) => w.alive);
    const settled = await Promise.allSettled(live.map((w) => w.usage()));
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const room of [...this.#rooms.values()]) room.close();
    this.#rooms.clear();
    const exits = this.#pool.workers.map((w) => waitForExit(w.pid));
    this.#pool.close();
    await Promise.all(exits);
    this.observer.safeEmit('close');
  }

  #onRoomClosed(room: MediaRoom): void {
    if (this.#rooms.get(room.id) === room) this.#rooms.delete(room.id);
    const worker = room.lostWorker;
    if (worker) {
      let set = this.#lost.get(worker);
      if (!set) {
        set = new Set();
        this.#lost.set(worker, set);
      }
      set.add(room.id);
    }
  }

  #onWorkerDied(worker: PoolWorker): void {
    // Rooms whose routers were on the worker have closed themselves already (mediasoup closes
    // routers before it emits 'died'); close any that still reference it to be sure.
    for (const room of [...this.#rooms.values()]) {
      if (room.workersUsed.has(worker) && !room.closed) {
        room.close();
        let set = this.#lost.get(worker);
        if (!set) {
          set = new Set();
          this.#lost.set(worker, set);
        }
        set.add(room.id);
      }
    }
    const roomIds = [...(this.#lost.get(worker) ?? [])];
    this.#logger.warn('rooms lost with a dead worker', { pid: worker.pid, roomIds });
    this.safeEmit('roomslost', roomIds);
  }
}

/** Resolves once the process is gone (or after a grace period), so ports are free again. */
async function waitForExit(pid: number, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
