import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { type AccessControl, startAccessControl } from './auth/AccessControl';
import { originAllowed, SocketRevoker } from './auth/SocketRevoker';
import { TokenService } from './auth/TokenService';
import { Cluster } from './cluster/Cluster';
import { type HubConfig, loadConfig } from './config/Config';
import { AccountService } from './domain/AccountService';
import { SYSTEM_GRANT } from './domain/access';
import { BriefingService } from './domain/briefing/BriefingService';
import { dispatchReminders, WebhookReminderGateway } from './domain/briefing/ReminderGateway';
import { VoteTimers } from './domain/briefing/VoteTimers';
import { DirectoryService } from './domain/DirectoryService';
import { MeetingCatalog } from './domain/MeetingCatalog';
import { MeetingService } from './domain/MeetingService';
import { type LivenessOptions, NodeLiveness } from './domain/NodeLiveness';
import { DiskFileStore, type FileStore, FileSweeper } from './files/index';
import { createApp } from './http/createApp';
import { type MediaGateway, SfuMediaGateway } from './media/MediaGateway';
import { HubMetrics } from './observability/HubMetrics';
import { PLAY_LINK_TTL_MS, PlayLinks } from './recording/archive/PlayLinks';
import { RetentionSettingsStore } from './recording/archive/RetentionSettingsStore';
import { RetentionSweeper } from './recording/archive/RetentionSweeper';
import { MeetingArchive } from './recording/MeetingArchive';
import { RecordingService, type RecordingServiceDeps } from './recording/RecordingService';
import { type HubServer, SignallingServer } from './signalling/SignallingServer';
import { MemoryStore } from './store/MemoryStore';
import { RedisStore } from './store/RedisStore';
import type { Store } from './store/Store';
import { type Clock, systemClock } from './util/Clock';
import { Logger } from './util/logger';

export interface HubOptions {
  /** Use this store instead of the one REDIS_URL selects. */
  store?: Store;
  /** Use this media gateway; `null` = signalling only (like MEDIA_ENABLED=false). */
  media?: MediaGateway | null;
  /** SFU settings when the hub creates its own media plane (default: from the environment). */
  sfuEnv?: NodeJS.ProcessEnv;
  clock?: Clock;
  /**
   * Node heartbeat and lost-connection sweeper (on by default with the Redis store). Tests
   * shorten the timers here; defaults: beat every 5 s, TTL 15 s, sweep every 5 s.
   */
  liveness?: LivenessOptions;
  /** Use this file store instead of a DiskFileStore on FILES_DIR. */
  files?: FileStore;
  /** Recording settings tests change (the composition's priority). */
  recording?: Pick<RecordingServiceDeps, 'composeNice'>;
}

export interface Hub {
  readonly config: HubConfig;
  readonly store: Store;
  readonly tokens: TokenService;
  readonly accounts: AccountService;
  readonly directory: DirectoryService;
  readonly meetings: MeetingService;
  readonly briefing: BriefingService;
  readonly files: FileStore;
  /** The meeting archive and the recordings this node runs (issue #13). */
  readonly archive: MeetingArchive;
  /** Removes recordings whose retention term ended (`retention.sweep()` runs one pass now). */
  readonly retention: RetentionSweeper;
  readonly recordings: RecordingService;
  /** Sessions, invitation links, login throttling: access that can be taken back. */
  readonly access: AccessControl;
  /** Heartbeat + sweeper; undefined when off (memory store: one process, nothing to sweep). */
  readonly liveness: NodeLiveness | undefined;
  readonly media: MediaGateway | undefined;
  /** The media cluster (CLUSTER_SECRET set); undefined on a single node. */
  readonly cluster: Cluster | undefined;
  readonly io: HubServer;
  readonly logger: Logger;
  readonly httpServer: http.Server;
  /** The Express app (REST + static client). */
  readonly app: ReturnType<typeof createApp>;
  /** Starts listening (config.port; 0 = any free port). Resolves to the bound URL. */
  listen(): Promise<{ url: string; port: number }>;
  /** Stops sockets, HTTP, media and store. */
  close(): Promise<void>;
}

/** Builds a hub (not listening yet). Tests pass `{ ...config, port: 0 }` and close it after. */
export async function createHub(config: HubConfig, opts: HubOptions = {}): Promise<Hub> {
  const logger = new Logger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const ownsStore = !opts.store;
  const store =
    opts.store ?? (config.redisUrl ? await RedisStore.connect(config.redisUrl) : new MemoryStore());

  const meetings = new MeetingService(store, clock);
  let media: MediaGateway | undefined;
  let ownsMedia = false;
  let cluster: Cluster | undefined;
  if (opts.media !== undefined) media = opts.media ?? undefined;
  else if (config.mediaEnabled || config.cluster) {
    const { MediaPlane, loadSfuConfig } = await import('@giaoban/sfu');
    const plane = config.mediaEnabled
      ? await MediaPlane.create(loadSfuConfig(opts.sfuEnv ?? process.env))
      : undefined;
    if (config.cluster && config.redisUrl) {
      // Several hubs share each meeting's media: this hub drives its sockets' peers on whichever
      // node placement picks (this one included) and serves its own plane to the others.
      cluster = await Cluster.start({
        nodeId: config.nodeId,
        redisUrl: config.redisUrl,
        config: config.cluster,
        plane,
        store,
        meetings,
        logger: logger.child('cluster'),
      });
      media = cluster.gateway;
    } else if (plane) {
      media = new SfuMediaGateway(plane);
    }
    ownsMedia = true;
  }

  const tokens = new TokenService(config.jwt);
  const files = opts.files ?? (await new DiskFileStore(config.files.dir).init());
  const sweeper = new FileSweeper(files, logger.child('files')).start();
  const briefing = new BriefingService(meetings, clock, config.jwt.secret);
  const voteTimers = new VoteTimers(meetings, briefing, clock, logger.child('votes'));
  if (config.notifyWebhook) {
    const { url, secret } = config.notifyWebhook;
    dispatchReminders(meetings, new WebhookReminderGateway(url, secret), logger.child('reminders'));
  }
  const accounts = new AccountService(store);
  const directory = new DirectoryService(store);
  const metrics = new HubMetrics(media);
  const startedAt = clock.now();
  const access = await startAccessControl({
    config,
    store,
    tokens,
    accounts,
    meetings,
    clock,
    logger: logger.child('access'),
    // A play link is refused once its session is revoked, for as long as the link lives.
    derivedTtlMs: PLAY_LINK_TTL_MS,
  });

  // The meeting archive (issue #13): what an ended meeting files, with its SHA-256 in the log.
  const recordCatalog = new MeetingCatalog({ store, meetings, directory, accounts, clock });
  const archive = new MeetingArchive({
    meetings,
    files,
    store,
    record: (id) => recordCatalog.record(id, SYSTEM_GRANT),
    logger: logger.child('archive'),
    retention: new RetentionSettingsStore(store, {
      recordingMonths: config.archive.recordingRetentionMonths,
    }),
    links: new PlayLinks(config.jwt.secret, () => clock.now()),
    revoked: (session) => access.sessions.revocations.isRevoked(session),
  });
  // Recordings past their term go, each with its `archive.expire` line (docs/configuration.md).
  const retention = new RetentionSweeper({
    store,
    meetings,
    files,
    settings: archive.retention,
    clock,
    logger: logger.child('retention'),
  }).start();
  const app = createApp({
    access,
    config,
    store,
    tokens,
    accounts,
    directory,
    meetings,
    briefing,
    files,
    archive,
    media,
    metrics,
    logger,
    clock,
    startedAt,
  });
  const httpServer = http.createServer(app);
  // Thousands of sites reconnecting at once: keep the accept backlog and timeouts generous.
  httpServer.keepAliveTimeout = 65_000;

  const io: HubServer = new Server(httpServer, {
    maxHttpBufferSize: config.socket.maxPayloadBytes,
    cors: {
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      credentials: true,
    },
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60_000, skipMiddlewares: false },
    // The `cors` option only shapes polling responses; a WebSocket upgrade is not subject to CORS,
    // so the Origin a browser sends is checked here, for both transports, the same way.
    allowRequest: (req, cb) => cb(null, originAllowed(req.headers.origin, config.corsOrigins)),
    pingInterval: 25_000,
    pingTimeout: 20_000,
  });
  let adapterClient: ReturnType<typeof createClient> | undefined;
  if (config.redisUrl) {
    adapterClient = createClient({ url: config.redisUrl });
    adapterClient.on('error', () => {});
    await adapterClient.connect();
    io.adapter(createAdapter(adapterClient, { blockTimeInMs: 1000 }));
  }
  const signalling = new SignallingServer({
    io,
    tokens,
    sessions: access.sessions,
    meetings,
    briefing,
    store,
    media,
    metrics,
    logger: logger.child('signalling'),
    clock,
    nodeId: config.nodeId,
    rate: { burst: config.socket.burst, refillPerSecond: config.socket.refillPerSecond },
    cluster: adapterClient !== undefined,
  });

  const recordings = new RecordingService({
    meetings,
    rooms: signalling.media,
    archive,
    config: config.archive,
    logger: logger.child('recording'),
    ...opts.recording,
    // In a cluster this hub records on its own media node (absent on a signalling-only hub).
    ...(cluster?.media ? { recorderRoom: (id: string) => cluster.media!.recorderRoom(id) } : {}),
  });
  // Revocations from any hub process end this process's sockets of that session or principal.
  const revoker = new SocketRevoker(io, access.sessions);

  const liveness =
    (opts.liveness?.enabled ?? store.kind === 'redis')
      ? new NodeLiveness(
          store,
          meetings,
          config.nodeId,
          logger.child('liveness'),
          opts.liveness,
          // Socket ids are the connIds of site joins; `io.sockets.sockets` holds this process's.
          (connId) => io.sockets.sockets.has(connId),
        )
      : undefined;
  await liveness?.start();

  let closed = false;
  return {
    config,
    store,
    tokens,
    accounts,
    directory,
    meetings,
    briefing,
    files,
    archive,
    retention,
    recordings,
    access,
    liveness,
    media,
    cluster,
    io,
    logger,
    httpServer,
    app,
    listen() {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen({ port: config.port, host: config.host, backlog: 4096 }, () => {
          const { port } = httpServer.address() as AddressInfo;
          const host = config.host.includes(':') ? `[${config.host}]` : config.host;
          resolve({ url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`, port });
        });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      signalling.close();
      voteTimers.close();
      await recordings.close();
      await sweeper.close();
      await retention.close();
      revoker.close();
      await access.close();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      // Leaves of the sockets just closed that do not reach the store are swept by other hubs.
      await liveness?.stop();
      httpServer.closeAllConnections();
      if (adapterClient?.isOpen) await adapterClient.close().catch(() => {});
      if (ownsMedia && media) await media.close();
      if (ownsStore) await store.close();
    },
  };
}

/** createHub from the environment and listen. */
export async function startHub(env: NodeJS.ProcessEnv = process.env, opts: HubOptions = {}) {
  const hub = await createHub(loadConfig(env), opts);
  const address = await hub.listen();
  return { hub, ...address };
}
