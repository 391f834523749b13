import type { FloorHolder } from '@giaoban/shared';
import { useMeeting } from '../hooks/useMeeting';
import { useNow } from '../hooks/useNow';
import { useT } from '../hooks/useT';
import { speakingTimer } from '../lib/floorQueue';
import { serverNow } from '../lib/meetingState';
import { formatDuration } from '../lib/text';

/**
 * The speaking site's own countdown, in the hub's time (grantedAt + limit, corrected by the
 * snapshot's server time): amber with a warning in the last minute, so it is never cut off at
 * 5:00 without notice.
 */
export function SpeakingCountdown({ holder }: { holder: FloorHolder }) {
  const t = useT();
  const { state } = useMeeting();
  const now = useNow(500);
  if (!state) return null;
  const timer = speakingTimer(holder, serverNow(state, now));
  if (timer.remainingMs === null) {
    return (
      <p className="countdown" data-testid="speaking-countdown" data-state="ok">
        {t('floor.noLimit')}
      </p>
    );
  }
  // Whole seconds rounded up, as a countdown reads: 4:00 at the grant, 0:01 in the last second.
  const time = formatDuration(Math.max(0, Math.ceil(timer.remainingMs / 1000) * 1000));
  return (
    <p
      className={`countdown countdown-${timer.state}`}
      data-testid="speaking-countdown"
      data-state={timer.state}
      data-remaining={Math.max(0, Math.ceil(timer.remainingMs / 1000))}
      role={timer.state === 'ok' ? undefined : 'alert'}
    >
      {timer.state === 'over'
        ? t('floor.timeUp')
        : timer.state === 'warning'
          ? t('floor.remainingWarning', { time })
          : t('floor.remaining', { time })}
    </p>
  );
}
