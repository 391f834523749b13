import type { AttendanceRow } from '@giaoban/shared';
import { useCallback } from 'react';
import { ChairBriefing, ChairFloorBriefing, StageBriefing } from '../briefing/BriefingPanels';
import { AgendaPanel } from '../components/AgendaPanel';
import { ChairToolbar } from '../components/ChairToolbar';
import { FloorQueuePanel } from '../components/FloorQueuePanel';
import { Header } from '../components/Header';
import { PresenceSummary } from '../components/PresenceSummary';
import { QualityIndicator } from '../components/QualityIndicator';
import { RecordingIndicator } from '../components/RecordingIndicator';
import { SiteGrid } from '../components/SiteGrid';
import type { SiteTileAction } from '../components/SiteTile';
import { StageVideo } from '../components/StageVideo';
import { VideoView } from '../components/VideoView';
import { useAction } from '../hooks/useAction';
import { useConfirm } from '../hooks/useConfirm';
import { useFloor } from '../hooks/useFloor';
import type { MediaDevicesState } from '../hooks/useMediaDevices';
import { useMeeting } from '../hooks/useMeeting';
import { useRollCall } from '../hooks/useRollCall';
import { navigate } from '../hooks/useRoute';
import { useT } from '../hooks/useT';
import { RollCallControl } from './records/RollCallControl';

/** The chair's console: meeting controls, spotlight, presence, site grid, floor and agenda. */
export function ChairConsole({ devices }: { devices: MediaDevicesState }) {
  const t = useT();
  const { state, session } = useMeeting();
  const floor = useFloor();
  const rollCall = useRollCall();
  const action = useAction();
  const confirm = useConfirm();

  const onTileAction = useCallback(
    (kind: SiteTileAction, row: AttendanceRow) => {
      void action.run(async () => {
        switch (kind) {
          case 'grant':
            return floor.grant(row.siteId);
          case 'mute':
            return session.act('moderation:mute', { siteId: row.siteId });
          case 'askUnmute':
            return session.act('moderation:askUnmute', { siteId: row.siteId });
          case 'spotlight':
            return floor.spotlight(floor.spotlightSiteId === row.siteId ? null : row.siteId);
          case 'remove': {
            const ok = await confirm.ask({
              title: t('chair.confirmRemove', { name: row.name }),
              body: t('chair.confirmRemoveBody'),
              confirmLabel: t('chair.remove'),
              testId: 'confirm-remove',
            });
            if (ok) return session.act('moderation:remove', { siteId: row.siteId });
          }
        }
      });
    },
    [action, floor, session, t, confirm],
  );

  if (!state) return null;
  const ended = state.meeting.state === 'closed';
  const spotlightRow = floor.spotlightSiteId
    ? state.attendance.find((r) => r.siteId === floor.spotlightSiteId)
    : undefined;
  const spotlightName = spotlightRow?.name ?? floor.spotlightName ?? '';
  const holderSpeaks = floor.holder !== null && floor.holder.siteId === floor.spotlightSiteId;

  return (
    <div className="page chair-console">
      <Header title={state.meeting.title}>
        <RecordingIndicator />
        <QualityIndicator />
      </Header>
      <main id="main" className="console-layout">
        <div className="console-main">
          <ChairToolbar action={action} confirm={confirm} />
          {ended && (
            <div className="notice notice-ended" role="status" data-testid="chair-ended">
              <strong>{t('ended.title')}.</strong> {t('chair.ended')}{' '}
              <button type="button" className="btn" onClick={() => navigate({ name: 'home' })}>
                {t('app.back')}
              </button>
            </div>
          )}
          {state.meeting.locked && !ended && (
            <p className="notice" data-testid="locked-notice">
              {t('chair.locked')}
            </p>
          )}
          {rollCall.rollCall && rollCall.open && !ended && (
            <p className="notice" data-testid="rollcall-progress" role="status">
              {t('rollcall.running', {
                answered: rollCall.rollCall.answers.length,
                total: rollCall.rollCall.expectedSiteIds.length,
              })}
            </p>
          )}
          {action.error && (
            <p className="error" role="alert" data-testid="chair-error">
              {action.error}
            </p>
          )}
          {/* Nothing to watch once the meeting ended: the stage goes, the presence board stays. */}
          {!ended && (
            <div className="stage-row">
              <div
                className="chair-spotlight"
                data-testid="chair-spotlight"
                data-site-id={floor.spotlightSiteId ?? ''}
              >
                {floor.spotlightSiteId ? (
                  <StageVideo
                    peer={{ siteId: floor.spotlightSiteId }}
                    name={spotlightName}
                    caption={t(holderSpeaks ? 'media.spotlight' : 'media.spotlightSite', {
                      name: spotlightName,
                    })}
                    testId="video-spotlight"
                    highlight
                  />
                ) : (
                  <figure
                    className="stage-video highlight"
                    data-testid="video-spotlight-tile"
                    data-video="none"
                  >
                    <div className="placeholder">{t('floor.nobody')}</div>
                    <figcaption>{t('floor.nobody')}</figcaption>
                  </figure>
                )}
              </div>
              <figure className="stage-video self-small">
                <VideoView
                  track={devices.videoTrack}
                  mirror
                  testId="self-preview"
                  label={t('media.self')}
                />
                <figcaption>{t('media.chair')}</figcaption>
              </figure>
            </div>
          )}
          {!ended && <StageBriefing />}
          <PresenceSummary rows={state.attendance} />
          <SiteGrid onAction={onTileAction} busy={action.busy || ended} />
        </div>
        <aside className="side">
          <FloorQueuePanel />
          <ChairFloorBriefing />
          <RollCallControl canRun disabled={ended} compact />
          <AgendaPanel controls={!ended} reorder={!ended} />
          <ChairBriefing />
        </aside>
      </main>
      {confirm.dialog}
    </div>
  );
}
