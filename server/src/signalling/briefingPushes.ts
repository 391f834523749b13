import type { MeetingEventEntry } from '@giaoban/shared';
import type { BriefingEffects } from '../domain/briefing/BriefingState';
import type { MeetingProjection } from '../domain/MeetingProjection';
import type { Audience, Push, S2CEvent, S2CPayload } from './pushesFor';

const ALL: Audience = { to: 'all' };
const STAFF: Audience = { to: 'staff' };
const NON_STAFF: Audience = { to: 'nonStaff' };
const siteSockets = (siteId: string): Audience => ({ to: 'siteSockets', siteId });
const push = <E extends S2CEvent>(audience: Audience, event: E, payload: S2CPayload<E>): Push =>
  ({ audience, event, payload }) as Push;

/**
 * The pushes of a briefing entry (reports, documents, votes, opinions, notice), pure like
 * `pushesFor`. Sites never get another site's ballot, opinion or report; live tallies go to
 * staff only, sites get a vote when it opens and its result when it closes.
 */
export function briefingPushes(
  entry: MeetingEventEntry,
  p: MeetingProjection,
  fx: BriefingEffects | undefined,
): Push[] {
  if (!fx) return [];
  const b = p.briefing;
  const out: Push[] = [];
  const at = entry.at;
  if (fx.report) {
    out.push(
      push(
        STAFF,
        'report:board',
        b.board(p.meeting.siteIds, (s) => ({ code: p.siteCode(s), name: p.siteName(s) })),
      ),
    );
    const ids = fx.report.siteIds === 'all' ? p.meeting.siteIds : fx.report.siteIds;
    // Lobby sockets too: a site reports before it enters the meeting.
    for (const s of ids) out.push(push(siteSockets(s), 'report:updated', b.siteReport(s, at)));
  }
  if (fx.documents) {
    out.push(push(STAFF, 'documents:updated', { documents: b.documentViews(true) }));
    // An open only changes the staff's "opened by" list.
    if (entry.type !== 'document.open')
      out.push(push(NON_STAFF, 'documents:updated', { documents: b.documentViews(false) }));
  }
  if (fx.presentation) out.push(push(ALL, 'document:presented', { presentation: b.presentation }));
  if (fx.vote) {
    const staffView = b.voteView(fx.vote, { staff: true });
    if (staffView) out.push(push(STAFF, 'vote:updated', staffView));
    if (entry.type !== 'vote.answer') {
      const siteView = b.voteView(fx.vote, { staff: false });
      if (siteView) out.push(push(NON_STAFF, 'vote:updated', siteView));
    }
  }
  if (fx.opinion) {
    const o = b.opinions.get(fx.opinion);
    if (o) {
      out.push(push(STAFF, 'opinion:updated', o));
      out.push(push({ to: 'site', siteId: o.siteId }, 'opinion:updated', o));
    }
  }
  if (fx.notice) out.push(push(ALL, 'notice:updated', { notice: b.notice }));
  return out;
}
