import type * as ms from 'mediasoup/node/lib/types';
import type { SfuConfig } from './config';
import { EnhancedEventEmitter } from './EnhancedEventEmitter';
import {
  CannotConsumeError,
  InvalidParametersError,
  LimitExceededError,
  RoomClosedError,
  SfuError,
  TransportsLostError,
  UnknownConsumerError,
  UnknownPeerError,
  UnknownProducerError,
  UnknownTransportError,
  UnsupportedCodecError,
  WrongTransportDirectionError,
} from './errors';
import { LayerDemand } from './LayerDemand';
import type { SfuLogger } from './logger';
import { MediaPeer, type TransportDirection, type TransportRecord } from './MediaPeer';
import type { PoolWorker } from './PoolWorker';
import {
  type PipedProducer,
  type PipeEndpoint,
  RemotePipe,
  type RemotePipeOptions,
} from './RemotePipe';
import { RoomRouter } from './RoomRouter';
import {
  RecorderPort,
  type RecorderPortHost,
  type RecorderPortOptions,
} from './recording/RecorderPort';
import { LossBudget, TRANSPORT_LOSS } from './TransportLoss';
import type { WorkerPool } from './WorkerPool';

export type MediaKind = 'audio' | 'video';
export type ProducerSource = 'camera' | 'mic' | 'screen';
const SOURCES: readonly ProducerSource[] = ['camera', 'mic', 'screen'];

/**
 * Per-peer bounds, so one misbehaving client cannot exhaust a worker. A site needs 2 transports
 * and 2-3 producers; a secretary's grid of a large province can need hundreds of consumers.
 */
export const PEER_LIMITS = { transports: 8, producers: 8, consumers: 2000 } as const;

export type MediaRoomEvents = {
  /** The dominant speaker changed (ActiveSpeakerObserver over all audio producers). */
  activespeaker: [{ peerId: string; producerId: string }];
  /** Loudest audio producers, about once a second; an empty array means silence. */
  volumes: [Array<{ peerId: string; producerId: string; volume: number }>];
  /**
   * Dynacast: the simulcast layers (index 0 = lowest) of a local video producer that anybody
   * takes changed; tell its owner (`peerId`) to send only those (RTCRtpSender.setParameters
   * encodings[i].active). Senders start with every layer on; more layers are announced at
   * once, fewer after SfuConfig.dynacastOffDelayMs. Not emitted when dynacast is off.
   */
  layerswanted: [{ peerId: string; producerId: string; layers: boolean[] }];
  /**
   * Dynacast across hosts: the layers this room's viewers take of a producer piped in from
   * `remoteId` changed; tell that host (it applies them with `setRemoteLayerDemand`).
   */
  pipelayerswanted: [{ remoteId: string; producerId: string; layers: boolean[] }];
  /** A producer closed (closeProducer, closePeer, its transport closed). */
  producerclosed: [{ peerId: string; producerId: string }];
  /** A consumer closed because its producer went away; tell that peer's client. */
  consumerclosed: [{ peerId: string; consumerId: string }];
  /** A producer sent over the pipe to `remoteId` paused/resumed: relay it (RTP does not). */
  pipeproducerpaused: [{ remoteId: string; producerId: string; paused: boolean }];
  /** A producer sent over the pipe to `remoteId` closed: relay it so the far copy closes. */
  pipeproducerclosed: [{ remoteId: string; producerId: string }];
  /**
   * The pipe to `remoteId` closed (closePipe, its transport, or its router went); its producers
   * (`received`: what it carried in) are gone.
   */
  pipeclosed: [{ remoteId: string; received: string[] }];
  /**
   * The worker closed a WebRTC transport of `peerId` by itself (DTLS failed, or closed and not
   * replaced within TransportLossOptions.graceMs): the peer's other transports are closed too
   * (its producers with them); tell it to renegotiate (media:reset 'transportlost', issue #11).
   * `losses` counts its losses in the window; past `max` its new transports are refused.
   */
  transportlost: [
    {
      peerId: string;
      transportId: string;
      direction: TransportDirection;
      dtlsState: 'failed' | 'closed';
      losses: number;
    },
  ];
  close: [];
};

export type MediaRoomObserverEvents = {
  newrouter: [RoomRouter];
  newtransport: [{ peerId: string; transportId: string; direction: TransportDirection }];
  newproducer: [{ peerId: string; producerId: string; kind: MediaKind; source: ProducerSource }];
  newconsumer: [{ peerId: string; consumerId: string; producerId: string; routerId: string }];
  close: [];
};

export type MediaRoomCloseReason = 'closed' | 'workerdied';

export interface WebRtcTransportInfo {
  id: string;
  iceParameters: ms.IceParameters;
  iceCandidates: ms.IceCandidate[];
  dtlsParameters: ms.DtlsParameters;
}

export interface PlainTransportInfo {
  id: string;
  ip: string;
  port: number;
  rtcpPort?: number;
  /** Our SRTP key (send it to the far end) when enableSrtp was set. */
  srtpParameters?: ms.SrtpParameters;
}

export interface ConsumerInfo {
  id: string;
  producerId: string;
  kind: MediaKind;
  rtpParameters: ms.RtpParameters;
  type: ms.ConsumerType;
  producerPaused: boolean;
}

export interface ProducerInfo {
  id: string;
  peerId: string;
  kind: MediaKind;
  source: ProducerSource;
  paused: boolean;
  /** Set when the producer came over a pipe: the id of the room it was piped from. */
  remote?: string;
}

/** See TransportLoss.ts; tests shorten them. */
export interface TransportLossOptions {
  graceMs: number;
  max: number;
  windowMs: number;
}

export interface MediaRoomOptions {
  id: string;
  pool: WorkerPool;
  config: SfuConfig;
  logger: SfuLogger;
  mediaCodecs: ms.RtpCodecCapability[];
  transportLoss?: TransportLossOptions;
}

interface ProducerEntry {
  producer: ms.Producer;
  peerId: string;
  source: ProducerSource;
  remote?: string;
}

/**
 * The media of one meeting. Producers live on the home router; receive transports go to the
 * home router until it holds `consumersPerRouter` consumers, then to a router on the least
 * loaded other worker, fed through pipeToRouter. Peers are named by the server (siteId,
 * userId + socket, ...) and can only touch what they created.
 */
export class MediaRoom extends EnhancedEventEmitter<MediaRoomEvents> {
  readonly id: string;
  readonly observer = new EnhancedEventEmitter<MediaRoomObserverEvents>();
  readonly #pool: WorkerPool;
  readonly #config: SfuConfig;
  readonly #logger: SfuLogger;
  readonly #mediaCodecs: ms.RtpCodecCapability[];
  readonly #home: RoomRouter;
  readonly #routers = new Map<PoolWorker, RoomRouter>();
  readonly #creatingRouters = new Map<PoolWorker, Promise<RoomRouter>>();
  /** Every worker this room ever used: lets MediaPlane name the room when one dies. */
  readonly #workersUsed = new Set<PoolWorker>();
  readonly #peers = new Map<string, MediaPeer>();
  readonly #producers = new Map<string, ProducerEntry>();
  /** remote room id (another host's node) → the one pipe to it, both directions. */
  readonly #pipes = new Map<string, RemotePipe>();
  readonly #openingPipes = new Map<string, Promise<RemotePipe>>();
  readonly #activeSpeaker: ms.ActiveSpeakerObserver;
  readonly #audioLevel: ms.AudioLevelObserver;
  readonly #demand: LayerDemand;
  readonly #lossGraceMs: number;
  readonly #losses: LossBudget;
  /** Grace timers of transports that closed under their peer (cleared on close). */
  readonly #lossTimers = new Set<NodeJS.Timeout>();
  #closeReason: MediaRoomCloseReason | undefined;
  #lostWorker: PoolWorker | undefined;

  private constructor(
    options: MediaRoomOptions,
    home: RoomRouter,
    activeSpeaker: ms.ActiveSpeakerObserver,
    audioLevel: ms.AudioLevelObserver,
  ) {
    super();
    this.id = options.id;
    this.#pool = options.pool;
    this.#config = options.config;
    this.#logger = options.logger;
    this.#mediaCodecs = options.mediaCodecs;
    this.#home = home;
    this.#activeSpeaker = activeSpeaker;
    this.#audioLevel = audioLevel;
    const loss = options.transportLoss ?? TRANSPORT_LOSS;
    this.#lossGraceMs = loss.graceMs;
    this.#losses = new LossBudget({ max: loss.max, windowMs: loss.windowMs });
    this.#demand = new LayerDemand({
      offDelayMs: this.#config.dynacastOffDelayMs,
      onChange: (producerId, layers) => {
        const entry = this.#producers.get(producerId);
        if (!entry || this.closed) return;
        if (entry.remote) {
          this.safeEmit('pipelayerswanted', { remoteId: entry.remote, producerId, layers });
        } else {
          this.safeEmit('layerswanted', { peerId: entry.peerId, producerId, layers });
        }
      },
    });
    this.#adopt(home);

    activeSpeaker.on('dominantspeaker', ({ producer }) => {
      const entry = this.#producers.get(producer.id);
      if (entry) this.safeEmit('activespeaker', { peerId: entry.peerId, producerId: producer.id });
    });
    audioLevel.on('volumes', (volumes) => {
      const out: Array<{ peerId: string; producerId: string; volume: number }> = [];
      for (const { producer, volume } of volumes) {
        const entry = this.#producers.get(producer.id);
        if (entry) out.push({ peerId: entry.peerId, producerId: producer.id, volume });
      }
      this.safeEmit('volumes', out);
    });
    audioLevel.on('silence', () => this.safeEmit('volumes', []));
  }

  static async create(options: MediaRoomOptions): Promise<MediaRoom> {
    const worker = options.pool.leastLoaded();
    if (!worker) throw new SfuError('NO_WORKER', 'no live mediasoup worker');
    const home = await RoomRouter.create(worker, options.mediaCodecs, options.id, true);
    try {
      const activeSpeaker = await home.router.createActiveSpeakerObserver({ interval: 300 });
      const audioLevel = await home.router.createAudioLevelObserver({
        maxEntries: 8,
        threshold: -70,
        interval: 1000,
      });
      return new MediaRoom(options, home, activeSpeaker, audioLevel);
    } catch (error) {
      home.close();
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closeReason !== undefined;
  }

  get closeReason(): MediaRoomCloseReason | undefined {
    return this.#closeReason;
  }

  /** The dead worker that took this room down, if that is why it closed. */
  get lostWorker(): PoolWorker | undefined {
    return this.#lostWorker;
  }

  /** Workers this room has (or had) a router on. */
  get workersUsed(): ReadonlySet<PoolWorker> {
    return this.#workersUsed;
  }

  /** Router capabilities for the client's mediasoup-client Device.load(). */
  get rtpCapabilities(): ms.RtpCapabilities {
    return this.#home.router.rtpCapabilities;
  }

  // ---------------------------------------------------------------- transports

  async createWebRtcTransport(
    peerId: string,
    opts: { direction: TransportDirection },
  ): Promise<WebRtcTransportInfo> {
    this.#assertOpen();
    checkDirection(opts?.direction);
    this.#checkLimit(peerId, 'transports');
    if (this.#losses.exhausted(peerId)) {
      const l = this.#losses;
      throw new TransportsLostError(peerId, l.count(peerId), l.windowMs, l.retryInMs(peerId));
    }
    return this.#guard(async () => {
      const rr = opts.direction === 'send' ? this.#home : await this.#routerForRecv();
      const transport = await rr.router.createWebRtcTransport({
        webRtcServer: rr.poolWorker.webRtcServer,
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
        initialAvailableOutgoingBitrate: this.#config.initialOutgoingBitrate,
        appData: { peerId, direction: opts.direction },
      });
      this.#register(peerId, {
        transport,
        type: 'webrtc',
        direction: opts.direction,
        roomRouter: rr,
      });
      // A failed or closed DTLS session never recovers: free the transport, its producers and
      // consumers right away, and tell the peer unless it is rebuilding anyway (issue #11).
      transport.on('dtlsstatechange', (state) => {
        if (state !== 'failed' && state !== 'closed') return;
        const ice = transport.iceState;
        transport.close();
        this.#transportClosedUnder(peerId, transport.id, opts.direction, state, ice);
      });
      return {
        id: transport.id,
        iceParameters: transport.iceParameters,
        iceCandidates: transport.iceCandidates,
        dtlsParameters: transport.dtlsParameters,
      };
    });
  }

  async connectTransport(
    peerId: string,
    transportId: string,
    dtlsParameters: ms.DtlsParameters,
  ): Promise<void> {
    const transport = this.#webRtc(peerId, transportId);
    await this.#guard(() => transport.connect({ dtlsParameters }));
  }

  async restartIce(peerId: string, transportId: string): Promise<ms.IceParameters> {
    const transport = this.#webRtc(peerId, transportId);
    return this.#guard(() => transport.restartIce());
  }

  /**
   * PlainTransport for RTP from or to other programs (recorders, hardware endpoints, tests).
   * `direction` only picks the router: 'send' (default) is the producer router, 'recv' is
   * placed like a WebRTC receive transport. Producing needs a 'send' transport.
   */
  async createPlainTransport(
    peerId: string,
    opts: {
      comedia?: boolean;
      rtcpMux?: boolean;
      enableSrtp?: boolean;
      srtpCryptoSuite?: ms.SrtpCryptoSuite;
      direction?: TransportDirection;
    } = {},
  ): Promise<PlainTransportInfo> {
    this.#assertOpen();
    const direction = opts.direction ?? 'send';
    checkDirection(direction);
    this.#checkLimit(peerId, 'transports');
    return this.#guard(async () => {
      const rr = direction === 'send' ? this.#home : await this.#routerForRecv();
      const transport = await rr.router.createPlainTransport({
        listenIp: {
          ip: this.#config.listenIp,
          ...(this.#config.announcedAddress ? { announcedIp: this.#config.announcedAddress } : {}),
        },
        comedia: opts.comedia ?? false,
        rtcpMux: opts.rtcpMux ?? true,
        enableSrtp: opts.enableSrtp ?? false,
        ...(opts.srtpCryptoSuite ? { srtpCryptoSuite: opts.srtpCryptoSuite } : {}),
        appData: { peerId, direction },
      });
      this.#register(peerId, { transport, type: 'plain', direction, roomRouter: rr });
      const info: PlainTransportInfo = {
        id: transport.id,
        ip: transport.tuple.localIp,
        port: transport.tuple.localPort,
      };
      if (transport.rtcpTuple) info.rtcpPort = transport.rtcpTuple.localPort;
      if (transport.srtpParameters) info.srtpParameters = transport.srtpParameters;
      return info;
    });
  }

  async connectPlainTransport(
    peerId: string,
    transportId: string,
    p: { ip?: string; port?: number; rtcpPort?: number; srtpParameters?: ms.SrtpParameters },
  ): Promise<void> {
    const record = this.#record(peerId, transportId);
    if (record.type !== 'plain') {
      throw new InvalidParametersError(`transport ${transportId} is not a plain transport`);
    }
    const transport = record.transport as ms.PlainTransport;
    await this.#guard(() => transport.connect(p ?? {}));
  }

  // ---------------------------------------------------------------- producers

  async produce(
    peerId: string,
    transportId: string,
    p: {
      kind: MediaKind;
      rtpParameters: ms.RtpParameters;
      paused?: boolean;
      appData?: { source?: ProducerSource };
    },
  ): Promise<{ id: string }> {
    const record = this.#record(peerId, transportId);
    if (record.roomRouter !== this.#home) {
      throw new WrongTransportDirectionError(transportId, 'send');
    }
    if (p?.kind !== 'audio' && p?.kind !== 'video') {
      throw new InvalidParametersError(`kind must be "audio" or "video", got ${String(p?.kind)}`);
    }
    const source = p.appData?.source ?? (p.kind === 'audio' ? 'mic' : 'camera');
    if (!SOURCES.includes(source)) {
      throw new InvalidParametersError(`appData.source must be one of ${SOURCES.join(', ')}`);
    }
    const peer = this.#peer(peerId);
    this.#checkLimit(peerId, 'producers');
    const producer = await this.#guard(() =>
      record.transport.produce({
        kind: p.kind,
        rtpParameters: p.rtpParameters,
        paused: p.paused ?? false,
        // Many viewers resuming at once each ask for a key frame: forward at most one
        // request per delay to the chair's encoder.
        ...(p.kind === 'video'
          ? { keyFrameRequestDelay: this.#config.keyFrameRequestDelayMs }
          : {}),
        appData: { peerId, source },
      }),
    );
    if (this.closed) {
      producer.close();
      throw new RoomClosedError(this.id);
    }
    peer.producers.set(producer.id, producer);
    producer.observer.once('close', () => peer.producers.delete(producer.id));
    await this.#adoptProducer({ producer, peerId, source });
    return { id: producer.id };
  }

  /** Registers a producer (local or piped in), observes its audio, announces it. */
  async #adoptProducer(entry: ProducerEntry): Promise<void> {
    const { producer, peerId, source } = entry;
    this.#producers.set(producer.id, entry);
    // Dynacast covers our own senders and, for a producer piped in, what our viewers take of it
    // (reported to the host it came from: `pipelayerswanted`).
    if (this.#config.dynacast && producer.kind === 'video') {
      this.#demand.addProducer(producer.id, producer.rtpParameters.encodings?.length ?? 1);
    }
    producer.observer.once('close', () => {
      this.#demand.removeProducer(producer.id);
      if (this.#producers.get(producer.id) === entry) this.#producers.delete(producer.id);
      if (!this.closed) this.safeEmit('producerclosed', { peerId, producerId: producer.id });
    });
    if (producer.kind === 'audio') {
      const add = { producerId: producer.id };
      await Promise.all([
        this.#activeSpeaker.addProducer(add),
        this.#audioLevel.addProducer(add),
      ]).catch((error) =>
        this.#logger.warn('could not observe audio producer', {
          roomId: this.id,
          producerId: producer.id,
          error: (error as Error).message,
        }),
      );
    }
    this.observer.safeEmit('newproducer', {
      peerId,
      producerId: producer.id,
      kind: producer.kind,
      source,
    });
  }

  // ---------------------------------------------------------------- pipes to other hosts

  /**
   * The pipe to the same meeting's room on another host (`remoteId` names that node), created
   * on first use on the home router; returns this side's endpoint for the far end's connectPipe.
   * One pipe per remote room carries every producer both ways.
   */
  async openPipe(remoteId: string, opts: RemotePipeOptions): Promise<PipeEndpoint> {
    return (await this.#pipe(remoteId, opts)).local;
  }

  /** Points our pipe to `remoteId` at the far end's endpoint. */
  async connectPipe(remoteId: string, remote: PipeEndpoint): Promise<void> {
    const pipe = this.#existingPipe(remoteId);
    await this.#guard(() => pipe.connect(remote));
  }

  /** Offers one of this room's producers (local or piped in) to `remoteId`. */
  async pipeOut(remoteId: string, producerId: string): Promise<PipedProducer> {
    const pipe = this.#existingPipe(remoteId);
    const entry = this.#producerEntry(producerId);
    if (entry.remote === remoteId) {
      throw new InvalidParametersError(`producer ${producerId} came from ${remoteId}`);
    }
    const piped = await this.#guard(() => pipe.send(entry.producer, entry));
    this.#updatePipedOut(); // the far host's viewers take any layer until it reports
    return piped;
  }

  /** Produces a producer offered by `remoteId` here; a second offer of the same id is a no-op. */
  async pipeIn(remoteId: string, offer: PipedProducer): Promise<void> {
    const pipe = this.#existingPipe(remoteId);
    const have = this.#producers.get(offer?.id);
    if (have && have.remote !== remoteId) {
      throw new InvalidParametersError(`producer ${offer.id} already exists in room ${this.id}`);
    }
    if (!SOURCES.includes(offer?.source)) {
      throw new InvalidParametersError(`source must be one of ${SOURCES.join(', ')}`);
    }
    const { producer, fresh } = await this.#guard(() => pipe.receive(offer));
    if (!fresh) return;
    if (this.closed) {
      producer.close();
      throw new RoomClosedError(this.id);
    }
    await this.#adoptProducer({
      producer,
      peerId: offer.peerId,
      source: offer.source,
      remote: remoteId,
    });
  }

  /** The far end paused/resumed a producer it pipes to us. */
  async setPipedProducerPaused(remoteId: string, producerId: string, paused: boolean) {
    await this.#guard(() => this.#existingPipe(remoteId).setReceivedPaused(producerId, paused));
  }

  /** The far end's producer closed: close our copy (its consumers here close with it). */
  closePipedProducer(remoteId: string, producerId: string): void {
    this.#pipes.get(remoteId)?.stopReceiving(producerId);
  }

  /** The far end no longer wants one producer we send. */
  stopPipeOut(remoteId: string, producerId: string): void {
    this.#pipes.get(remoteId)?.stopSending(producerId);
    this.#updatePipedOut();
  }

  /** Dynacast: the hosts each producer is sent to (each takes what it reports, all until then). */
  #updatePipedOut(): void {
    const sent = new Map<string, Set<string>>();
    for (const p of this.#pipes.values()) {
      if (p.closed) continue;
      for (const id of p.sentIds) {
        const to = sent.get(id) ?? new Set<string>();
        to.add(p.remoteId);
        sent.set(id, to);
      }
    }
    for (const id of this.#producers.keys()) this.#demand.setPipedOut(id, sent.get(id) ?? false);
  }

  /** Dynacast across hosts: `remoteId`'s viewers take these layers of a producer we pipe there. */
  setRemoteLayerDemand(remoteId: string, producerId: string, layers: boolean[]): void {
    this.#demand.setRemoteDemand(producerId, remoteId, layers.lastIndexOf(true));
  }

  /** Closes the pipe to `remoteId` (the far end died or the pipe broke): its producers go. */
  closePipe(remoteId: string): void {
    this.#pipes.get(remoteId)?.close();
  }

  hasPipe(remoteId: string): boolean {
    const p = this.#pipes.get(remoteId);
    return p !== undefined && !p.closed;
  }

  /** Traffic through every pipe of the room. */
  async pipeStats(): Promise<
    Array<{
      remoteId: string;
      sent: number;
      received: number;
      bytesSent: number;
      bytesReceived: number;
      sendBitrate: number;
      recvBitrate: number;
    }>
  > {
    const pipes = [...this.#pipes.values()].filter((p) => !p.closed);
    const stats = await Promise.all(pipes.map((p) => p.stats().catch(() => undefined)));
    return pipes.flatMap((p, i) => {
      const s = stats[i];
      return s
        ? [{ remoteId: p.remoteId, sent: p.sentIds.length, received: p.receivedIds.length, ...s }]
        : [];
    });
  }

  async #pipe(remoteId: string, opts: RemotePipeOptions): Promise<RemotePipe> {
    this.#assertOpen();
    if (typeof remoteId !== 'string' || remoteId === '' || remoteId.length > 200) {
      throw new InvalidParametersError('remoteId must be a string of 1..200 characters');
    }
    const existing = this.#pipes.get(remoteId);
    if (existing && !existing.closed) return existing;
    let opening = this.#openingPipes.get(remoteId);
    if (!opening) {
      opening = this.#guard(() =>
        RemotePipe.create(this.#home.router, remoteId, opts, this.#config.keyFrameRequestDelayMs),
      ).then((pipe) => {
        if (this.closed) {
          pipe.close();
          throw new RoomClosedError(this.id);
        }
        this.#pipes.set(remoteId, pipe);
        pipe.on('sentpaused', (e) => this.safeEmit('pipeproducerpaused', { remoteId, ...e }));
        pipe.on('sentclosed', (e) => this.safeEmit('pipeproducerclosed', { remoteId, ...e }));
        pipe.once('close', ({ received }) => {
          if (this.#pipes.get(remoteId) === pipe) this.#pipes.delete(remoteId);
          if (!this.closed) this.#updatePipedOut();
          if (!this.closed) this.safeEmit('pipeclosed', { remoteId, received });
        });
        return pipe;
      });
      const done = () => this.#openingPipes.delete(remoteId);
      opening.then(done, done);
      this.#openingPipes.set(remoteId, opening);
    }
    return opening;
  }

  #existingPipe(remoteId: string): RemotePipe {
    this.#assertOpen();
    const pipe = this.#pipes.get(remoteId);
    if (!pipe || pipe.closed) throw new SfuError('INVALID_STATE', `no pipe to ${remoteId}`);
    return pipe;
  }

  closeProducer(peerId: string, producerId: string): void {
    const producer = this.#peer(peerId).producers.get(producerId);
    if (!producer) throw new UnknownProducerError(producerId);
    producer.close();
  }

  /** Server-side enforcement (floor control, mute by the chair): no peer check. */
  async pauseProducer(producerId: string): Promise<void> {
    const entry = this.#producerEntry(producerId);
    await this.#guard(() => entry.producer.pause());
  }

  async resumeProducer(producerId: string): Promise<void> {
    const entry = this.#producerEntry(producerId);
    await this.#guard(() => entry.producer.resume());
  }

  hasProducer(producerId: string): boolean {
    return this.#producers.has(producerId);
  }

  listProducers(): ProducerInfo[] {
    return [...this.#producers.values()].map(({ producer, peerId, source, remote }) => ({
      id: producer.id,
      peerId,
      kind: producer.kind,
      source,
      paused: producer.paused,
      ...(remote ? { remote } : {}),
    }));
  }

  // ---------------------------------------------------------------- consumers

  /** Creates a paused consumer; the client resumes it once its track is ready. */
  async consume(
    peerId: string,
    transportId: string,
    producerId: string,
    rtpCapabilities: ms.RtpCapabilities,
    opts: { preferredLayers?: ms.ConsumerLayers } = {},
  ): Promise<ConsumerInfo> {
    const record = this.#record(peerId, transportId);
    const peer = this.#peer(peerId);
    this.#checkLimit(peerId, 'consumers');
    this.#producerEntry(producerId);
    if (!this.#home.router.canConsume({ producerId, rtpCapabilities })) {
      throw new CannotConsumeError(producerId);
    }
    if (opts.preferredLayers) checkLayers(opts.preferredLayers);
    const rr = record.roomRouter;
    const consumer = await this.#guard(async () => {
      await rr.pipeFrom(this.#home, producerId);
      return record.transport.consume({
        producerId,
        rtpCapabilities,
        paused: true,
        ...(opts.preferredLayers ? { preferredLayers: opts.preferredLayers } : {}),
        appData: { peerId },
      });
    });
    if (this.closed) {
      consumer.close();
      throw new RoomClosedError(this.id);
    }
    peer.consumers.set(consumer.id, consumer);
    // Created paused: it takes nothing until the client resumes it.
    this.#demand.addConsumer(consumer.id, producerId, {
      preferred: opts.preferredLayers?.spatialLayer ?? Number.POSITIVE_INFINITY,
      paused: true,
    });
    consumer.observer.once('close', () => {
      peer.consumers.delete(consumer.id);
      this.#demand.removeConsumer(consumer.id);
    });
    consumer.on('producerclose', () => {
      if (!this.closed) this.safeEmit('consumerclosed', { peerId, consumerId: consumer.id });
    });
    this.observer.safeEmit('newconsumer', {
      peerId,
      consumerId: consumer.id,
      producerId,
      routerId: rr.id,
    });
    return {
      id: consumer.id,
      producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      type: consumer.type,
      producerPaused: consumer.producerPaused,
    };
  }

  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    const consumer = this.#consumer(peerId, consumerId);
    await this.#guard(() => consumer.resume());
    this.#demand.updateConsumer(consumerId, { paused: false });
  }

  closeConsumer(peerId: string, consumerId: string): void {
    this.#consumer(peerId, consumerId).close();
  }

  /** Asks the consumer's producer for a key frame (video; audio consumers ignore it). */
  async requestKeyFrame(peerId: string, consumerId: string): Promise<void> {
    const consumer = this.#consumer(peerId, consumerId);
    if (consumer.kind === 'video') await this.#guard(() => consumer.requestKeyFrame());
  }

  // ---------------------------------------------------------------- recording

  /**
   * The room's recorder attachment: a PlainTransport on the home router (where the producers
   * are, so no pipe) listening on 127.0.0.1, owned by peer `peerId`. See RecorderPort.
   */
  async createRecorderPort(
    opts: RecorderPortOptions & {
      peerId?: string;
      /**
       * Runs before each producer is consumed (a cluster node pipes a producer living on another
       * node into this room first).
       */
      beforeConsume?: (producerId: string) => Promise<void>;
    } = {},
  ): Promise<RecorderPort> {
    this.#assertOpen();
    const peerId = opts.peerId ?? 'recorder';
    this.#checkLimit(peerId, 'transports');
    const transport = await this.#guard(() =>
      this.#home.router.createPlainTransport({
        listenIp: { ip: '127.0.0.1' },
        comedia: false,
        rtcpMux: true,
        appData: { peerId, direction: 'recv' },
      }),
    );
    this.#register(peerId, { transport, type: 'plain', direction: 'recv', roomRouter: this.#home });
    try {
      const { beforeConsume, ...portOpts } = opts;
      const host: RecorderPortHost = beforeConsume
        ? {
            consume: async (peer, transportId, producerId, caps) => {
              await beforeConsume(producerId);
              return this.consume(peer, transportId, producerId, caps);
            },
            resumeConsumer: (peer, id) => this.resumeConsumer(peer, id),
            closeConsumer: (peer, id) => this.closeConsumer(peer, id),
            requestKeyFrame: (peer, id) => this.requestKeyFrame(peer, id),
            closePeer: (peer) => this.closePeer(peer),
            on: (event, fn) => this.on(event, fn),
            off: (event, fn) => this.off(event, fn),
          }
        : this;
      return await RecorderPort.create({
        ...portOpts,
        host,
        peerId,
        transport,
        logger: this.#logger,
      });
    } catch (error) {
      transport.close();
      throw this.#translate(error);
    }
  }

  /** For tiles that are off screen: the SFU stops sending, the producer keeps going. */
  async pauseConsumer(peerId: string, consumerId: string): Promise<void> {
    const consumer = this.#consumer(peerId, consumerId);
    await this.#guard(() => consumer.pause());
    this.#demand.updateConsumer(consumerId, { paused: true });
  }

  async setPreferredLayers(
    peerId: string,
    consumerId: string,
    layers: ms.ConsumerLayers,
  ): Promise<void> {
    const consumer = this.#consumer(peerId, consumerId);
    checkLayers(layers);
    await this.#guard(() => consumer.setPreferredLayers(layers));
    this.#demand.updateConsumer(consumerId, { preferred: layers.spatialLayer });
  }

  /**
   * Dynacast state of a video producer: the layers anybody takes now and what its sender was
   * last told (lags behind on the way down; for a piped-in producer: what this room reported to
   * its host). Undefined for audio or unknown producers.
   */
  layerDemand(producerId: string): { wanted: boolean[]; announced: boolean[] } | undefined {
    const wanted = this.#demand.wanted(producerId);
    const announced = this.#demand.announced(producerId);
    return wanted && announced ? { wanted, announced } : undefined;
  }

  // ---------------------------------------------------------------- peers, stats, lifecycle

  /** getStats() of every transport of the peer, each entry carrying its transportId. */
  async transportStats(peerId: string): Promise<unknown[]> {
    const peer = this.#peer(peerId);
    const all = await this.#guard(() =>
      Promise.all([...peer.transports.values()].map(({ transport }) => transport.getStats())),
    );
    return all.flat();
  }

  /**
   * One peer's media as the worker sees it, for the bench and operators: per transport its
   * ICE/DTLS state and bytes, per consumer its state, layers, score and worker counters
   * (packets, PLI/FIR/NACK), and whether its router is the home one or fed through a pipe.
   * Answers "why does this site not get the chair" from the SFU's side.
   */
  async diagnose(peerId: string): Promise<{
    transports: Array<Record<string, unknown>>;
    consumers: Array<Record<string, unknown>>;
  }> {
    const peer = this.#peers.get(peerId);
    if (!peer) return { transports: [], consumers: [] };
    const pick = (o: Record<string, unknown> | undefined, keys: string[]) =>
      Object.fromEntries(keys.filter((k) => o?.[k] !== undefined).map((k) => [k, o?.[k]]));
    const transports = await Promise.all(
      [...peer.transports.entries()].map(async ([id, r]) => {
        const t = r.transport as ms.WebRtcTransport;
        const [st] = (await t.getStats().catch(() => [])) as unknown as Array<
          Record<string, unknown>
        >;
        return {
          id,
          direction: r.direction,
          routerId: r.roomRouter.id,
          home: r.roomRouter.home,
          iceState: t.iceState,
          dtlsState: t.dtlsState,
          ...pick(st, [
            'bytesReceived',
            'bytesSent',
            'rtpBytesSent',
            'rtpPacketLossSent',
            'availableOutgoingBitrate',
            'iceSelectedTuple',
          ]),
        };
      }),
    );
    const consumers = await Promise.all(
      [...peer.consumers.values()].map(async (c) => {
        const stats = (await c.getStats().catch(() => [])) as unknown as Array<
          Record<string, unknown>
        >;
        const out = stats.find((x) => x.type === 'outbound-rtp');
        const inb = stats.find((x) => x.type === 'inbound-rtp');
        return {
          id: c.id,
          kind: c.kind,
          producerId: c.producerId,
          type: c.type,
          paused: c.paused,
          producerPaused: c.producerPaused,
          score: c.score,
          currentLayers: c.currentLayers,
          preferredLayers: c.preferredLayers,
          out: pick(out, [
            'ssrc',
            'packetCount',
            'byteCount',
            'pliCount',
            'firCount',
            'nackCount',
            'score',
          ]),
          producer: pick(inb, ['ssrc', 'packetCount', 'pliCount', 'firCount', 'score']),
        };
      }),
    );
    return { transports, consumers };
  }

  /** Closes everything of the peer; unknown peers are ignored (leaving twice is fine). */
  closePeer(peerId: string): void {
    const peer = this.#peers.get(peerId);
    if (!peer) return;
    this.#peers.delete(peerId);
    peer.close();
  }

  hasPeer(peerId: string): boolean {
    return this.#peers.has(peerId);
  }

  /** Where the room's media runs: for tests, the bench and operators. */
  describe(): {
    id: string;
    closed: boolean;
    routers: Array<{
      routerId: string;
      workerIndex: number;
      workerPid: number;
      home: boolean;
      consumers: number;
      load: number;
    }>;
    transports: Array<{ peerId: string; transportId: string; type: string; routerId: string }>;
    pipes: Array<{
      remoteId: string;
      local: PipeEndpoint;
      remote?: PipeEndpoint;
      sent: string[];
      received: string[];
    }>;
  } {
    const transports: Array<{
      peerId: string;
      transportId: string;
      type: string;
      routerId: string;
    }> = [];
    for (const peer of this.#peers.values()) {
      for (const [transportId, r] of peer.transports) {
        transports.push({ peerId: peer.id, transportId, type: r.type, routerId: r.roomRouter.id });
      }
    }
    return {
      id: this.id,
      closed: this.closed,
      routers: [...this.#routers.values()].map((rr) => ({
        routerId: rr.id,
        workerIndex: rr.poolWorker.index,
        workerPid: rr.poolWorker.pid,
        home: rr.home,
        consumers: rr.consumerCount,
        load: rr.load,
      })),
      transports,
      pipes: [...this.#pipes.values()].map((p) => ({
        remoteId: p.remoteId,
        local: { ip: p.local.ip, port: p.local.port },
        ...(p.remote ? { remote: { ip: p.remote.ip, port: p.remote.port } } : {}),
        sent: p.sentIds,
        received: p.receivedIds,
      })),
    };
  }

  close(): void {
    this.#close('closed');
  }

  // ---------------------------------------------------------------- internals

  #close(reason: MediaRoomCloseReason): void {
    if (this.#closeReason) return;
    this.#closeReason = reason;
    this.#demand.close();
    for (const t of this.#lossTimers) clearTimeout(t);
    this.#lossTimers.clear();
    for (const peer of this.#peers.values()) peer.close();
    this.#peers.clear();
    for (const pipe of this.#pipes.values()) pipe.close();
    this.#pipes.clear();
    this.#openingPipes.clear();
    this.#producers.clear();
    for (const rr of this.#routers.values()) rr.close();
    this.#routers.clear();
    this.#creatingRouters.clear();
    this.safeEmit('close');
    this.observer.safeEmit('close');
  }

  /**
   * A WebRTC transport closed under its peer. After the grace, unless the peer left or built a
   * new transport of that direction (its own rebuild: a browser closing its RTCPeerConnection
   * sends close_notify), its media is lost: close the rest of the peer, so its renegotiation
   * starts clean and the close_notify of its old connections finds nothing, and report it.
   */
  #transportClosedUnder(
    peerId: string,
    transportId: string,
    direction: TransportDirection,
    dtlsState: 'failed' | 'closed',
    iceState: string,
  ): void {
    const peer = this.#peers.get(peerId);
    if (!peer || this.closed) return;
    const timer = setTimeout(() => {
      this.#lossTimers.delete(timer);
      if (this.closed || this.#peers.get(peerId) !== peer) return;
      for (const r of peer.transports.values()) {
        if (r.type === 'webrtc' && r.direction === direction) return; // replaced
      }
      const losses = this.#losses.record(peerId);
      this.#logger.warn('transport lost: the peer renegotiates', {
        roomId: this.id,
        peerId,
        transportId,
        direction,
        dtlsState,
        iceState,
        losses,
      });
      this.closePeer(peerId);
      this.safeEmit('transportlost', { peerId, transportId, direction, dtlsState, losses });
    }, this.#lossGraceMs);
    timer.unref?.();
    this.#lossTimers.add(timer);
  }

  #adopt(rr: RoomRouter): void {
    this.#routers.set(rr.poolWorker, rr);
    this.#workersUsed.add(rr.poolWorker);
    rr.once('close', () => {
      if (this.#routers.get(rr.poolWorker) === rr) this.#routers.delete(rr.poolWorker);
      if (this.closed) return;
      // A router only closes under a live room when its worker died (or someone closed it
      // behind our back): the room's media is broken either way, so close it and let the
      // owner rebuild.
      if (rr.poolWorker.worker.died) this.#lostWorker = rr.poolWorker;
      this.#close(rr.poolWorker.worker.died ? 'workerdied' : 'closed');
    });
    this.observer.safeEmit('newrouter', rr);
  }

  /**
   * The router a new receive transport goes to: the home router while it is below the
   * threshold; else the room's router on the least loaded other worker that still has room;
   * else a new router on the least loaded worker without one; else the least loaded router.
   */
  async #routerForRecv(): Promise<RoomRouter> {
    const limit = this.#config.consumersPerRouter;
    const home = this.#home;
    if (home.load < limit || this.#pool.size === 1) return home;

    let best: RoomRouter | undefined;
    for (const rr of this.#routers.values()) {
      if (rr === home || rr.closed || !rr.poolWorker.alive || rr.load >= limit) continue;
      if (
        !best ||
        rr.poolWorker.load < best.poolWorker.load ||
        (rr.poolWorker.load === best.poolWorker.load && rr.load < best.load)
      ) {
        best = rr;
      }
    }
    if (best) return best;

    const taken = new Set<PoolWorker>(this.#routers.keys());
    const fresh = this.#pool.leastLoaded(taken);
    if (fresh) return this.#routerOn(fresh);

    // Every worker already carries this room and all are full: overflow to the lightest.
    let lightest = home;
    for (const rr of this.#routers.values()) {
      if (!rr.closed && rr.poolWorker.alive && rr.load < lightest.load) lightest = rr;
    }
    return lightest;
  }

  async #routerOn(worker: PoolWorker): Promise<RoomRouter> {
    const existing = this.#routers.get(worker);
    if (existing) return existing;
    let creating = this.#creatingRouters.get(worker);
    if (!creating) {
      creating = RoomRouter.create(worker, this.#mediaCodecs, this.id, false).then((rr) => {
        this.#creatingRouters.delete(worker);
        if (this.closed) {
          rr.close();
          throw new RoomClosedError(this.id);
        }
        this.#adopt(rr);
        this.#logger.info('room spills to another worker', {
          roomId: this.id,
          workerIndex: worker.index,
          homeConsumers: this.#home.consumerCount,
        });
        return rr;
      });
      creating.catch(() => this.#creatingRouters.delete(worker));
      this.#creatingRouters.set(worker, creating);
    }
    return creating;
  }

  #register(peerId: string, record: TransportRecord): void {
    const { transport } = record;
    if (this.closed) {
      transport.close();
      throw new RoomClosedError(this.id);
    }
    let peer = this.#peers.get(peerId);
    if (!peer) {
      peer = new MediaPeer(peerId);
      this.#peers.set(peerId, peer);
    }
    const owner = peer;
    owner.transports.set(transport.id, record);
    if (record.direction === 'recv') record.roomRouter.reserve(transport.id);
    (transport as ms.Transport).observer.once('close', () => owner.transports.delete(transport.id));
    this.observer.safeEmit('newtransport', {
      peerId,
      transportId: transport.id,
      direction: record.direction,
    });
  }

  #checkLimit(peerId: string, what: keyof typeof PEER_LIMITS): void {
    const peer = this.#peers.get(peerId);
    if (peer && peer[what].size >= PEER_LIMITS[what]) {
      throw new LimitExceededError(what, PEER_LIMITS[what]);
    }
  }

  #assertOpen(): void {
    if (this.closed) throw new RoomClosedError(this.id);
  }

  #peer(peerId: string): MediaPeer {
    this.#assertOpen();
    const peer = this.#peers.get(peerId);
    if (!peer) throw new UnknownPeerError(peerId);
    return peer;
  }

  #record(peerId: string, transportId: string): TransportRecord {
    const record = this.#peer(peerId).transports.get(transportId);
    if (!record) throw new UnknownTransportError(transportId);
    return record;
  }

  #webRtc(peerId: string, transportId: string): ms.WebRtcTransport {
    const record = this.#record(peerId, transportId);
    if (record.type !== 'webrtc') {
      throw new InvalidParametersError(`transport ${transportId} is not a WebRTC transport`);
    }
    return record.transport as ms.WebRtcTransport;
  }

  #producerEntry(producerId: string): ProducerEntry {
    this.#assertOpen();
    const entry = this.#producers.get(producerId);
    if (!entry) throw new UnknownProducerError(producerId);
    return entry;
  }

  #consumer(peerId: string, consumerId: string): ms.Consumer {
    const consumer = this.#peer(peerId).consumers.get(consumerId);
    if (!consumer) throw new UnknownConsumerError(consumerId);
    return consumer;
  }

  /** Runs a mediasoup call and turns what it throws into the typed errors of errors.ts. */
  async #guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.#translate(error);
    }
  }

  #translate(error: unknown): Error {
    if (error instanceof SfuError) return error;
    if (this.closed) return new RoomClosedError(this.id);
    const e = error instanceof Error ? error : new Error(String(error));
    if (e.name === 'UnsupportedError') return new UnsupportedCodecError(e.message);
    if (e.name === 'TypeError') return new InvalidParametersError(e.message);
    if (e.name === 'InvalidStateError') return new SfuError('INVALID_STATE', e.message);
    return new SfuError('MEDIA_ERROR', e.message);
  }
}

function checkDirection(direction: unknown): asserts direction is TransportDirection {
  if (direction !== 'send' && direction !== 'recv') {
    throw new InvalidParametersError(
      `direction must be "send" or "recv", got ${String(direction)}`,
    );
  }
}

function checkLayers(layers: ms.ConsumerLayers): void {
  const ok = (n: unknown) => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 15;
  if (
    !layers ||
    !ok(layers.spatialLayer) ||
    (layers.temporalLayer !== undefined && !ok(layers.temporalLayer))
  ) {
    throw new InvalidParametersError(
      'layers must be { spatialLayer: 0..15, temporalLayer?: 0..15 }',
    );
  }
}
