import type { AttendanceRow } from '@giaoban/shared';
import { useCallback, useMemo, useState } from 'react';
import { useFloor } from '../hooks/useFloor';
import { useMeeting } from '../hooks/useMeeting';
import { useT } from '../hooks/useT';
import { useVisibleTiles } from '../hooks/useVisibleTiles';
import { siteIdOfPeer } from '../lib/peers';
import { presenceOf } from '../lib/presence';
import {
  countTileFilters,
  DEFAULT_PAGE_SIZE,
  paginateTiles,
  TILE_FILTERS,
  type TileFilter,
  type TileInfo,
} from '../lib/tiles';
import { SiteTile, type SiteTileAction } from './SiteTile';

type Tile = TileInfo & { row: AttendanceRow };

/** The chair's paginated grid of sites: search, filters with counts, tiles, pager. */
export function SiteGrid({
  onAction,
  busy,
}: {
  onAction: (action: SiteTileAction, row: AttendanceRow) => void;
  busy: boolean;
}) {
  const t = useT();
  const { state, session } = useMeeting();
  const floor = useFloor();
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
          presence: presenceOf(row),
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

  return (
    <>
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
              presence={tile.presence}
              requested={tile.requestedFloor}
              holder={floor.holder?.siteId === tile.siteId}
              speaking={speakingSiteId === tile.siteId}
              spotlighted={floor.spotlightSiteId === tile.siteId}
              observe={observe}
              onAction={onAction}
              busy={busy}
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
    </>
  );
}
