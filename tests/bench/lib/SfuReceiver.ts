import { type ChildProcess, fork } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** What the receiver process has seen so far. */
export interface ReceiverSnapshot {
  /** Packets per SSRC. */
  counts: Map<number, number>;
  /** Voluntary context switches of its polling thread: each one ended by a wake-up. */
  sleeps: number | null;
  /** Its own CPU time (µs), for the record: never part of the worker's figure. */
  cpuUs: { user: number; system: number };
  /** transport-cc feedback packets sent, and packets they reported as received. */
  feedbackPackets: number;
  feedbackReported: number;
}

export interface FeedbackTransport {
  /** The worker transport's local port: where its packets come from and feedback goes. */
  port: number;
  /** SRTP crypto suite and key of the worker's receiving session (undefined: plain RTP). */
  cryptoSuite?: string;
  keyBase64?: string;
  /** Header extension id of transport-wide-cc-01 in what the transport sends. */
  extId: number;
  mediaSsrc: number;
}

type FromChild =
  | { type: 'ready'; port: number; recvBufferSize: number }
  | { type: 'transport'; id: number }
  | { type: 'error'; message: string }
  | ({ type: 'snapshot'; id: number; counts: Array<[number, number]> } & Omit<
      ReceiverSnapshot,
      'counts'
    >);

/**
 * bench:sfu's receivers: one UDP socket on 127.0.0.1 in a child process (sfu-receiver.mjs) that
 * counts packets per SSRC and sends each registered transport transport-cc feedback, as the
 * sites' browsers do.
 */
export class SfuReceiver {
  readonly port: number;
  readonly recvBufferSize: number;
  readonly pid: number;
  readonly #child: ChildProcess;
  #nextId = 0;
  readonly #pending = new Map<number, (msg: FromChild) => void>();
  #error: string | undefined;

  private constructor(child: ChildProcess, ready: { port: number; recvBufferSize: number }) {
    this.#child = child;
    this.port = ready.port;
    this.recvBufferSize = ready.recvBufferSize;
    this.pid = child.pid ?? 0;
    child.on('message', (msg: FromChild) => {
      if (msg.type === 'error') this.#error = msg.message;
      if (msg.type !== 'snapshot' && msg.type !== 'transport') return;
      this.#pending.get(msg.id)?.(msg);
      this.#pending.delete(msg.id);
    });
  }

  static async start(): Promise<SfuReceiver> {
    const child = fork(new URL('./sfu-receiver.mjs', import.meta.url), [], {
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<{ port: number; recvBufferSize: number }>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`sfu-receiver exited (${code})`)));
      child.on('message', (msg: FromChild) => {
        if (msg.type === 'ready') resolve(msg);
      });
    });
    child.removeAllListeners('exit');
    return new SfuReceiver(child, ready);
  }

  #request<T extends FromChild>(msg: Record<string, unknown>): Promise<T> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve as (m: FromChild) => void);
      this.#child.send({ ...msg, id });
    });
  }

  /** From now on, answer this transport's packets with transport-cc feedback. */
  async addTransport(t: FeedbackTransport): Promise<void> {
    await this.#request({ type: 'transport', ...t });
    if (this.#error) throw new Error(this.#error);
  }

  async snapshot(): Promise<ReceiverSnapshot> {
    const msg = await this.#request<Extract<FromChild, { type: 'snapshot' }>>({ type: 'snapshot' });
    return { ...msg, counts: new Map(msg.counts) };
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((r) => this.#child.once('exit', () => r()));
    this.#child.send({ type: 'close' });
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    this.#child.kill('SIGKILL');
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

/** CPU time (µs) of a process from /proc/<pid>/stat: user and system, in clock ticks. */
export async function processCpuUs(pid: number): Promise<{ user: number; sys: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" that ends comm: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 1e6 / CLOCK_TICKS;
  return { user: Number(fields[11]) * tick, sys: Number(fields[12]) * tick };
}

/** USER_HZ: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;
