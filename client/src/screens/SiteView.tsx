import { useState } from 'react';
import { AgendaPanel } from '../components/AgendaPanel';
import { Header } from '../components/Header';
import { QualityIndicator } from '../components/QualityIndicator';
import { RollCallPrompt } from '../components/RollCallPrompt';
import { VideoView } from '../components/VideoView';
import { useAction } from '../hooks/useAction';
import { useConsumerTrack } from '../hooks/useConsumerTrack';
import { useFloor } from '../hooks/useFloor';
import type { MediaDevicesState } from '../hooks/useMediaDevices';
import { useMeeting } from '../hooks/useMeeting';
import { useT } from '../hooks/useT';
import { type PeerRef, parsePeerId } from '../lib/peers';

/** The ward site's screen: the chair large, the floor holder spotlighted, slides, agenda, floor. */
export function SiteView({ devices }: { devices: MediaDevicesState }) {
  const t = useT();
  const { state, local, session } = useMeeting();
  const floor = useFloor();
  const action = useAction();
  const [itemId, setItemId] = useState<string>('');
  if (!state) return null;
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
  const micText = local.micOn
    ? t('media.mic.open')
    : state.micAllowed
      ? t('media.mic.closed')
      : t('media.mic.closedByServer');
  const items = state.meeting.agenda.filter((i) => !i.endedAt);

  return (
    <div className="page site-view">
      <Header title={state.meeting.title}>
        <QualityIndicator />
      </Header>
      <main id="main" className="site-layout">
        <div className="stage">
          <StageVideo
            peerId={chairPeer}
            source="camera"
            label={t('media.chair')}
            caption={`${t('media.chair')}: ${state.chair.name}`}
            testId="video-chair"
            large
          />
          {spotlightPeer && (
            <StageVideo
              peerId={spotlightPeer}
              source="camera"
              label={spotlightCaption}
              caption={spotlightCaption}
              testId="video-spotlight"
              highlight
            />
          )}
          {screenPeer && (
            <StageVideo
              peerId={screenPeer}
              source="screen"
              label={t('media.screen')}
              caption={t('media.screen')}
              testId="video-screen"
            />
          )}
        </div>
        <aside className="side">
          <RollCallPrompt />
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
              data-allowed={String(state.micAllowed)}
            >
              {micText}
            </div>
            {state.askedToUnmute && !local.micOn && (
              <p className="notice" role="alert" data-testid="asked-to-unmute">
                {t('media.mic.askedToUnmute')}
              </p>
            )}
            <div className="btn-row">
              <button
                type="button"
                className={`btn btn-large ${local.micOn ? 'btn-danger' : 'btn-primary'}`}
                data-testid="toggle-mic"
                disabled={!local.micOn && !state.micAllowed}
                onClick={() => void action.run(() => session.setMic(!local.micOn))}
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
          <section className="panel floor-request" aria-labelledby="floor-req-title">
            <h2 id="floor-req-title">{t('floor.request')}</h2>
            {floor.iHaveFloor ? (
              <p className="status-strong ok" data-testid="floor-status" data-state="holder">
                {t('floor.youHaveFloor')}
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
                <label>
                  {t('floor.requestOn')}
                  <select
                    value={itemId}
                    onChange={(e) => setItemId(e.target.value)}
                    data-testid="request-floor-item"
                  >
                    <option value="">{t('floor.requestGeneral')}</option>
                    {items.map((i) => (
                      <option key={i.id} value={i.id}>
                        {i.title}
                      </option>
                    ))}
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
                      floor.request(itemId || state.meeting.currentItemId || undefined),
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
          <AgendaPanel />
        </aside>
      </main>
    </div>
  );
}

function StageVideo({
  peerId,
  source,
  label,
  caption,
  testId,
  large = false,
  highlight = false,
}: {
  peerId: PeerRef;
  source: string;
  label: string;
  caption: string;
  testId: string;
  large?: boolean;
  highlight?: boolean;
}) {
  const t = useT();
  const track = useConsumerTrack(peerId, source);
  return (
    <figure
      className={`stage-video ${large ? 'large' : ''} ${highlight ? 'highlight' : ''}`}
      data-testid={`${testId}-tile`}
    >
      <VideoView track={track} testId={testId} label={label} />
      {!track && (
        <div className="placeholder">{large ? t('media.waitingChair') : t('media.noVideo')}</div>
      )}
      <figcaption data-testid={`${testId}-caption`}>{caption}</figcaption>
    </figure>
  );
}
