import type { MediaSource } from '@giaoban/shared';
import type { MediaSession } from './MediaSession';

/**
 * Per-consumer receive stats (from each consumer's RTCRtpReceiver), for tests and support:
 * proves which site's or the chair's media this browser actually decodes.
 */
export async function inboundStats(media: MediaSession): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const c of media.consumers()) {
    const report = await c.consumer.getStats().catch(() => null);
    let inbound: Record<string, unknown> | null = null;
    report?.forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp') inbound = s;
    });
    const r = (inbound ?? {}) as Record<string, unknown>;
    out.push({
      consumerId: c.consumer.id,
      producerId: c.producerId,
      peerId: c.peerId,
      siteId: c.siteId,
      kind: c.kind,
      source: c.source,
      paused: c.paused,
      packetsReceived: r.packetsReceived ?? 0,
      bytesReceived: r.bytesReceived ?? 0,
      framesDecoded: r.framesDecoded ?? null,
      frameWidth: r.frameWidth ?? null,
      frameHeight: r.frameHeight ?? null,
      totalAudioEnergy: r.totalAudioEnergy ?? null,
      trackIdentifier: r.trackIdentifier ?? null,
    });
  }
  return out;
}

/** Transports, producers and consumers, for `window.__giaoban`. */
export function mediaDebug(media: MediaSession | null): Record<string, unknown> {
  return {
    transports: media?.connectionStates() ?? null,
    producers: media
      ? (['mic', 'camera', 'screen'] as MediaSource[])
          .map((s) => media.producer(s))
          .filter((p) => p !== undefined)
          .map((p) => ({
            id: p.id,
            kind: p.kind,
            source: (p.appData as { source?: string }).source,
            paused: p.paused,
          }))
      : [],
    consumers: (media?.consumers() ?? []).map((c) => ({
      consumerId: c.consumer.id,
      producerId: c.producerId,
      peerId: c.peerId,
      siteId: c.siteId,
      kind: c.kind,
      source: c.source,
      paused: c.paused,
      spatialLayer: c.spatialLayer,
      trackId: c.consumer.track.id,
      mid: c.consumer.rtpParameters.mid ?? null,
    })),
  };
}
