import type { DirectoryImportResult, Unit } from '@giaoban/shared';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../../AppContext';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { AdminError } from './AdminError';
import { UnitBrowser } from './UnitBrowser';

/** Unit directory: import from JSON or CSV (rejected rows shown with their reason), browse. */
export function DirectoryTab() {
  const { t } = useI18n();
  const { api } = useServices();
  const [format, setFormat] = useState<'json' | 'csv'>('json');
  const [text, setText] = useState('');
  const [result, setResult] = useState<DirectoryImportResult | null>(null);
  const [units, setUnits] = useState<Unit[]>([]);
  const action = useAction();
  const load = useCallback(
    () => action.run(async () => setUnits(await api.units())),
    [action.run, api],
  );
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section className="panel" aria-labelledby="import-title">
      <h2 id="import-title">{t('admin.import')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const body =
              format === 'json'
                ? { format, data: JSON.parse(text) as unknown }
                : { format, csv: text };
            setResult(await api.importDirectory(body));
            await load();
          });
        }}
      >
        <div className="form-row">
          <label>
            {t('admin.importFormat')}
            <select
              value={format}
              onChange={(e) => setFormat(e.target.value as 'json' | 'csv')}
              data-testid="import-format"
            >
              <option value="json">JSON</option>
              <option value="csv">CSV</option>
            </select>
          </label>
          <label>
            {t('admin.importFile')}
            <input
              type="file"
              accept=".json,.csv,application/json,text/csv"
              data-testid="import-file"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (!f) return;
                setText(await f.text());
                if (f.name.toLowerCase().endsWith('.csv')) setFormat('csv');
                if (f.name.toLowerCase().endsWith('.json')) setFormat('json');
              }}
            />
          </label>
        </div>
        <label>
          {t('admin.importText')}
          <textarea
            rows={6}
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="import-text"
            spellCheck={false}
          />
        </label>
        <button
          type="submit"
          className="btn btn-primary btn-large"
          disabled={action.busy || !text.trim()}
          data-testid="import-submit"
        >
          {t('admin.importSubmit')}
        </button>
      </form>
      <AdminError error={action.error} />
      {result && (
        <div
          data-testid="import-result"
          data-imported={result.imported}
          data-rejected={result.rejected.length}
        >
          <p className="status-strong">
            {t('admin.importResult', {
              accepted: result.imported,
              rejected: result.rejected.length,
            })}
          </p>
          {result.rejected.length > 0 && (
            <table className="compact">
              <caption>{t('admin.rejected')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.rejectedRow')}</th>
                  <th scope="col">{t('admin.rejectedReason')}</th>
                </tr>
              </thead>
              <tbody>
                {result.rejected.map((r, i) => (
                  <tr key={`${r.row}:${r.reason}`} data-testid={`rejected-row-${i}`}>
                    <td>{r.row}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      <h2>{t('admin.units', { count: units.length })}</h2>
      <UnitBrowser units={units} testId="unit-browser" />
    </section>
  );
}
