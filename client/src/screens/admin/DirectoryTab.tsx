import type { DirectoryImportResult, ImportRejection, Unit } from '@giaoban/shared';
import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../../AppContext';
import type { DirectoryImportInput } from '../../api';
import { FilePicker } from '../../components/FilePicker';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import type { MessageKey } from '../../i18n/catalogues';
import { AdminError } from './AdminError';
import { UnitBrowser } from './UnitBrowser';

const SHOWN = 200;
const FIELD_LABELS: Record<string, MessageKey> = {
  name: 'admin.unitName',
  fullName: 'import.field.fullName',
  kind: 'admin.unitType',
  tier: 'import.field.tier',
  parentCode: 'units.province',
  nameEn: 'import.field.nameEn',
};

/**
 * The unit directory: an import that never changes anything silently (a preview of new, changed
 * with a diff, unchanged and rejected rows first, then an explicit "import"), and the directory
 * browsed by province.
 */
export function DirectoryTab() {
  const { t, lang } = useI18n();
  const { api } = useServices();
  const [format, setFormat] = useState<'json' | 'csv'>('csv');
  const [text, setText] = useState('');
  const [preview, setPreview] = useState<{ result: DirectoryImportResult; text: string } | null>(
    null,
  );
  const [done, setDone] = useState<DirectoryImportResult | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [units, setUnits] = useState<Unit[]>([]);
  const action = useAction();
  const load = useCallback(
    () => action.run(async () => setUnits(await api.units())),
    [action.run, api],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const body = (previewOnly: boolean): DirectoryImportInput | null => {
    if (format === 'csv') return { format, csv: text, preview: previewOnly };
    try {
      return { format, data: JSON.parse(text) as unknown, preview: previewOnly };
    } catch (err) {
      setLocalError(t('import.badJson', { detail: String((err as Error).message).slice(0, 200) }));
      return null;
    }
  };
  const reason = (r: ImportRejection) => (lang === 'vi' && r.reasonVi ? r.reasonVi : r.reason);
  const current = preview && preview.text === text ? preview.result : null;
  const writes = current ? current.added.length + current.changed.length : 0;

  return (
    <section className="panel" aria-labelledby="import-title">
      <h2 id="import-title">{t('admin.import')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setLocalError(null);
          setDone(null);
          const b = body(true);
          if (!b) return;
          void action.run(async () => setPreview({ result: await api.importDirectory(b), text }));
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
              <option value="csv">CSV</option>
              <option value="json">JSON</option>
            </select>
          </label>
          <FilePicker
            label={t('admin.importFile')}
            accept=".json,.csv,application/json,text/csv"
            testId="import-file"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              setText(await f.text());
              if (f.name.toLowerCase().endsWith('.csv')) setFormat('csv');
              if (f.name.toLowerCase().endsWith('.json')) setFormat('json');
            }}
          />
        </div>
        {format === 'csv' && (
          <div className="hint" data-testid="import-expected-header">
            <p>{t('import.expectedHeader', { header: 'code,name,tier,parentCode' })}</p>
            <p>{t('import.optionalColumns')}</p>
            <p>{t('import.tierWords')}</p>
            <pre className="mono">
              {
                'code,name,tier,parentCode\n00004,Phường Ba Đình,phường,01\n01,Thành phố Hà Nội,thành phố,'
              }
            </pre>
          </div>
        )}
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
        <div className="btn-row">
          <button
            type="submit"
            className="btn btn-primary btn-large"
            disabled={action.busy || !text.trim()}
            data-testid="import-preview"
          >
            {t('import.preview')}
          </button>
          <button
            type="button"
            className="btn btn-large"
            disabled={action.busy || !current || !!current.fatal || writes === 0}
            data-testid="import-submit"
            onClick={() => {
              const b = body(false);
              if (!b) return;
              void action.run(async () => {
                setDone(await api.importDirectory(b));
                setPreview(null);
                await load();
              });
            }}
          >
            {t('import.apply', { count: writes })}
          </button>
        </div>
      </form>
      {localError && (
        <p className="error" role="alert" data-testid="import-local-error">
          {localError}
        </p>
      )}
      <AdminError error={action.error} />
      {done && (
        <p
          className="success"
          role="status"
          data-testid="import-result"
          data-imported={done.imported}
          data-rejected={done.rejected.length}
        >
          {t('import.done', {
            added: done.added.length,
            changed: done.changed.length,
            rejected: done.rejected.length,
          })}
        </p>
      )}
      {preview && !current && (
        <p className="notice" data-testid="import-stale">
          {t('import.stale')}
        </p>
      )}
      {current && (
        <div
          data-testid="import-plan"
          data-added={current.added.length}
          data-changed={current.changed.length}
          data-unchanged={current.unchanged}
          data-rejected={current.rejected.length}
        >
          {current.fatal ? (
            <p className="error" role="alert" data-testid="import-fatal">
              {t('import.fatal', { row: current.fatal.row, reason: reason(current.fatal) })}
            </p>
          ) : (
            <p className="status-strong">
              {t('import.summary', {
                added: current.added.length,
                changed: current.changed.length,
                unchanged: current.unchanged,
                rejected: current.rejected.length,
              })}
            </p>
          )}
          {current.changed.length > 0 && (
            <table className="compact" data-testid="import-changed">
              <caption>{t('import.changed')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.unitCode')}</th>
                  <th scope="col">{t('import.field')}</th>
                  <th scope="col">{t('import.before')}</th>
                  <th scope="col">{t('import.after')}</th>
                </tr>
              </thead>
              <tbody>
                {current.changed.slice(0, SHOWN).flatMap((c) =>
                  c.fields.map((f, i) => (
                    <tr
                      key={`${c.code}:${f.field}`}
                      data-testid={`import-change-${c.code}-${f.field}`}
                    >
                      <td>{i === 0 ? c.code : ''}</td>
                      <td>{t(FIELD_LABELS[f.field] ?? 'import.field')}</td>
                      <td>
                        <del>{f.before}</del>
                      </td>
                      <td>
                        <ins>{f.after}</ins>
                      </td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          )}
          {current.added.length > 0 && (
            <table className="compact" data-testid="import-added">
              <caption>{t('import.added')}</caption>
              <tbody>
                {current.added.slice(0, SHOWN).map((u) => (
                  <tr key={u.code}>
                    <td>{u.code}</td>
                    <td>{u.fullName}</td>
                    <td>{u.kind}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {current.added.length > SHOWN && (
            <p className="muted">{t('import.more', { count: current.added.length - SHOWN })}</p>
          )}
          {current.rejected.length > 0 && !current.fatal && (
            <table className="compact" data-testid="import-rejected">
              <caption>{t('admin.rejected')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('admin.rejectedRow')}</th>
                  <th scope="col">{t('admin.rejectedReason')}</th>
                </tr>
              </thead>
              <tbody>
                {current.rejected.slice(0, SHOWN).map((r, i) => (
                  <tr key={`${r.row}:${r.reason}`} data-testid={`rejected-row-${i}`}>
                    <td>{r.row}</td>
                    <td>{reason(r)}</td>
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
