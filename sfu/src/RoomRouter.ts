import type * as ms from 'mediasoup/node/lib/types';
import { EnhancedEventEmitter } from './EnhancedEventEmitter';
import type { PoolWorker } from './PoolWorker';

export type RoomRouterEvents = {
  close: [];
};

/** Pipe transports between workers run over loopback: all workers live on this host. */
const PIPE_LISTEN_IP = '127.0.0.1';

/**
 * One router of a media room on one pool worker. The room's home router holds every producer;
 * further RoomRouters on other workers carry consumers and get producers through pipeToRouter.
 */
export class RoomRouter extends EnhancedEventEmitter<RoomRouterEvents> {
  readonly router: ms.Router;
  readonly poolWorker: PoolWorker;
  readonly home: boolean;
  #consumers = 0;
  /** Receive transports that have no consumer yet: each reserves one slot of load. */
  readonly #reserved = new Set<string>();
  /** producerId → pipe of that producer into this router (non-home routers only). */
  readonly #pipes = new Map<string, Promise<void>>();
  #closed = false;

  private constructor(router: ms.Router, poolWorker: PoolWorker, home: boolean) {
    super();
    this.router = router;
    this.poolWorker = poolWorker;
    this.home = home;
    router.observer.on('newtransport', (transport) => {
      transport.observer.on('newconsumer', (consumer) => {
        this.#consumers++;
        this.#reserved.delete(transport.id);
        consumer.observer.once('close', () => {
          this.#consumers--;
        });
      });
      transport.observer.once('close', () => this.#reserved.delete(transport.id));
    });
    router.observer.once('close', () => this.#onClosed());
    poolWorker.addRoomRouter(this);
  }

  static async create(
    poolWorker: PoolWorker,
    mediaCodecs: ms.RtpCodecCapability[],
    roomId: string,
    home: boolean,
  ): Promise<RoomRouter> {
    const router = await poolWorker.worker.createRouter({
      mediaCodecs,
      appData: { roomId, home },
    });
    return new RoomRouter(router, poolWorker, home);
  }

  get id(): string {
    return this.router.id;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Consumers on this router, pipe consumers included (they forward packets too). */
  get consumerCount(): number {
    return this.#consumers;
  }

  /** Placement load: consumers plus receive transports still waiting for their first one. */
  get load(): number {
    return this.#consumers + this.#reserved.size;
  }

  /** Count a new receive transport before it consumes, so a join burst still spreads out. */
  reserve(transportId: string): void {
    this.#reserved.add(transportId);
  }

  /**
   * Makes `producerId` of `home` consumable here. pipeToRouter needs a router on another
   * worker (same-worker piping fails in 3.12.16); concurrent calls share one pipe.
   */
  async pipeFrom(home: RoomRouter, producerId: string): Promise<void> {
    if (home === this) return;
    let pipe = this.#pipes.get(producerId);
    if (!pipe) {
      pipe = home.router
        .pipeToRouter({
          producerId,
          router: this.router,
          listenIp: PIPE_LISTEN_IP,
          enableSctp: false,
        })
        .then(({ pipeProducer }) => {
          // The pipe producer closes with the original producer; forget it then.
          pipeProducer?.observer.once('close', () => this.#pipes.delete(producerId));
        });
      this.#pipes.set(producerId, pipe);
      pipe.catch(() => this.#pipes.delete(producerId));
    }
    await pipe;
  }

  close(): void {
    if (this.#closed) return;
    this.router.close();
    this.#onClosed();
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pipes.clear();
    this.poolWorker.removeRoomRouter(this);
    this.safeEmit('close');
  }
}
