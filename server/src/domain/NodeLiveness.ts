import type { Store } from '../store/Store';
import type { Logger } from '../util/logger';
import { SYSTEM_ACTOR } from './access';
import type { SiteConnection } from './MeetingProjection';
import type { MeetingService } from './MeetingService';

export interface LivenessOptions {
  /** Run the heartbeat and the sweeper (default: with the Redis store, where hubs share a log). */
  enabled?: boolean;
  /** How often this node refreshes its heartbeat (default 5 s). */
  heartbeatIntervalMs?: number;
  /** How long a heartbeat lasts: a node silent this long is taken for dead (default 15 s). */
  heartbeatTtlMs?: number;
  /** How often this node looks for connections of dead nodes (default 5 s; also at start-up). */
  sweepIntervalMs?: number;
}

export const LIVENESS_DEFAULTS = {
  heartbeatIntervalMs: 5_000,
  heartbeatTtlMs: 15_000,
  sweepIntervalMs: 5_000,
} as const;

export interface SweptConnection extends SiteConnection {
  meetingId: string;
}

/**
 * Node liveness and the lost-connection sweeper. Every hub process keeps a heartbeat in the store;
 * a process that dies without closing its sockets (SIGKILL, crash, power loss) leaves its sites'
 * `site.join` without a `site.leave`. Each hub periodically looks at the live meetings and, for
 * every site connection held by a node whose heartbeat is gone, records `site.leave` (reason
 * `node_lost`) through the normal command path: the leave is a no-op when the site has
 * reconnected since (new connId), and the optimistic seq check keeps two sweeping hubs from
 * recording it twice.
 */
export class NodeLiveness {
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTtlMs: number;
  readonly sweepIntervalMs: number;
  private heartbeatTimer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<SweptConnection[]>;
  private beats = 0;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly meetings: MeetingService,
    readonly nodeId: string,
    private readonly logger: Logger,
    opts: LivenessOptions = {},
    /**
     * Whether this process holds connection `connId` (a live socket). Connections recorded under
     * this node's id without one are left over from an earlier process with the same NODE_ID.
     */
    private readonly hasLocalConnection: (connId: string) => boolean = () => true,
  ) {
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs ?? LIVENESS_DEFAULTS.heartbeatIntervalMs;
    this.heartbeatTtlMs = opts.heartbeatTtlMs ?? LIVENESS_DEFAULTS.heartbeatTtlMs;
    this.sweepIntervalMs = opts.sweepIntervalMs ?? LIVENESS_DEFAULTS.sweepIntervalMs;
    if (this.heartbeatTtlMs <= this.heartbeatIntervalMs) {
      throw new Error(
        `heartbeat TTL (${this.heartbeatTtlMs} ms) must exceed its interval (${this.heartbeatIntervalMs} ms)`,
      );
    }
  }

  /** First heartbeat (awaited: the node is known alive before it takes sockets), then timers. */
  async start(): Promise<void> {
    await this.beat();
    this.heartbeatTimer = setInterval(() => void this.beat(), this.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
    this.sweepTimer = setInterval(() => void this.sweep(), this.sweepIntervalMs);
    this.sweepTimer.unref();
    void this.sweep();
  }

  /** Stops the timers and withdraws the heartbeat (others sweep what this node leaves behind). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.sweepTimer);
    await this.sweeping?.catch(() => {});
    await this.store.dropHeartbeat(this.nodeId).catch(() => {});
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    try {
      const wasAlive = await this.store.heartbeat(this.nodeId, this.heartbeatTtlMs);
      if (!wasAlive && this.beats > 0) {
        // Stalled longer than the TTL (blocked event loop, store unreachable): other hubs may
        // have recorded this node's sites as gone; they are counted again when they rejoin.
        this.logger.warn('heartbeat had lapsed; other hubs may have swept this node', {
          nodeId: this.nodeId,
        });
      }
      this.beats++;
    } catch (e) {
      this.logger.warn('heartbeat failed', { nodeId: this.nodeId, err: String(e) });
    }
  }

  /** One pass over the live meetings (never two at once). Resolves to the leaves it recorded. */
  sweep(): Promise<SweptConnection[]> {
    if (this.stopped) return Promise.resolve([]);
    this.sweeping ??= this.sweepOnce()
      .catch((e) => {
        this.logger.warn('sweep failed', { err: String(e) });
        return [];
      })
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<SweptConnection[]> {
    const swept: SweptConnection[] = [];
    for (const meetingId of await this.store.listLiveMeetingIds()) {
      if (this.stopped) break;
      try {
        const view = await this.meetings.read(meetingId, (p) => ({
          state: p.meeting.state,
          conns: p.connections(),
        }));
        if (view.state === 'closed') {
          await this.store.forgetLiveMeeting(meetingId);
          continue;
        }
        if (view.conns.length === 0) continue;
        const others = [...new Set(view.conns.map((c) => c.node))].filter((n) => n !== this.nodeId);
        const alive = await this.store.aliveNodes(others);
        // Nodes first seen after the liveness check (a site just joined there) count as alive.
        const lost = await this.meetings.peek(meetingId, (p) =>
          p.lostConnections(
            (n) => alive.has(n) || !others.includes(n),
            this.nodeId,
            this.hasLocalConnection,
          ),
        );
        for (const c of lost) {
          // The command re-checks the connId on the latest log: a site that reconnected since
          // (here or on another hub) keeps its new connection.
          const recorded = await this.meetings.siteLeave(
            meetingId,
            SYSTEM_ACTOR,
            c.siteId,
            c.connId,
            'node_lost',
          );
          if (recorded) swept.push({ meetingId, ...c });
        }
      } catch (e) {
        this.logger.warn('sweep of a meeting failed', { meetingId, err: String(e) });
      }
    }
    if (swept.length > 0) {
      this.logger.info('recorded leaves of connections on lost nodes', {
        count: swept.length,
        nodes: [...new Set(swept.map((s) => s.node))],
      });
    }
    return swept;
  }
}
