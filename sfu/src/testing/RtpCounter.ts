import dgram from 'node:dgram';
import { readRtpSsrc } from './rtp';

/**
 * A UDP socket on 127.0.0.1 that counts RTP (or SRTP) packets per SSRC. Consumers of the SFU
 * point their plain transports at it.
 */
export class RtpCounter {
  readonly socket: dgram.Socket;
  readonly counts = new Map<number, number>();
  rtcpPackets = 0;
  total = 0;
  #waiters = new Set<() => void>();

  private constructor(socket: dgram.Socket) {
    this.socket = socket;
    socket.on('message', (msg) => {
      const ssrc = readRtpSsrc(msg);
      if (ssrc === undefined) {
        this.rtcpPackets++;
        return;
      }
      this.total++;
      this.counts.set(ssrc, (this.counts.get(ssrc) ?? 0) + 1);
      for (const w of this.#waiters) w();
    });
  }

  static async create(recvBufferSize = 4 * 1024 * 1024): Promise<RtpCounter> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new RtpCounter(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  count(ssrc: number): number {
    return this.counts.get(ssrc) ?? 0;
  }

  /** Resolves when `predicate` holds after some packet; rejects at the deadline. */
  waitFor(predicate: () => boolean, timeoutMs: number, what = 'RTP packets'): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; counts ${JSON.stringify([...this.counts])}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  close(): Promise<void> {
    for (const w of this.#waiters) w();
    return new Promise((r) => this.socket.close(() => r()));
  }
}
