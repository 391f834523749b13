import { useState } from 'react';
import { SiteBriefing, StageBriefing } from '../briefing/BriefingPanels';
import { AgendaPanel } from '../components/AgendaPanel';
import { Header } from '../components/Header';
import { MeetingEnded } from '../components/MeetingEnded';
import { QualityIndicator } from '../components/QualityIndicator';
import { RecordingIndicator } from '../components/RecordingIndicator';
import { RollCallPrompt } from '../components/RollCallPrompt';
import { SpeakingCountdown } from '../components/SpeakingCountdown';
import { StageVideo } from '../components/StageVideo';
import { UnmutePrompt } from '../components/UnmutePrompt';
import { VideoView } from '../components/VideoView';
import { useAction } from '../hooks/useAction';
import { useFloor } from '../hooks/useFloor';
import type { MediaDevicesState } from '../hooks/useMediaDevices';
import { useMeeting } from '../hooks/useMeeting';
import { useT } from '../hooks/useT';
import { mayOpenMic, micLabel } from '../lib/micPolicy';
import { type PeerRef, parsePeerId } from '../lib/peers';

/** The agenda choice "general remark" (no item). */
const GENERAL = '';

/** The ward site's screen: the chair large, the floor holder spotlighted, slides, agenda, floor. */
export function SiteView({ devices }: { devices: MediaDevicesState }) {
  const t = useT();
  const { state, local, session, connection } = useMeeting();
  const floor = useFloor();
  const action = useAction();
  // null: not chosen, so the current item; GENERAL: a general remark, never filed under an item.
  const [itemChoice, setItemChoice] = useState<string | null>(null);
  if (!state) return null;
  if (connection.status === 'removed' || state.removed)
    return <MeetingEnded meeting={state.meeting} reason="removed" />;
  if (connection.status === 'ended' || state.meeting.state === 'closed')
    return <MeetingEnded meeting={state.meeting} reason="ended" />;
  const chairPeer: PeerRef = { accountId: state.meeting.chairId };
  const spotlightPeer: PeerRef | null =
    floor.spotlightSiteId && floor.spotlightSiteId !== state.you.siteId
      ? { siteId: floor.spotlightSiteId }
      : null;
  const screenProducer = state.producers.find((p) => p.source === 'screen');
  const screenOwner = screenProducer ? parsePeerId(screenProducer.peerId) : null;
  const screenPeer: PeerRef | null =
    screenOwner?.kind === 'site'
      ? { siteId: screenOwner.siteId }
      : screenOwner?.kind === 'user'
        ? { accountId: screenOwner.accountId }
        : null;
  // The holder is "speaking"; a site the chair put on the big screen without the floor is not.
  const spotlightCaption = t(
    floor.holder && floor.holder.siteId === floor.spotlightSiteId
      ? 'media.spotlight'
      : 'media.spotlightSite',
    { name: floor.spotlightName ?? floor.spotlightSiteId ?? '' },
  );
  const micText = t(micLabel(state, local.micOn));
  const mayOpen = mayOpenMic(state);
  const items = state.meeting.agenda.filter((i) => !i.endedAt);
  const currentItemId = state.meeting.currentItemId;
  const chosenItem =
    itemChoice ?? (items.some((i) => i.id === currentItemId) ? currentItemId! : GENERAL);
  const canRequest = state.meeting.state === 'open' || state.meeting.state === 'in_session';

  return (
    <div className="page site-view">
      <Header title={state.meeting.title}>
        <RecordingIndicator />
        <QualityIndicator />
      </Header>
      <main id="main" className="site-layout">
        <div className="stage">
          <StageVideo
            peer={chairPeer}
            name={state.chair.name}
            caption={`${t('media.chair')}: ${state.chair.name}`}
            waitingText={t('media.waitingChair')}
            testId="video-chair"
            large
          />
          {spotlightPeer && (
            <StageVideo
              peer={spotlightPeer}
              name={floor.spotlightName ?? floor.spotlightSiteId ?? ''}
              caption={spotlightCaption}
              testId="video-spotlight"
              highlight
            />
          )}
          {screenPeer && (
            <StageVideo
              peer={screenPeer}
              source="screen"
              name={t('media.screen')}
              caption={t('media.screen')}
              testId="video-screen"
            />
          )}
          <StageBriefing />
        </div>
        <aside className="side">
          <UnmutePrompt />
          <RollCallPrompt />
          <section className="panel floor-request" aria-labelledby="floor-req-title">
            <h2 id="floor-req-title">
              {floor.iHaveFloor ? t('floor.speakingTitle') : t('floor.request')}
            </h2>
            {floor.iHaveFloor && floor.holder ? (
              <>
                <p className="status-strong ok" data-testid="floor-status" data-state="holder">
                  {t('floor.youHaveFloor')}
                </p>
                <SpeakingCountdown holder={floor.holder} />
              </>
            ) : !canRequest ? (
              <p className="muted" data-testid="floor-status" data-state="closed">
                {t('floor.notNow')}
              </p>
            ) : floor.myPlace !== null ? (
              <>
                <p
                  className="status-strong"
                  data-testid="floor-status"
                  data-state="queued"
                  data-place={floor.myPlace}
                >
                  {t('floor.place', { place: floor.myPlace })}
                </p>
                <button
                  type="button"
                  className="btn btn-large btn-block"
                  data-testid="cancel-floor"
                  disabled={action.busy}
                  onClick={() => void action.run(floor.cancel)}
                >
                  {t('floor.cancel')}
                </button>
              </>
            ) : (
              <>
                {state.declined && (
                  <p className="notice" role="status" data-testid="floor-declined">
                    {t('floor.declinedNotice')}
                    {state.declined.reason && (
                      <> {t('floor.declinedReason', { reason: state.declined.reason })}</>
                    )}
                  </p>
                )}
                <label>
                  {t('floor.requestOn')}
                  <select
                    value={chosenItem}
                    onChange={(e) => setItemChoice(e.target.value)}
                    data-testid="request-floor-item"
                  >
                    {items.map((i) => (
                      <option key={i.id} value={i.id}>
                        {i.id === currentItemId
                          ? t('floor.currentItem', { title: i.title })
                          : i.title}
                      </option>
                    ))}
                    <option value={GENERAL}>{t('floor.requestGeneral')}</option>
                  </select>
                </label>
                <button
                  type="button"
                  className="btn btn-primary btn-large btn-block"
                  data-testid="request-floor"
                  data-state="idle"
                  disabled={action.busy}
                  onClick={() =>
                    void action.run(() =>
                      floor.request(chosenItem === GENERAL ? undefined : chosenItem),
                    )
                  }
                >
                  {t('floor.request')}
                </button>
              </>
            )}
            {action.error && (
              <p className="error" role="alert">
                {action.error}
              </p>
            )}
          </section>
          <section className="panel self" aria-labelledby="self-title">
            <h2 id="self-title">{t('media.self')}</h2>
            <VideoView
              track={devices.videoTrack}
              mirror
              testId="self-preview"
              label={t('media.self')}
              className="self-video"
            />
            <div
              className={`mic-state ${local.micOn ? 'on' : 'off'}`}
              data-testid="mic-state"
              data-mic={local.micOn ? 'on' : 'off'}
              data-allowed={String(mayOpen)}
            >
              {micText}
            </div>
            <div className="btn-row">
              <button
                type="button"
                className={`btn btn-large ${local.micOn ? 'btn-danger' : 'btn-primary'}`}
                data-testid="toggle-mic"
                disabled={!local.micOn && !mayOpen && !state.askedToUnmute}
                onClick={() =>
                  void action.run(() =>
                    // Asked by the chair: this click is the site's "yes" (as the prompt's button).
                    !local.micOn && state.askedToUnmute && !mayOpen
                      ? session.acceptUnmute()
                      : session.setMic(!local.micOn),
                  )
                }
              >
                {local.micOn ? t('media.mic.mute') : t('media.mic.unmute')}
              </button>
              <button
                type="button"
                className="btn btn-large"
                data-testid="toggle-camera"
                onClick={() => void action.run(() => session.setCamera(!local.cameraOn))}
              >
                {local.cameraOn ? t('media.camera.on') : t('media.camera.off')}
              </button>
            </div>
          </section>
          <AgendaPanel />
          <SiteBriefing />
        </aside>
      </main>
    </div>
  );
}
