import type { BriefingRecord } from '../../records/MeetingRecord';
import type { MeetingProjection } from '../MeetingProjection';

/** The briefing part of a meeting's record (pure, from the projection); undefined when empty. */
export function briefingRecord(p: MeetingProjection): BriefingRecord | undefined {
  const b = p.briefing;
  const out: BriefingRecord = {};
  if (b.request) {
    out.reports = {
      deadline: b.request.deadline,
      rows: p.meeting.siteIds.map((siteId) => {
        const r = b.reports.get(siteId);
        return {
          siteId,
          name: p.siteName(siteId),
          status: b.reportStatus(siteId),
          ...(r ? { submittedAt: r.firstAt, ...(r.version > 1 ? { amendedAt: r.at } : {}) } : {}),
        };
      }),
    };
  }
  if (b.votes.size) {
    out.votes = [...b.votes.values()].map((v) => ({
      ...(v.itemId ? { itemId: v.itemId } : {}),
      question: v.question,
      options: [...v.options],
      secret: v.secret,
      openedAt: v.openedAt,
      ...(v.closedAt ? { closedAt: v.closedAt } : {}),
      expected: v.expectedSiteIds.length,
      tally: [...v.tally],
      ...(v.secret
        ? {}
        : {
            ballots: [...v.bySite].map(([siteId, x]) => ({
              siteName: p.siteName(siteId),
              option: x.option,
            })),
          }),
    }));
  }
  if (b.opinions.size) {
    out.opinions = [...b.opinions.values()].map((o) => ({
      ...(o.itemId ? { itemId: o.itemId } : {}),
      siteName: p.siteName(o.siteId),
      at: o.at,
      text: o.text,
      readOut: o.readAt !== null,
    }));
  }
  if (b.documents.size) {
    out.documents = [...b.documents.values()].map((d) => ({
      ...(d.itemId ? { itemId: d.itemId } : {}),
      name: d.name,
      sha256: d.file.sha256,
      openedBySites: d.opens.size,
    }));
  }
  return Object.keys(out).length ? out : undefined;
}
