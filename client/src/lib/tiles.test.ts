import { describe, expect, it } from 'vitest';
import { countTileFilters, filterTiles, paginateTiles, type TileInfo } from './tiles';

function makeTiles(n: number): TileInfo[] {
  return Array.from({ length: n }, (_, i) => ({
    siteId: String(i).padStart(5, '0'),
    name: `Phường Số ${i}`,
    connected: i % 10 !== 0, // 0, 10, 20… dropped
    presence: i % 10 !== 0 ? ('connected' as const) : ('dropped' as const),
    hasVideo: i % 7 !== 0, // 0, 7, 14… no video
    requestedFloor: i % 25 === 3, // 3, 28, 53…
  }));
}

describe('tile pagination', () => {
  const tiles = makeTiles(126);

  it('splits 126 sites into 6 pages of 24 (last page 6)', () => {
    const first = paginateTiles(tiles, { search: '', filter: 'all', page: 0 });
    expect(first.pageCount).toBe(6);
    expect(first.items).toHaveLength(24);
    expect(first.items[0]?.siteId).toBe('00000');
    const last = paginateTiles(tiles, { search: '', filter: 'all', page: 5 });
    expect(last.items).toHaveLength(6);
    expect(last.items.at(-1)?.siteId).toBe('00125');
  });

  it('clamps a page past the end (e.g. after a filter shrinks the list)', () => {
    const p = paginateTiles(tiles, { search: '', filter: 'requested', page: 4 });
    expect(p.page).toBe(0);
    expect(p.pageCount).toBe(1);
    expect(p.items.map((t) => t.siteId)).toEqual(['00003', '00028', '00053', '00078', '00103']);
  });

  it('has one empty page when nothing matches', () => {
    const p = paginateTiles(tiles, { search: 'không có', filter: 'all', page: 2 });
    expect(p).toMatchObject({ page: 0, pageCount: 1, matching: 0, total: 126 });
    expect(p.items).toEqual([]);
  });

  it('honours a custom page size', () => {
    expect(
      paginateTiles(tiles, { search: '', filter: 'all', page: 0, pageSize: 50 }).pageCount,
    ).toBe(3);
  });
});

describe('tile filters', () => {
  const tiles: TileInfo[] = [
    {
      siteId: 'a',
      name: 'Phường Hoàn Kiếm',
      connected: true,
      presence: 'connected',
      hasVideo: true,
      requestedFloor: true,
    },
    {
      siteId: 'b',
      name: 'Phường Đống Đa',
      connected: true,
      presence: 'connected',
      hasVideo: false,
      requestedFloor: false,
    },
    {
      siteId: 'c',
      name: 'Xã Sóc Sơn',
      connected: false,
      presence: 'dropped',
      hasVideo: false,
      requestedFloor: false,
    },
    {
      siteId: 'd',
      name: 'Phường Ba Đình',
      connected: true,
      presence: 'connected',
      hasVideo: true,
      requestedFloor: false,
    },
    {
      siteId: 'e',
      name: 'Xã Ba Vì',
      connected: false,
      presence: 'not_joined',
      hasVideo: false,
      requestedFloor: false,
    },
    {
      siteId: 'f',
      name: 'Xã Minh Châu',
      connected: false,
      presence: 'left',
      hasVideo: false,
      requestedFloor: false,
    },
  ];

  it('filters requested / no video, and tells dropped, not joined yet and left apart', () => {
    expect(filterTiles(tiles, '', 'requested').map((t) => t.siteId)).toEqual(['a']);
    // A site that is not connected is listed by why, not under "no video".
    expect(filterTiles(tiles, '', 'noVideo').map((t) => t.siteId)).toEqual(['b']);
    expect(filterTiles(tiles, '', 'dropped').map((t) => t.siteId)).toEqual(['c']);
    expect(filterTiles(tiles, '', 'notJoined').map((t) => t.siteId)).toEqual(['e']);
    expect(filterTiles(tiles, '', 'left').map((t) => t.siteId)).toEqual(['f']);
  });

  it('searches names with or without diacritics', () => {
    expect(filterTiles(tiles, 'dong da', 'all').map((t) => t.siteId)).toEqual(['b']);
    expect(filterTiles(tiles, 'HOÀN', 'all').map((t) => t.siteId)).toEqual(['a']);
    expect(filterTiles(tiles, 'đình', 'all').map((t) => t.siteId)).toEqual(['d']);
    expect(filterTiles(tiles, 'phuong', 'noVideo').map((t) => t.siteId)).toEqual(['b']);
  });

  it('counts each filter for the badges', () => {
    expect(countTileFilters(tiles)).toEqual({
      all: 6,
      requested: 1,
      noVideo: 1,
      dropped: 1,
      notJoined: 1,
      left: 1,
    });
  });
});
