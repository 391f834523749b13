import { useMeeting } from '../hooks/useMeeting';
import { useT } from '../hooks/useT';

/**
 * "Đang ghi hình" on every screen of the meeting while it is recorded (sites see that they are
 * recorded), and, when the hub stopped it by itself (archive disk full, recorder failed), why.
 */
export function RecordingIndicator() {
  const t = useT();
  const { state } = useMeeting();
  const rec = state?.meeting.recording;
  if (!rec) return null;
  if (rec.on)
    return (
      <span
        className="badge badge-recording"
        role="status"
        data-testid="recording-indicator"
        data-on="true"
      >
        <span className="rec-dot" aria-hidden="true" />
        {t('recording.on')}
      </span>
    );
  if (rec.stopReason === 'disk_full' || rec.stopReason === 'recorder_failed')
    return (
      <span
        className="badge badge-recording-failed"
        role="alert"
        data-testid="recording-indicator"
        data-on="false"
        data-reason={rec.stopReason}
      >
        {t(rec.stopReason === 'disk_full' ? 'recording.diskFull' : 'recording.failed')}
      </span>
    );
  return null;
}
