import type { MediaPlane, MediaRoom, PoolWorkerUsage } from '@giaoban/sfu';
import type { PeersLostReason } from '@giaoban/shared';

/** The part of sfu's MediaRoom the hub uses. */
export type MediaRoomPort = Pick<
  MediaRoom,
  | 'id'
  | 'closed'
  | 'rtpCapabilities'
  | 'createWebRtcTransport'
  | 'connectTransport'
  | 'restartIce'
  | 'produce'
  | 'closeProducer'
  | 'pauseProducer'
  | 'resumeProducer'
  | 'consume'
  | 'resumeConsumer'
  | 'pauseConsumer'
  | 'setPreferredLayers'
  | 'listProducers'
  | 'closePeer'
  | 'hasPeer'
  | 'describe'
  | 'on'
  | 'off'
>;

/**
 * What the hub needs from the media plane. `SfuMediaGateway` adapts sfu's MediaPlane; a
 * signalling-only node (MEDIA_ENABLED=false) has none and media events answer MEDIA_UNAVAILABLE.
 */
export interface MediaGateway {
  getOrCreateRoom(roomId: string): Promise<MediaRoomPort>;
  getRoom(roomId: string): MediaRoomPort | undefined;
  closeRoom(roomId: string): void;
  workerStats(): Promise<PoolWorkerUsage[]>;
  close(): Promise<void>;
  onRoomsLost(fn: (roomIds: string[]) => void): void;
  /**
   * Some peers' media is gone (a cluster: their node died, its worker died, a pipe broke; any
   * hub: the worker closed a peer's transport under it, 'transportlost'); only those peers
   * renegotiate.
   */
  onPeersLost?(fn: (meetingId: string, peerIds: string[], reason: PeersLostReason) => void): void;
}

export class SfuMediaGateway implements MediaGateway {
  constructor(private readonly plane: MediaPlane) {}

  getOrCreateRoom(roomId: string): Promise<MediaRoomPort> {
    return this.plane.getOrCreateRoom(roomId);
  }
  getRoom(roomId: string): MediaRoomPort | undefined {
    return this.plane.getRoom(roomId);
  }
  closeRoom(roomId: string): void {
    this.plane.closeRoom(roomId);
  }
  workerStats(): Promise<PoolWorkerUsage[]> {
    return this.plane.workerStats();
  }
  close(): Promise<void> {
    return this.plane.close();
  }
  onRoomsLost(fn: (roomIds: string[]) => void): void {
    this.plane.on('roomslost', fn);
  }
  /** Issue #11: a peer whose transport the worker closed (DTLS failed/closed) is told. */
  onPeersLost(fn: (meetingId: string, peerIds: string[], reason: PeersLostReason) => void): void {
    const wire = (room: MediaRoom) =>
      room.on('transportlost', ({ peerId }) => fn(room.id, [peerId], 'transportlost'));
    for (const room of this.plane.rooms.values()) wire(room);
    this.plane.observer.on('newroom', wire);
  }
}
