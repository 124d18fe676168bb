/** Thin JSON client with a small in-memory cache; every read endpoint is public and same-origin. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

const cache = new Map<string, Promise<unknown>>();

export function apiUrl(path: string, params: Record<string, string | number | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `/api/v1/${path}${s ? `?${s}` : ''}`;
}

async function load(url: string, signal?: AbortSignal): Promise<unknown> {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, signal });
  if (!res.ok) {
    let message = res.statusText;
    try { const body = await res.json(); message = Array.isArray(body.message) ? body.message.join('; ') : body.message ?? message; } catch { /* not JSON */ }
    throw new ApiError(res.status, message);
  }
  return res.json();
}

export function getJson<T>(url: string): Promise<T> {
  let p = cache.get(url);
  if (!p) {
    p = load(url);
    cache.set(url, p);
    p.catch(() => cache.delete(url));
  }
  return p as Promise<T>;
}

/** Lists may arrive bare or wrapped ({rows}, {data}, {items}); the dashboard accepts all three. */
export function asList<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  if (body && typeof body === 'object') {
    for (const key of ['rows', 'data', 'items', 'results', 'points']) {
      const v = (body as Record<string, unknown>)[key];
      if (Array.isArray(v)) return v as T[];
    }
  }
  return [];
}
