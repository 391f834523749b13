import { readFile } from 'node:fs/promises';
import type * as ms from 'mediasoup/node/lib/types';
import type { SfuConfig } from './config';
import { EnhancedEventEmitter } from './EnhancedEventEmitter';
import type { RoomRouter } from './RoomRouter';

type Mediasoup = typeof import('mediasoup');

export type PoolWorkerEvents = {
  /** The worker process died (crash, SIGKILL, ...). Emitted once. */
  died: [Error];
};

export interface PoolWorkerUsage {
  index: number;
  pid: number;
  /** Cumulative CPU of the worker process (getrusage). */
  cpuUserMs: number;
  cpuSystemMs: number;
  /** Current resident set (VmRSS), or the peak when /proc is unavailable. */
  rssKb: number;
  routers: number;
  consumers: number;
}

/**
 * One mediasoup worker process of the pool with its WebRtcServer: every WebRTC transport of
 * this worker shares one UDP and one TCP port, so a firewall opens two ports per worker.
 */
export class PoolWorker extends EnhancedEventEmitter<PoolWorkerEvents> {
  readonly index: number;
  readonly worker: ms.Worker;
  readonly webRtcServer: ms.WebRtcServer;
  /** The UDP/TCP port of the WebRtcServer (same number for both). */
  readonly webRtcPort: number;
  readonly #roomRouters = new Set<RoomRouter>();
  #died = false;

  private constructor(
    index: number,
    worker: ms.Worker,
    webRtcServer: ms.WebRtcServer,
    port: number,
  ) {
    super();
    this.index = index;
    this.worker = worker;
    this.webRtcServer = webRtcServer;
    this.webRtcPort = port;
    worker.on('died', (error) => {
      this.#died = true;
      this.safeEmit('died', error);
    });
  }

  static async create(mediasoup: Mediasoup, config: SfuConfig, index: number): Promise<PoolWorker> {
    // mediasoup 3.12 passes no socket options to its worker; patch 0003 reads them from the
    // environment the worker inherits (mediasoup spawns it with process.env).
    process.env.MEDIASOUP_UDP_RECV_BUFFER_SIZE = String(config.udpRecvBufferBytes);
    process.env.MEDIASOUP_UDP_SEND_BUFFER_SIZE = String(config.udpSendBufferBytes);
    const worker = await mediasoup.createWorker({
      logLevel: config.logLevel,
      rtcMinPort: config.rtcMinPort,
      rtcMaxPort: config.rtcMaxPort,
      appData: { index },
    });
    try {
      const port = config.portBase === 0 ? undefined : config.portBase + index;
      const listen = (protocol: 'udp' | 'tcp'): ms.WebRtcServerListenInfo => ({
        protocol,
        ip: config.listenIp,
        ...(config.announcedAddress ? { announcedIp: config.announcedAddress } : {}),
        ...(port !== undefined ? { port } : {}),
      });
      const webRtcServer = await worker.createWebRtcServer({
        listenInfos: [listen('udp'), listen('tcp')],
      });
      const dump = (await webRtcServer.dump()) as {
        udpSockets?: Array<{ port: number }>;
      };
      const boundPort = port ?? dump.udpSockets?.[0]?.port ?? 0;
      return new PoolWorker(index, worker, webRtcServer, boundPort);
    } catch (error) {
      worker.close();
      throw error;
    }
  }

  get pid(): number {
    return this.worker.pid;
  }

  get alive(): boolean {
    return !this.#died && !this.worker.closed;
  }

  /** Room routers living on this worker. */
  get roomRouters(): ReadonlySet<RoomRouter> {
    return this.#roomRouters;
  }

  /** @internal RoomRouter registers itself so load and room lookup span rooms. */
  addRoomRouter(roomRouter: RoomRouter): void {
    this.#roomRouters.add(roomRouter);
  }

  /** @internal */
  removeRoomRouter(roomRouter: RoomRouter): void {
    this.#roomRouters.delete(roomRouter);
  }

  /** Placement load: consumers (and reserved receive transports) over all rooms. */
  get load(): number {
    let load = 0;
    for (const rr of this.#roomRouters) load += rr.load;
    return load;
  }

  get consumerCount(): number {
    let n = 0;
    for (const rr of this.#roomRouters) n += rr.consumerCount;
    return n;
  }

  async usage(): Promise<PoolWorkerUsage> {
    const ru = await this.worker.getResourceUsage();
    return {
      index: this.index,
      pid: this.pid,
      cpuUserMs: ru.ru_utime,
      cpuSystemMs: ru.ru_stime,
      rssKb: (await readRssKb(this.pid)) ?? ru.ru_maxrss,
      routers: this.#roomRouters.size,
      consumers: this.consumerCount,
    };
  }

  close(): void {
    // Closing the worker closes its WebRtcServer and routers; the 3.12 WebRtcServer close bug is
    // patched in the worker build (infra/mediasoup), so live transports are fine here.
    this.worker.close();
  }
}

/** Current RSS from /proc (Linux); undefined where there is no /proc. */
export async function readRssKb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
