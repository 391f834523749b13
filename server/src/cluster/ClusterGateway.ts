import type { ms, PoolWorkerUsage } from '@giaoban/sfu';
import type { PeersLostReason } from '@giaoban/shared';
import type { MediaGateway, MediaRoomPort } from '../media/MediaGateway';
import { HubError } from '../util/HubError';
import { ClusterRoom, type ClusterRoomDeps } from './ClusterRoom';

export type { PeersLostReason };

/**
 * The hub's MediaGateway when the cluster is on: one ClusterRoom per meeting (its peers on the
 * nodes placement chose), instead of the local plane's rooms. A lost node, a dead worker or a
 * broken pipe resets only the peers it carried (`onPeersLost`), never the whole meeting.
 */
export class ClusterGateway implements MediaGateway {
  readonly #rooms = new Map<string, ClusterRoom>();
  readonly #peersLost: Array<
    (meetingId: string, peerIds: string[], reason: PeersLostReason) => void
  > = [];
  #caps: ms.RtpCapabilities | undefined;

  constructor(
    private readonly deps: ClusterRoomDeps & {
      /** Router capabilities from any media node (the same everywhere). */
      capabilities: () => Promise<ms.RtpCapabilities>;
      hasMeeting: (meetingId: string) => boolean;
      workerStats: () => Promise<PoolWorkerUsage[]>;
      close: () => Promise<void>;
    },
  ) {}

  async getOrCreateRoom(roomId: string): Promise<MediaRoomPort> {
    return port(await this.clusterRoom(roomId));
  }

  getRoom(roomId: string): MediaRoomPort | undefined {
    const r = this.peekRoom(roomId);
    return r && port(r);
  }

  async clusterRoom(roomId: string): Promise<ClusterRoom> {
    const have = this.peekRoom(roomId);
    if (have) return have;
    try {
      this.#caps ??= await this.deps.capabilities();
    } catch (e) {
      throw new HubError('MEDIA_UNAVAILABLE', `no media node answers: ${(e as Error).message}`);
    }
    return this.#create(roomId, this.#caps);
  }

  /**
   * The meeting's room on this hub; also when it was never used here but the meeting has media
   * elsewhere in the cluster (a snapshot lists the chair's producers on every hub).
   */
  peekRoom(roomId: string): ClusterRoom | undefined {
    const r = this.#rooms.get(roomId);
    if (r && !r.closed) return r;
    if (this.#caps && this.deps.hasMeeting(roomId)) return this.#create(roomId, this.#caps);
    return undefined;
  }

  #create(roomId: string, caps: ms.RtpCapabilities): ClusterRoom {
    const r = new ClusterRoom(roomId, caps, this.deps);
    this.#rooms.set(roomId, r);
    r.once('close', () => {
      if (this.#rooms.get(roomId) === r) this.#rooms.delete(roomId);
    });
    return r;
  }

  get rooms(): ReadonlyMap<string, ClusterRoom> {
    return this.#rooms;
  }

  /** Capabilities learnt at start-up, so getRoom can answer synchronously. */
  async warm(): Promise<void> {
    this.#caps ??= await this.deps.capabilities().catch(() => undefined);
  }

  closeRoom(roomId: string): void {
    this.#rooms.get(roomId)?.close();
  }

  workerStats(): Promise<PoolWorkerUsage[]> {
    return this.deps.workerStats();
  }

  close(): Promise<void> {
    for (const r of [...this.#rooms.values()]) r.close();
    return this.deps.close();
  }

  /** Whole-room losses do not happen in a cluster: a node's loss resets its peers only. */
  onRoomsLost(_fn: (roomIds: string[]) => void): void {}

  onPeersLost(fn: (meetingId: string, peerIds: string[], reason: PeersLostReason) => void): void {
    this.#peersLost.push(fn);
  }

  /** Drops peers of every room matching `filter` and tells the listeners to reset them. */
  dropPeers(
    filter: (meetingId: string, peerId: string, node: string) => boolean,
    reason: PeersLostReason,
  ) {
    for (const [meetingId, room] of this.#rooms) {
      const peerIds = room.dropPeers((peerId, node) => filter(meetingId, peerId, node));
      if (peerIds.length === 0) continue;
      for (const fn of this.#peersLost) fn(meetingId, peerIds, reason);
    }
  }
}

/**
 * MediaRoomPort is typed after sfu's MediaRoom (its `on` returns a MediaRoom); a ClusterRoom has
 * every method the hub uses with the same signatures and events.
 */
function port(r: ClusterRoom): MediaRoomPort {
  return r as unknown as MediaRoomPort;
}
