import { useCallback, useEffect, useRef } from 'react';

/**
 * Tracks which tiles are on screen with an IntersectionObserver and reports the set of site ids
 * (debounced), so the chair only receives the video of tiles someone can see. Returns a ref
 * callback for each tile (`data-site-id` names the site); React 19 calls its cleanup when the tile
 * leaves the page (page change, filter), which also drops it from the visible set.
 */
export function useVisibleTiles(
  onChange: (siteIds: Set<string>) => void,
): (el: HTMLElement | null) => (() => void) | undefined {
  const visible = useRef(new Set<string>());
  const observer = useRef<IntersectionObserver | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const cb = useRef(onChange);
  cb.current = onChange;

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => cb.current(new Set(visible.current)), 150);
  }, []);

  // Created on first use: tile refs attach during commit, before any effect runs.
  const getObserver = useCallback((): IntersectionObserver | null => {
    if (observer.current || typeof IntersectionObserver === 'undefined') return observer.current;
    observer.current = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const id = (e.target as HTMLElement).dataset.siteId;
          if (!id) continue;
          if (e.isIntersecting) visible.current.add(id);
          else visible.current.delete(id);
        }
        flush();
      },
      { threshold: 0.1 },
    );
    return observer.current;
  }, [flush]);

  useEffect(
    () => () => {
      observer.current?.disconnect();
      observer.current = null;
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  return useCallback(
    (el: HTMLElement | null) => {
      if (!el) return undefined;
      const id = el.dataset.siteId;
      const io = getObserver();
      io?.observe(el);
      return () => {
        io?.unobserve(el);
        if (id && visible.current.delete(id)) flush();
      };
    },
    [getObserver, flush],
  );
}
