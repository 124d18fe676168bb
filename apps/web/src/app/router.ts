import { useCallback, useSyncExternalStore } from 'react';

export type RouteName = 'overview' | 'compare' | 'profile' | 'cooperation' | 'data' | 'method' | 'submit';

export const ROUTES: readonly { name: RouteName; path: string }[] = [
  { name: 'overview', path: '/' },
  { name: 'compare', path: '/vergelijken' },
  { name: 'profile', path: '/profiel' },
  { name: 'cooperation', path: '/samenwerking' },
  { name: 'data', path: '/data' },
  { name: 'method', path: '/methode' },
  { name: 'submit', path: '/aanleveren' },
];

const NAVIGATE_EVENT = 'uitkomst:navigate';

export function routeOfPath(pathname: string): RouteName | null {
  const clean = pathname.replace(/\/+$/, '') || '/';
  return ROUTES.find((r) => r.path === clean)?.name ?? null;
}

export function pathOfRoute(name: RouteName): string {
  return ROUTES.find((r) => r.name === name)!.path;
}

function subscribe(onChange: () => void) {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function useLocationKey(): string {
  return useSyncExternalStore(subscribe, snapshot);
}

export function navigate(url: string, opts: { replace?: boolean } = {}) {
  if (url === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

export type QueryPatch = Record<string, string | null | undefined>;

/** Applies a patch to a query string; null/undefined/'' remove a key. Keys are kept sorted so URLs are stable. */
export function patchQuery(search: string, patch: QueryPatch): string {
  const params = new URLSearchParams(search);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined || v === '') params.delete(k);
    else params.set(k, v);
  }
  params.sort();
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The current query string as a record plus a setter that writes choices to the URL (a new history entry). */
export function useQuery(): [Record<string, string>, (patch: QueryPatch, opts?: { replace?: boolean }) => void] {
  const key = useLocationKey();
  const search = key.slice(key.indexOf('?') >= 0 ? key.indexOf('?') : key.length);
  const params = Object.fromEntries(new URLSearchParams(search));
  const set = useCallback((patch: QueryPatch, opts: { replace?: boolean } = {}) => {
    navigate(window.location.pathname + patchQuery(window.location.search, patch), opts);
  }, []);
  return [params, set];
}

/** Link target for a route, keeping the language choice. */
export function hrefFor(route: RouteName, query: QueryPatch = {}, lang?: string): string {
  return pathOfRoute(route) + patchQuery('', { ...query, lang: lang === 'en' ? 'en' : null });
}
