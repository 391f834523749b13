import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../hooks/useI18n';

type PdfDoc = {
  numPages: number;
  getPage(n: number): Promise<{
    getViewport(o: { scale: number }): { width: number; height: number };
    render(o: { canvasContext: CanvasRenderingContext2D; viewport: unknown }): {
      promise: Promise<void>;
      cancel(): void;
    };
  }>;
  destroy(): Promise<void>;
};

/** pdf.js, loaded on first use only (keeps it out of the first-load bundle). */
async function loadPdfJs() {
  const [lib, worker] = await Promise.all([
    import('pdfjs-dist'),
    import('pdfjs-dist/build/pdf.worker.min.mjs?url'),
  ]);
  lib.GlobalWorkerOptions.workerSrc = worker.default;
  return lib;
}

/**
 * A PDF page on a canvas. `page` is controlled: the chair's presentation drives it on every site,
 * or the reader turns pages with `onPage`.
 */
export function PdfViewer({
  data,
  page,
  onPage,
  onPages,
}: {
  data: Uint8Array;
  page: number;
  onPage?: (page: number) => void;
  onPages?: (n: number) => void;
}) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [doc, setDoc] = useState<PdfDoc | null>(null);
  const [error, setError] = useState(false);
  useEffect(() => {
    let alive = true;
    let loaded: PdfDoc | null = null;
    void loadPdfJs()
      .then((lib) => lib.getDocument({ data: data.slice() }).promise as unknown as Promise<PdfDoc>)
      .then((d) => {
        loaded = d;
        if (alive) {
          setDoc(d);
          onPages?.(d.numPages);
        }
      })
      .catch(() => alive && setError(true));
    return () => {
      alive = false;
      void loaded?.destroy();
    };
  }, [data, onPages]);
  const n = doc ? Math.min(Math.max(1, page), doc.numPages) : page;
  // One render at a time on the canvas: pdf.js draws garbage (pages upside down, mirrored) when a
  // render starts while the previous one still runs, which is what a presentation's quick page
  // turns did. The running one is cancelled and the next waits for it to settle.
  const rendering = useRef<Promise<void>>(Promise.resolve());
  const task = useRef<{ cancel(): void } | null>(null);
  /** The page last drawn completely (tests wait on it; the prop is only the wish). */
  const [rendered, setRendered] = useState(0);
  useEffect(() => {
    if (!doc) return;
    let cancelled = false;
    task.current?.cancel();
    rendering.current = rendering.current.then(async () => {
      if (cancelled || !canvas.current) return;
      const p = await doc.getPage(n).catch(() => null);
      const c = canvas.current;
      if (cancelled || !p || !c) return;
      const width = c.parentElement?.clientWidth || 800;
      const base = p.getViewport({ scale: 1 });
      const viewport = p.getViewport({ scale: Math.min(2, width / base.width) });
      c.width = viewport.width;
      c.height = viewport.height;
      const ctx = c.getContext('2d');
      if (!ctx) return;
      const t = p.render({ canvasContext: ctx, viewport });
      task.current = t;
      const ok = await t.promise.then(
        () => true,
        () => false,
      );
      if (task.current === t) task.current = null;
      if (ok && !cancelled) setRendered(n);
    });
    return () => {
      cancelled = true;
    };
  }, [doc, n]);
  if (error) return <p role="alert">{t('doc.cannotOpen')}</p>;
  return (
    <div
      className="pdf-viewer"
      data-testid="pdf-viewer"
      data-page={n}
      data-rendered={rendered}
      data-pages={doc?.numPages ?? 0}
    >
      {!doc && <p>{t('app.loading')}</p>}
      <canvas ref={canvas} aria-label={t('doc.page', { page: n, pages: doc?.numPages ?? '…' })} />
      {doc && (
        <div className="pdf-nav">
          {onPage && (
            <button
              type="button"
              className="btn"
              disabled={n <= 1}
              onClick={() => onPage(n - 1)}
              data-testid="pdf-prev"
            >
              ‹ {t('doc.prev')}
            </button>
          )}
          <span data-testid="pdf-page">{t('doc.page', { page: n, pages: doc.numPages })}</span>
          {onPage && (
            <button
              type="button"
              className="btn"
              disabled={n >= doc.numPages}
              onClick={() => onPage(n + 1)}
              data-testid="pdf-next"
            >
              {t('doc.next')} ›
            </button>
          )}
        </div>
      )}
    </div>
  );
}
