import { useSyncExternalStore } from 'react';
import type { MeetingSession } from '../session/MeetingSession';

const noop = () => () => {};

/**
 * The meeting is over for this browser: it ended (closed by the chair) or this site was removed.
 * Usable above the session's context (the route owns the session and the devices).
 */
export function useSessionOver(session: MeetingSession | null): boolean {
  return useSyncExternalStore(session?.subscribe ?? noop, () => {
    const v = session?.view();
    if (!v) return false;
    return (
      v.connection.status === 'ended' ||
      v.connection.status === 'removed' ||
      v.state?.meeting.state === 'closed' ||
      v.state?.removed != null
    );
  });
}
