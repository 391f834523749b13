import { createContext } from 'react';
import type { MeetingSession } from '../session/MeetingSession';

/** The meeting session of the current screen (provided by MeetingRoute). */
export const MeetingSessionContext = createContext<MeetingSession | null>(null);
