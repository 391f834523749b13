import { useEffect, useRef, useState } from 'react';
import { LobbyBriefing } from '../briefing/BriefingPanels';
import { Header } from '../components/Header';
import { MicMeter } from '../components/MicMeter';
import { VideoView } from '../components/VideoView';
import { useAction } from '../hooks/useAction';
import { type MediaDevicesState, NO_DEVICE } from '../hooks/useMediaDevices';
import { useMeeting } from '../hooks/useMeeting';
import { useT } from '../hooks/useT';
import type { SelectedPair } from '../session/MediaSession';

type Check = { status: 'idle' | 'checking' | 'done' | 'failed'; pair?: SelectedPair | null };

/**
 * Pre-join: devices with a live preview and a level meter, then a connectivity check that uses the
 * real send transport (so joining reuses it): UDP, TCP only, or no media path at all.
 */
export function Lobby({
  devices,
  produces,
  publish,
  onJoin,
}: {
  devices: MediaDevicesState;
  produces: boolean;
  /** Sends the chosen devices' tracks (kept in sync by MeetingRoute afterwards). */
  publish: () => Promise<void>;
  onJoin: () => void;
}) {
  const t = useT();
  const { state, connection, session } = useMeeting();
  const [check, setCheck] = useState<Check>({ status: 'idle' });
  const join = useAction();
  const ready = state !== null && connection.status === 'connected';
  // A ward may open its link once the meeting is scheduled (its report, the documents, a
  // connectivity check); it enters when the chair opens the meeting.
  const notOpen = state?.you.role === 'site' && state.meeting.state === 'scheduled';

  const runCheck = async () => {
    setCheck({ status: 'checking' });
    try {
      if (produces) await publish();
      const pair = await session.connectivityCheck(produces ? 15_000 : 4_000);
      setCheck({ status: pair ? 'done' : produces ? 'failed' : 'idle', pair });
    } catch (err) {
      console.warn('[giaoban] connectivity', err);
      setCheck({ status: 'failed', pair: null });
    }
  };

  // Run the check once the meeting is joined and the devices settled (or none are needed).
  const started = useRef(false);
  useEffect(() => {
    if (started.current || !ready || devices.busy) return;
    if (produces && !devices.stream && !devices.error) return;
    started.current = true;
    void runCheck();
  });

  const checkText =
    check.status === 'checking'
      ? t('lobby.connectivity.checking')
      : check.status === 'failed'
        ? t('lobby.connectivity.failed')
        : check.status === 'done' && check.pair
          ? t(check.pair.protocol === 'udp' ? 'lobby.connectivity.udp' : 'lobby.connectivity.tcp')
          : t('lobby.connectivity.idle');
  const checkResult = check.status === 'done' && check.pair ? check.pair.protocol : check.status;

  return (
    <div className="page">
      <Header title={state?.meeting.title ?? t('lobby.title')} />
      <main id="main" className="content lobby">
        <h1>{t('lobby.title')}</h1>
        {state && (
          <p data-testid="lobby-meeting-state">
            {t('lobby.meetingState', { state: t(`state.${state.meeting.state}`) })}
          </p>
        )}
        <div className="lobby-grid">
          {produces && (
            <section className="panel" aria-labelledby="devices-title">
              <h2 id="devices-title" className="sr-only">
                {t('lobby.preview')}
              </h2>
              <VideoView
                track={devices.videoTrack}
                mirror
                testId="lobby-preview"
                label={t('lobby.preview')}
                className="preview"
              />
              {devices.error && (
                <div className="error" role="alert" data-testid="device-error">
                  {t('lobby.permissionDenied')}
                  <button
                    type="button"
                    className="btn"
                    onClick={devices.retry}
                    data-testid="device-retry"
                  >
                    {t('lobby.retryDevices')}
                  </button>
                </div>
              )}
              <label>
                {t('lobby.camera')}
                <select
                  value={devices.cameraId}
                  onChange={(e) => devices.setCameraId(e.target.value)}
                  data-testid="camera-select"
                >
                  <option value="">{devices.cameras[0]?.label || t('lobby.camera')}</option>
                  {devices.cameras.slice(1).map((d) => (
                    <option key={d.deviceId} value={d.deviceId}>
                      {d.label || d.deviceId.slice(0, 8)}
                    </option>
                  ))}
                  <option value={NO_DEVICE}>{t('lobby.noCamera')}</option>
                </select>
              </label>
              <label>
                {t('lobby.microphone')}
                <select
                  value={devices.microphoneId}
                  onChange={(e) => devices.setMicrophoneId(e.target.value)}
                  data-testid="mic-select"
                >
                  <option value="">{devices.microphones[0]?.label || t('lobby.microphone')}</option>
                  {devices.microphones.slice(1).map((d) => (
                    <option key={d.deviceId} value={d.deviceId}>
                      {d.label || d.deviceId.slice(0, 8)}
                    </option>
                  ))}
                  <option value={NO_DEVICE}>{t('lobby.noMicrophone')}</option>
                </select>
              </label>
              <MicMeter track={devices.audioTrack} />
            </section>
          )}
          <section className="panel" aria-labelledby="conn-title">
            <h2 id="conn-title">{t('lobby.connectivity')}</h2>
            <p
              className={`check check-${checkResult}`}
              data-testid="connectivity-status"
              data-result={checkResult}
              role="status"
            >
              {check.status === 'checking' && <span className="spinner" aria-hidden="true" />}
              {check.status === 'done' && check.pair?.protocol === 'udp' && '✓ '}
              {check.status === 'failed' && '✗ '}
              {checkText}
            </p>
            {check.pair?.rttMs != null && (
              <p className="muted">{t('lobby.connectivity.rtt', { ms: check.pair.rttMs })}</p>
            )}
            <button
              type="button"
              className="btn"
              onClick={() => void runCheck()}
              disabled={!ready || check.status === 'checking'}
              data-testid="connectivity-run"
            >
              ⟳ {t('lobby.connectivityRun')}
            </button>
            <hr />
            {join.error && (
              <p className="error" role="alert">
                {join.error}
              </p>
            )}
            <button
              type="button"
              className="btn btn-primary btn-large btn-block"
              data-testid="join-button"
              disabled={!ready || join.busy || notOpen}
              onClick={() =>
                void join.run(async () => {
                  if (produces) await publish();
                  // Only now does the hub count the site as present (the lobby is not attendance).
                  // Receiving may already run from the lobby's socket, so the first frame of the
                  // chair does not wait for the enter round trip.
                  const entering = session.enter();
                  onJoin();
                  await Promise.all([entering, session.receive()]);
                })
              }
            >
              {join.busy
                ? t('lobby.joining')
                : !ready
                  ? t('conn.connecting')
                  : notOpen
                    ? t('lobby.notOpenYet')
                    : t('lobby.join')}
            </button>
          </section>
          {/* After the join panel: joining stays in view; the report and documents come next. */}
          <LobbyBriefing />
        </div>
      </main>
    </div>
  );
}
