import { randomBytes } from 'node:crypto';
import type { MediaPlane, ms } from '@giaoban/sfu';
import { createClient } from 'redis';
import type { MeetingService } from '../domain/MeetingService';
import type { Store } from '../store/Store';
import { HubError } from '../util/HubError';
import type { Logger } from '../util/logger';
import { ChannelAuth } from './ChannelAuth';
import { ChannelClient, NodeUnreachableError } from './ChannelClient';
import { ChannelServer } from './ChannelServer';
import type { ClusterConfig } from './ClusterConfig';
import { ClusterGateway } from './ClusterGateway';
import { MediaNode, type NodeCall } from './MediaNode';
import type { NodeRecord } from './NodeRecord';
import { type Beat, NodeRegistry, type RedisClient } from './NodeRegistry';
import { candidates, type Placed, Placement } from './Placement';
import { ProducerDirectory } from './ProducerDirectory';
import { METHODS, type Method, type Params } from './protocol';

export interface ClusterOptions {
  nodeId: string;
  redisUrl: string;
  config: ClusterConfig;
  /** This node's media plane; absent on a signalling-only hub (it drives other nodes only). */
  plane?: MediaPlane | undefined;
  store: Store;
  meetings: MeetingService;
  logger: Logger;
  /** Redis key prefix (tests give each run its own). */
  prefix?: string;
}

/** How long an untaken placement counts (longer than a record's TTL: see Placement). */
const placementWindowMs = (c: ClusterConfig) => c.heartbeatTtlMs * 2;

const MEDIA_METHODS = new Set<Method>(
  (Object.keys(METHODS) as Method[]).filter((m) => !m.startsWith('event.')),
);

/**
 * The media cluster of one hub process: its record in the registry, the signed internal channel
 * (server on the internal address, client with a watch on every node it depends on), the
 * cluster-wide producer directory, placement, the media side of this node (MediaNode, when it has
 * a plane) and the hub's gateway (ClusterGateway). Built by createHub when CLUSTER_SECRET is set.
 */
export class Cluster {
  readonly epoch = randomBytes(8).toString('hex');
  readonly auth: ChannelAuth;
  readonly server: ChannelServer;
  readonly client: ChannelClient;
  readonly registry: NodeRegistry;
  readonly gateway: ClusterGateway;
  readonly media: MediaNode | undefined;
  #internal = { ip: '', port: 0 };
  #cpu = { at: 0, ms: 0, pct: 0 };
  #pipeBytes = { at: 0, bytes: 0, rate: 0 };
  readonly #units = new Map<string, string | undefined>();
  #closed = false;

  private constructor(
    private readonly o: ClusterOptions,
    private readonly redis: RedisClient,
    private readonly sub: RedisClient,
    readonly directory: ProducerDirectory,
    private readonly placement: Placement,
  ) {
    const { config, nodeId, logger } = o;
    this.auth = new ChannelAuth(config.secret, nodeId);
    this.server = new ChannelServer(
      this.auth,
      this.epoch,
      logger.child('channel'),
      config.heartbeatMs,
    );
    this.registry = new NodeRegistry(
      redis,
      this.prefix,
      nodeId,
      () => this.#describe(),
      {
        heartbeatMs: config.heartbeatMs,
        ttlMs: config.heartbeatTtlMs,
        windowMs: placementWindowMs(config),
      },
      logger.child('registry'),
    );
    this.client = new ChannelClient(
      this.auth,
      (id) => this.registry.addressOf(id),
      logger.child('channel'),
      { watchTimeoutMs: config.watchTimeoutMs },
    );
    if (o.plane) {
      this.media = new MediaNode({
        nodeId,
        plane: o.plane,
        call: this.call,
        watch: (id) => this.client.watch(id),
        directory,
        pipe: { listenIp: config.internalIp },
        departed: (token) => this.registry.depart(token),
        logger: logger.child('media-node'),
      });
    }
    this.gateway = new ClusterGateway({
      call: this.call,
      directory,
      place: (meetingId, peerId, exclude) => this.#place(meetingId, peerId, exclude),
      isChair: (meetingId, peerId) => this.#isChair(meetingId, peerId),
      logger: logger.child('cluster-room'),
      capabilities: () => this.#capabilities(),
      hasMeeting: (meetingId) => directory.has(meetingId),
      workerStats: async () => (o.plane ? o.plane.workerStats() : []),
      close: () => this.close(),
    });
    this.#register();
    this.client.on('nodelost', ({ nodeId: lost }) => this.#nodeLost(lost));
    this.registry.onGone((lost) => this.#nodeLost(lost));
  }

  get prefix(): string {
    return this.o.prefix ?? 'gb:';
  }

  get nodeId(): string {
    return this.o.nodeId;
  }

  get internalAddress(): { ip: string; port: number } {
    return this.#internal;
  }

  static async start(o: ClusterOptions): Promise<Cluster> {
    const redis: RedisClient = createClient({
      url: o.redisUrl,
      socket: { reconnectStrategy: (n) => Math.min(50 * 2 ** n, 2000) },
    });
    redis.on('error', () => {});
    await redis.connect();
    const sub = redis.duplicate();
    sub.on('error', () => {});
    await sub.connect();
    const prefix = o.prefix ?? 'gb:';
    const directory = await ProducerDirectory.start(
      redis,
      sub,
      prefix,
      o.logger.child('directory'),
    );
    const placement = new Placement(
      redis,
      prefix,
      o.nodeId,
      placementWindowMs(o.config),
      o.config.consumersPerSite,
    );
    const c = new Cluster(o, redis, sub, directory, placement);
    c.#internal = await c.server.listen(o.config.internalIp, o.config.internalPort);
    await c.registry.start();
    await c.gateway.warm();
    o.logger.info('cluster node up', {
      nodeId: o.nodeId,
      internal: c.#internal,
      media: Boolean(o.plane),
      region: o.config.region,
    });
    return c;
  }

  /** Calls `method` on `nodeId`; in-process when it is this node (same checks either way). */
  readonly call: NodeCall = async <M extends Method>(
    nodeId: string,
    method: M,
    params: Params<M>,
  ) => {
    if (nodeId !== this.o.nodeId) return this.client.call(nodeId, method, params);
    const parsed = METHODS[method].parse(params) as Params<M>;
    return this.#dispatch(method, parsed, nodeId);
  };

  #register(): void {
    for (const m of Object.keys(METHODS) as Method[]) {
      this.server.handle(m, METHODS[m], (p, from) => this.#dispatch(m, p as never, from));
    }
  }

  async #dispatch<M extends Method>(method: M, p: Params<M>, from: string): Promise<unknown> {
    if (MEDIA_METHODS.has(method)) {
      if (!this.media) throw new HubError('MEDIA_UNAVAILABLE', `${this.o.nodeId} has no media`);
      return this.media.dispatch(method, p, from);
    }
    const q = p as unknown as Params<'event.consumerClosed'> & Params<'event.producerClosed'>;
    const room = this.gateway.rooms.get(q.meetingId);
    switch (method) {
      case 'event.consumerClosed':
        room?.deliverConsumerClosed(q.peerId, q.consumerId);
        return null;
      case 'event.producerClosed':
        room?.deliverProducerClosed(q.peerId, q.producerId);
        return null;
      case 'event.activeSpeaker':
        room?.deliverActiveSpeaker(q.peerId, q.producerId);
        return null;
      case 'event.layersWanted': {
        const x = p as Params<'event.layersWanted'>;
        room?.deliverLayersWanted(x.peerId, x.producerId, x.layers);
        return null;
      }
      case 'event.peersLost': {
        const x = p as Params<'event.peersLost'>;
        const ids = new Set(x.peerIds);
        this.gateway.dropPeers(
          (meetingId, peerId, node) =>
            meetingId === x.meetingId && node === from && ids.has(peerId),
          x.reason,
        );
        return null;
      }
      default:
        throw new HubError('NOT_FOUND', `unknown method ${method}`);
    }
  }

  /** A node is gone: placement skips it, its pipes and peers go, its peers here renegotiate. */
  #nodeLost(lost: string): void {
    if (this.#closed || lost === this.o.nodeId) return;
    this.registry.markLost(lost);
    this.client.unwatch(lost);
    this.media?.nodeLost(lost);
    this.gateway.dropPeers((_m, _p, node) => node === lost, 'nodelost');
    void this.directory.removeNode(lost).catch(() => {});
  }

  async #place(meetingId: string, peerId: string, exclude?: ReadonlySet<string>): Promise<Placed> {
    const site = /^site:(.+):[^:]+$/.exec(peerId)?.[1];
    const chair = !site && (await this.#isChair(meetingId, peerId));
    const prefer = chair
      ? (this.directory.origin(meetingId) ?? (this.o.plane ? this.o.nodeId : undefined))
      : undefined;
    const province = site ? await this.#provinceOf(site) : undefined;
    const cands = candidates((await this.registry.current()).values(), {
      province,
      prefer,
      ...(exclude ? { exclude } : {}),
    });
    const placed = await this.placement.place(cands);
    if (!placed) throw new HubError('MEDIA_UNAVAILABLE', 'every media node is full');
    // Watch what this hub now depends on: its loss resets the peers placed there.
    if (placed.node !== this.o.nodeId) this.client.watch(placed.node);
    return placed;
  }

  async #isChair(meetingId: string, peerId: string): Promise<boolean> {
    const account = /^user:(.+):[^:]+$/.exec(peerId)?.[1];
    if (!account) return false;
    const chairId = await this.o.meetings
      .peek(meetingId, (p) => p.meeting.chairId)
      .catch(() => undefined);
    return chairId === account;
  }

  async #provinceOf(siteId: string): Promise<string | undefined> {
    if (this.#units.has(siteId)) return this.#units.get(siteId);
    const [u] = await this.o.store.getUnits([siteId]).catch(() => [undefined]);
    const province = u?.parentCode ?? (u?.tier === 'province' ? u.code : undefined);
    if (this.#units.size > 20_000) this.#units.clear();
    this.#units.set(siteId, province);
    return province;
  }

  async #capabilities(): Promise<ms.RtpCapabilities> {
    if (this.media) return (await this.media.dispatch('caps', {}, this.o.nodeId)) as never;
    let last: unknown;
    for (const n of this.registry.nodes.values()) {
      if (!n.media || n.id === this.o.nodeId) continue;
      try {
        return (await this.client.call(n.id, 'caps', {})) as ms.RtpCapabilities;
      } catch (e) {
        last = e;
      }
    }
    throw last instanceof Error ? last : new NodeUnreachableError('*', 'no media node registered');
  }

  async #describe(): Promise<Beat> {
    const { config, plane } = this.o;
    const now = Date.now();
    // Load and the placements it counts in one synchronous snapshot (see Placement).
    const { taken, departed, ...load } = this.media?.load() ?? {
      sites: 0,
      consumers: 0,
      taken: [],
      departed: [],
    };
    const workers = plane ? plane.workerPool.workers.filter((w) => w.alive) : [];
    if (plane) {
      const stats = await plane.workerStats().catch(() => []);
      const ms = stats.reduce((n, s) => n + s.cpuUserMs + s.cpuSystemMs, 0);
      if (this.#cpu.at)
        this.#cpu.pct = (100 * Math.max(0, ms - this.#cpu.ms)) / (now - this.#cpu.at);
      this.#cpu = { ...this.#cpu, at: now, ms };
      let bytes = 0;
      for (const room of plane.rooms.values()) {
        for (const p of await room.pipeStats().catch(() => []))
          bytes += p.bytesSent + p.bytesReceived;
      }
      if (this.#pipeBytes.at) {
        this.#pipeBytes.rate = Math.max(
          0,
          ((bytes - this.#pipeBytes.bytes) * 1000) / (now - this.#pipeBytes.at),
        );
      }
      this.#pipeBytes = { ...this.#pipeBytes, at: now, bytes };
    }
    const consumers = workers.length * config.consumersPerWorker;
    const sites = Math.floor((consumers / config.consumersPerSite) * (config.headroomPct / 100));
    const record: NodeRecord = {
      id: this.o.nodeId,
      epoch: this.epoch,
      region: config.region,
      provinces: config.provinces,
      internal: this.#internal,
      ...(plane
        ? {
            media: {
              announcedIp: plane.config.announcedAddress ?? plane.config.listenIp,
              ports: workers.map((w) => w.webRtcPort),
              workers: workers.length,
            },
          }
        : {}),
      capacity: { consumers, sites },
      load: {
        ...load,
        cpu: Math.round(this.#cpu.pct * 10) / 10,
        pipeBitrate: Math.round(this.#pipeBytes.rate * 8),
      },
      at: now,
    };
    return { record, taken, departed, written: () => this.media?.confirmLoad({ taken, departed }) };
  }

  /**
   * Stops this node. `withdraw: false` leaves its record to lapse like a crashed node's would
   * (tests of the other nodes' fault handling).
   */
  async close(opts: { withdraw?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.media?.close();
    this.client.close();
    await this.registry.stop(opts.withdraw ?? true);
    await this.server.close();
    await this.directory.close();
    await Promise.allSettled([this.sub.quit(), this.redis.quit()]);
    await this.o.plane?.close();
  }
}
