import type { MeetingState } from '@giaoban/shared';
import type { useAction } from '../hooks/useAction';
import type { useConfirm } from '../hooks/useConfirm';
import { useMeeting } from '../hooks/useMeeting';
import { useT } from '../hooks/useT';

type TransitionKey = 'chair.openMeeting' | 'chair.startSession' | 'chair.adjourn' | 'chair.close';

/**
 * The chair's next steps per state. "End the meeting" is offered while in session too: the hub
 * closes only from adjourned, so the client adjourns first; the chair clicks once (and confirms).
 */
const NEXT_STATES: Partial<Record<MeetingState, { to: MeetingState; key: TransitionKey }[]>> = {
  scheduled: [{ to: 'open', key: 'chair.openMeeting' }],
  open: [{ to: 'in_session', key: 'chair.startSession' }],
  in_session: [
    { to: 'adjourned', key: 'chair.adjourn' },
    { to: 'closed', key: 'chair.close' },
  ],
  adjourned: [
    { to: 'in_session', key: 'chair.startSession' },
    { to: 'closed', key: 'chair.close' },
  ],
};

/** Meeting state, transitions, mute all, lock, recording, screen share, roll-call, own microphone. */
export function ChairToolbar({
  action,
  confirm,
}: {
  action: ReturnType<typeof useAction>;
  confirm: ReturnType<typeof useConfirm>;
}) {
  const t = useT();
  const { state, session, local } = useMeeting();
  if (!state) return null;
  const meetingState = state.meeting.state;
  const ended = meetingState === 'closed';
  const transitions = NEXT_STATES[meetingState] ?? [];
  const off = action.busy || ended;

  const transition = (to: MeetingState) =>
    action.run(async () => {
      if (to === 'closed') {
        const ok = await confirm.ask({
          title: t('chair.confirmClose'),
          body: t('chair.confirmCloseBody'),
          confirmLabel: t('chair.close'),
          testId: 'confirm-close',
        });
        if (!ok) return;
        if (session.view().state?.meeting.state === 'in_session')
          await session.act('meeting:transition', { to: 'adjourned' });
      }
      return session.act('meeting:transition', { to });
    });

  const muteAll = () =>
    action.run(async () => {
      const ok = await confirm.ask({
        title: t('chair.confirmMuteAll'),
        body: t('chair.confirmMuteAllBody'),
        confirmLabel: t('chair.muteAll'),
        testId: 'confirm-mute-all',
      });
      if (ok) return session.act('moderation:muteAll', {});
    });

  const recording = state.meeting.recording?.on ?? false;
  // The hub records from the session's start until the close (adjourned keeps the file going).
  const canRecord = meetingState === 'in_session' || meetingState === 'adjourned';
  const toggleRecording = () =>
    action.run(async () => {
      if (recording) {
        const ok = await confirm.ask({
          title: t('chair.confirmRecordStop'),
          body: t('chair.confirmRecordStopBody'),
          confirmLabel: t('chair.recordStop'),
          testId: 'confirm-record-stop',
        });
        if (!ok) return;
      }
      return session.act('recording:set', { on: !recording });
    });

  const toggleShare = () =>
    action.run(async () => {
      if (local.sharing) return session.shareScreen(null);
      const stream = await navigator.mediaDevices.getDisplayMedia({
        video: { frameRate: 15 },
        audio: false,
      });
      const track = stream.getVideoTracks()[0];
      if (track) await session.shareScreen(track);
    });

  return (
    <div className="toolbar chair-toolbar" role="toolbar" aria-label={t('chair.meetingControl')}>
      <span className={`badge state-${meetingState}`} data-testid="meeting-state">
        {t(`state.${meetingState}`)}
      </span>
      {transitions.map((tr) => (
        <button
          key={tr.to}
          type="button"
          className={`btn ${tr.to === 'closed' ? 'btn-danger-outline' : 'btn-primary'}`}
          data-testid={`transition-${tr.to}`}
          disabled={action.busy}
          onClick={() => void transition(tr.to)}
        >
          {t(tr.key)}
        </button>
      ))}
      <button
        type="button"
        className="btn btn-danger"
        data-testid="mute-all"
        disabled={off}
        onClick={() => void muteAll()}
      >
        {t('chair.muteAll')}
      </button>
      <button
        type="button"
        className={`btn ${state.meeting.locked ? 'active' : ''}`}
        aria-pressed={state.meeting.locked}
        data-testid="lock-meeting"
        data-locked={String(state.meeting.locked)}
        disabled={off}
        onClick={() =>
          void action.run(() => session.act('moderation:lock', { locked: !state.meeting.locked }))
        }
      >
        {state.meeting.locked ? t('chair.unlock') : t('chair.lock')}
      </button>
      <button
        type="button"
        className={`btn ${recording ? 'btn-danger' : ''}`}
        aria-pressed={recording}
        data-testid="record-toggle"
        data-recording={String(recording)}
        disabled={action.busy || !canRecord}
        onClick={() => void toggleRecording()}
      >
        {recording ? t('chair.recordStop') : t('chair.recordStart')}
      </button>
      <button
        type="button"
        className="btn"
        data-testid="share-screen"
        data-sharing={String(local.sharing)}
        disabled={off}
        onClick={() => void toggleShare()}
      >
        {local.sharing ? t('media.stopShare') : t('media.shareScreen')}
      </button>
      <button
        type="button"
        className={`btn ${local.micOn ? 'btn-danger' : ''}`}
        data-testid="toggle-mic"
        disabled={ended}
        onClick={() => void action.run(() => session.setMic(!local.micOn))}
      >
        {/* "Tắt micrô" beside "Tắt micrô tất cả" read as muting a ward: say whose. */}
        {local.micOn ? t('chair.ownMic.mute') : t('chair.ownMic.unmute')}
      </button>
    </div>
  );
}
