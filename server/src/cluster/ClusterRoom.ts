import {
  type ConsumerInfo,
  EnhancedEventEmitter,
  type MediaRoomEvents,
  type ms,
  type ProducerInfo,
  RoomClosedError,
  type TransportDirection,
  UnknownPeerError,
  UnknownProducerError,
  type WebRtcTransportInfo,
} from '@giaoban/sfu';
import type { Logger } from '../util/logger';
import { NodeUnreachableError } from './ChannelClient';
import type { NodeCall } from './MediaNode';
import type { Placed } from './Placement';
import type { ProducerDirectory } from './ProducerDirectory';

export interface ClusterRoomDeps {
  call: NodeCall;
  directory: ProducerDirectory;
  /** Chooses the node for a new peer (placement): the node, and the placement's id. */
  place: (meetingId: string, peerId: string, exclude?: ReadonlySet<string>) => Promise<Placed>;
  /** Whether the peer is the meeting's chair (its producers make the origin). */
  isChair: (meetingId: string, peerId: string) => Promise<boolean>;
  logger: Logger;
}

interface PeerState {
  node: string;
  /** The placement that put it there: the node reports it once the peer is on it. */
  placement: string;
  transports: Map<string, TransportDirection>;
  producers: Set<string>;
}

/**
 * A meeting's media as one hub sees it in a cluster: the MediaRoom the signalling layer talks to,
 * with each peer's transports on the node placement chose for it. This hub drives the peers whose
 * sockets it holds (every call goes to the peer's node over the signed channel, or in-process when
 * that node is this one); producers of the whole meeting come from the cluster's directory, so a
 * snapshot here lists the chair wherever it produces. Events of this hub's peers come back from
 * their nodes and are emitted here like a local room's.
 */
export class ClusterRoom extends EnhancedEventEmitter<MediaRoomEvents> {
  readonly id: string;
  readonly rtpCapabilities: ms.RtpCapabilities;
  readonly #peers = new Map<string, PeerState>();
  readonly #placing = new Map<string, Promise<string>>();
  #closed = false;

  constructor(
    id: string,
    rtpCapabilities: ms.RtpCapabilities,
    private readonly d: ClusterRoomDeps,
  ) {
    super();
    this.id = id;
    this.rtpCapabilities = rtpCapabilities;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The node of each peer this hub drives (tests, the bench and operators look). */
  placements(): Map<string, string> {
    return new Map([...this.#peers].map(([peerId, s]) => [peerId, s.node]));
  }

  nodeOf(peerId: string): string | undefined {
    return this.#peers.get(peerId)?.node;
  }

  async createWebRtcTransport(
    peerId: string,
    opts: { direction: TransportDirection },
  ): Promise<WebRtcTransportInfo> {
    this.#assertOpen();
    let node = await this.#nodeFor(peerId);
    const create = () =>
      this.d.call(node, 'peer.transport', {
        meetingId: this.id,
        peerId,
        direction: opts?.direction,
        placement: this.#peers.get(peerId)?.placement,
      }) as Promise<WebRtcTransportInfo>;
    let info: WebRtcTransportInfo;
    try {
      info = await create();
    } catch (e) {
      // The node placement chose died a moment ago (its record has not lapsed yet, e.g. the
      // origin a reconnecting chair is sent back to): place this new peer again without it.
      const s = this.#peers.get(peerId);
      if (!(e instanceof NodeUnreachableError) || s?.node !== node || s.transports.size > 0) {
        throw e;
      }
      this.#peers.delete(peerId);
      node = await this.#nodeFor(peerId, new Set([node]));
      info = await create();
    }
    const s = this.#peers.get(peerId);
    if (s?.node === node) s.transports.set(info.id, opts.direction);
    return info;
  }

  async connectTransport(peerId: string, transportId: string, dtlsParameters: ms.DtlsParameters) {
    await this.#call(peerId, 'peer.connect', {
      transportId,
      dtlsParameters: dtlsParameters as never,
    });
  }

  async restartIce(peerId: string, transportId: string): Promise<ms.IceParameters> {
    return (await this.#call(peerId, 'peer.restartIce', { transportId })) as ms.IceParameters;
  }

  async produce(
    peerId: string,
    transportId: string,
    p: {
      kind: 'audio' | 'video';
      rtpParameters: ms.RtpParameters;
      paused?: boolean;
      appData?: { source?: 'camera' | 'mic' | 'screen' };
    },
  ): Promise<{ id: string }> {
    const s = this.#peer(peerId);
    const source = p.appData?.source ?? (p.kind === 'audio' ? 'mic' : 'camera');
    const origin = await this.d.isChair(this.id, peerId);
    const r = (await this.d.call(s.node, 'peer.produce', {
      meetingId: this.id,
      peerId,
      transportId,
      kind: p.kind,
      rtpParameters: p.rtpParameters as never,
      ...(p.paused !== undefined ? { paused: p.paused } : {}),
      source,
      ...(origin ? { origin } : {}),
    })) as { id: string };
    s.producers.add(r.id);
    return r;
  }

  closeProducer(peerId: string, producerId: string): void {
    const s = this.#peer(peerId);
    if (!s.producers.has(producerId)) throw new UnknownProducerError(producerId);
    this.#fire(s.node, 'peer.closeProducer', { meetingId: this.id, peerId, producerId });
  }

  /** Server-side enforcement: on the producer's home node, wherever its owner's socket is. */
  async pauseProducer(producerId: string): Promise<void> {
    await this.#setPaused(producerId, true);
  }

  async resumeProducer(producerId: string): Promise<void> {
    await this.#setPaused(producerId, false);
  }

  async #setPaused(producerId: string, paused: boolean): Promise<void> {
    this.#assertOpen();
    const e = this.d.directory.get(this.id, producerId);
    if (!e) throw new UnknownProducerError(producerId);
    await this.d.call(e.node, 'producer.paused', { meetingId: this.id, producerId, paused });
  }

  /** Every producer of the meeting, on any node. */
  listProducers(): ProducerInfo[] {
    return this.d.directory.list(this.id).map((e) => ({
      id: e.id,
      peerId: e.peerId,
      kind: e.kind,
      source: e.source,
      paused: e.paused,
    }));
  }

  async consume(
    peerId: string,
    transportId: string,
    producerId: string,
    rtpCapabilities: ms.RtpCapabilities,
    opts: { preferredLayers?: ms.ConsumerLayers } = {},
  ): Promise<ConsumerInfo> {
    return (await this.#call(peerId, 'peer.consume', {
      transportId,
      producerId,
      rtpCapabilities: rtpCapabilities as never,
      ...(opts.preferredLayers ? { preferredLayers: opts.preferredLayers } : {}),
    })) as ConsumerInfo;
  }

  async resumeConsumer(peerId: string, consumerId: string): Promise<void> {
    await this.#call(peerId, 'peer.resumeConsumer', { consumerId });
  }

  async pauseConsumer(peerId: string, consumerId: string): Promise<void> {
    await this.#call(peerId, 'peer.pauseConsumer', { consumerId });
  }

  async setPreferredLayers(peerId: string, consumerId: string, layers: ms.ConsumerLayers) {
    await this.#call(peerId, 'peer.layers', { consumerId, layers });
  }

  async transportStats(peerId: string): Promise<unknown[]> {
    return (await this.#call(peerId, 'peer.stats', {})) as unknown[];
  }

  closePeer(peerId: string): void {
    const s = this.#peers.get(peerId);
    if (!s) return;
    this.#peers.delete(peerId);
    this.#fire(s.node, 'peer.close', { meetingId: this.id, peerId });
  }

  hasPeer(peerId: string): boolean {
    return this.#peers.has(peerId);
  }

  describe(): {
    id: string;
    closed: boolean;
    routers: never[];
    transports: Array<{ peerId: string; transportId: string; type: string; routerId: string }>;
    pipes: never[];
  } {
    const transports = [];
    for (const [peerId, s] of this.#peers) {
      for (const transportId of s.transports.keys()) {
        transports.push({ peerId, transportId, type: 'webrtc', routerId: s.node });
      }
    }
    return { id: this.id, closed: this.#closed, routers: [], transports, pipes: [] };
  }

  // ------------------------------------------------------------------ from the nodes

  /** A consumer of one of this hub's peers closed on its node. */
  deliverConsumerClosed(peerId: string, consumerId: string): void {
    if (this.#peers.has(peerId)) this.safeEmit('consumerclosed', { peerId, consumerId });
  }

  deliverProducerClosed(peerId: string, producerId: string): void {
    const s = this.#peers.get(peerId);
    if (!s?.producers.delete(producerId)) return;
    this.safeEmit('producerclosed', { peerId, producerId });
  }

  /** Dynacast: MeetingMedia tells the producer's socket which of its layers are taken. */
  deliverLayersWanted(peerId: string, producerId: string, layers: boolean[]): void {
    this.safeEmit('layerswanted', { peerId, producerId, layers });
  }

  deliverActiveSpeaker(peerId: string, producerId: string): void {
    this.safeEmit('activespeaker', { peerId, producerId });
  }

  /**
   * Peers of this hub whose media on `node` is gone (node lost, worker died, pipe broken):
   * forgets them here, so their next transport is placed afresh, tells the meeting about their
   * producers, and returns which ones to reset.
   */
  dropPeers(filter: (peerId: string, node: string) => boolean): string[] {
    const dropped: string[] = [];
    for (const [peerId, s] of [...this.#peers]) {
      if (!filter(peerId, s.node)) continue;
      this.#peers.delete(peerId);
      dropped.push(peerId);
      // Whatever is left of it on its node (a broken pipe leaves the node alive) goes too.
      this.#fire(s.node, 'peer.close', { meetingId: this.id, peerId });
      for (const producerId of s.producers) this.safeEmit('producerclosed', { peerId, producerId });
    }
    return dropped;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const nodes = new Set([...this.#peers.values()].map((s) => s.node));
    this.#peers.clear();
    for (const node of nodes) this.#fire(node, 'room.close', { meetingId: this.id });
    this.safeEmit('close');
  }

  // ------------------------------------------------------------------ internals

  async #nodeFor(peerId: string, exclude?: ReadonlySet<string>): Promise<string> {
    const s = this.#peers.get(peerId);
    if (s) return s.node;
    let placing = this.#placing.get(peerId);
    if (!placing) {
      placing = this.d.place(this.id, peerId, exclude).then(({ node, id: placement }) => {
        if (!this.#peers.has(peerId)) {
          this.#peers.set(peerId, { node, placement, transports: new Map(), producers: new Set() });
        }
        return this.#peers.get(peerId)!.node;
      });
      const done = () => this.#placing.delete(peerId);
      placing.then(done, done);
      this.#placing.set(peerId, placing);
    }
    return placing;
  }

  #peer(peerId: string): PeerState {
    this.#assertOpen();
    const s = this.#peers.get(peerId);
    if (!s) throw new UnknownPeerError(peerId);
    return s;
  }

  async #call(peerId: string, method: Parameters<NodeCall>[1], extra: Record<string, unknown>) {
    const s = this.#peer(peerId);
    return this.d.call(s.node, method, { meetingId: this.id, peerId, ...extra } as never);
  }

  #fire(node: string, method: Parameters<NodeCall>[1], params: Record<string, unknown>): void {
    void this.d
      .call(node, method, params as never)
      .catch((e) => this.d.logger.debug('cluster call failed', { node, method, err: String(e) }));
  }

  #assertOpen(): void {
    if (this.#closed) throw new RoomClosedError(this.id);
  }
}
