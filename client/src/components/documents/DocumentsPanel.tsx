import type { MeetingDocumentView, Role } from '@giaoban/shared';
import { useCallback, useState } from 'react';
import { saveBlob } from '../../api';
import { useBriefing } from '../../briefing/useBriefing';
import { useAction } from '../../hooks/useAction';
import { useConfirm } from '../../hooks/useConfirm';
import { useI18n } from '../../hooks/useI18n';
import { useMeeting } from '../../hooks/useMeeting';
import { FilePicker } from '../FilePicker';
import { PdfViewer } from './PdfViewer';

const kb = (n: number) => `${Math.max(1, Math.round(n / 1024))} KB`;

/**
 * The meeting's documents (tài liệu họp): by agenda item, open PDFs in the app (pdf.js) and
 * download any; the secretary uploads and removes; the chair presents a PDF (page sync to every
 * site, shown on the stage by PresentationStage). Sites in the lobby see the same list. `itemId`
 * narrows to one item's documents.
 */
export function DocumentsPanel({ viewer: role, itemId }: { viewer: Role; itemId?: string | null }) {
  const { t } = useI18n();
  const { state, session } = useMeeting();
  const { view, api } = useBriefing(role);
  const { run, busy, error } = useAction();
  const confirm = useConfirm();
  const [opened, setOpened] = useState<{ doc: MeetingDocumentView; data: Uint8Array } | null>(null);
  const [page, setPage] = useState(1);
  const [pages, setPages] = useState(0);
  const base = `/api/meetings/${encodeURIComponent(session.meetingId)}`;
  const presentation = view.presentation;
  const isSecretary = role === 'secretary' || role === 'admin';
  // Nobody is watching the stage once the meeting is closed: documents stay to read.
  const mayPresent = role !== 'site' && role !== 'observer' && state?.meeting.state !== 'closed';
  const agenda = state?.meeting.agenda ?? [];
  const [uploadItem, setUploadItem] = useState<string>('');
  const [pickerKey, setPickerKey] = useState(0);
  const docs = view.documents.filter((d) => itemId === undefined || d.itemId === itemId);

  const open = useCallback(
    async (doc: MeetingDocumentView, at = 1) => {
      const { blob } = await api.file(`${base}/documents/${encodeURIComponent(doc.id)}/file`);
      setOpened({ doc, data: new Uint8Array(await blob.arrayBuffer()) });
      setPage(at);
    },
    [api, base],
  );
  const presentingThis = presentation && opened && presentation.docId === opened.doc.id;
  const onPages = useCallback((n: number) => setPages(n), []);

  return (
    <section className="panel documents" aria-labelledby="docs-title" data-testid="documents-panel">
      <h2 id="docs-title">{t('doc.title')}</h2>
      {docs.length === 0 && <p className="muted">{t('doc.none')}</p>}
      <ul className="doc-list">
        {docs.map((d) => (
          <li key={d.id} data-testid="document">
            <div className="doc-name">
              <strong>{d.name}</strong>{' '}
              <span className="muted small">
                {d.file.kind.toUpperCase()} · {kb(d.file.size)}
                {' · '}
                {d.itemId
                  ? t('doc.forItem', {
                      n: agenda.findIndex((a) => a.id === d.itemId) + 1,
                      item: agenda.find((a) => a.id === d.itemId)?.title ?? '',
                    })
                  : t('doc.wholeMeeting')}
              </span>
              {role !== 'site' && d.openedBy && (
                <span className="muted small" data-testid="doc-opened">
                  {' '}
                  · {t('doc.openedBy', { count: d.openedBy.length })}
                </span>
              )}
            </div>
            <div className="btn-row">
              {d.file.kind === 'pdf' && (
                <button
                  type="button"
                  className="btn"
                  disabled={busy}
                  onClick={() => void run(() => open(d))}
                  data-testid="doc-open"
                >
                  {t('doc.open')}
                </button>
              )}
              <button
                type="button"
                className="btn"
                disabled={busy}
                data-testid="doc-download"
                onClick={() =>
                  void run(async () => {
                    const f = await api.file(
                      `${base}/documents/${encodeURIComponent(d.id)}/file?download=1`,
                    );
                    saveBlob(f.blob, f.filename);
                  })
                }
              >
                {t('doc.download')}
              </button>
              {isSecretary && (
                <button
                  type="button"
                  className="btn"
                  disabled={busy}
                  data-testid="doc-remove"
                  onClick={() =>
                    void run(async () => {
                      const ok = await confirm.ask({
                        title: t('doc.removeConfirm', { name: d.name }),
                        confirmLabel: t('doc.remove'),
                        danger: true,
                        testId: 'confirm-remove-document',
                      });
                      if (ok)
                        await api.call('DELETE', `${base}/documents/${encodeURIComponent(d.id)}`);
                    })
                  }
                >
                  {t('doc.remove')}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      {isSecretary && (
        <form
          className="doc-upload"
          onSubmit={(e) => {
            e.preventDefault();
            const input = (e.currentTarget.elements.namedItem('file') as HTMLInputElement) ?? null;
            const file = input?.files?.[0];
            if (!file) return;
            void run(async () => {
              const q = new URLSearchParams({
                name: file.name,
                ...(uploadItem ? { itemId: uploadItem } : {}),
              });
              await api.upload(`${base}/documents?${q}`, file);
              // A fresh picker: empty, and no longer naming the file just sent.
              setPickerKey((k) => k + 1);
            });
          }}
        >
          <label>
            {t('doc.attachTo')}{' '}
            <select
              value={uploadItem}
              onChange={(e) => setUploadItem(e.target.value)}
              data-testid="doc-item"
            >
              <option value="">{t('doc.wholeMeeting')}</option>
              {agenda.map((a, i) => (
                <option key={a.id} value={a.id}>
                  {i + 1}. {a.title}
                </option>
              ))}
            </select>
          </label>{' '}
          <FilePicker
            key={pickerKey}
            label={t('doc.file')}
            name="file"
            accept=".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.webp"
            testId="doc-file"
          />
          <button
            type="submit"
            className="btn btn-primary"
            disabled={busy}
            data-testid="doc-upload"
          >
            {t('doc.upload')}
          </button>
          <p className="muted small">{t('doc.limits')}</p>
        </form>
      )}
      {error && <p role="alert">{error}</p>}
      {opened && (
        <div className="doc-viewer" data-testid="doc-viewer">
          <p>
            <strong>{opened.doc.name}</strong>{' '}
            {mayPresent && !presentingThis && (
              <button
                type="button"
                className="btn"
                data-testid="doc-present"
                onClick={() =>
                  void run(async () => {
                    await session.act('document:present', { docId: opened.doc.id, page });
                    // The stage shows it now (PresentationStage), with the page controls.
                    setOpened(null);
                  })
                }
              >
                {t('doc.present')}
              </button>
            )}
            {presentingThis && <span className="badge">{t('doc.onStage')}</span>}{' '}
            <button type="button" className="btn" onClick={() => setOpened(null)}>
              {t('doc.closeViewer')}
            </button>
          </p>
          <PdfViewer data={opened.data} page={page} onPages={onPages} onPage={setPage} />
          {pages > 0 && <span className="muted small">{t('doc.pages', { pages })}</span>}
        </div>
      )}
      {confirm.dialog}
    </section>
  );
}
