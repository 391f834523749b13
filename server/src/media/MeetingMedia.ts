import { type PeersLostReason, siteOfPeer, socketOfPeer } from '@giaoban/shared';
import type { MeetingService } from '../domain/MeetingService';
import type { Store } from '../store/Store';
import { HubError } from '../util/HubError';
import type { Logger } from '../util/logger';
import type { MediaGateway, MediaRoomPort } from './MediaGateway';

/** How the media plane reaches clients (the signalling layer's rooms). */
export interface MediaNotifier {
  toMeeting(meetingId: string, event: 'media:producerClosed', p: { producerId: string }): void;
  toMeeting(
    meetingId: string,
    event: 'media:activeSpeaker',
    p: { peerId: string; producerId: string },
  ): void;
  toMeeting(
    meetingId: string,
    event: 'media:producerPaused',
    p: { producerId: string; peerId: string; paused: boolean },
  ): void;
  toMeeting(
    meetingId: string,
    event: 'media:newProducer',
    p: {
      producerId: string;
      peerId: string;
      kind: 'audio' | 'video';
      source: string;
      paused: boolean;
    },
  ): void;
  toSocket(socketId: string, event: 'media:consumerClosed', p: { consumerId: string }): void;
  toSocket(
    socketId: string,
    event: 'media:layersWanted',
    p: { producerId: string; layers: boolean[] },
  ): void;
}

export interface MeetingMediaDeps {
  media?: MediaGateway | undefined;
  store: Store;
  meetings: MeetingService;
  nodeId: string;
  notify: MediaNotifier;
  logger: Logger;
}

/**
 * The meetings' media rooms on this hub node: opened on first use (claiming the meeting's media
 * node), refused once the meeting is closed or to a removed site, wired to tell clients about
 * closed producers and the active speaker, and torn down when the meeting ends or a site is
 * removed. It never pauses or resumes a producer: that is the MediaEnforcer's alone.
 */
export class MeetingMedia {
  private readonly wired = new WeakSet<MediaRoomPort>();
  private readonly producerClosed: Array<(meetingId: string, peerId: string) => void> = [];

  constructor(private readonly d: MeetingMediaDeps) {}

  get enabled(): boolean {
    return this.d.media !== undefined;
  }

  /** Called (after the room told clients) whenever a producer of the meeting closed. */
  onProducerClosed(fn: (meetingId: string, peerId: string) => void): void {
    this.producerClosed.push(fn);
  }

  onRoomsLost(fn: (roomIds: string[]) => void): void {
    this.d.media?.onRoomsLost(fn);
  }

  /**
   * Only these peers' media went (a cluster: their node died, a pipe broke; any hub: the worker
   * closed a transport under them); they renegotiate.
   */
  onPeersLost(fn: (meetingId: string, peerIds: string[], reason: PeersLostReason) => void): void {
    this.d.media?.onPeersLost?.(fn);
  }

  /** The open room of a meeting on this node, if any (never creates one). */
  getRoom(meetingId: string): MediaRoomPort | undefined {
    const r = this.d.media?.getRoom(meetingId);
    return r && !r.closed ? r : undefined;
  }

  /** The room for a request of `siteId` (undefined = staff), opening it on first use. */
  async roomFor(meetingId: string, siteId?: string): Promise<MediaRoomPort> {
    if (!this.d.media) throw new HubError('MEDIA_UNAVAILABLE', 'this node has no media plane');
    const refusal = await this.d.meetings.peek(meetingId, (p) => {
      if (p.meeting.state === 'closed') return new HubError('MEETING_CLOSED', 'meeting is closed');
      if (siteId && p.sites.get(siteId)?.removed) {
        return new HubError('REMOVED', 'this site was removed from the meeting');
      }
      return undefined;
    });
    if (refusal) throw refusal;
    const existing = this.getRoom(meetingId);
    if (existing) return existing;
    await this.d.store.claimMediaNode(meetingId, this.d.nodeId);
    const r = await this.d.media.getOrCreateRoom(meetingId);
    this.wire(meetingId, r);
    return r;
  }

  private wire(meetingId: string, r: MediaRoomPort): void {
    if (this.wired.has(r)) return;
    this.wired.add(r);
    const { notify } = this.d;
    r.on('producerclosed', ({ peerId, producerId }) => {
      notify.toMeeting(meetingId, 'media:producerClosed', { producerId });
      for (const fn of this.producerClosed) fn(meetingId, peerId);
    });
    r.on('consumerclosed', ({ peerId, consumerId }) => {
      const socketId = socketOfPeer(peerId);
      if (socketId) notify.toSocket(socketId, 'media:consumerClosed', { consumerId });
    });
    r.on('activespeaker', (p) => notify.toMeeting(meetingId, 'media:activeSpeaker', p));
    // Dynacast: only the producer's own socket needs to know which of its layers are taken.
    r.on('layerswanted', ({ peerId, producerId, layers }) => {
      const socketId = socketOfPeer(peerId);
      if (socketId) notify.toSocket(socketId, 'media:layersWanted', { producerId, layers });
    });
  }

  /** Closes everything of one peer (a socket left); unknown peers are ignored. */
  closePeer(meetingId: string, peerId: string): void {
    try {
      this.getRoom(meetingId)?.closePeer(peerId);
    } catch (e) {
      this.d.logger.warn('closing a media peer failed', { err: String(e) });
    }
  }

  /** A removed site: every peer of it (lobby sockets too) loses its transports at once. */
  evictSite(meetingId: string, siteId: string): void {
    const r = this.getRoom(meetingId);
    if (!r) return;
    const peers = new Set<string>();
    for (const t of r.describe().transports)
      if (siteOfPeer(t.peerId) === siteId) peers.add(t.peerId);
    for (const p of r.listProducers()) if (siteOfPeer(p.peerId) === siteId) peers.add(p.peerId);
    for (const peerId of peers) r.closePeer(peerId);
  }

  /** The meeting ended: its media room (every transport, producer, consumer) goes. */
  closeMeeting(meetingId: string): void {
    const r = this.getRoom(meetingId);
    if (!r) return;
    // A closing room tells nothing of its producers: the staff who stay must hear they are gone.
    const gone = r.listProducers();
    this.d.media?.closeRoom(meetingId);
    for (const p of gone)
      this.d.notify.toMeeting(meetingId, 'media:producerClosed', { producerId: p.id });
  }
}
