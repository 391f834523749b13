import type { AttendanceRow } from '@giaoban/shared';
import { useT } from '../hooks/useT';
import { countPresence, missingSites } from '../lib/presence';

/**
 * "Đã kết nối 120/126" and, one click away, the wards that are missing: dropped first (phone
 * them), then not joined yet, then left.
 */
export function PresenceSummary({ rows }: { rows: readonly AttendanceRow[] }) {
  const t = useT();
  const counts = countPresence(rows);
  const missing = missingSites(rows);
  const missingCount = counts.expected - counts.connected;
  const groups = [
    {
      key: 'dropped',
      label: t('chair.missingDropped', { count: missing.dropped.length }),
      rows: missing.dropped,
    },
    {
      key: 'notJoined',
      label: t('chair.missingNotJoined', { count: missing.notJoined.length }),
      rows: missing.notJoined,
    },
    {
      key: 'left',
      label: t('chair.missingLeft', { count: missing.left.length }),
      rows: missing.left,
    },
  ].filter((g) => g.rows.length > 0);
  return (
    <div
      className="presence-summary"
      data-testid="presence-summary"
      data-connected={counts.connected}
      data-expected={counts.expected}
    >
      <strong className="presence-count" data-testid="connected-count">
        {t('chair.connectedCount', { connected: counts.connected, expected: counts.expected })}
      </strong>
      {missingCount === 0 ? (
        <span className="muted">{t('chair.missingNone')}</span>
      ) : (
        <details className="missing-sites" data-testid="missing-sites">
          <summary data-testid="missing-sites-toggle">
            {t('chair.missingShow', { count: missingCount })}
          </summary>
          <div className="missing-groups">
            {groups.map((g) => (
              <section key={g.key} data-testid={`missing-${g.key}`}>
                <h3>{g.label}</h3>
                <ul>
                  {g.rows.map((r) => (
                    <li key={r.siteId} data-site-id={r.siteId}>
                      {r.name}
                    </li>
                  ))}
                </ul>
              </section>
            ))}
          </div>
        </details>
      )}
    </div>
  );
}
