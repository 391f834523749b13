import { useContext } from 'react';
import type { MeetingSession } from '../session/MeetingSession';
import { MeetingSessionContext } from './MeetingSessionContext';

/** The meeting session of the current screen. */
export function useMeetingSession(): MeetingSession {
  const s = useContext(MeetingSessionContext);
  if (!s) throw new Error('MeetingSessionContext missing');
  return s;
}
