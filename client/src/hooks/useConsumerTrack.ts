import type { PeerRef } from '../lib/peers';
import { usePeerMedia } from './usePeerMedia';

/** Just the track (null while not received, or while its sender paused it). */
export function useConsumerTrack(
  who: PeerRef | null,
  source: string,
  kind: 'audio' | 'video' = 'video',
): MediaStreamTrack | null {
  return usePeerMedia(who, source, kind).track;
}
