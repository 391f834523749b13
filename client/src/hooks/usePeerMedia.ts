import { useMemo } from 'react';
import type { PeerRef } from '../lib/peers';
import { findProducer, type PeerVideoState, peerVideoState } from '../lib/peerVideo';
import { useMeeting } from './useMeeting';

/**
 * The received track of a site's or a person's source (e.g. site 00004's camera) and what the
 * tile should show. A paused producer (camera turned off) yields no track, so the last decoded
 * frame is never left on screen. Re-evaluated when consumers change (`mediaVersion`).
 */
export function usePeerMedia(
  who: PeerRef | null,
  source: string,
  kind: 'audio' | 'video' = 'video',
): { track: MediaStreamTrack | null; state: PeerVideoState } {
  const { session, mediaVersion, state } = useMeeting();
  // Primitive inputs, so a new `who` object each render does not defeat the memo.
  const siteId = who && 'siteId' in who ? who.siteId : null;
  const accountId = who && 'accountId' in who ? who.accountId : null;
  const producers = state?.producers;
  return useMemo(() => {
    const ref: PeerRef | null = siteId ? { siteId } : accountId ? { accountId } : null;
    if (!ref || !producers || mediaVersion < 0) return { track: null, state: 'none' as const };
    const producer = findProducer(producers, ref, source, kind);
    const entry = producer ? session.media?.consumerFor(producer.producerId) : undefined;
    const track =
      producer && !producer.paused && entry && !entry.paused ? entry.consumer.track : null;
    return { track, state: peerVideoState(producer, track !== null) };
  }, [siteId, accountId, source, kind, session, mediaVersion, producers]);
}
