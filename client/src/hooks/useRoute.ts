import { useCallback, useSyncExternalStore } from 'react';

/** A tiny history router: the app has a handful of screens, a router library is not worth it. */
export type Route =
  | { name: 'home' }
  | { name: 'join'; token: string }
  | { name: 'meeting'; meetingId: string }
  | { name: 'print'; meetingId: string }
  | { name: 'archive'; meetingId: string }
  | { name: 'archiveSearch' }
  | { name: 'admin' };

export function parseRoute(pathname: string, search: string): Route {
  const invite = new URLSearchParams(search).get('invite');
  if (invite) return { name: 'join', token: invite };
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'join' && parts[1]) return { name: 'join', token: parts[1] };
  if (parts[0] === 'm' && parts[1] && parts[2] === 'print')
    return { name: 'print', meetingId: parts[1] };
  if (parts[0] === 'm' && parts[1] && parts[2] === 'archive')
    return { name: 'archive', meetingId: parts[1] };
  if (parts[0] === 'm' && parts[1]) return { name: 'meeting', meetingId: parts[1] };
  if (parts[0] === 'admin') return { name: 'admin' };
  if (parts[0] === 'archive') return { name: 'archiveSearch' };
  return { name: 'home' };
}

export function routePath(route: Route): string {
  switch (route.name) {
    case 'home':
      return '/';
    case 'join':
      return `/join/${encodeURIComponent(route.token)}`;
    case 'meeting':
      return `/m/${encodeURIComponent(route.meetingId)}`;
    case 'print':
      return `/m/${encodeURIComponent(route.meetingId)}/print`;
    case 'archive':
      return `/m/${encodeURIComponent(route.meetingId)}/archive`;
    case 'archiveSearch':
      return '/archive';
    case 'admin':
      return '/admin';
  }
}

const listeners = new Set<() => void>();
function subscribe(l: () => void) {
  listeners.add(l);
  window.addEventListener('popstate', l);
  return () => {
    listeners.delete(l);
    window.removeEventListener('popstate', l);
  };
}
const getHref = () => window.location.pathname + window.location.search;

export function navigate(route: Route, opts: { replace?: boolean } = {}): void {
  const path = routePath(route);
  if (opts.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  for (const l of listeners) l();
}

export function useRoute(): [Route, typeof navigate] {
  const href = useSyncExternalStore(subscribe, getHref);
  const url = new URL(href, 'http://x');
  const route = parseRoute(url.pathname, url.search);
  return [route, useCallback(navigate, [])];
}
