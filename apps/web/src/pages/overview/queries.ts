/** What the overview asks the API for, shared by the page and by its prefetch (which runs before the page's code has loaded). */
import type { Grain } from '@uitkomst/domain/metrics';
import { asList, getJson } from '../../api/client';
import { type MetricQuery, metricsUrl, periodsByGrain, periodsUrl } from '../../api/hooks';
import type { MetricRow } from '../../api/types';
import { resolvePeriod } from '../../app/filters';
import { loadRegionBoundaries } from '../../map/geo';

export const HEADLINES = [
  { family: 'effectiveness', metric: 'outflow_to_work', secondary: 'sustained_outflow' },
  { family: 'satisfaction', metric: 'satisfaction_mean', secondary: 'satisfaction_share' },
  { family: 'efficiency', metric: 'cost_per_case', secondary: 'cost_per_exit_to_work' },
] as const;

export const DEFAULT_MAP_METRIC = 'outflow_to_work';

export const headlinesQuery: MetricQuery = { metric: HEADLINES.flatMap((h) => [h.metric, h.secondary]).join(','), level: 'national', grain: 'year', clientGroup: 'all' };

/** The overview's period: the one asked for, if the release has that year, else the latest year. */
export const overviewPeriod = (asked: string | undefined, byGrain: Record<Grain, string[]>) =>
  resolvePeriod(asked, { year: byGrain.year, quarter: [], month: [], rolling12: [] });

export const regionMapQuery = (metric: string, period: string): MetricQuery => ({ metric, level: 'region', period, clientGroup: 'all' });

/**
 * Starts the overview's requests while the page's code is still loading; the page's hooks then find the
 * answers in getJson's cache instead of asking only after their chunks have loaded and rendered.
 */
export function prefetchOverview(search: string) {
  const query = Object.fromEntries(new URLSearchParams(search));
  const ignore = () => undefined;
  getJson(metricsUrl(headlinesQuery)!).catch(ignore);
  loadRegionBoundaries().catch(ignore);
  getJson(periodsUrl()).then((body) => {
    const byGrain = periodsByGrain(asList<MetricRow>(body).map((r) => r.period));
    const period = overviewPeriod(query.period, byGrain);
    if (period) getJson(metricsUrl(regionMapQuery(query.metric ?? DEFAULT_MAP_METRIC, period))!).catch(ignore);
  }, ignore);
}
