import { serverNow } from '../lib/meetingState';
import { useMeeting } from './useMeeting';
import { useNow } from './useNow';

/** The current (or last) roll-call, this site's answer, the time left, and the actions. */
export function useRollCall() {
  const { state, session } = useMeeting();
  const now = useNow();
  const rc = state?.rollCall ?? null;
  const open = rc !== null && !rc.closedAt;
  const remainingMs = rc && open && state ? Date.parse(rc.deadline) - serverNow(state, now) : null;
  const siteId = state?.you.siteId;
  return {
    rollCall: rc,
    open: open && (remainingMs ?? 1) > 0,
    remainingMs,
    myAnswer: rc && siteId ? (rc.answers.find((a) => a.siteId === siteId) ?? null) : null,
    expectsMe: rc !== null && siteId !== undefined && rc.expectedSiteIds.includes(siteId),
    answer: (headcount: number) =>
      session.act('rollcall:answer', { rollCallId: rc!.id, headcount }),
    start: (deadlineSeconds: number) => session.act('rollcall:start', { deadlineSeconds }),
    close: () => session.act('rollcall:close', { rollCallId: rc!.id }),
  };
}
