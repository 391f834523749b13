import type { AttendanceRow, MeetingState } from '@giaoban/shared';
import { useCallback, useMemo, useState } from 'react';
import { AgendaPanel } from '../components/AgendaPanel';
import { FloorQueuePanel } from '../components/FloorQueuePanel';
import { Header } from '../components/Header';
import { QualityIndicator } from '../components/QualityIndicator';
import { SiteTile } from '../components/SiteTile';
import { VideoView } from '../components/VideoView';
import { useAction } from '../hooks/useAction';
import { useConsumerTrack } from '../hooks/useConsumerTrack';
import { useFloor } from '../hooks/useFloor';
import type { MediaDevicesState } from '../hooks/useMediaDevices';
import { useMeeting } from '../hooks/useMeeting';
import { useRollCall } from '../hooks/useRollCall';
import { useT } from '../hooks/useT';
import { useVisibleTiles } from '../hooks/useVisibleTiles';
import { siteIdOfPeer } from '../lib/peers';
import {
  countTileFilters,
  DEFAULT_PAGE_SIZE,
  paginateTiles,
  TILE_FILTERS,
  type TileFilter,
  type TileInfo,
} from '../lib/tiles';

type Tile = TileInfo & { row: AttendanceRow };

const NEXT_STATES: Partial<
  Record<
    MeetingState,
    {
      to: MeetingState;
      key: 'chair.openMeeting' | 'chair.startSession' | 'chair.adjourn' | 'chair.close';
    }[]
  >
> = {
  scheduled: [{ to: 'open', key: 'chair.openMeeting' }],
  open: [{ to: 'in_session', key: 'chair.startSession' }],
  in_session: [{ to: 'adjourned', key: 'chair.adjourn' }],
  adjourned: [
    { to: 'in_session', key: 'chair.startSession' },
    { to: 'closed', key: 'chair.close' },
  ],
};

/** The chair's console: paginated site grid, floor, moderation, agenda, roll-call, screen share. */
export function ChairConsole({ devices }: { devices: MediaDevicesState }) {
  const t = useT();
  const { state, session, local } = useMeeting();
  const floor = useFloor();
  const rollCall = useRollCall();
  const action = useAction();
  const [search, setSearch] = useState('');
  const [filter, setFilter] = useState<TileFilter>('all');
  const [page, setPage] = useState(0);
  const observe = useVisibleTiles(useCallback((ids) => session.setVisibleSites(ids), [session]));

  const requested = useMemo(() => new Set(floor.queue.map((q) => q.siteId)), [floor.queue]);
  const tiles: Tile[] = useMemo(
    () =>
      (state?.attendance ?? [])
        .filter((r) => !r.removed)
        .map((row) => ({
          siteId: row.siteId,
          name: row.name,
          connected: row.connected,
          hasVideo: row.media.video === 'live',
          requestedFloor: requested.has(row.siteId),
          row,
        })),
    [state?.attendance, requested],
  );
  const view = paginateTiles(tiles, { search, filter, page, pageSize: DEFAULT_PAGE_SIZE });
  const counts = countTileFilters(tiles);
  const speakingSiteId = state?.activeSpeakerPeerId
    ? siteIdOfPeer(state.activeSpeakerPeerId)
    : null;

  const onTileAction = useCallback(
    (kind: 'grant' | 'mute' | 'askUnmute' | 'remove' | 'spotlight', row: AttendanceRow) => {
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
          case 'remove':
            if (window.confirm(t('chair.confirmRemove', { name: row.name }))) {
              return session.act('moderation:remove', { siteId: row.siteId });
            }
        }
      });
    },
    [action, floor, session, t],
  );

  if (!state) return null;
  const spotlightRow = floor.spotlightSiteId
    ? state.attendance.find((r) => r.siteId === floor.spotlightSiteId)
    : undefined;
  const transitions = NEXT_STATES[state.meeting.state] ?? [];

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
    <div className="page chair-console">
      <Header title={state.meeting.title}>
        <QualityIndicator />
      </Header>
      <main id="main" className="console-layout">
        <div className="console-main">
          <div
            className="toolbar chair-toolbar"
            role="toolbar"
            aria-label={t('chair.meetingControl')}
          >
            <span className={`badge state-${state.meeting.state}`} data-testid="meeting-state">
              {t(`state.${state.meeting.state}`)}
            </span>
            {transitions.map((tr) => (
              <button
                key={tr.to}
                type="button"
                className="btn btn-primary"
                data-testid={`transition-${tr.to}`}
                disabled={action.busy}
                onClick={() =>
                  void action.run(() => session.act('meeting:transition', { to: tr.to }))
                }
              >
                {t(tr.key)}
              </button>
            ))}
            <button
              type="button"
              className="btn btn-danger"
              data-testid="mute-all"
              disabled={action.busy}
              onClick={() => void action.run(() => session.act('moderation:muteAll', {}))}
            >
              {t('chair.muteAll')}
            </button>
            <button
              type="button"
              className={`btn ${state.meeting.locked ? 'active' : ''}`}
              aria-pressed={state.meeting.locked}
              data-testid="lock-meeting"
              data-locked={String(state.meeting.locked)}
              disabled={action.busy}
              onClick={() =>
                void action.run(() =>
                  session.act('moderation:lock', { locked: !state.meeting.locked }),
                )
              }
            >
              {state.meeting.locked ? `${t('chair.unlock')}` : `${t('chair.lock')}`}
            </button>
            <button
              type="button"
              className="btn"
              data-testid="share-screen"
              data-sharing={String(local.sharing)}
              disabled={action.busy}
              onClick={() => void toggleShare()}
            >
              {local.sharing ? t('media.stopShare') : t('media.shareScreen')}
            </button>
            {rollCall.open ? (
              <button
                type="button"
                className="btn"
                data-testid="rollcall-close"
                disabled={action.busy}
                onClick={() => void action.run(rollCall.close)}
              >
                {t('rollcall.stop')}
              </button>
            ) : (
              <button
                type="button"
                className="btn"
                data-testid="rollcall-start"
                disabled={action.busy}
                onClick={() => void action.run(() => rollCall.start(60))}
              >
                {t('rollcall.start')}
              </button>
            )}
            <button
              type="button"
              className={`btn ${local.micOn ? 'btn-danger' : ''}`}
              data-testid="toggle-mic"
              onClick={() => void action.run(() => session.setMic(!local.micOn))}
            >
              {local.micOn ? `${t('media.mic.mute')}` : `${t('media.mic.unmute')}`}
            </button>
          </div>
          {state.meeting.locked && (
            <p className="notice" data-testid="locked-notice">
              {t('chair.locked')}
            </p>
          )}
          {rollCall.rollCall && rollCall.open && (
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
          <div className="stage-row">
            <Spotlight
              siteId={floor.spotlightSiteId}
              name={spotlightRow?.name ?? floor.holder?.siteName ?? ''}
            />
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

          <div className="grid-controls">
            <label className="search">
              <span className="sr-only">{t('chair.search')}</span>
              <input
                type="search"
                placeholder={t('chair.search')}
                value={search}
                onChange={(e) => {
                  setSearch(e.target.value);
                  setPage(0);
                }}
                data-testid="tile-search"
              />
            </label>
            <fieldset className="segmented" aria-label={t('secretary.filter')}>
              {TILE_FILTERS.map((f) => (
                <button
                  key={f}
                  type="button"
                  className={filter === f ? 'active' : ''}
                  aria-pressed={filter === f}
                  data-testid={`tile-filter-${f}`}
                  onClick={() => {
                    setFilter(f);
                    setPage(0);
                  }}
                >
                  {t(`chair.filter.${f}`)} <span className="count">{counts[f]}</span>
                </button>
              ))}
            </fieldset>
          </div>
          <p className="muted" data-testid="tile-count">
            {t('chair.showing', { count: view.items.length, total: view.matching })}
          </p>
          {view.items.length === 0 ? (
            <p className="muted">{t('chair.noMatch')}</p>
          ) : (
            <ul className="tile-grid" data-testid="tile-grid">
              {view.items.map((tile) => (
                <SiteTile
                  key={tile.siteId}
                  row={tile.row}
                  requested={tile.requestedFloor}
                  holder={floor.holder?.siteId === tile.siteId}
                  speaking={speakingSiteId === tile.siteId}
                  spotlighted={floor.spotlightSiteId === tile.siteId}
                  observe={observe}
                  onAction={onTileAction}
                  busy={action.busy}
                />
              ))}
            </ul>
          )}
          <nav
            className="pager"
            aria-label={t('chair.page', { page: view.page + 1, pages: view.pageCount })}
          >
            <button
              type="button"
              className="btn"
              data-testid="page-prev"
              disabled={view.page === 0}
              onClick={() => setPage(view.page - 1)}
            >
              ◀ {t('chair.prevPage')}
            </button>
            <span data-testid="page-indicator">
              {t('chair.page', { page: view.page + 1, pages: view.pageCount })}
            </span>
            <button
              type="button"
              className="btn"
              data-testid="page-next"
              disabled={view.page >= view.pageCount - 1}
              onClick={() => setPage(view.page + 1)}
            >
              {t('chair.nextPage')} ▶
            </button>
          </nav>
        </div>
        <aside className="side">
          <FloorQueuePanel />
          <AgendaPanel controls reorder />
        </aside>
      </main>
    </div>
  );
}

function Spotlight({ siteId, name }: { siteId: string | null; name: string }) {
  const t = useT();
  const track = useConsumerTrack(siteId ? { siteId } : null, 'camera');
  return (
    <figure
      className="stage-video highlight"
      data-testid="chair-spotlight"
      data-site-id={siteId ?? ''}
    >
      <VideoView track={track} testId="video-spotlight" label={t('media.spotlight', { name })} />
      {!track && (
        <div className="placeholder">{siteId ? t('media.noVideo') : t('floor.nobody')}</div>
      )}
      <figcaption>{siteId ? t('media.spotlight', { name }) : t('floor.nobody')}</figcaption>
    </figure>
  );
}
