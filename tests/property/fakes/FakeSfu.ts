// A stand-in for the media plane at the edge of the domain-level property suite: rooms with
// peers, transports and producers (paused or not), the events MeetingMedia listens to, and a
// record of who resumed what. What the suite checks is the hub's decisions, not RTP (the
// integration property suite runs the same sequences on a real mediasoup worker).

import type { MediaGateway, MediaRoomPort } from '../../../server/src/media/MediaGateway';

export interface FakeProducer {
  id: string;
  peerId: string;
  kind: 'audio' | 'video';
  source: string;
  paused: boolean;
}

type RoomEvent = 'producerclosed' | 'consumerclosed' | 'activespeaker';
type Listener = (p: { peerId: string; producerId?: string; consumerId?: string }) => void;

let ids = 0;
const nextId = (p: string) => `${p}${++ids}`;

export class FakeRoom {
  closed = false;
  readonly rtpCapabilities = { codecs: [], headerExtensions: [] };
  readonly transports = new Map<string, { peerId: string; direction: string }>();
  readonly producers = new Map<string, FakeProducer>();
  private readonly listeners = new Map<RoomEvent, Listener[]>();

  constructor(
    readonly id: string,
    /** Called when a producer is resumed (the suite checks the hub may let it flow then). */
    private readonly onResume: (roomId: string, p: FakeProducer) => void,
  ) {}

  on(event: RoomEvent, fn: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    return this;
  }
  off(event: RoomEvent, fn: Listener): this {
    this.listeners.set(
      event,
      (this.listeners.get(event) ?? []).filter((f) => f !== fn),
    );
    return this;
  }
  private emit(event: RoomEvent, p: Parameters<Listener>[0]): void {
    if (this.closed) return;
    for (const fn of this.listeners.get(event) ?? []) fn(p);
  }
  private live(): void {
    if (this.closed) throw new Error('room closed');
  }

  async createWebRtcTransport(peerId: string, opts: { direction: string }) {
    this.live();
    const id = nextId('t');
    this.transports.set(id, { peerId, direction: opts.direction });
    return { id, iceParameters: {}, iceCandidates: [], dtlsParameters: {} };
  }
  async connectTransport(peerId: string, transportId: string): Promise<void> {
    this.transportOf(peerId, transportId);
  }
  async restartIce(peerId: string, transportId: string) {
    this.transportOf(peerId, transportId);
    return {};
  }
  private transportOf(peerId: string, transportId: string) {
    this.live();
    const t = this.transports.get(transportId);
    if (!t || t.peerId !== peerId) throw new Error(`unknown transport ${transportId}`);
    return t;
  }
  async produce(
    peerId: string,
    transportId: string,
    o: { kind: 'audio' | 'video'; appData: { source: string } },
  ): Promise<{ id: string }> {
    const t = this.transportOf(peerId, transportId);
    if (t.direction !== 'send') throw new Error('not a send transport');
    const id = nextId('p');
    this.producers.set(id, { id, peerId, kind: o.kind, source: o.appData.source, paused: false });
    return { id };
  }
  closeProducer(peerId: string, producerId: string): void {
    const p = this.producers.get(producerId);
    if (!p || p.peerId !== peerId) throw new Error(`unknown producer ${producerId}`);
    this.producers.delete(producerId);
    this.emit('producerclosed', { peerId, producerId });
  }
  async pauseProducer(producerId: string): Promise<void> {
    const p = this.producers.get(producerId);
    if (!p) throw new Error(`unknown producer ${producerId}`);
    p.paused = true;
  }
  async resumeProducer(producerId: string): Promise<void> {
    const p = this.producers.get(producerId);
    if (!p) throw new Error(`unknown producer ${producerId}`);
    p.paused = false;
    this.onResume(this.id, p);
  }
  async consume() {
    throw new Error('the fake plane has no consumers');
  }
  async resumeConsumer(): Promise<void> {}
  async pauseConsumer(): Promise<void> {}
  async setPreferredLayers(): Promise<void> {}
  listProducers(): FakeProducer[] {
    return [...this.producers.values()].map((p) => ({ ...p }));
  }
  closePeer(peerId: string): void {
    for (const [id, t] of this.transports) if (t.peerId === peerId) this.transports.delete(id);
    for (const p of [...this.producers.values()]) {
      if (p.peerId !== peerId) continue;
      this.producers.delete(p.id);
      this.emit('producerclosed', { peerId, producerId: p.id });
    }
  }
  hasPeer(peerId: string): boolean {
    return [...this.transports.values()].some((t) => t.peerId === peerId);
  }
  describe() {
    return {
      id: this.id,
      closed: this.closed,
      routers: [],
      transports: [...this.transports].map(([transportId, t]) => ({
        peerId: t.peerId,
        transportId,
        type: 'webrtc',
        routerId: 'r',
      })),
      pipes: [],
    };
  }
  close(): void {
    this.closed = true;
    this.transports.clear();
    this.producers.clear();
  }
}

export class FakeSfu implements MediaGateway {
  readonly rooms = new Map<string, FakeRoom>();

  constructor(private readonly onResume: (roomId: string, p: FakeProducer) => void = () => {}) {}

  async getOrCreateRoom(roomId: string): Promise<MediaRoomPort> {
    let r = this.rooms.get(roomId);
    if (!r || r.closed) {
      r = new FakeRoom(roomId, this.onResume);
      this.rooms.set(roomId, r);
    }
    return r as unknown as MediaRoomPort;
  }
  getRoom(roomId: string): MediaRoomPort | undefined {
    return this.rooms.get(roomId) as unknown as MediaRoomPort | undefined;
  }
  closeRoom(roomId: string): void {
    this.rooms.get(roomId)?.close();
  }
  async workerStats() {
    return [];
  }
  async close(): Promise<void> {
    for (const r of this.rooms.values()) r.close();
  }
  onRoomsLost(): void {}
}
