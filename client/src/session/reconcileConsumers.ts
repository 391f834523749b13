import { type ConsumeContext, consumePlan } from '../lib/consumePolicy';
import type { MeetingState } from '../lib/meetingState';
import type { MediaSession } from './MediaSession';

/**
 * Brings the consumers in line with the consume policy: what to receive, paused or not, which
 * simulcast layer. One pass; failures are logged and the next pass (any push) tries again.
 */
export async function reconcileConsumers(
  media: MediaSession,
  state: MeetingState,
  visibleSiteIds: ReadonlySet<string>,
): Promise<void> {
  const spotlight = state.floor.spotlight;
  const ctx: ConsumeContext = {
    role: state.you.role,
    myPeerId: state.you.peerId,
    chairAccountId: state.meeting.chairId,
    holderSiteId: state.floor.holder?.siteId ?? null,
    spotlightSiteId:
      spotlight.kind === 'site' ? spotlight.siteId : (state.floor.holder?.siteId ?? null),
    visibleSiteIds,
  };
  const plan = consumePlan(state.producers, ctx);
  const jobs: Promise<unknown>[] = [];
  for (const p of state.producers) {
    const intent = plan.get(p.producerId);
    const existing = media.consumerFor(p.producerId);
    if (!intent) {
      if (existing && !existing.paused) jobs.push(media.pause(p.producerId));
      continue;
    }
    if (!existing) {
      jobs.push(media.consume(p, intent));
      continue;
    }
    if (intent.spatialLayer !== null) jobs.push(media.setLayer(p.producerId, intent.spatialLayer));
    if (intent.active && existing.paused) jobs.push(media.resume(p.producerId));
    if (!intent.active && !existing.paused) jobs.push(media.pause(p.producerId));
  }
  const results = await Promise.allSettled(jobs);
  for (const r of results) if (r.status === 'rejected') console.warn('[giaoban] media', r.reason);
}
