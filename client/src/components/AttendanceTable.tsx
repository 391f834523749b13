import type { AttendanceRow } from '@giaoban/shared';
import { ReportCell, type ReportColumn } from '../briefing/reportColumn';
import { useI18n } from '../hooks/useI18n';
import type { MessageKey } from '../i18n/catalogues';
import {
  BOARD_FILTERS,
  type BoardFilter,
  type BoardSort,
  type BoardSortKey,
  firstJoinMs,
  isAbsent,
  isPresent,
  toggleSort,
  viewBoard,
} from '../lib/attendanceBoard';
import { PRESENCE_LABEL, presenceDot, presenceOf } from '../lib/presence';

const COLUMNS: { key: BoardSortKey | null; label: MessageKey }[] = [
  { key: 'name', label: 'secretary.col.site' },
  { key: 'status', label: 'secretary.col.status' },
  { key: 'firstJoin', label: 'secretary.col.firstJoin' },
  { key: 'minutesConnected', label: 'secretary.col.connected' },
  { key: 'headcount', label: 'secretary.col.headcount' },
  { key: null, label: 'secretary.col.siteChair' },
  { key: null, label: 'secretary.col.reason' },
  { key: null, label: 'secretary.col.note' },
];

/** The report column goes before the reason, as in the exported attendance report. */
function withReportColumn(cols: typeof COLUMNS): typeof COLUMNS {
  const at = cols.findIndex((c) => c.label === 'secretary.col.reason');
  return [...cols.slice(0, at), { key: null, label: 'report.column' }, ...cols.slice(at)];
}

export function statusTone(row: AttendanceRow): 'ok' | 'warn' | 'bad' {
  if (isAbsent(row.status)) return 'bad';
  if (row.status === 'on_time') return 'ok';
  return isPresent(row.status) ? 'warn' : 'bad';
}

/**
 * The sortable, filterable attendance table. Status is shown in colour and in words (a dot alone
 * would fail officials with colour-blindness, and it does not print).
 */
export function AttendanceTable({
  rows,
  filter,
  search,
  sort,
  onFilter,
  onSearch,
  onSort,
  onEdit,
  reports = null,
}: {
  rows: readonly AttendanceRow[];
  filter: BoardFilter;
  search: string;
  sort: BoardSort;
  onFilter: (f: BoardFilter) => void;
  onSearch: (s: string) => void;
  onSort: (s: BoardSort) => void;
  onEdit?: (row: AttendanceRow) => void;
  /** Issue #14: the "Báo cáo" column, when the meeting asked the sites for reports. */
  reports?: ReportColumn | null;
}) {
  const { t, locale } = useI18n();
  const shown = viewBoard(rows, { filter, search, sort });
  const columns = reports ? withReportColumn(COLUMNS) : COLUMNS;
  return (
    <div className="attendance-table">
      <div className="grid-controls">
        <label className="search">
          <span className="sr-only">{t('secretary.search')}</span>
          <input
            type="search"
            placeholder={t('secretary.search')}
            value={search}
            onChange={(e) => onSearch(e.target.value)}
            data-testid="board-search"
          />
        </label>
        <label>
          {t('secretary.filter')}{' '}
          <select
            value={filter}
            onChange={(e) => onFilter(e.target.value as BoardFilter)}
            data-testid="board-filter"
          >
            {BOARD_FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(`secretary.filter.${f}`)}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="board-row-count">
          {t('secretary.rows', { count: shown.length })}
        </span>
      </div>
      <div className="table-scroll">
        <table data-testid="attendance-table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th
                  key={c.label}
                  scope="col"
                  aria-sort={
                    c.key && sort.key === c.key
                      ? sort.dir === 'asc'
                        ? 'ascending'
                        : 'descending'
                      : undefined
                  }
                >
                  {c.key ? (
                    <button
                      type="button"
                      className="th-sort"
                      data-testid={`sort-${c.key}`}
                      onClick={() => onSort(toggleSort(sort, c.key!))}
                    >
                      {t(c.label)}
                      {sort.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                      <span className="sr-only">
                        {sort.key === c.key
                          ? t(sort.dir === 'asc' ? 'secretary.sortAsc' : 'secretary.sortDesc')
                          : ''}
                      </span>
                    </button>
                  ) : (
                    t(c.label)
                  )}
                </th>
              ))}
              {onEdit && <th scope="col">{t('secretary.col.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => {
              const joined = firstJoinMs(r);
              const presence = presenceOf(r);
              return (
                <tr
                  key={r.siteId}
                  data-testid={`attendance-row-${r.siteId}`}
                  data-status={r.status}
                  data-connected={String(r.connected)}
                >
                  <th scope="row">
                    {/* A ward that never joined is not "disconnected" (red): grey, in words. */}
                    <span
                      className={`status-dot ${presenceDot(presence)}`}
                      title={t(PRESENCE_LABEL[presence])}
                      data-testid={`attendance-presence-${r.siteId}`}
                      data-presence={presence}
                    >
                      <span className="sr-only">{t(PRESENCE_LABEL[presence])}</span>
                    </span>
                    {r.name}
                  </th>
                  <td>
                    <span
                      className={`status status-${statusTone(r)}`}
                      data-testid={`status-${r.siteId}`}
                    >
                      {t(`status.${r.status}`)}
                      {r.mark ? <small> ({t('status.marked')})</small> : null}
                    </span>
                  </td>
                  <td>
                    {joined
                      ? new Date(joined).toLocaleTimeString(locale, {
                          hour: '2-digit',
                          minute: '2-digit',
                        })
                      : t('common.none')}
                  </td>
                  <td>{t('common.minutes', { n: r.minutesConnected })}</td>
                  <td className="num">{r.headcount ?? t('common.none')}</td>
                  <td>{r.siteChair || t('common.none')}</td>
                  {reports && (
                    <td>
                      <ReportCell column={reports} siteId={r.siteId} />
                    </td>
                  )}
                  <td>{r.absenceReason || t('common.none')}</td>
                  <td className="note-cell">{r.note || t('common.none')}</td>
                  {onEdit && (
                    <td>
                      <button
                        type="button"
                        className="btn btn-small"
                        data-testid={`mark-edit-${r.siteId}`}
                        onClick={() => onEdit(r)}
                      >
                        ✎ {t('secretary.edit')}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
