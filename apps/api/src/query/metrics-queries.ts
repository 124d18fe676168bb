/** /metrics, /trends and /benchmark over a loaded release: parse (validate) first, then run. */
import { grainOfPeriod } from '@uitkomst/domain';
import { quantileCont } from '@uitkomst/stats';
import type { ColumnSpec, TableData } from './formats';
import { emptyMetricRow, METRIC_COLUMNS, metricSelect, MetricRow, Where } from './metric-rows';
import {
  badParameter, checkClientGroup, checkGrain, checkLevel, checkMetric, checkPeriodFormat, checkPeriodsInRelease, checkUnitsInRelease,
  listParam, periodBounds, RawQuery, requireParam, singleParam,
} from './query-params';
import { Partition, PartitionCache } from './partition-cache';
import type { LoadedRelease, PeerLink, ReleaseStore } from './release-store';

export interface Answer { json: unknown; table: TableData }
export const MAX_ROWS = 50_000;
const ORDER = 'ORDER BY metric, level, grain, period, unit, client_group';

export function defaultPeriod(rel: LoadedRelease, query: RawQuery, name = 'period'): string {
  const period = singleParam(query, name) ?? rel.latestYear;
  if (!period) throw badParameter(name, `release ${rel.id} has no yearly periods; give a period`);
  checkPeriodFormat(name, [period]);
  checkPeriodsInRelease(name, rel, [period]);
  return period;
}

export function clientGroupParam(query: RawQuery): string {
  return checkClientGroup('clientGroup', [singleParam(query, 'clientGroup') ?? 'all'])[0];
}

export interface MetricsParams { metric: string[]; level: string[]; unit: string[]; grain?: string; period: string[]; from?: string; to?: string; clientGroup: string[] }

export function parseMetricsQuery(rel: LoadedRelease, q: RawQuery): MetricsParams {
  const metric = checkMetric('metric', listParam(q, 'metric'));
  const level = checkLevel('level', listParam(q, 'level'));
  const grain = singleParam(q, 'grain');
  if (grain) checkGrain('grain', [grain]);
  const unit = listParam(q, 'unit');
  checkUnitsInRelease('unit', rel, unit, level);
  const period = listParam(q, 'period');
  checkPeriodFormat('period', period, grain);
  checkPeriodsInRelease('period', rel, period);
  const from = singleParam(q, 'from');
  const to = singleParam(q, 'to');
  if (from) checkPeriodFormat('from', [from]);
  if (to) checkPeriodFormat('to', [to]);
  if (from && to && periodBounds(from).start > periodBounds(to).end) throw badParameter('from', `${from} is after to=${to}`);
  const clientGroup = checkClientGroup('clientGroup', listParam(q, 'clientGroup').length ? listParam(q, 'clientGroup') : ['all']);
  return { metric, level, unit, grain, period, from, to, clientGroup };
}

/** Above this many partitions a query runs as one SQL statement instead (QUERY_MAX_PARTITIONS). */
const maxPartitions = () => Number(process.env.QUERY_MAX_PARTITIONS ?? 256);

/** The (metric, level, grain, period) partitions a query touches, in the API's sort order; null when too many. */
export function partitionsOf(rel: LoadedRelease, p: MetricsParams): [string, string, string, string][] | null {
  const metrics = p.metric.length ? p.metric : rel.metrics;
  const levels = p.level.length ? p.level : [...rel.unitsByLevel.keys()].sort();
  const from = p.from ? periodBounds(p.from).start : null;
  const to = p.to ? periodBounds(p.to).end : null;
  const periods = (p.period.length ? p.period : [...rel.periodsByGrain.entries()].filter(([g]) => !p.grain || g === p.grain).flatMap(([, ps]) => ps))
    .filter((period) => (!from || periodBounds(period).start >= from) && (!to || periodBounds(period).end <= to))
    .map((period) => [grainOfPeriod(period)!, period] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  if (metrics.length * levels.length * periods.length > maxPartitions()) return null;
  return [...metrics].sort().flatMap((m) => [...levels].sort().flatMap((l) => periods.map(([g, period]) => [m, l, g, period] as [string, string, string, string])));
}

export async function runMetricsQuery(store: ReleaseStore, rel: LoadedRelease, p: MetricsParams): Promise<Answer> {
  const parts = partitionsOf(rel, p);
  if (parts) {
    const loaded = await Promise.all(parts.map(([m, l, g, period]) => store.partitions.get(rel, m, l, g, period)));
    const rows = loaded.flatMap((part) => PartitionCache.select(part, p.unit, p.clientGroup));
    if (rows.length > MAX_ROWS) throw badParameter('metric', `the query matches more than ${MAX_ROWS} rows; narrow it (metric, level, unit, period, grain) or download the release`);
    return { json: rows, table: { columns: METRIC_COLUMNS, rows } };
  }
  const w = new Where().in('metric', p.metric).in('level', p.level).in('unit', p.unit).in('period', p.period).in('client_group', p.clientGroup);
  if (p.grain) w.eq('grain', p.grain);
  if (p.from) w.cmp('period_start', '>=', periodBounds(p.from).start);
  if (p.to) w.cmp('period_end', '<=', periodBounds(p.to).end);
  const rows = await store.query<MetricRow>(`SELECT ${metricSelect(rel)} FROM ${rel.schema}.metrics ${w.sql()} ${ORDER} LIMIT ${MAX_ROWS + 1}`, w.params);
  if (rows.length > MAX_ROWS) throw badParameter('metric', `the query matches more than ${MAX_ROWS} rows; narrow it (metric, level, unit, period, grain) or download the release`);
  return { json: rows, table: { columns: METRIC_COLUMNS, rows } };
}

export interface TrendsParams { metric: string; unit: string[]; grain: string; clientGroup: string }

export function parseTrendsQuery(rel: LoadedRelease, q: RawQuery): TrendsParams {
  const metric = checkMetric('metric', [requireParam(q, 'metric')])[0];
  const unit = listParam(q, 'unit');
  if (!unit.length) throw badParameter('unit', 'is required');
  if (unit.length > 50) throw badParameter('unit', 'at most 50 units per call');
  checkUnitsInRelease('unit', rel, unit);
  const grain = checkGrain('grain', [singleParam(q, 'grain') ?? 'year'])[0];
  return { metric, unit, grain, clientGroup: clientGroupParam(q) };
}

const point = (r: MetricRow) => ({
  period: r.period, periodStart: r.periodStart, periodEnd: r.periodEnd, value: r.value, ciLow: r.ciLow, ciHigh: r.ciHigh,
  numerator: r.numerator, denominator: r.denominator, comparison: r.comparison, suppressed: r.suppressed, suppressionReason: r.suppressionReason,
});

/** Ascending, nulls last: the order DuckDB gives `ORDER BY unit, period_start, period`. */
function byUnitAndPeriod(a: MetricRow, b: MetricRow): number {
  const cmp = (x: string | null, y: string | null) => (x === y ? 0 : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1);
  return cmp(a.unit, b.unit) || cmp(a.periodStart, b.periodStart) || cmp(a.period, b.period);
}

/** The units' series and the national one, from the cached series of each level (see PartitionCache.series). */
export async function runTrendsQuery(store: ReleaseStore, rel: LoadedRelease, p: TrendsParams): Promise<Answer> {
  const levels = [...new Set(['national', ...p.unit.map((u) => rel.unitLevel.get(u)!)])];
  const parts = new Map(await Promise.all(levels.map(async (level) =>
    [level, await store.partitions.series(rel, p.metric, level, p.grain, p.clientGroup)] as const)));
  const units = [...new Set(p.unit)].filter((u) => rel.unitLevel.get(u) !== 'national');
  const rows = [...parts.get('national')!.rows, ...units.flatMap((u) => parts.get(rel.unitLevel.get(u)!)!.rowsOf(u, []))].sort(byUnitAndPeriod);
  const series = p.unit.map((unit) => {
    const own = rows.filter((r) => r.unit === unit);
    return { unit, unitName: own[0]?.unitName ?? null, level: rel.unitLevel.get(unit) ?? null, points: own.map(point) };
  });
  const national = rows.filter((r) => r.level === 'national').map(point);
  return { json: { release: rel.id, metric: p.metric, grain: p.grain, clientGroup: p.clientGroup, series, national }, table: { columns: METRIC_COLUMNS, rows } };
}

/** What a peer contributes to a comparison; the answer's head gives metric, period and client group, /metrics every field. */
export const PEER_FIELDS = ['unit', 'unitName', 'numerator', 'denominator', 'value', 'ciLow', 'ciHigh', 'comparison', 'suppressed', 'suppressionReason'] as const;
export type PeerRow = { rank: number; distance: number } & Pick<MetricRow, (typeof PEER_FIELDS)[number]>;

const EMPTY_ROW = emptyMetricRow('');
const EMPTY_PEER = Object.freeze(Object.fromEntries(PEER_FIELDS.map((f) => [f, EMPTY_ROW[f]])) as Omit<PeerRow, 'rank' | 'distance'>);

function emptyPeerRow(unit: string): Omit<PeerRow, 'rank' | 'distance'> {
  return { ...EMPTY_PEER, unit };
}

const BENCHMARK_COLUMNS: ColumnSpec[] = [{ name: 'role', kind: 'text' }, { name: 'rank', kind: 'number' }, { name: 'distance', kind: 'number' }, ...METRIC_COLUMNS];

export interface BenchmarkParams { metric: string; unit: string; period: string; clientGroup: string }

export function parseBenchmarkQuery(rel: LoadedRelease, q: RawQuery): BenchmarkParams {
  const metric = checkMetric('metric', [requireParam(q, 'metric')])[0];
  const unit = requireParam(q, 'unit');
  checkUnitsInRelease('unit', rel, [unit]);
  return { metric, unit, period: defaultPeriod(rel, q), clientGroup: clientGroupParam(q) };
}

export async function runBenchmarkQuery(store: ReleaseStore, rel: LoadedRelease, p: BenchmarkParams): Promise<Answer> {
  const grain = grainOfPeriod(p.period)!;
  const level = rel.unitLevel.get(p.unit)!;
  const partitionOf = (lvl: string) => store.partitions.get(rel, p.metric, lvl, grain, p.period);
  const groups = [p.clientGroup];
  const rowIn = (part: Partition, unit: string | null) => part.rowsOf(unit, groups)[0] ?? null;
  const ownPart = await partitionOf(level);
  const own = rowIn(ownPart, p.unit);
  const regionCode = own?.regionCode && level !== 'region' && level !== 'national' ? own.regionCode : null;
  const [nationalPart, regionPart, peerLinks] = await Promise.all([
    partitionOf('national'), regionCode ? partitionOf('region') : null, level === 'municipality' ? store.peersOf(rel, p.unit) : [],
  ]);
  const national = rowIn(nationalPart, null);
  const region = regionPart ? rowIn(regionPart, regionCode) : null;
  // Peers are municipalities, so their rows are in the unit's own partition; a peer without a published row
  // still appears, with every figure null. JSON gives a peer's figures only (PEER_FIELDS), CSV and Arrow whole rows.
  const lead = (link: PeerLink) => ({ rank: link.rank, distance: link.distance });
  const peers = peerLinks.map((link) => ownPart.pick(link.peerCode, groups, PEER_FIELDS, lead(link))[0] ?? { ...lead(link), ...emptyPeerRow(link.peerCode) });
  const peerValues = peers.filter((r) => !r.suppressed && r.value != null).map((r) => r.value!);
  const json = {
    release: rel.id, metric: p.metric, period: p.period, grain, clientGroup: p.clientGroup, level,
    unit: own, national, region, peers, peerMedian: quantileCont(peerValues, 0.5), peerCount: peers.length,
  };
  return {
    json,
    // Only CSV and Arrow answers need the rows tagged with their role; JSON answers never make them.
    get table() {
      const rows = [
        ...(own ? [{ role: 'unit', ...own }] : []), ...(region ? [{ role: 'region', ...region }] : []), ...(national ? [{ role: 'national', ...national }] : []),
        ...peerLinks.map((link) => ({ role: 'peer', ...(ownPart.rowsOf(link.peerCode, groups, lead(link))[0] ?? { ...lead(link), ...emptyMetricRow(link.peerCode) }) })),
      ];
      return { columns: BENCHMARK_COLUMNS, rows };
    },
  };
}
