import type { MediaSource, ProducerInfo } from '@giaoban/shared';
import type { types as ms } from 'mediasoup-client';
import { Emitter } from '../lib/Emitter';
import { siteIdOfPeer } from '../lib/peers';
import { applyLayersWanted } from './dynacast';
import type { Requester } from './SignalClient';

/**
 * A small wrapper around mediasoup-client's Device and its two transports, in the spirit of
 * LiveKit's `Room` engine: the meeting session tells it what to send and what to receive; it does
 * the negotiation through the typed signalling requester and reports transport health.
 */

export type TransportDirection = 'send' | 'recv';

export interface ConsumerEntry {
  readonly consumer: ms.Consumer;
  readonly producerId: string;
  readonly peerId: string;
  readonly siteId: string | null;
  readonly kind: 'audio' | 'video';
  readonly source: string;
  /** Paused on our side (we asked the SFU not to send). */
  paused: boolean;
  spatialLayer: number | null;
}

export interface SelectedPair {
  protocol: 'udp' | 'tcp' | 'unknown';
  rttMs: number | null;
  localCandidateType: string | null;
}

export interface QualitySample {
  rttMs: number | null;
  lossPct: number | null;
}

export type MediaSessionEvents = {
  /** A transport's ICE/DTLS state changed. */
  connectionstate: [direction: TransportDirection, state: ms.ConnectionState];
  consumerschanged: [];
  producerschanged: [];
};

/** Site cameras: three VP8 simulcast layers (≈ 240p, 480p, 960x540 from a 960x540 capture). */
const SIMULCAST: ms.RtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' },
];

export class MediaSession extends Emitter<MediaSessionEvents> {
  readonly #request: Requester;
  readonly #device: ms.Device;
  #send: ms.Transport | null = null;
  #recv: ms.Transport | null = null;
  #sendCreating: Promise<ms.Transport> | null = null;
  #recvCreating: Promise<ms.Transport> | null = null;
  readonly #producers = new Map<MediaSource, ms.Producer>();
  readonly #producing = new Map<MediaSource, Promise<ms.Producer>>();
  /** Producers the hub created paused (a site's mic without the floor). */
  readonly #pausedByServer = new Set<string>();
  /** Dynacast pushes that arrived before `produce` returned the producer. */
  readonly #layersWanted = new Map<string, boolean[]>();
  /** setParameters calls per producer, one after another (each reads the last one's result). */
  readonly #layerWork = new Map<string, Promise<void>>();
  readonly #consumers = new Map<string, ConsumerEntry>(); // by producerId
  readonly #consuming = new Map<string, Promise<ConsumerEntry | null>>();
  #closed = false;
  #lastInbound = new Map<string, { lost: number; received: number }>();

  private constructor(request: Requester, device: ms.Device) {
    super();
    this.#request = request;
    this.#device = device;
  }

  /** Loads mediasoup-client lazily (it is not needed on the sign-in page) and the router caps. */
  static async create(request: Requester): Promise<MediaSession> {
    const { Device } = await import('mediasoup-client');
    const device = new Device();
    const { rtpCapabilities } = await request('media:routerCapabilities', {});
    await device.load({ routerRtpCapabilities: rtpCapabilities as ms.RtpCapabilities });
    return new MediaSession(request, device);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get device(): ms.Device {
    return this.#device;
  }

  transport(direction: TransportDirection): ms.Transport | null {
    return direction === 'send' ? this.#send : this.#recv;
  }

  producer(source: MediaSource): ms.Producer | undefined {
    return this.#producers.get(source);
  }

  producerIds(): string[] {
    return [...this.#producers.values()].map((p) => p.id);
  }

  consumers(): ConsumerEntry[] {
    return [...this.#consumers.values()];
  }

  consumerFor(producerId: string): ConsumerEntry | undefined {
    return this.#consumers.get(producerId);
  }

  // --- transports -----------------------------------------------------------------------------

  async sendTransport(): Promise<ms.Transport> {
    if (this.#send) return this.#send;
    this.#sendCreating ??= this.#createTransport('send').then((t) => {
      this.#send = t;
      return t;
    });
    try {
      return await this.#sendCreating;
    } finally {
      this.#sendCreating = null;
    }
  }

  async recvTransport(): Promise<ms.Transport> {
    if (this.#recv) return this.#recv;
    this.#recvCreating ??= this.#createTransport('recv').then((t) => {
      this.#recv = t;
      return t;
    });
    try {
      return await this.#recvCreating;
    } finally {
      this.#recvCreating = null;
    }
  }

  async #createTransport(direction: TransportDirection): Promise<ms.Transport> {
    const info = await this.#request('media:createTransport', { direction });
    const options = {
      id: info.id,
      iceParameters: info.iceParameters as ms.IceParameters,
      iceCandidates: info.iceCandidates as ms.IceCandidate[],
      dtlsParameters: info.dtlsParameters as ms.DtlsParameters,
    };
    const transport =
      direction === 'send'
        ? this.#device.createSendTransport(options)
        : this.#device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.#request('media:connectTransport', {
        transportId: transport.id,
        dtlsParameters: dtlsParameters as { fingerprints: { algorithm: string; value: string }[] },
      })
        .then(() => callback())
        .catch(errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        this.#request('media:produce', {
          transportId: transport.id,
          kind,
          rtpParameters: rtpParameters as { codecs: { mimeType: string }[] },
          source: (appData as { source: MediaSource }).source,
        })
          .then(({ id, paused }) => {
            if (paused) this.#pausedByServer.add(id);
            callback({ id });
          })
          .catch(errback);
      });
    }
    transport.on('connectionstatechange', (state) =>
      this.emit('connectionstate', direction, state),
    );
    return transport;
  }

  // --- sending --------------------------------------------------------------------------------

  /**
   * Sends a local track. Cameras of sites use three simulcast layers; the chair's camera is
   * simulcast too so weak sites can fall back to a lower layer; screen share is one high layer.
   */
  async produce(
    source: MediaSource,
    track: MediaStreamTrack,
    opts: { paused?: boolean } = {},
  ): Promise<ms.Producer> {
    // One producer per source even when the lobby and a device switch race each other.
    const pending = this.#producing.get(source);
    if (pending) {
      const p = await pending;
      if (p.track !== track && !p.closed) await p.replaceTrack({ track });
      return p;
    }
    const work = this.#produce(source, track, opts);
    this.#producing.set(source, work);
    try {
      return await work;
    } finally {
      this.#producing.delete(source);
    }
  }

  async #produce(
    source: MediaSource,
    track: MediaStreamTrack,
    opts: { paused?: boolean },
  ): Promise<ms.Producer> {
    const existing = this.#producers.get(source);
    if (existing && !existing.closed) {
      await existing.replaceTrack({ track });
      return existing;
    }
    const transport = await this.sendTransport();
    const vp8 = this.#device.rtpCapabilities.codecs?.find(
      (c) => c.mimeType.toLowerCase() === 'video/vp8',
    );
    let producer: ms.Producer;
    if (source === 'mic') {
      producer = await transport.produce({
        track,
        stopTracks: false,
        zeroRtpOnPause: true,
        disableTrackOnPause: true,
        codecOptions: { opusStereo: false, opusDtx: true, opusFec: true },
        appData: { source },
      });
    } else if (source === 'camera') {
      producer = await transport.produce({
        track,
        stopTracks: false,
        encodings: SIMULCAST,
        codecOptions: { videoGoogleStartBitrate: 1000 },
        ...(vp8 ? { codec: vp8 } : {}),
        appData: { source },
      });
    } else {
      track.contentHint = 'detail';
      producer = await transport.produce({
        track,
        stopTracks: false,
        encodings: [{ maxBitrate: 1_500_000 }],
        appData: { source },
      });
    }
    this.#producers.set(source, producer);
    if (opts.paused || this.#pausedByServer.delete(producer.id)) producer.pause();
    const wanted = this.#layersWanted.get(producer.id);
    this.#layersWanted.delete(producer.id);
    if (wanted) void this.setLayersWanted(producer.id, wanted);
    producer.on('trackended', () => {
      // Screen share stopped from the browser's own "Stop sharing" bar.
      if (source === 'screen') void this.closeProducer('screen');
    });
    this.emit('producerschanged');
    return producer;
  }

  async replaceTrack(source: MediaSource, track: MediaStreamTrack | null): Promise<void> {
    const p = this.#producers.get(source);
    if (p && !p.closed) await p.replaceTrack({ track });
  }

  /** Local pause/resume plus the server's confirmation (mics need the floor to resume). */
  async setProducerPaused(source: MediaSource, paused: boolean): Promise<boolean> {
    const p = this.#producers.get(source);
    if (!p || p.closed) return paused;
    if (paused) p.pause();
    try {
      const res = await this.#request('media:setProducerPaused', { producerId: p.id, paused });
      if (!res.paused) p.resume();
      else p.pause();
      this.emit('producerschanged');
      return res.paused;
    } catch (err) {
      p.pause();
      this.emit('producerschanged');
      throw err;
    }
  }

  /** Dynacast (`media:layersWanted`): send only the layers somebody takes (see dynacast.ts). */
  setLayersWanted(producerId: string, layers: boolean[]): Promise<void> {
    const p = [...this.#producers.values()].find((x) => x.id === producerId && !x.closed);
    if (!p) {
      this.#layersWanted.set(producerId, layers);
      return Promise.resolve();
    }
    const work = (this.#layerWork.get(producerId) ?? Promise.resolve())
      .then(async () => {
        if (p.rtpSender && !p.closed) await applyLayersWanted(p.rtpSender, layers);
      })
      .catch(() => {}); // a closed sender or a renegotiation in flight: the next push retries
    this.#layerWork.set(producerId, work);
    return work;
  }

  /** Mirrors a server-side pause (floor enforcement) locally so the track stops sending. */
  mirrorServerPause(producerId: string, paused: boolean): void {
    for (const p of this.#producers.values()) {
      if (p.id !== producerId || p.closed) continue;
      if (paused && !p.paused) p.pause();
      this.emit('producerschanged');
    }
  }

  async closeProducer(source: MediaSource): Promise<void> {
    const p = this.#producers.get(source);
    if (!p) return;
    this.#producers.delete(source);
    p.close();
    this.emit('producerschanged');
    await this.#request('media:closeProducer', { producerId: p.id }).catch(() => {});
  }

  // --- receiving ------------------------------------------------------------------------------

  /** Consumes a producer (the SFU creates consumers paused; `active` resumes it). */
  async consume(
    p: ProducerInfo,
    opts: { active: boolean; spatialLayer: number | null },
  ): Promise<ConsumerEntry | null> {
    const have = this.#consumers.get(p.producerId);
    if (have) return have;
    const pending = this.#consuming.get(p.producerId);
    if (pending) return pending;
    const work = (async () => {
      const transport = await this.recvTransport();
      const info = await this.#request('media:consume', {
        transportId: transport.id,
        producerId: p.producerId,
        rtpCapabilities: this.#device.rtpCapabilities as { codecs?: { mimeType: string }[] },
      });
      if (this.#closed) return null;
      const consumer = await transport.consume({
        id: info.id,
        producerId: info.producerId,
        kind: info.kind,
        rtpParameters: info.rtpParameters as ms.RtpParameters,
        appData: { peerId: p.peerId, source: p.source },
      });
      const entry: ConsumerEntry = {
        consumer,
        producerId: p.producerId,
        peerId: p.peerId,
        siteId: siteIdOfPeer(p.peerId),
        kind: info.kind,
        source: p.source,
        paused: true,
        spatialLayer: null,
      };
      this.#consumers.set(p.producerId, entry);
      consumer.on('transportclose', () => this.#dropConsumer(p.producerId));
      if (opts.spatialLayer !== null && info.type === 'simulcast') {
        await this.setLayer(p.producerId, opts.spatialLayer);
      }
      if (opts.active) await this.resume(p.producerId);
      this.emit('consumerschanged');
      return entry;
    })();
    this.#consuming.set(p.producerId, work);
    try {
      return await work;
    } finally {
      this.#consuming.delete(p.producerId);
    }
  }

  async pause(producerId: string): Promise<void> {
    const e = this.#consumers.get(producerId);
    if (!e || e.paused) return;
    e.paused = true;
    e.consumer.pause();
    this.emit('consumerschanged');
    await this.#request('media:pauseConsumer', { consumerId: e.consumer.id });
  }

  async resume(producerId: string): Promise<void> {
    const e = this.#consumers.get(producerId);
    if (!e?.paused) return;
    await this.#request('media:resumeConsumer', { consumerId: e.consumer.id });
    e.paused = false;
    e.consumer.resume();
    this.emit('consumerschanged');
  }

  async setLayer(producerId: string, spatialLayer: number): Promise<void> {
    const e = this.#consumers.get(producerId);
    if (e?.kind !== 'video' || e.spatialLayer === spatialLayer) return;
    await this.#request('media:setPreferredLayers', { consumerId: e.consumer.id, spatialLayer });
    e.spatialLayer = spatialLayer;
  }

  /** The producer went away (`media:producerClosed`) or the SFU closed the consumer. */
  dropByProducer(producerId: string): void {
    this.#dropConsumer(producerId);
  }

  dropByConsumerId(consumerId: string): void {
    for (const [pid, e] of this.#consumers)
      if (e.consumer.id === consumerId) this.#dropConsumer(pid);
  }

  #dropConsumer(producerId: string): void {
    const e = this.#consumers.get(producerId);
    if (!e) return;
    this.#consumers.delete(producerId);
    if (!e.consumer.closed) e.consumer.close();
    this.emit('consumerschanged');
  }

  // --- health ---------------------------------------------------------------------------------

  /** ICE restart on both transports (after a network change or a failed ICE state). */
  async restartIce(): Promise<void> {
    for (const t of [this.#send, this.#recv]) {
      if (!t || t.closed) continue;
      const { iceParameters } = await this.#request('media:restartIce', { transportId: t.id });
      await t.restartIce({ iceParameters: iceParameters as ms.IceParameters });
    }
  }

  connectionStates(): Record<TransportDirection, ms.ConnectionState | null> {
    return { send: this.#send?.connectionState ?? null, recv: this.#recv?.connectionState ?? null };
  }

  /** UDP or TCP, from the transport's selected ICE candidate pair. */
  async selectedPair(direction: TransportDirection): Promise<SelectedPair | null> {
    const t = this.transport(direction);
    if (!t) return null;
    return selectedPairOf(await t.getStats());
  }

  /** RTT and loss over the last interval, from the receive (else send) transport. */
  async quality(): Promise<QualitySample> {
    const t = this.#recv ?? this.#send;
    if (!t) return { rttMs: null, lossPct: null };
    const report = await t.getStats();
    const pair = selectedPairOf(report);
    let lost = 0;
    let received = 0;
    report.forEach(
      (s: { type: string; id: string; packetsLost?: number; packetsReceived?: number }) => {
        if (s.type !== 'inbound-rtp') return;
        const prev = this.#lastInbound.get(s.id) ?? { lost: 0, received: 0 };
        const now = { lost: s.packetsLost ?? 0, received: s.packetsReceived ?? 0 };
        lost += Math.max(0, now.lost - prev.lost);
        received += Math.max(0, now.received - prev.received);
        this.#lastInbound.set(s.id, now);
      },
    );
    const total = lost + received;
    return { rttMs: pair?.rttMs ?? null, lossPct: total > 0 ? (lost / total) * 100 : null };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.#producers.values()) p.close();
    this.#producers.clear();
    for (const e of this.#consumers.values()) e.consumer.close();
    this.#consumers.clear();
    this.#send?.close();
    this.#recv?.close();
    this.emit('consumerschanged');
    this.removeAll();
  }
}

type StatLike = Record<string, unknown> & { type: string; id: string };

export function selectedPairOf(report: RTCStatsReport): SelectedPair | null {
  const stats = new Map<string, StatLike>();
  report.forEach((s: StatLike) => {
    stats.set(s.id, s);
  });
  let pair: StatLike | undefined;
  for (const s of stats.values()) {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
      pair = stats.get(s.selectedCandidatePairId);
      if (pair) break;
    }
  }
  if (!pair) {
    for (const s of stats.values()) {
      if (
        s.type === 'candidate-pair' &&
        (s.selected === true || (s.nominated === true && s.state === 'succeeded'))
      ) {
        pair = s;
        break;
      }
    }
  }
  if (!pair) return null;
  const local = stats.get(String(pair.localCandidateId));
  const remote = stats.get(String(pair.remoteCandidateId));
  const proto = String(remote?.protocol ?? local?.protocol ?? 'unknown').toLowerCase();
  const rtt =
    typeof pair.currentRoundTripTime === 'number'
      ? Math.round(pair.currentRoundTripTime * 1000)
      : null;
  return {
    protocol: proto === 'udp' || proto === 'tcp' ? proto : 'unknown',
    rttMs: rtt,
    localCandidateType: typeof local?.candidateType === 'string' ? local.candidateType : null,
  };
}
