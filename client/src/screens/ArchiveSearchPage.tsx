import type { ArchiveSearchResult } from '@giaoban/shared';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { useServices } from '../AppContext';
import { Header } from '../components/Header';
import { useAction } from '../hooks/useAction';
import { useI18n } from '../hooks/useI18n';
import { navigate } from '../hooks/useRoute';
import { formatCount } from '../lib/text';
import { formatVnDateTime, parseVnDate } from '../lib/vnDateTime';

interface Filters {
  q: string;
  unit: string;
  from: string;
  to: string;
}
const EMPTY: Filters = { q: '', unit: '', from: '', to: '' };
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The archive's way in (chair, secretary, admin): ended meetings by title or number, by unit
 * (an invited ward or province, or the body that held it) and by day, typed the way offices
 * write dates (dd/mm/yyyy) and without needing the accents; each row opens the meeting's archive.
 */
export default function ArchiveSearchPage() {
  const { t, lang } = useI18n();
  const { api } = useServices();
  const { run, error, busy } = useAction();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [dateError, setDateError] = useState<string | null>(null);
  const [result, setResult] = useState<ArchiveSearchResult | null>(null);

  const search = useCallback(
    (f: Filters) => {
      const params = new URLSearchParams();
      if (f.q.trim()) params.set('q', f.q.trim());
      if (f.unit.trim()) params.set('unit', f.unit.trim());
      for (const k of ['from', 'to'] as const) {
        if (!f[k].trim()) continue;
        const d = parseVnDate(f[k]);
        if (!d) {
          setDateError(t('archive.search.badDate', { value: f[k].trim() }));
          return;
        }
        params.set(k, `${d.year}-${pad(d.month)}-${pad(d.day)}`);
      }
      setDateError(null);
      void run(async () =>
        setResult(await api.call<ArchiveSearchResult>('GET', `/api/archive/meetings?${params}`)),
      );
    },
    [api, run, t],
  );
  useEffect(() => search(EMPTY), [search]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    search(draft);
  };
  const field = (k: keyof Filters, label: string, extra: Record<string, string> = {}) => (
    <label>
      {label}
      <input
        className="input"
        value={draft[k]}
        data-testid={`archive-search-${k}`}
        onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
        {...extra}
      />
    </label>
  );

  return (
    <div className="page archive-search">
      <Header title={t('archive.search.title')}>
        <button
          type="button"
          className="btn btn-ghost"
          data-testid="archive-search-back"
          onClick={() => navigate({ name: 'home' })}
        >
          {t('app.back')}
        </button>
      </Header>
      <main id="main" className="content">
        <h1>{t('archive.search.title')}</h1>
        <form
          className="panel archive-search-form"
          onSubmit={submit}
          data-testid="archive-search-form"
        >
          <div className="form-row">
            {field('q', t('archive.search.q'))}
            {field('unit', t('archive.search.unit'))}
          </div>
          <div className="form-row">
            {field('from', t('archive.search.from'), {
              inputMode: 'numeric',
              placeholder: t('form.datePlaceholder'),
            })}
            {field('to', t('archive.search.to'), {
              inputMode: 'numeric',
              placeholder: t('form.datePlaceholder'),
            })}
            <button
              type="submit"
              className="btn btn-primary"
              data-testid="archive-search-submit"
              disabled={busy}
            >
              {t('archive.search.submit')}
            </button>
            <button
              type="button"
              className="btn"
              data-testid="archive-search-clear"
              onClick={() => {
                setDraft(EMPTY);
                search(EMPTY);
              }}
            >
              {t('archive.search.clear')}
            </button>
          </div>
          {(dateError || error) && (
            <p className="error" role="alert" data-testid="archive-search-error">
              {dateError ?? error}
            </p>
          )}
        </form>
        {result === null ? (
          <p role="status">{t('app.loading')}</p>
        ) : result.meetings.length === 0 ? (
          <p className="muted" data-testid="archive-search-none">
            {t('archive.search.none')}
          </p>
        ) : (
          <section className="panel">
            <p role="status" data-testid="archive-search-count">
              {result.more
                ? t('archive.search.more', { count: formatCount(result.meetings.length, lang) })
                : t('archive.search.count', { count: formatCount(result.meetings.length, lang) })}
            </p>
            <table className="table archive-search-table" data-testid="archive-search-results">
              <thead>
                <tr>
                  <th>{t('archive.search.day')}</th>
                  <th>{t('archive.search.meeting')}</th>
                  <th>{t('archive.search.body')}</th>
                  <th className="num">{t('archive.search.sites')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {result.meetings.map((m) => (
                  <tr key={m.id} data-testid={`archive-row-${m.id}`}>
                    <td className="nowrap">{formatVnDateTime(m.scheduledStart)}</td>
                    <td>
                      <strong>{m.title}</strong>
                      {m.documentNumber && <div className="muted">{m.documentNumber}</div>}
                      {m.matchedUnits.length > 0 && (
                        <div className="muted" data-testid={`archive-row-units-${m.id}`}>
                          {t('archive.search.matched', { units: m.matchedUnits.join('; ') })}
                        </div>
                      )}
                    </td>
                    <td>{m.issuingBody || '—'}</td>
                    <td className="num">{formatCount(m.siteCount, lang)}</td>
                    <td>
                      <button
                        type="button"
                        className="btn btn-primary"
                        data-testid={`archive-open-${m.id}`}
                        onClick={() => navigate({ name: 'archive', meetingId: m.id })}
                      >
                        {t('archive.search.view')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </main>
    </div>
  );
}
