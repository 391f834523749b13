import type { Role } from '@giaoban/shared';
import { useEffect, useSyncExternalStore } from 'react';
import { useServices } from '../AppContext';
import { useMeetingSession } from '../hooks/useMeetingSession';
import type { MeetingSession } from '../session/MeetingSession';
import { BriefingStore } from './BriefingStore';

const stores = new WeakMap<MeetingSession, BriefingStore>();

const STAFF: readonly Role[] = ['admin', 'chair', 'secretary', 'observer'];

/**
 * The briefing state of the current meeting session: loaded over REST on every (re)join (lobby
 * sockets included), kept current by the pushes. One store per session, shared by the panels.
 */
export function useBriefing(role: Role) {
  const session = useMeetingSession();
  const { api } = useServices();
  let store = stores.get(session);
  if (!store) {
    store = new BriefingStore();
    stores.set(session, store);
  }
  const s = store;
  useEffect(() => {
    const base = `/api/meetings/${encodeURIComponent(session.meetingId)}`;
    const staff = STAFF.includes(role);
    const office = staff && role !== 'observer';
    let alive = true;
    const load = async () => {
      try {
        const [view, board, report] = await Promise.all([
          api.call<import('@giaoban/shared').BriefingView>('GET', `${base}/briefing`),
          office ? api.call<import('@giaoban/shared').ReportBoard>('GET', `${base}/reports`) : null,
          role === 'site'
            ? api.call<import('@giaoban/shared').SiteReportView>('GET', `${base}/reports/mine`)
            : null,
        ]);
        if (alive) s.load(view, { board, report });
      } catch {
        // Shown as "not loaded"; the next join retries.
      }
    };
    void load();
    const offPush = session.on('push', (event, payload) => s.apply(event, payload));
    const offJoined = session.on('joined', () => void load());
    return () => {
      alive = false;
      offPush();
      offJoined();
    };
  }, [session, api, role, s]);
  const state = useSyncExternalStore(s.subscribe, s.get);
  return { ...state, store: s, session, api };
}
