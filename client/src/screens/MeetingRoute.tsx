import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { useServices } from '../AppContext';
import { AudioSink } from '../components/AudioSink';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { Header } from '../components/Header';
import { MeetingEnded } from '../components/MeetingEnded';
import { registerDebugSession } from '../debug';
import { MeetingSessionContext } from '../hooks/MeetingSessionContext';
import { errorMessage } from '../hooks/useAction';
import { useAuth } from '../hooks/useAuth';
import { useMediaDevices } from '../hooks/useMediaDevices';
import { navigate } from '../hooks/useRoute';
import { useSessionOver } from '../hooks/useSessionOver';
import { useT } from '../hooks/useT';
import { MeetingSession } from '../session/MeetingSession';
import { ChairConsole } from './ChairConsole';
import { Lobby } from './Lobby';
import { SiteView } from './SiteView';

const SecretaryConsole = lazy(() => import('./SecretaryConsole'));

/**
 * One meeting, from the lobby to the role's screen. The session and the local devices live here,
 * so moving from the lobby to the meeting keeps the same transports and tracks.
 */
export function MeetingRoute({ meetingId }: { meetingId: string }) {
  const t = useT();
  const { auth } = useServices();
  const session = useAuth();
  const role = session?.grant.role ?? 'observer';
  const produces = role === 'site' || role === 'chair' || role === 'admin';
  const [meeting, setMeeting] = useState<MeetingSession | null>(null);
  // Once the meeting is over for this browser (ended, removed), the camera and mic are released.
  const over = useSessionOver(meeting);
  const devices = useMediaDevices(role === 'site' ? 'site' : 'chair', produces && !over);
  // The language may change while connected; the session must not restart for that.
  const tRef = useRef(t);
  tRef.current = t;
  const [phase, setPhase] = useState<'lobby' | 'in'>('lobby');
  const [startError, setStartError] = useState<string | null>(null);

  // The session is created in the effect (not in render) so StrictMode's mount/unmount/mount
  // leaves one live session and cleanly leaves the other.
  useEffect(() => {
    const m = new MeetingSession({ meetingId, auth });
    let alive = true;
    setMeeting(m);
    setStartError(null);
    m.start().catch((err) => alive && setStartError(errorMessage(tRef.current, err)));
    const unregister = registerDebugSession(m);
    return () => {
      alive = false;
      unregister();
      void m.leave();
    };
  }, [meetingId, auth]);

  // Keep the session's tracks in line with the chosen devices, in the lobby and after joining
  // (a device switch, or a camera that only became ready after the user pressed Join).
  const publishing = useRef(false);
  const { audioTrack, videoTrack } = devices;
  const publish = useCallback(async () => {
    if (!meeting || !produces) return;
    publishing.current = true;
    await meeting.publish({ mic: audioTrack, camera: videoTrack });
  }, [meeting, produces, audioTrack, videoTrack]);
  useEffect(() => {
    if (!meeting || !publishing.current) return;
    void meeting.replaceTrack('camera', videoTrack).catch(() => {});
    void meeting.replaceTrack('mic', audioTrack).catch(() => {});
  }, [meeting, audioTrack, videoTrack]);

  // Stop the camera and microphone when leaving the meeting screen.
  useEffect(
    () => () => {
      for (const tr of devices.stream?.getTracks() ?? []) tr.stop();
    },
    [devices.stream],
  );

  if (!meeting) return <p role="status">{t('app.loading')}</p>;
  // The hub refused the join because the meeting is over or this site was removed: say that,
  // as the end screen does, not as an error to retry.
  const refused = meeting.view().connection.status;
  if (startError && !meeting.view().state && (refused === 'ended' || refused === 'removed'))
    return <MeetingEnded reason={refused} />;
  if (startError) {
    return (
      <div className="page">
        <Header />
        <main id="main" className="content">
          <div className="panel">
            <p className="error" role="alert" data-testid="meeting-error">
              {startError}
            </p>
            <button type="button" className="btn" onClick={() => navigate({ name: 'home' })}>
              {t('app.back')}
            </button>
          </div>
        </main>
      </div>
    );
  }

  return (
    <MeetingSessionContext.Provider value={meeting}>
      {phase === 'lobby' ? (
        <Lobby
          devices={devices}
          produces={produces}
          publish={publish}
          onJoin={() => setPhase('in')}
        />
      ) : (
        <>
          <ConnectionBannerSlot />
          <AudioSink />
          {role === 'site' ? (
            <SiteView devices={devices} />
          ) : role === 'chair' || role === 'admin' ? (
            <ChairConsole devices={devices} />
          ) : (
            <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
              <SecretaryConsole />
            </Suspense>
          )}
        </>
      )}
    </MeetingSessionContext.Provider>
  );
}

function ConnectionBannerSlot() {
  return (
    <div className="banner-slot">
      <ConnectionBanner />
    </div>
  );
}
