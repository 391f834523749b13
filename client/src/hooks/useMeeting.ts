import { createContext, useContext, useSyncExternalStore } from 'react';
import type { MeetingSession, SessionView } from '../media/MeetingSession';

export const MeetingSessionContext = createContext<MeetingSession | null>(null);

/** The meeting session of the current screen. */
export function useMeetingSession(): MeetingSession {
  const s = useContext(MeetingSessionContext);
  if (!s) throw new Error('MeetingSessionContext missing');
  return s;
}

/** Live view of the meeting: connection, server state, local media, quality. */
export function useMeeting(): SessionView & { session: MeetingSession } {
  const session = useMeetingSession();
  const view = useSyncExternalStore(session.subscribe, session.view);
  return { ...view, session };
}
