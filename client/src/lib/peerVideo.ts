import type { ProducerInfo } from '@giaoban/shared';
import { type PeerRef, peerMatches } from './peers';

/**
 * What a video tile shows for one peer's source: its picture, "camera off" (the producer is
 * paused: never the last frame frozen under a "speaking" caption), "no video" (nothing sent), or
 * "waiting" (sent, not received yet).
 */
export type PeerVideoState = 'live' | 'cameraOff' | 'none' | 'waiting';

export function findProducer(
  producers: readonly ProducerInfo[],
  who: PeerRef,
  source: string,
  kind: 'audio' | 'video' = 'video',
): ProducerInfo | undefined {
  return producers.find(
    (p) => p.source === source && p.kind === kind && peerMatches(p.peerId, who),
  );
}

export function peerVideoState(
  producer: ProducerInfo | undefined,
  received: boolean,
): PeerVideoState {
  if (!producer) return 'none';
  if (producer.paused) return 'cameraOff';
  return received ? 'live' : 'waiting';
}
