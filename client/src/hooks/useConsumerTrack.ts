import { useMemo } from 'react';
import { type PeerRef, peerMatches } from '../lib/peers';
import { useMeeting } from './useMeeting';

/**
 * The received track of a site's or a person's source (e.g. site 00004's camera), or null while
 * it is not received. Re-evaluated when consumers change (`mediaVersion`).
 */
export function useConsumerTrack(
  who: PeerRef | null,
  source: string,
  kind: 'audio' | 'video' = 'video',
) {
  const { session, mediaVersion, state } = useMeeting();
  // Primitive inputs, so a new `who` object each render does not defeat the memo.
  const siteId = who && 'siteId' in who ? who.siteId : null;
  const accountId = who && 'accountId' in who ? who.accountId : null;
  const producers = state?.producers;
  return useMemo(() => {
    const ref: PeerRef | null = siteId ? { siteId } : accountId ? { accountId } : null;
    if (!ref || !producers || mediaVersion < 0) return null;
    const producer = producers.find(
      (p) => p.source === source && p.kind === kind && peerMatches(p.peerId, ref),
    );
    if (!producer) return null;
    const entry = session.media?.consumerFor(producer.producerId);
    return entry && !entry.paused ? entry.consumer.track : null;
  }, [siteId, accountId, source, kind, session, mediaVersion, producers]);
}
