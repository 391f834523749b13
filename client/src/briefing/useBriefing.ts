import type { BriefingView, ReportBoard, Role, SiteReportView } from '@giaoban/shared';
import { useEffect, useSyncExternalStore } from 'react';
import { useServices } from '../AppContext';
import type { ApiClient } from '../api';
import { useMeetingSession } from '../hooks/useMeetingSession';
import type { MeetingSession } from '../session/MeetingSession';
import { BriefingStore } from './BriefingStore';

const stores = new WeakMap<MeetingSession, BriefingStore>();
const wired = new WeakSet<MeetingSession>();

const STAFF: readonly Role[] = ['admin', 'chair', 'secretary', 'observer'];

/**
 * Loads the briefing over REST on every (re)join and folds the pushes, once per session however
 * many panels show it (a site screen has six: one GET each per join would be six for every ward).
 * A load that a push overtook is stale (the hub answered before the change the push tells):
 * it is dropped and asked again.
 */
function wire(session: MeetingSession, api: ApiClient, role: Role, s: BriefingStore) {
  const base = `/api/meetings/${encodeURIComponent(session.meetingId)}`;
  const office = STAFF.includes(role) && role !== 'observer';
  const load = async (attempt = 0): Promise<void> => {
    const mark = s.mark();
    try {
      const [view, board, report] = await Promise.all([
        api.call<BriefingView>('GET', `${base}/briefing`),
        office ? api.call<ReportBoard>('GET', `${base}/reports`) : null,
        role === 'site' ? api.call<SiteReportView>('GET', `${base}/reports/mine`) : null,
      ]);
      if (!s.load(view, { board, report }, mark) && attempt < 3) await load(attempt + 1);
    } catch {
      // Shown as "not loaded"; the next join retries.
    }
  };
  session.on('push', (event, payload) => s.apply(event, payload));
  session.on('joined', () => void load());
  void load();
}

/**
 * The briefing state of the current meeting session (lobby sockets included), kept current by
 * the pushes. One store per session, shared by the panels.
 */
export function useBriefing(role: Role | undefined) {
  const session = useMeetingSession();
  const { api } = useServices();
  let store = stores.get(session);
  if (!store) {
    store = new BriefingStore();
    stores.set(session, store);
  }
  const s = store;
  useEffect(() => {
    // Wired by the first caller that knows its role (what it may load depends on it).
    if (!role || wired.has(session)) return;
    wired.add(session);
    wire(session, api, role, s);
  }, [session, api, role, s]);
  const state = useSyncExternalStore(s.subscribe, s.get);
  return { ...state, store: s, session, api };
}
