import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

type FromWorker =
  | { type: 'ready'; port: number; recvBufferSize: number }
  | { type: 'snapshot'; id: number; counts: Array<[number, number]> };

/** A UDP socket on 127.0.0.1 in a worker thread, counting RTP/SRTP packets per SSRC. */
export class UdpCounterThread {
  readonly port: number;
  /** SO_RCVBUF the kernel granted (capped by net.core.rmem_max). */
  readonly recvBufferSize: number;
  readonly #worker: Worker;
  #nextId = 0;
  readonly #pending = new Map<number, (counts: Map<number, number>) => void>();

  private constructor(worker: Worker, ready: { port: number; recvBufferSize: number }) {
    this.#worker = worker;
    this.port = ready.port;
    this.recvBufferSize = ready.recvBufferSize;
    worker.on('message', (msg: FromWorker) => {
      if (msg.type !== 'snapshot') return;
      this.#pending.get(msg.id)?.(new Map(msg.counts));
      this.#pending.delete(msg.id);
    });
  }

  static async start(recvBufferSize = 64 * 1024 * 1024): Promise<UdpCounterThread> {
    const worker = new Worker(new URL('./udp-counter.worker.mjs', import.meta.url), {
      workerData: { recvBufferSize },
    });
    const ready = await new Promise<{ port: number; recvBufferSize: number }>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (msg: FromWorker) => {
        if (msg.type === 'ready') resolve(msg);
      });
    });
    return new UdpCounterThread(worker, ready);
  }

  snapshot(): Promise<Map<number, number>> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#worker.postMessage({ type: 'snapshot', id });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((r) => this.#worker.once('exit', () => r()));
    this.#worker.postMessage({ type: 'close' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    await this.#worker.terminate();
  }
}

/** UDP datagrams the kernel dropped for full receive buffers, host-wide (/proc/net/snmp). */
export async function udpReceiveBufferErrors(): Promise<number | undefined> {
  try {
    const snmp = await readFile('/proc/net/snmp', 'utf8');
    const lines = snmp.split('\n').filter((l) => l.startsWith('Udp:'));
    const header = lines[0]?.split(/\s+/) ?? [];
    const values = lines[1]?.split(/\s+/) ?? [];
    const i = header.indexOf('RcvbufErrors');
    return i >= 0 ? Number(values[i]) : undefined;
  } catch {
    return undefined;
  }
}
