import type * as ms from 'mediasoup/node/lib/types';
import type { RoomRouter } from './RoomRouter';

export type TransportDirection = 'send' | 'recv';

export interface TransportRecord {
  transport: ms.WebRtcTransport | ms.PlainTransport;
  type: 'webrtc' | 'plain';
  direction: TransportDirection;
  roomRouter: RoomRouter;
}

/**
 * What one peer (a site's browser, the chair, a recorder) owns in a room. Every lookup goes
 * through the owner, so a peer can never touch another peer's transport or consumer.
 */
export class MediaPeer {
  readonly id: string;
  readonly transports = new Map<string, TransportRecord>();
  readonly producers = new Map<string, ms.Producer>();
  readonly consumers = new Map<string, ms.Consumer>();

  constructor(id: string) {
    this.id = id;
  }

  get empty(): boolean {
    return this.transports.size === 0;
  }

  close(): void {
    // Closing the transports closes their producers and consumers too.
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
  }
}
