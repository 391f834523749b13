import type { Unit } from '@giaoban/shared';
import { useMemo, useState } from 'react';
import { useI18n } from '../../hooks/useI18n';
import { compareVietnamese, matchesSearch } from '../../lib/text';

export const PAGE_SIZE = 50;

/**
 * The unit directory by province: every province with its number of communes and wards, the
 * chosen province's units a page at a time (never a silent cut-off), a search across the whole
 * country by name (with or without diacritics) or code. With `selected`/`onChange` it is the picker
 * a meeting or a group uses: tick units one by one or a whole page or province at once.
 */
export function UnitBrowser({
  units,
  selected,
  onChange,
  testId = 'unit-browser',
}: {
  units: readonly Unit[];
  selected?: ReadonlySet<string>;
  onChange?: (next: Set<string>) => void;
  testId?: string;
}) {
  const { t } = useI18n();
  const [province, setProvince] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(0);
  const picking = selected !== undefined && onChange !== undefined;

  const { provinces, wardsOf, names } = useMemo(() => {
    const provinces = units
      .filter((u) => u.tier === 'province')
      .sort((a, b) => compareVietnamese(a.name, b.name));
    const wardsOf = new Map<string, Unit[]>();
    for (const u of units) {
      if (u.tier !== 'ward' || !u.parentCode) continue;
      const list = wardsOf.get(u.parentCode) ?? [];
      list.push(u);
      wardsOf.set(u.parentCode, list);
    }
    for (const list of wardsOf.values()) list.sort((a, b) => a.code.localeCompare(b.code));
    const names = new Map(provinces.map((p) => [p.code, p.fullName]));
    return { provinces, wardsOf, names };
  }, [units]);

  const shown = useMemo(() => {
    const query = q.trim();
    const pool = province ? (wardsOf.get(province) ?? []) : units.filter((u) => u.tier === 'ward');
    if (!query) return province ? pool : [];
    return pool.filter((u) => u.code === query || matchesSearch(u.fullName, query));
  }, [units, wardsOf, province, q]);

  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const slice = shown.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  const set = (codes: readonly string[], on: boolean) => {
    if (!picking) return;
    const next = new Set(selected);
    for (const c of codes) {
      if (on) next.add(c);
      else next.delete(c);
    }
    onChange(next);
  };
  const selectedIn = (code: string) =>
    (wardsOf.get(code) ?? []).filter((u) => selected?.has(u.code)).length;

  return (
    <div className="unit-browser" data-testid={testId}>
      <div className="form-row">
        <label>
          {t('units.province')}
          <select
            value={province}
            onChange={(e) => {
              setProvince(e.target.value);
              setPage(0);
            }}
            data-testid={`${testId}-province`}
          >
            <option value="">{t('units.allProvinces')}</option>
            {provinces.map((p) => (
              <option key={p.code} value={p.code}>
                {picking
                  ? t('units.provinceOptionPicked', {
                      name: p.fullName,
                      count: wardsOf.get(p.code)?.length ?? 0,
                      picked: selectedIn(p.code),
                    })
                  : t('units.provinceOption', {
                      name: p.fullName,
                      count: wardsOf.get(p.code)?.length ?? 0,
                    })}
              </option>
            ))}
          </select>
        </label>
        <label className="unit-search">
          {t('units.search')}
          <input
            type="search"
            value={q}
            maxLength={100}
            onChange={(e) => {
              setQ(e.target.value);
              setPage(0);
            }}
            placeholder={t('units.searchHint')}
            data-testid={`${testId}-search`}
          />
        </label>
      </div>
      {!province && !q.trim() ? (
        <div className="table-scroll short">
          <table className="compact" data-testid={`${testId}-provinces`}>
            <thead>
              <tr>
                <th scope="col">{t('admin.unitCode')}</th>
                <th scope="col">{t('units.province')}</th>
                <th scope="col">{t('units.wardCount')}</th>
                {picking && <th scope="col">{t('units.picked')}</th>}
              </tr>
            </thead>
            <tbody>
              {provinces.map((p) => (
                <tr key={p.code}>
                  <td>{p.code}</td>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      data-testid={`${testId}-open-${p.code}`}
                      onClick={() => {
                        setProvince(p.code);
                        setPage(0);
                      }}
                    >
                      {p.fullName}
                    </button>
                  </td>
                  <td className="num">{wardsOf.get(p.code)?.length ?? 0}</td>
                  {picking && <td className="num">{selectedIn(p.code)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <>
          <div className="btn-row unit-range">
            <span className="muted" data-testid={`${testId}-range`}>
              {shown.length === 0
                ? t('units.none')
                : t('units.range', {
                    from: current * PAGE_SIZE + 1,
                    to: current * PAGE_SIZE + slice.length,
                    total: shown.length,
                  })}
            </span>
            {picking && shown.length > 0 && (
              <>
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid={`${testId}-pick-all`}
                  onClick={() =>
                    set(
                      shown.map((u) => u.code),
                      true,
                    )
                  }
                >
                  {t('units.pickAll', { count: shown.length })}
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid={`${testId}-unpick-all`}
                  onClick={() =>
                    set(
                      shown.map((u) => u.code),
                      false,
                    )
                  }
                >
                  {t('units.unpickAll')}
                </button>
              </>
            )}
          </div>
          <div className="table-scroll short">
            <table className="compact" data-testid={`${testId}-units`}>
              <thead>
                <tr>
                  {picking && (
                    <th scope="col" className="pick">
                      <span className="sr-only">{t('units.picked')}</span>
                    </th>
                  )}
                  <th scope="col">{t('admin.unitCode')}</th>
                  <th scope="col">{t('admin.unitName')}</th>
                  <th scope="col">{t('units.province')}</th>
                </tr>
              </thead>
              <tbody>
                {slice.map((u) => (
                  <tr key={u.code} data-testid={`${testId}-row-${u.code}`}>
                    {picking && (
                      <td className="pick">
                        <input
                          type="checkbox"
                          checked={selected.has(u.code)}
                          aria-label={u.fullName}
                          data-testid={`${testId}-pick-${u.code}`}
                          onChange={(e) => set([u.code], e.target.checked)}
                        />
                      </td>
                    )}
                    <td>{u.code}</td>
                    <td>{u.fullName}</td>
                    <td>{names.get(u.parentCode ?? '') ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {pages > 1 && (
            <div className="btn-row pager">
              <button
                type="button"
                className="btn btn-small"
                disabled={current === 0}
                onClick={() => setPage(current - 1)}
                data-testid={`${testId}-prev`}
              >
                ‹ {t('units.prev')}
              </button>
              <span>{t('units.page', { page: current + 1, pages })}</span>
              <button
                type="button"
                className="btn btn-small"
                disabled={current >= pages - 1}
                onClick={() => setPage(current + 1)}
                data-testid={`${testId}-next`}
              >
                {t('units.next')} ›
              </button>
            </div>
          )}
        </>
      )}
      {picking && (
        <p className="status-strong" data-testid={`${testId}-count`} data-count={selected.size}>
          {t('units.pickedCount', { count: selected.size })}
          {selected.size > 0 && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => onChange(new Set())}
              data-testid={`${testId}-clear`}
            >
              {t('units.clear')}
            </button>
          )}
        </p>
      )}
    </div>
  );
}
