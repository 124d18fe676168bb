import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { Topology } from 'topojson-specification';

declare global { interface Window { UITKOMST_GEO_URL?: string } }

export type RegionFeature = Feature<Geometry, { statcode: string; statnaam: string }>;

const FILE = 'arbeidsmarktregio_2025.topojson';

/** Runtime setting first, then the build-time base URL, then the same-origin default. */
export function geoUrl(): string {
  const runtime = typeof window !== 'undefined' ? window.UITKOMST_GEO_URL : undefined;
  if (runtime) return runtime;
  const base = import.meta.env.VITE_GEO_BASE_URL as string | undefined;
  if (base) return base.endsWith('.topojson') || base.endsWith('.json') ? base : `${base.replace(/\/$/, '')}/${FILE}`;
  return `/geo/${FILE}`;
}

function isTopology(body: unknown): body is Topology {
  return !!body && typeof body === 'object' && (body as { type?: string }).type === 'Topology' && !!(body as Topology).objects;
}

let pending: Promise<FeatureCollection | null> | null = null;

/** The region boundaries, or null when they cannot be loaded (the caller then draws the tile grid). */
export function loadRegionBoundaries(): Promise<FeatureCollection | null> {
  pending ??= (async () => {
    try {
      const res = await fetch(geoUrl(), { headers: { Accept: 'application/json' } });
      if (!res.ok) return null;
      const body: unknown = await res.json().catch(() => null); // an HTML fallback page is not a map
      if (!isTopology(body)) return null;
      const { feature } = await import('topojson-client');
      const key = body.objects.arbeidsmarktregio_2025 ? 'arbeidsmarktregio_2025' : Object.keys(body.objects)[0];
      const fc = feature(body, body.objects[key]) as FeatureCollection;
      return fc.features.length ? fc : null;
    } catch {
      return null;
    }
  })();
  return pending;
}
