import type { Role } from '@giaoban/shared';
import { useEffect, useState } from 'react';
import { useBriefing } from '../../briefing/useBriefing';
import { useAction } from '../../hooks/useAction';
import { useI18n } from '../../hooks/useI18n';
import { PdfViewer } from './PdfViewer';

/**
 * The document the chair presents (page sync), on the stage where the room looks: sites follow
 * the chair's page; the chair (and secretary) turn pages and stop from here. Nothing when no
 * document is presented.
 */
export function PresentationStage({ viewer: role }: { viewer: Role }) {
  const { t } = useI18n();
  const { view, api, session } = useBriefing(role);
  const { run, error } = useAction();
  const presentation = view.presentation;
  const doc = presentation ? view.documents.find((d) => d.id === presentation.docId) : undefined;
  const [loaded, setLoaded] = useState<{ id: string; data: Uint8Array } | null>(null);
  const [failed, setFailed] = useState(false);
  const docId = doc?.id ?? null;
  useEffect(() => {
    if (!docId) return;
    let alive = true;
    setFailed(false);
    const url = `/api/meetings/${encodeURIComponent(session.meetingId)}/documents/${encodeURIComponent(docId)}/file`;
    api
      .file(url)
      .then(async ({ blob }) => {
        const data = new Uint8Array(await blob.arrayBuffer());
        if (alive) setLoaded({ id: docId, data });
      })
      .catch(() => alive && setFailed(true));
    return () => {
      alive = false;
    };
  }, [docId, api, session.meetingId]);
  if (!presentation || !doc) return null;
  const presenter = role === 'chair' || role === 'secretary' || role === 'admin';
  const turn = (page: number) =>
    void run(() => session.act('document:present', { docId: doc.id, page }));
  return (
    <section
      className="panel presentation-stage"
      aria-labelledby="presentation-title"
      data-testid="presentation-stage"
    >
      <div className="presentation-head">
        <h2 id="presentation-title">
          {presenter ? t('doc.youPresent') : t('doc.presenting')}: {doc.name}
        </h2>
        {presenter && (
          <button
            type="button"
            className="btn"
            data-testid="presentation-stop"
            onClick={() =>
              void run(() => session.act('document:present', { docId: null, page: 1 }))
            }
          >
            {t('doc.stopPresenting')}
          </button>
        )}
      </div>
      {failed && <p role="alert">{t('doc.cannotOpen')}</p>}
      {loaded?.id === doc.id && (
        <PdfViewer
          data={loaded.data}
          page={presentation.page}
          {...(presenter ? { onPage: turn } : {})}
        />
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
