import { useSyncExternalStore } from 'react';
import type { MeetingSession, SessionView } from '../session/MeetingSession';
import { useMeetingSession } from './useMeetingSession';

/** Live view of the meeting: connection, server state, local media, quality. */
export function useMeeting(): SessionView & { session: MeetingSession } {
  const session = useMeetingSession();
  const view = useSyncExternalStore(session.subscribe, session.view);
  return { ...view, session };
}
