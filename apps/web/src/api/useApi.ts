import { useEffect, useState } from 'react';
import { getJson } from './client';

export type Load<T> = { state: 'loading' } | { state: 'error'; error: Error } | { state: 'ok'; data: T };

/** Fetches a URL (null: nothing to fetch yet) and maps the body; stale answers are dropped. */
export function useApi<T>(url: string | null, map: (body: unknown) => T = (b) => b as T): Load<T> {
  const [result, setResult] = useState<{ url: string | null; load: Load<T> }>({ url: null, load: { state: 'loading' } });
  useEffect(() => {
    if (!url) return;
    let live = true;
    getJson<unknown>(url).then(
      (body) => live && setResult({ url, load: { state: 'ok', data: map(body) } }),
      (error: Error) => live && setResult({ url, load: { state: 'error', error } }),
    );
    return () => { live = false; };
  }, [url]); // `map` is applied once per URL by design

  return result.url === url ? result.load : { state: 'loading' };
}

export function combine<A, B>(a: Load<A>, b: Load<B>): Load<[A, B]> {
  if (a.state === 'error') return a;
  if (b.state === 'error') return b;
  if (a.state === 'loading' || b.state === 'loading') return { state: 'loading' };
  return { state: 'ok', data: [a.data, b.data] };
}
