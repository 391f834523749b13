// The internal channel's methods and their params (checked with these schemas on arrival; the
// channel itself is signed, see ChannelAuth). RTP/DTLS parameters are passed through to mediasoup,
// which validates them; the body limit bounds their size.
import { PEERS_LOST_REASONS } from '@giaoban/shared';
import { z } from 'zod';

const Id = z.string().min(1).max(200);
const PeerId = z.string().min(1).max(300);
const Blob = z.record(z.string(), z.unknown());

export const Meeting = z.object({ meetingId: Id });
export const Peer = Meeting.extend({ peerId: PeerId });

export const Endpoint = z.object({
  ip: z.string().min(1).max(64),
  port: z.number().int().min(1).max(65535),
  srtpParameters: z
    .object({ cryptoSuite: z.string().max(64), keyBase64: z.string().max(256) })
    .optional(),
});

export const Offer = z.object({
  id: Id,
  kind: z.enum(['audio', 'video']),
  rtpParameters: Blob,
  paused: z.boolean(),
  peerId: PeerId,
  source: z.enum(['camera', 'mic', 'screen']),
});

export const Layers = z.object({
  spatialLayer: z.number().int().min(0).max(15),
  temporalLayer: z.number().int().min(0).max(15).optional(),
});

/** method → params schema. Hub → media node, then node → node, then events back. */
export const METHODS = {
  caps: z.object({}),
  'peer.transport': Peer.extend({
    direction: z.enum(['send', 'recv']),
    /** The placement that chose this node: reported back in the node's record (Placement). */
    placement: Id.optional(),
  }),
  'peer.connect': Peer.extend({ transportId: Id, dtlsParameters: Blob }),
  'peer.restartIce': Peer.extend({ transportId: Id }),
  'peer.produce': Peer.extend({
    transportId: Id,
    kind: z.enum(['audio', 'video']),
    rtpParameters: Blob,
    paused: z.boolean().optional(),
    source: z.enum(['camera', 'mic', 'screen']),
    /** The chair's producers make this node the meeting's origin. */
    origin: z.boolean().optional(),
  }),
  'peer.closeProducer': Peer.extend({ producerId: Id }),
  'peer.consume': Peer.extend({
    transportId: Id,
    producerId: Id,
    rtpCapabilities: Blob,
    preferredLayers: Layers.optional(),
  }),
  'peer.resumeConsumer': Peer.extend({ consumerId: Id }),
  'peer.pauseConsumer': Peer.extend({ consumerId: Id }),
  'peer.layers': Peer.extend({ consumerId: Id, layers: Layers }),
  'peer.stats': Peer,
  'peer.close': Peer,
  'producer.paused': Meeting.extend({ producerId: Id, paused: z.boolean() }),
  'room.close': Meeting,
  'room.describe': Meeting,
  // node ↔ node: the caller is the far end of the pipe
  'pipe.open': Meeting.extend({ endpoint: Endpoint }),
  'pipe.send': Meeting.extend({ producerId: Id }),
  'pipe.stop': Meeting.extend({ producerId: Id }),
  'pipe.paused': Meeting.extend({ producerId: Id, paused: z.boolean() }),
  'pipe.closed': Meeting.extend({ producerId: Id }),
  'pipe.close': Meeting,
  /** Dynacast: the layers the caller's viewers take of a producer this node pipes to it. */
  'pipe.layers': Meeting.extend({ producerId: Id, layers: z.array(z.boolean()).max(16) }),
  // media node → the hub driving the peer
  'event.consumerClosed': Peer.extend({ consumerId: Id }),
  'event.producerClosed': Peer.extend({ producerId: Id }),
  'event.activeSpeaker': Peer.extend({ producerId: Id }),
  /** Dynacast: the layers anybody in the cluster takes of this peer's producer. */
  'event.layersWanted': Peer.extend({ producerId: Id, layers: z.array(z.boolean()).max(16) }),
  'event.peersLost': Meeting.extend({
    peerIds: z.array(PeerId).max(10_000),
    reason: z.enum(PEERS_LOST_REASONS),
  }),
} as const;

export type Method = keyof typeof METHODS;
export type Params<M extends Method> = z.infer<(typeof METHODS)[M]>;
