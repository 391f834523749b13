import type { PresenceKind } from './presence';
import { matchesSearch } from './text';

/** What the chair's grid needs to know about one site; built from the meeting snapshot. */
export interface TileInfo {
  readonly siteId: string;
  readonly name: string;
  readonly connected: boolean;
  /** Not joined yet / connected / dropped / left (see presence.ts). */
  readonly presence: PresenceKind;
  readonly hasVideo: boolean;
  readonly requestedFloor: boolean;
}

export const TILE_FILTERS = [
  'all',
  'requested',
  'noVideo',
  'dropped',
  'notJoined',
  'left',
] as const;
export type TileFilter = (typeof TILE_FILTERS)[number];

export const DEFAULT_PAGE_SIZE = 24;

export interface TileQuery {
  readonly search: string;
  readonly filter: TileFilter;
  /** 0-based page the user asked for; clamped to the pages that exist. */
  readonly page: number;
  readonly pageSize?: number;
}

export interface TilePage<T extends TileInfo> {
  readonly items: readonly T[];
  /** The page actually shown (clamped). */
  readonly page: number;
  readonly pageCount: number;
  /** Tiles that pass search and filter, over all pages. */
  readonly matching: number;
  readonly total: number;
}

export function tilePassesFilter(tile: TileInfo, filter: TileFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'requested':
      return tile.requestedFloor;
    case 'noVideo':
      // A disconnected site has no video either, but the chair looks for connected sites whose
      // camera is off; those are the ones to phone.
      return tile.connected && !tile.hasVideo;
    // The three ways of being absent are told apart: the chair phones a dropped ward at once,
    // waits for one not joined yet, and knows one that left.
    case 'dropped':
      return tile.presence === 'dropped';
    case 'notJoined':
      return tile.presence === 'not_joined';
    case 'left':
      return tile.presence === 'left';
  }
}

export function filterTiles<T extends TileInfo>(
  tiles: readonly T[],
  search: string,
  filter: TileFilter,
): T[] {
  return tiles.filter((t) => tilePassesFilter(t, filter) && matchesSearch(t.name, search));
}

export function paginateTiles<T extends TileInfo>(
  tiles: readonly T[],
  query: TileQuery,
): TilePage<T> {
  const pageSize = Math.max(1, Math.floor(query.pageSize ?? DEFAULT_PAGE_SIZE));
  const matching = filterTiles(tiles, query.search, query.filter);
  const pageCount = Math.max(1, Math.ceil(matching.length / pageSize));
  const page = Math.min(Math.max(0, Math.floor(query.page)), pageCount - 1);
  return {
    items: matching.slice(page * pageSize, (page + 1) * pageSize),
    page,
    pageCount,
    matching: matching.length,
    total: tiles.length,
  };
}

/** Counts for the filter buttons' badges. */
export function countTileFilters(tiles: readonly TileInfo[]): Record<TileFilter, number> {
  const counts = Object.fromEntries(TILE_FILTERS.map((f) => [f, 0])) as Record<TileFilter, number>;
  for (const t of tiles) {
    for (const f of TILE_FILTERS) if (tilePassesFilter(t, f)) counts[f]++;
  }
  return counts;
}
