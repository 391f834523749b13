// Cutting one participant's network without touching anyone else's, inside a network namespace
// where only loopback exists (no netem/iptables here, and DevTools' WebRTC packet-loss emulation
// does not reach the P2P sockets). Two halves:
// - signalling: the participant loads the app through its own TCP proxy; cutting the proxy resets
//   every open connection (HTTP, WebSocket) and every new one until it is restored;
// - media: its WebRTC transports are closed on the media server, found by the browser port of
//   their selected ICE tuple (so no application id is needed).
import net from 'node:net';

/** A TCP relay to `target` on 127.0.0.1 that can be cut and restored. */
export class CuttableProxy {
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  #cut = false;
  #port = 0;
  /** Connections reset while cut (to tell that the client really tried). */
  refusedWhileCut = 0;

  #targetPort: number;

  private constructor(targetPort: number) {
    this.#targetPort = targetPort;
    this.#server = net.createServer((client) => this.#accept(client));
  }

  /**
   * Listens on a free loopback port. The target may be set later (`target = port`): the proxy's
   * origin is often needed before the hub it fronts starts (CORS / allowed origins).
   */
  static async start(targetPort = 0): Promise<CuttableProxy> {
    const proxy = new CuttableProxy(targetPort);
    await new Promise<void>((resolve, reject) => {
      proxy.#server.once('error', reject);
      proxy.#server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy.#port = (proxy.#server.address() as net.AddressInfo).port;
    return proxy;
  }

  set target(port: number) {
    this.#targetPort = port;
  }

  get port(): number {
    return this.#port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get isCut(): boolean {
    return this.#cut;
  }

  get openConnections(): number {
    return this.#sockets.size;
  }

  /** Resets every relayed connection and refuses new ones until `restore()`. */
  cut(): void {
    this.#cut = true;
    for (const s of this.#sockets) s.resetAndDestroy();
    this.#sockets.clear();
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket): void {
    if (this.#cut || !this.#targetPort) {
      this.refusedWhileCut++;
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(this.#targetPort, '127.0.0.1');
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const drop = () => {
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
