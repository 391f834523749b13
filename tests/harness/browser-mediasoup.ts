// Watches the WebRTC transports the in-process hub creates, through mediasoup's own observer
// API, so a test can close one participant's transports on the server (its "network cut") by the
// browser's ICE port alone, without knowing the application's peer ids.
import { DEFAULT_WORKER_BIN, type ms } from '@giaoban/sfu';

type Mediasoup = typeof import('mediasoup');

export class MediaTransportTracker {
  readonly #transports = new Set<ms.WebRtcTransport>();

  private constructor() {}

  /**
   * Must run before the hub creates its workers. Sets MEDIASOUP_WORKER_BIN the way sfu/ does
   * (mediasoup 3.12 reads it once, at import), so the hub's own load finds the same module.
   */
  static async attach(): Promise<MediaTransportTracker> {
    process.env.MEDIASOUP_WORKER_BIN ??= DEFAULT_WORKER_BIN;
    const imported = (await import('mediasoup')) as Mediasoup & { default?: Mediasoup };
    const mediasoup = (imported.observer ? imported : imported.default) as Mediasoup;
    const tracker = new MediaTransportTracker();
    const onWorker = (worker: ms.Worker) => {
      worker.observer.on('newrouter', (router) => {
        router.observer.on('newtransport', (transport) => {
          if (transport.constructor.name !== 'WebRtcTransport') return;
          const t = transport as ms.WebRtcTransport;
          tracker.#transports.add(t);
          t.observer.once('close', () => tracker.#transports.delete(t));
        });
      });
    };
    mediasoup.observer.on('newworker', onWorker);
    tracker.#detach = () => mediasoup.observer.off('newworker', onWorker);
    return tracker;
  }

  #detach: () => void = () => {};

  /** Stops watching new workers (transports already seen stay tracked until they close). */
  detach(): void {
    this.#detach();
  }

  get openTransports(): number {
    return this.#transports.size;
  }

  /** Transports whose selected ICE tuple comes from one of these browser ports. */
  byRemotePorts(ports: Iterable<number>): ms.WebRtcTransport[] {
    const wanted = new Set(ports);
    return [...this.#transports].filter(
      (t) =>
        t.iceSelectedTuple?.remotePort !== undefined && wanted.has(t.iceSelectedTuple.remotePort),
    );
  }

  /** Closes the transports reached from these browser ports; returns how many were closed. */
  closeByRemotePorts(ports: Iterable<number>): number {
    const found = this.byRemotePorts(ports);
    for (const t of found) t.close();
    return found.length;
  }
}
