import type * as ms from 'mediasoup/node/lib/types';
import { EnhancedEventEmitter } from './EnhancedEventEmitter';
import { InvalidParametersError, SfuError } from './errors';

/** Where one side of a pipe listens, and the SRTP key it sends with (the far end decrypts). */
export interface PipeEndpoint {
  ip: string;
  port: number;
  srtpParameters?: ms.SrtpParameters;
}

/**
 * A producer offered over a pipe: what the far end needs to produce its copy (same id, the
 * pipe consumer's RTP parameters) and who sends it (for the far end's listProducers).
 */
export interface PipedProducer {
  id: string;
  kind: 'audio' | 'video';
  rtpParameters: ms.RtpParameters;
  paused: boolean;
  peerId: string;
  source: 'camera' | 'mic' | 'screen';
}

export interface RemotePipeOptions {
  /** The address this host's pipe listens on (the node's internal address). */
  listenIp: string;
  /** Announced instead of listenIp (NAT between hosts). */
  announcedIp?: string;
  /** SRTP between hosts (default on). */
  enableSrtp?: boolean;
  /** NACK + RTX over the pipe: a real network loses packets (default on). */
  enableRtx?: boolean;
}

export type RemotePipeEvents = {
  /** A producer this side sends paused or resumed: tell the far end to mirror it. */
  sentpaused: [{ producerId: string; paused: boolean }];
  /** A producer this side sends closed: tell the far end to close its copy. */
  sentclosed: [{ producerId: string }];
  /** The pipe closed; `received`: the far end's producers it carried in at that moment. */
  close: [{ received: string[] }];
};

/**
 * One PipeTransport of a media room towards the same meeting's room on another host (another
 * process). Both directions share it: this side consumes its producers into the pipe (`send`) and
 * produces the far end's (`receive`) under their original ids, so a consumer anywhere names a
 * producer the same way. mediasoup's pipeToRouter does this inside one process; between hosts the
 * two halves are negotiated over the cluster's signed channel: exchange `local` endpoints,
 * `connect` each side to the other's, then offer producers with `send` and accept them with
 * `receive`. Pause, resume and close of a sent producer are not carried by RTP: the owner relays
 * the `sentpaused`/`sentclosed` events and the far end applies them with `setReceivedPaused` /
 * `stopReceiving`.
 */
export class RemotePipe extends EnhancedEventEmitter<RemotePipeEvents> {
  readonly remoteId: string;
  readonly transport: ms.PipeTransport;
  readonly #keyFrameRequestDelayMs: number;
  readonly #sent = new Map<string, ms.Consumer>();
  readonly #sending = new Map<string, Promise<PipedProducer>>();
  readonly #received = new Map<string, ms.Producer>();
  #remote: PipeEndpoint | undefined;
  #closed = false;

  private constructor(remoteId: string, transport: ms.PipeTransport, keyFrameDelayMs: number) {
    super();
    this.remoteId = remoteId;
    this.transport = transport;
    this.#keyFrameRequestDelayMs = keyFrameDelayMs;
    transport.observer.once('close', () => this.#onClosed());
  }

  static async create(
    router: ms.Router,
    remoteId: string,
    opts: RemotePipeOptions,
    keyFrameRequestDelayMs: number,
  ): Promise<RemotePipe> {
    const transport = await router.createPipeTransport({
      listenIp: {
        ip: opts.listenIp,
        ...(opts.announcedIp ? { announcedIp: opts.announcedIp } : {}),
      },
      enableSctp: false,
      enableRtx: opts.enableRtx ?? true,
      enableSrtp: opts.enableSrtp ?? true,
      appData: { remoteId },
    });
    return new RemotePipe(remoteId, transport, keyFrameRequestDelayMs);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** This side's endpoint: give it to the far end's `connect`. */
  get local(): PipeEndpoint {
    const t = this.transport;
    return {
      ip: t.tuple.localIp,
      port: t.tuple.localPort,
      ...(t.srtpParameters ? { srtpParameters: t.srtpParameters } : {}),
    };
  }

  /** The far end's endpoint once connected. */
  get remote(): PipeEndpoint | undefined {
    return this.#remote;
  }

  get connected(): boolean {
    return this.#remote !== undefined;
  }

  /** Ids of the producers this side sends / receives. */
  get sentIds(): string[] {
    return [...this.#sent.keys()];
  }
  get receivedIds(): string[] {
    return [...this.#received.keys()];
  }

  hasReceived(producerId: string): boolean {
    return this.#received.has(producerId);
  }

  /** Connects to the far end (once; a pipe is never re-pointed, a broken one is rebuilt). */
  async connect(remote: PipeEndpoint): Promise<void> {
    this.#assertOpen();
    if (this.#remote) {
      if (this.#remote.ip === remote.ip && this.#remote.port === remote.port) return;
      throw new SfuError('INVALID_STATE', `pipe to ${this.remoteId} is already connected`);
    }
    checkEndpoint(remote, this.transport.srtpParameters !== undefined);
    await this.transport.connect({
      ip: remote.ip,
      port: remote.port,
      ...(remote.srtpParameters ? { srtpParameters: remote.srtpParameters } : {}),
    });
    this.#remote = { ...remote };
  }

  /**
   * Offers `producer` (on this pipe's router) to the far end: a pipe consumer forwards every
   * layer of it. Sending the same producer again returns the same offer.
   */
  send(
    producer: ms.Producer,
    owner: { peerId: string; source: PipedProducer['source'] },
  ): Promise<PipedProducer> {
    this.#assertOpen();
    if (!this.#remote)
      throw new SfuError('INVALID_STATE', `pipe to ${this.remoteId} not connected`);
    const existing = this.#sending.get(producer.id);
    if (existing) return existing;
    const sending = this.transport
      .consume({ producerId: producer.id, appData: { remoteId: this.remoteId } })
      .then((consumer) => {
        if (this.#closed) {
          consumer.close();
          throw new SfuError('INVALID_STATE', `pipe to ${this.remoteId} closed`);
        }
        this.#sent.set(producer.id, consumer);
        // A pipe consumer is paused exactly when its producer is (it is never paused itself).
        consumer.observer.on('pause', () =>
          this.safeEmit('sentpaused', { producerId: producer.id, paused: true }),
        );
        consumer.observer.on('resume', () =>
          this.safeEmit('sentpaused', { producerId: producer.id, paused: false }),
        );
        consumer.observer.once('close', () => {
          this.#sent.delete(producer.id);
          this.#sending.delete(producer.id);
          // Not when the whole pipe closes (its consumers go first): the far end hears of that
          // once (pipe.close) and still knows what the pipe carried.
          if (!this.#closed && !this.transport.closed) {
            this.safeEmit('sentclosed', { producerId: producer.id });
          }
        });
        return {
          id: producer.id,
          kind: consumer.kind,
          rtpParameters: consumer.rtpParameters,
          paused: consumer.producerPaused,
          peerId: owner.peerId,
          source: owner.source,
        };
      });
    this.#sending.set(producer.id, sending);
    sending.catch(() => this.#sending.delete(producer.id));
    return sending;
  }

  /** Stops sending one producer (the far end no longer needs it). */
  stopSending(producerId: string): void {
    this.#sent.get(producerId)?.close();
  }

  /**
   * Produces the far end's offer here under its original id. Returns the existing producer when
   * it was received already (two consumers asking at once).
   */
  async receive(offer: PipedProducer): Promise<{ producer: ms.Producer; fresh: boolean }> {
    this.#assertOpen();
    const existing = this.#received.get(offer.id);
    if (existing) return { producer: existing, fresh: false };
    if (offer.kind !== 'audio' && offer.kind !== 'video') {
      throw new InvalidParametersError(
        `kind must be "audio" or "video", got ${String(offer.kind)}`,
      );
    }
    const producer = await this.transport.produce({
      id: offer.id,
      kind: offer.kind,
      rtpParameters: offer.rtpParameters,
      paused: offer.paused,
      // Viewers on this host ask for key frames too: forward at most one per delay over the pipe.
      ...(offer.kind === 'video' ? { keyFrameRequestDelay: this.#keyFrameRequestDelayMs } : {}),
      appData: { peerId: offer.peerId, source: offer.source, remoteId: this.remoteId },
    });
    const raced = this.#received.get(offer.id);
    if (raced) {
      producer.close();
      return { producer: raced, fresh: false };
    }
    this.#received.set(offer.id, producer);
    // Not while the whole pipe closes (its producers go first): the close says what it carried.
    producer.observer.once('close', () => {
      if (!this.transport.closed) this.#received.delete(offer.id);
    });
    return { producer, fresh: true };
  }

  /** Mirrors a pause/resume the far end reported for a producer it sends us. */
  async setReceivedPaused(producerId: string, paused: boolean): Promise<void> {
    const p = this.#received.get(producerId);
    if (!p || p.paused === paused) return;
    if (paused) await p.pause();
    else await p.resume();
  }

  /** The far end's producer closed (or it stopped sending it): close our copy. */
  stopReceiving(producerId: string): void {
    this.#received.get(producerId)?.close();
  }

  /** Bytes and bitrates through this pipe (both directions). */
  async stats(): Promise<{
    bytesSent: number;
    bytesReceived: number;
    sendBitrate: number;
    recvBitrate: number;
  }> {
    const [s] = (await this.transport.getStats()) as Array<{
      bytesSent?: number;
      bytesReceived?: number;
      sendBitrate?: number;
      recvBitrate?: number;
    }>;
    return {
      bytesSent: s?.bytesSent ?? 0,
      bytesReceived: s?.bytesReceived ?? 0,
      sendBitrate: s?.sendBitrate ?? 0,
      recvBitrate: s?.recvBitrate ?? 0,
    };
  }

  close(): void {
    if (this.#closed) return;
    this.transport.close();
    this.#onClosed();
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    const received = [...this.#received.keys()];
    this.#sent.clear();
    this.#sending.clear();
    this.#received.clear();
    this.safeEmit('close', { received });
  }

  #assertOpen(): void {
    if (this.#closed) throw new SfuError('INVALID_STATE', `pipe to ${this.remoteId} is closed`);
  }
}

function checkEndpoint(e: PipeEndpoint, srtp: boolean): void {
  if (!e || typeof e.ip !== 'string' || e.ip === '') {
    throw new InvalidParametersError('pipe endpoint needs an ip');
  }
  if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) {
    throw new InvalidParametersError('pipe endpoint needs a port 1..65535');
  }
  if (srtp && !e.srtpParameters) {
    throw new InvalidParametersError('this pipe uses SRTP: the far end must send its key');
  }
  if (!srtp && e.srtpParameters) {
    throw new InvalidParametersError('this pipe has no SRTP: the far end must not send a key');
  }
}
