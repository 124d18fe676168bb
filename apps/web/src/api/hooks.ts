import type { Grain } from '@uitkomst/domain/metrics';
import { grainOfPeriod } from '@uitkomst/domain/periods';
import { apiUrl, asList } from './client';
import type { MetricRow, Municipality, Region, Release, Site } from './types';
import { type Load, useApi } from './useApi';

export const useRegions = () => useApi(apiUrl('regions'), (b) => asList<Region>(b));
export const useMunicipalities = () => useApi(apiUrl('municipalities'), (b) => asList<Municipality>(b));
export const useSites = () => useApi(apiUrl('sites'), (b) => asList<Site>(b));
export const useLatestRelease = () => useApi(apiUrl('releases/latest'), (b) => b as Release);
export const useReleases = () => useApi(apiUrl('releases'), (b) => asList<Release>(b));

export interface MetricQuery { metric: string; level?: string; unit?: string; period?: string; grain?: string; clientGroup?: string; release?: string }

export function metricsUrl(q: MetricQuery | null): string | null {
  if (!q) return null;
  return apiUrl('metrics', { ...q, clientGroup: q.clientGroup ?? 'all' });
}

export function useMetrics(q: MetricQuery | null): Load<MetricRow[]> {
  return useApi(metricsUrl(q), (b) => asList<MetricRow>(b).map(normaliseRow));
}

/** Numbers may arrive as strings (DECIMAL columns); the charts need numbers or null. */
export function normaliseRow(r: MetricRow & { ratio?: number | null; ratioCiLow?: number | null; ratioCiHigh?: number | null }): MetricRow {
  const n = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));
  const ratio = r.value === null && r.ratio != null; // adjusted metric: observed / expected
  return {
    ...r,
    numerator: n(r.numerator), denominator: n(r.denominator),
    value: n(ratio ? r.ratio : r.value), ciLow: n(ratio ? r.ratioCiLow : r.ciLow), ciHigh: n(ratio ? r.ratioCiHigh : r.ciHigh),
    nationalValue: n(r.nationalValue), funnel95Low: n(r.funnel95Low), funnel95High: n(r.funnel95High),
    funnel998Low: n(r.funnel998Low), funnel998High: n(r.funnel998High),
    suppressed: !!r.suppressed || (r.value === null && !!r.suppressionReason),
    comparison: r.comparison ?? 'not_comparable',
    unitName: r.unitName ?? r.unit,
  };
}

/** Which periods the latest release holds, per grain, newest first (from the national series). */
export function usePeriods(): Load<Record<Grain, string[]>> {
  return useApi(periodsUrl(), (b) => periodsByGrain(asList<MetricRow>(b).map((r) => r.period)));
}

/** The national series of one metric: every period the latest release holds. */
export const periodsUrl = () => apiUrl('metrics', { metric: 'outflow_to_work', level: 'national', clientGroup: 'all' });

export function periodsByGrain(periods: readonly string[]): Record<Grain, string[]> {
  const out: Record<Grain, string[]> = { year: [], quarter: [], month: [], rolling12: [] };
  for (const p of new Set(periods)) {
    const g = grainOfPeriod(p);
    if (g) out[g].push(p);
  }
  for (const g of Object.keys(out) as Grain[]) out[g].sort((a, b) => b.localeCompare(a));
  return out;
}
