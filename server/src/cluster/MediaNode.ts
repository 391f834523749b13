import type { MediaPlane, MediaRoom, PipedProducer, PipeEndpoint } from '@giaoban/sfu';
import { UnknownProducerError } from '@giaoban/sfu';
import type { Logger } from '../util/logger';
import { NodeUnreachableError } from './ChannelClient';
import { NodeLoad } from './NodeLoad';
import type { ProducerDirectory } from './ProducerDirectory';
import type { Method, Params } from './protocol';

export type NodeCall = <M extends Method>(
  nodeId: string,
  method: M,
  params: Params<M>,
) => Promise<unknown>;

export interface MediaNodeDeps {
  nodeId: string;
  plane: MediaPlane;
  /** Calls a method on a node (this one in-process). */
  call: NodeCall;
  /** Watch a node this one now depends on (a driving hub, a pipe partner). */
  watch: (nodeId: string) => void;
  directory: ProducerDirectory;
  /** Pipes listen on the node's internal address. */
  pipe: { listenIp: string; announcedIp?: string };
  logger: Logger;
  /** How often pipes are checked for traffic (a pipe that carries nothing while it should is rebuilt). */
  pipeCheckMs?: number;
  /** A counted peer left: its token goes to this node's departed set in Redis (NodeLoad). */
  departed?: (token: string) => void;
}

/** One meeting's media on this node. */
interface RoomState {
  meetingId: string;
  /** This room's incarnation (a meeting's room closed and opened again is another one). */
  key: string;
  room: MediaRoom;
  /** peer → the hub that drives it (its socket is there): its events go there. */
  drivers: Map<string, string>;
  /** peer → producers it consumes here (to know who a lost pipe hurts). */
  consumes: Map<string, Set<string>>;
  /** Nodes this room has a pipe to (connected or being connected). */
  pipes: Map<string, Promise<void>>;
  /** remote → bytes received at the last check and since when they have not moved. */
  flow: Map<string, { bytes: number; since: number }>;
  /** Pipes being closed on purpose right now (their `pipeclosed` is no news). */
  dropping: Set<string>;
}

/**
 * The media side of a cluster node: serves the internal channel's media methods on this node's
 * MediaPlane. A hub drives its peers' transports here (`peer.*`); a peer consuming a producer
 * that lives elsewhere gets it piped in first — from the meeting's origin when there is one
 * (the origin pulls it from its home if it has not got it yet), else from its home — over one
 * pipe per pair of nodes and meeting (`pipe.*`). Events go back to the hub that drives the peer
 * (`event.*`) and to the far end of a pipe (pause, close), one ordered queue per node.
 */
export class MediaNode {
  readonly #rooms = new Map<string, RoomState>();
  readonly #opening = new Map<string, Promise<RoomState>>();
  readonly #ensuring = new Map<string, Promise<void>>();
  readonly #queues = new Map<string, Promise<void>>();
  readonly #settledPipes = new WeakSet<Promise<void>>();
  readonly #load: NodeLoad;
  readonly #timer: NodeJS.Timeout;
  #caps: Promise<unknown> | undefined;
  #roomSeq = 0;
  #closed = false;

  constructor(private readonly d: MediaNodeDeps) {
    this.#load = new NodeLoad(d.departed ?? (() => {}));
    this.#timer = setInterval(() => void this.#checkPipes(), d.pipeCheckMs ?? 1000);
    this.#timer.unref();
  }

  get nodeId(): string {
    return this.d.nodeId;
  }

  get plane(): MediaPlane {
    return this.d.plane;
  }

  /**
   * Where a hub of this node records a meeting (issue #13): the meeting's room on this node,
   * whose recorder port pulls each producer it is fed from wherever it lives (the origin, or its
   * home) like a consumer here would — so a recording runs here even when the chair produces on
   * another node.
   */
  async recorderRoom(meetingId: string): Promise<{
    createRecorderPort: (
      opts?: Parameters<MediaRoom['createRecorderPort']>[0],
    ) => ReturnType<MediaRoom['createRecorderPort']>;
  }> {
    const s = await this.#room(meetingId);
    return {
      createRecorderPort: (opts = {}) =>
        s.room.createRecorderPort({ ...opts, beforeConsume: (id) => this.#ensure(s, id) }),
    };
  }

  /**
   * Peers with media here (placement load), consumers over the workers, the placements that put
   * a peer here and the counted peers that left since the last record: the record written from
   * this takes both out of their sets in Redis (NodeRegistry), so no peer is counted twice or
   * kept after it left (NodeLoad). One synchronous snapshot.
   */
  load(): { sites: number; consumers: number; taken: string[]; departed: string[] } {
    let consumers = 0;
    for (const w of this.d.plane.workerPool.workers) if (w.alive) consumers += w.consumerCount;
    return { ...this.#load.snapshot(), consumers };
  }

  /** The record of this snapshot is written: its ids are no longer this node's to report. */
  confirmLoad(s: { taken: readonly string[]; departed: readonly string[] }): void {
    this.#load.written(s);
  }

  getRoom(meetingId: string): MediaRoom | undefined {
    return this.#rooms.get(meetingId)?.room;
  }

  /** Dispatches one method (from the channel, or in-process from this node's own hub). */
  async dispatch<M extends Method>(method: M, p: Params<M>, from: string): Promise<unknown> {
    // Each case reads its own params (validated by the method's schema before dispatch).
    const q = p as unknown as Params<'peer.close'> &
      Params<'pipe.send'> &
      Params<'peer.resumeConsumer'> &
      Params<'peer.connect'> &
      Params<'peer.transport'>;
    switch (method) {
      case 'caps':
        // Every room of every node has the same codecs, hence the same capabilities.
        this.#caps ??= this.d.plane
          .getOrCreateRoom('__capabilities__')
          .then((r) => r.rtpCapabilities);
        return this.#caps;
      case 'peer.transport': {
        const s = await this.#room(q.meetingId);
        const info = await s.room.createWebRtcTransport(q.peerId, { direction: q.direction });
        this.#drive(s, q.peerId, from, q.placement);
        return info;
      }
      case 'peer.connect':
        return (await this.#room(q.meetingId)).room.connectTransport(
          q.peerId,
          q.transportId,
          q.dtlsParameters as never,
        );
      case 'peer.restartIce':
        return (await this.#room(q.meetingId)).room.restartIce(q.peerId, q.transportId);
      case 'peer.produce': {
        const x = p as Params<'peer.produce'>;
        const s = await this.#room(x.meetingId);
        const { id } = await s.room.produce(x.peerId, x.transportId, {
          kind: x.kind,
          rtpParameters: x.rtpParameters as never,
          paused: x.paused ?? false,
          appData: { source: x.source },
        });
        await this.d.directory.put({
          id,
          meetingId: x.meetingId,
          node: this.d.nodeId,
          peerId: x.peerId,
          kind: x.kind,
          source: x.source,
          paused: x.paused ?? false,
        });
        if (x.origin) await this.d.directory.setOrigin(x.meetingId, this.d.nodeId);
        return { id };
      }
      case 'peer.closeProducer':
        return (await this.#room(q.meetingId)).room.closeProducer(q.peerId, q.producerId);
      case 'producer.paused': {
        const s = await this.#room(q.meetingId);
        const x = p as Params<'producer.paused'>;
        if (x.paused) await s.room.pauseProducer(x.producerId);
        else await s.room.resumeProducer(x.producerId);
        await this.d.directory.setPaused(x.meetingId, x.producerId, x.paused);
        return null;
      }
      case 'peer.consume': {
        const x = p as Params<'peer.consume'>;
        const s = await this.#room(x.meetingId);
        await this.#ensure(s, x.producerId);
        const c = await s.room.consume(
          x.peerId,
          x.transportId,
          x.producerId,
          x.rtpCapabilities as never,
          x.preferredLayers ? { preferredLayers: x.preferredLayers } : {},
        );
        let set = s.consumes.get(x.peerId);
        if (!set) {
          set = new Set();
          s.consumes.set(x.peerId, set);
        }
        set.add(x.producerId);
        return c;
      }
      case 'peer.resumeConsumer':
        return (await this.#room(q.meetingId)).room.resumeConsumer(q.peerId, q.consumerId);
      case 'peer.pauseConsumer':
        return (await this.#room(q.meetingId)).room.pauseConsumer(q.peerId, q.consumerId);
      case 'peer.layers': {
        const x = p as Params<'peer.layers'>;
        const layers =
          x.layers.temporalLayer === undefined
            ? { spatialLayer: x.layers.spatialLayer }
            : { spatialLayer: x.layers.spatialLayer, temporalLayer: x.layers.temporalLayer };
        return (await this.#room(x.meetingId)).room.setPreferredLayers(
          x.peerId,
          x.consumerId,
          layers,
        );
      }
      case 'peer.stats':
        return (await this.#room(q.meetingId)).room.transportStats(q.peerId);
      case 'peer.close': {
        const s = this.#rooms.get(q.meetingId);
        if (s) this.#closePeer(s, q.peerId);
        return null;
      }
      case 'room.close':
        this.#rooms.get(q.meetingId)?.room.close();
        return null;
      case 'room.describe': {
        const s = this.#rooms.get(q.meetingId);
        return s ? { ...s.room.describe(), pipeStats: await s.room.pipeStats() } : null;
      }
      case 'pipe.open': {
        const x = p as Params<'pipe.open'>;
        const s = await this.#room(x.meetingId);
        const local = await s.room.openPipe(from, this.#pipeOpts());
        await s.room.connectPipe(from, x.endpoint as PipeEndpoint);
        const opened = Promise.resolve();
        this.#settledPipes.add(opened);
        s.pipes.set(from, opened);
        this.d.watch(from);
        return local;
      }
      case 'pipe.send': {
        const s = await this.#room(q.meetingId);
        await this.#ensure(s, q.producerId);
        if (!s.room.hasPipe(from)) await this.#ensurePipe(s, from);
        return s.room.pipeOut(from, q.producerId);
      }
      case 'pipe.stop':
        this.#rooms.get(q.meetingId)?.room.stopPipeOut(from, q.producerId);
        return null;
      case 'pipe.paused': {
        const s = this.#rooms.get(q.meetingId);
        const x = p as Params<'pipe.paused'>;
        if (s?.room.hasPipe(from))
          await s.room.setPipedProducerPaused(from, x.producerId, x.paused);
        return null;
      }
      case 'pipe.closed':
        this.#rooms.get(q.meetingId)?.room.closePipedProducer(from, q.producerId);
        return null;
      case 'pipe.layers': {
        const x = p as Params<'pipe.layers'>;
        this.#rooms.get(x.meetingId)?.room.setRemoteLayerDemand(from, x.producerId, x.layers);
        return null;
      }
      case 'pipe.close': {
        const s = this.#rooms.get(q.meetingId);
        if (s) this.#pipeLost(s, from, 'pipelost', false);
        return null;
      }
      default:
        throw new Error(`not a media method: ${method}`);
    }
  }

  /** A node died (its watch stream said so): pipes to it go, peers it drove are closed. */
  nodeLost(nodeId: string): void {
    for (const s of [...this.#rooms.values()]) {
      if (s.pipes.has(nodeId) || s.room.hasPipe(nodeId))
        this.#pipeLost(s, nodeId, 'pipelost', false);
      for (const [peerId, hub] of [...s.drivers]) if (hub === nodeId) this.#closePeer(s, peerId);
    }
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  // ------------------------------------------------------------------ rooms, peers

  async #room(meetingId: string): Promise<RoomState> {
    const have = this.#rooms.get(meetingId);
    if (have && !have.room.closed) return have;
    let opening = this.#opening.get(meetingId);
    if (!opening) {
      opening = this.d.plane.getOrCreateRoom(meetingId).then((room) => {
        const s: RoomState = {
          meetingId,
          key: `${meetingId}#${++this.#roomSeq}`,
          room,
          drivers: new Map(),
          consumes: new Map(),
          pipes: new Map(),
          flow: new Map(),
          dropping: new Set(),
        };
        this.#wire(s);
        this.#rooms.set(meetingId, s);
        return s;
      });
      const done = () => this.#opening.delete(meetingId);
      opening.then(done, done);
      this.#opening.set(meetingId, opening);
    }
    return opening;
  }

  #wire(s: RoomState): void {
    const { room, meetingId } = s;
    room.on('consumerclosed', ({ peerId, consumerId }) => {
      const hub = s.drivers.get(peerId);
      if (hub) this.#notify(hub, 'event.consumerClosed', { meetingId, peerId, consumerId });
    });
    room.on('producerclosed', ({ peerId, producerId }) => {
      const e = this.d.directory.get(meetingId, producerId);
      if (e?.node !== this.d.nodeId) return; // a piped copy: its consumers tell their peers
      void this.d.directory.remove(meetingId, producerId).catch(() => {});
      const hub = s.drivers.get(peerId);
      if (hub) this.#notify(hub, 'event.producerClosed', { meetingId, peerId, producerId });
    });
    room.on('activespeaker', ({ peerId, producerId }) => {
      // One hub tells the meeting: the one driving this room's longest-standing peer.
      const [hub] = s.drivers.values();
      if (hub) this.#notify(hub, 'event.activeSpeaker', { meetingId, peerId, producerId });
    });
    room.on('pipeproducerpaused', ({ remoteId, producerId, paused }) =>
      this.#notify(remoteId, 'pipe.paused', { meetingId, producerId, paused }),
    );
    // Dynacast: our viewers' demand goes to the host a producer comes from; the demand of the
    // whole cluster for a producer made here goes to the hub driving its peer (→ its socket).
    room.on('pipelayerswanted', ({ remoteId, producerId, layers }) =>
      this.#notify(remoteId, 'pipe.layers', { meetingId, producerId, layers }),
    );
    room.on('layerswanted', ({ peerId, producerId, layers }) => {
      const hub = s.drivers.get(peerId);
      if (hub) this.#notify(hub, 'event.layersWanted', { meetingId, peerId, producerId, layers });
    });
    room.on('pipeproducerclosed', ({ remoteId, producerId }) =>
      this.#notify(remoteId, 'pipe.closed', { meetingId, producerId }),
    );
    room.on('pipeclosed', ({ remoteId, received }) => {
      s.pipes.delete(remoteId);
      s.flow.delete(remoteId);
      if (this.#closed || s.dropping.has(remoteId)) return; // closed on purpose (#pipeLost)
      // The pipe's transport closed by itself on this side: the far end drops its side (its
      // peers renegotiate), ours renegotiate; their next consume builds a new pipe.
      this.d.logger.warn('pipe closed on this side: rebuilding', { meetingId, remote: remoteId });
      this.#notify(remoteId, 'pipe.close', { meetingId });
      this.#tellHurt(s, new Set(received), 'pipelost');
    });
    // Issue #11: the worker closed a transport under this peer (DTLS failed/closed); the room
    // closed the rest of it. Its hub drops it (peer.close here) and resets only it.
    room.on('transportlost', ({ peerId }) => {
      const hub = s.drivers.get(peerId);
      s.consumes.delete(peerId);
      if (hub) {
        this.#notify(hub, 'event.peersLost', {
          meetingId,
          peerIds: [peerId],
          reason: 'transportlost',
        });
      }
    });
    room.once('close', () => {
      if (this.#rooms.get(meetingId) === s) this.#rooms.delete(meetingId);
      // Its peers are gone with it (closed by a hub, or with its worker): no longer load here.
      for (const peerId of s.drivers.keys()) this.#load.left(s.key, peerId);
      // The room went with its worker: every peer here renegotiates, every pipe partner drops us.
      if (room.closeReason === 'workerdied') {
        const byHub = new Map<string, string[]>();
        for (const [peerId, hub] of s.drivers) {
          byHub.set(hub, [...(byHub.get(hub) ?? []), peerId]);
        }
        for (const [hub, peerIds] of byHub) {
          this.#notify(hub, 'event.peersLost', { meetingId, peerIds, reason: 'workerdied' });
        }
      }
      for (const remote of s.pipes.keys()) this.#notify(remote, 'pipe.close', { meetingId });
      for (const e of this.d.directory.list(meetingId)) {
        if (e.node === this.d.nodeId) void this.d.directory.remove(meetingId, e.id).catch(() => {});
      }
    });
  }

  #drive(s: RoomState, peerId: string, hub: string, placement?: string): void {
    s.drivers.set(peerId, hub);
    this.#load.arrived(s.key, peerId, placement);
    if (hub !== this.d.nodeId) this.d.watch(hub);
  }

  #closePeer(s: RoomState, peerId: string): void {
    if (s.drivers.delete(peerId)) this.#load.left(s.key, peerId);
    s.consumes.delete(peerId);
    s.room.closePeer(peerId);
  }

  // ------------------------------------------------------------------ pipes

  #pipeOpts() {
    return {
      listenIp: this.d.pipe.listenIp,
      ...(this.d.pipe.announcedIp ? { announcedIp: this.d.pipe.announcedIp } : {}),
      enableSrtp: true,
      enableRtx: true,
    };
  }

  /** Makes `producerId` consumable in this room, piping it in when it lives elsewhere. */
  async #ensure(s: RoomState, producerId: string): Promise<void> {
    if (s.room.hasProducer(producerId)) return;
    const key = `${s.meetingId}\u0000${producerId}`;
    let p = this.#ensuring.get(key);
    if (!p) {
      p = this.#pull(s, producerId);
      const done = () => this.#ensuring.delete(key);
      p.then(done, done);
      this.#ensuring.set(key, p);
    }
    await p;
  }

  async #pull(s: RoomState, producerId: string): Promise<void> {
    const entry = await this.d.directory.lookup(s.meetingId, producerId);
    if (!entry || entry.node === this.d.nodeId) throw new UnknownProducerError(producerId);
    const home = entry.node;
    const origin = this.d.directory.origin(s.meetingId);
    // Star around the origin: it already has the chair and pulls each edge's speaker once;
    // without an origin (the chair is not producing) straight from the producer's home.
    const via = origin && origin !== this.d.nodeId && origin !== home ? origin : home;
    try {
      await this.#pullFrom(s, via, producerId);
    } catch (e) {
      if (via === home || !(e instanceof NodeUnreachableError)) throw e;
      await this.#pullFrom(s, home, producerId);
    }
  }

  async #pullFrom(s: RoomState, remote: string, producerId: string): Promise<void> {
    await this.#ensurePipe(s, remote);
    const offer = (await this.d.call(remote, 'pipe.send', {
      meetingId: s.meetingId,
      producerId,
    })) as PipedProducer;
    await s.room.pipeIn(remote, offer);
  }

  /** The one pipe of this room to `remote`: open here, open there, connect both. */
  async #ensurePipe(s: RoomState, remote: string): Promise<void> {
    let p = s.pipes.get(remote);
    // In flight: a second pull (audio beside video) waits for the same pipe, never opens another.
    if (p && (s.room.hasPipe(remote) || !this.#settledPipes.has(p))) return p;
    p = (async () => {
      const local = await s.room.openPipe(remote, this.#pipeOpts());
      const far = (await this.d.call(remote, 'pipe.open', {
        meetingId: s.meetingId,
        endpoint: local as never,
      })) as PipeEndpoint;
      await s.room.connectPipe(remote, far);
      this.d.watch(remote);
    })();
    s.pipes.set(remote, p);
    const settled = p;
    p.then(
      () => this.#settledPipes.add(settled),
      () => this.#settledPipes.add(settled),
    );
    p.catch(() => {
      if (s.pipes.get(remote) === p) s.pipes.delete(remote);
      s.room.closePipe(remote);
    });
    return p;
  }

  /**
   * The pipe to `remote` is gone (far node lost, pipe broken): close our side; peers here that
   * consumed something through it renegotiate (their consumers are gone, the producers are not).
   */
  #pipeLost(s: RoomState, remote: string, reason: 'pipelost', tellRemote: boolean): void {
    const received = new Set(
      s.room.describe().pipes.find((p) => p.remoteId === remote)?.received ?? [],
    );
    s.dropping.add(remote);
    try {
      s.room.closePipe(remote);
    } finally {
      s.dropping.delete(remote);
    }
    s.pipes.delete(remote);
    s.flow.delete(remote);
    if (tellRemote) this.#notify(remote, 'pipe.close', { meetingId: s.meetingId });
    this.#tellHurt(s, received, reason);
  }

  /** Peers here that consumed anything of `received` (gone with a pipe) renegotiate. */
  #tellHurt(s: RoomState, received: ReadonlySet<string>, reason: 'pipelost'): void {
    const byHub = new Map<string, string[]>();
    for (const [peerId, consumed] of s.consumes) {
      if (![...consumed].some((id) => received.has(id))) continue;
      const hub = s.drivers.get(peerId);
      if (hub) byHub.set(hub, [...(byHub.get(hub) ?? []), peerId]);
    }
    for (const [hub, peerIds] of byHub) {
      this.#notify(hub, 'event.peersLost', { meetingId: s.meetingId, peerIds, reason });
    }
  }

  /**
   * A pipe that should carry media and has not received a byte for a few checks is broken (the
   * far end lost its side, a network path died): close it both ways and let its peers rebuild.
   */
  async #checkPipes(): Promise<void> {
    if (this.#closed) return;
    const now = Date.now();
    const limit = (this.d.pipeCheckMs ?? 1000) * 3;
    for (const s of this.#rooms.values()) {
      if (s.room.closed) continue;
      let stats: Awaited<ReturnType<MediaRoom['pipeStats']>>;
      try {
        stats = await s.room.pipeStats();
      } catch {
        continue;
      }
      const live = new Set(
        s.room
          .listProducers()
          .filter((p) => p.remote && !p.paused)
          .map((p) => p.remote as string),
      );
      for (const st of stats) {
        if (!live.has(st.remoteId)) {
          s.flow.delete(st.remoteId);
          continue;
        }
        const f = s.flow.get(st.remoteId);
        if (!f || f.bytes !== st.bytesReceived) {
          s.flow.set(st.remoteId, { bytes: st.bytesReceived, since: now });
        } else if (now - f.since > limit) {
          this.d.logger.warn('pipe carries nothing: rebuilding', {
            meetingId: s.meetingId,
            remote: st.remoteId,
          });
          this.#pipeLost(s, st.remoteId, 'pipelost', true);
        }
      }
    }
  }

  /** Fire-and-forget, in order per target node. */
  #notify<M extends Method>(nodeId: string, method: M, params: Params<M>): void {
    if (this.#closed) return;
    const prev = this.#queues.get(nodeId) ?? Promise.resolve();
    const next = prev
      .then(() => this.d.call(nodeId, method, params))
      .then(
        () => {},
        (e) =>
          this.d.logger.debug('cluster event not delivered', { nodeId, method, err: String(e) }),
      );
    this.#queues.set(nodeId, next);
    void next.then(() => {
      if (this.#queues.get(nodeId) === next) this.#queues.delete(nodeId);
    });
  }
}
