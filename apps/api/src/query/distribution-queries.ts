/** /funnel, /typology and /profile: a unit among all units of its level, and outcomes by site typology. */
import { grainOfPeriod, metricByCode, METRICS } from '@uitkomst/domain';
import { meanFunnelLimits, proportionFunnelLimits, quantileCont, ratioFunnelLimits } from '@uitkomst/stats';
import type { ColumnSpec } from './formats';
import type { MetricRow } from './metric-rows';
import type { Answer } from './metrics-queries';
import { clientGroupParam, defaultPeriod } from './metrics-queries';
import { badParameter, checkAllowed, checkMetric, checkUnitsInRelease, periodBounds, RawQuery, requireParam, singleParam } from './query-params';
import { PartitionCache } from './partition-cache';
import type { LoadedRelease, ReleaseStore } from './release-store';

const Z95 = 1.959963984540054;
const GRID_POINTS = 60;

export interface FunnelParams { metric: string; level: string; period: string; clientGroup: string }

export function parseFunnelQuery(rel: LoadedRelease, q: RawQuery): FunnelParams {
  const metric = checkMetric('metric', [requireParam(q, 'metric')])[0];
  const level = checkAllowed('level', [singleParam(q, 'level') ?? 'municipality'], ['site', 'municipality', 'region'])[0];
  return { metric, level, period: defaultPeriod(rel, q), clientGroup: clientGroupParam(q) };
}

/** Denominators from small to a little past the largest unit, evenly spaced on a log scale. */
export function denominatorGrid(maxX: number): number[] {
  const lo = 1;
  const hi = Math.max(10, maxX * 1.15);
  return Array.from({ length: GRID_POINTS }, (_, i) => lo * Math.pow(hi / lo, i / (GRID_POINTS - 1)));
}

/** Limit curves: Wilson for proportions, Byar for observed/expected, normal for means with the SD the units' limits imply. */
export function funnelLimits(metric: string, national: number | null, points: { x: number; row: MetricRow }[]) {
  const method = metricByCode(metric)?.method;
  const xs = denominatorGrid(Math.max(0, ...points.map((p) => p.x)));
  if (method === 'byar_ratio') {
    return xs.map((x) => ({ denominator: x, low95: ratioFunnelLimits(x, 0.95)?.low ?? null, high95: ratioFunnelLimits(x, 0.95)?.high ?? null, low998: ratioFunnelLimits(x, 0.998)?.low ?? null, high998: ratioFunnelLimits(x, 0.998)?.high ?? null }));
  }
  if (national == null) return [];
  if (method === 'wilson') {
    return xs.map((x) => {
      const a = proportionFunnelLimits(national, x, 0.95);
      const b = proportionFunnelLimits(national, x, 0.998);
      return { denominator: x, low95: a?.low ?? null, high95: a?.high ?? null, low998: b?.low ?? null, high998: b?.high ?? null };
    });
  }
  const sds = points.filter((p) => p.row.funnel95High != null && p.x > 0).map((p) => ((p.row.funnel95High! - national) * Math.sqrt(p.x)) / Z95).filter((s) => s > 0);
  const sd = quantileCont(sds, 0.5);
  if (sd == null) return [];
  return xs.map((x) => {
    const a = meanFunnelLimits(national, sd, x, 0.95)!;
    const b = meanFunnelLimits(national, sd, x, 0.998)!;
    return { denominator: x, low95: a.low, high95: a.high, low998: b.low, high998: b.high };
  });
}

export async function runFunnelQuery(store: ReleaseStore, rel: LoadedRelease, p: FunnelParams): Promise<Answer> {
  const grain = grainOfPeriod(p.period)!;
  const [levelPart, nationalPart] = await Promise.all([
    store.partitions.get(rel, p.metric, p.level, grain, p.period), store.partitions.get(rel, p.metric, 'national', grain, p.period),
  ]);
  const rows = PartitionCache.select(levelPart, [], [p.clientGroup]).filter((r) => !r.suppressed && r.value !== null);
  const national = PartitionCache.select(nationalPart, [], [p.clientGroup]);
  const ratio = metricByCode(p.metric)?.method === 'byar_ratio';
  const nationalValue = ratio ? 1 : national[0]?.value ?? rows[0]?.nationalValue ?? null;
  const points = rows.map((row) => ({ x: (ratio ? row.expected : row.denominator) ?? 0, y: ratio ? row.ratio : row.value, row }));
  const limits = funnelLimits(p.metric, nationalValue, points);
  const json = {
    release: rel.id, metric: p.metric, level: p.level, period: p.period, grain: grainOfPeriod(p.period), clientGroup: p.clientGroup,
    nationalValue, xAxis: ratio ? 'expected' : 'denominator', yAxis: ratio ? 'ratio' : 'value',
    points: points.map(({ x, y, row }) => ({ unit: row.unit, unitName: row.unitName, x, y, denominator: row.denominator, value: row.value, ciLow: ratio ? row.ratioCiLow : row.ciLow, ciHigh: ratio ? row.ratioCiHigh : row.ciHigh, comparison: row.comparison })),
    limits,
  };
  const columns: ColumnSpec[] = ['unit', 'unitName', 'x', 'y', 'denominator', 'value', 'ciLow', 'ciHigh', 'comparison']
    .map((name) => ({ name, kind: ['unit', 'unitName', 'comparison'].includes(name) ? 'text' : 'number' }));
  return { json, table: { columns, rows: json.points } };
}

export interface TypologyParams { metric: string; dimension: string; period: string; clientGroup: string }

export function parseTypologyQuery(rel: LoadedRelease, q: RawQuery): TypologyParams {
  const metric = checkMetric('metric', [requireParam(q, 'metric')])[0];
  const dimension = checkAllowed('dimension', [requireParam(q, 'dimension')], rel.dimensions)[0];
  return { metric, dimension, period: defaultPeriod(rel, q), clientGroup: clientGroupParam(q) };
}

export const TYPOLOGY_CAVEAT = 'Association, not an impact evaluation: sites differ in more than their form of cooperation.';
const TYPOLOGY_FIELDS: [string, string, 'text' | 'number'][] = [
  ['dimension', 'dimension', 'text'], ['category', 'category', 'text'], ['numerator', 'numerator', 'number'], ['denominator', 'denominator', 'number'],
  ['value', 'value', 'number'], ['ci_low', 'ciLow', 'number'], ['ci_high', 'ciHigh', 'number'], ['n_sites', 'nSites', 'number'], ['caveat', 'caveat', 'text'],
];

export async function runTypologyQuery(store: ReleaseStore, rel: LoadedRelease, p: TypologyParams): Promise<Answer> {
  const cols = rel.columns.typology;
  const select = TYPOLOGY_FIELDS.map(([c, f, k]) => (cols.has(c) ? `CAST("${c}" AS ${k === 'number' ? 'DOUBLE' : 'VARCHAR'}) AS "${f}"` : `NULL AS "${f}"`)).join(', ');
  const rows = await store.query(`SELECT ${select} FROM ${rel.schema}.typology WHERE metric = ? AND dimension = ? AND period = ? AND client_group = ? ORDER BY category`,
    [p.metric, p.dimension, p.period, p.clientGroup]);
  return {
    json: { release: rel.id, metric: p.metric, dimension: p.dimension, period: p.period, grain: grainOfPeriod(p.period), clientGroup: p.clientGroup, caveat: TYPOLOGY_CAVEAT, rows },
    table: { columns: TYPOLOGY_FIELDS.map(([, name, kind]) => ({ name, kind })), rows },
  };
}

export interface ProfileParams { unit: string; period: string; clientGroup: string }

export function parseProfileQuery(rel: LoadedRelease, unit: string, q: RawQuery): ProfileParams {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(unit)) throw badParameter('unit', `"${unit}" is not a unit code`);
  checkUnitsInRelease('unit', rel, [unit]);
  return { unit, period: defaultPeriod(rel, q), clientGroup: clientGroupParam(q) };
}

interface Range { metric: string; n: number; min: number | null; p25: number | null; median: number | null; p75: number | null; max: number | null }
interface SiteRow { code: string; name: string; kind: string; startDate: string | null; integrationLevel: string | null; phase: number | null; teamModel: string | null; coLocated: boolean | null; jointManagement: boolean | null; maturity: string | null }

/** Count, min, quartiles (DuckDB's quantile_cont) and max of the published values of one metric's rows. */
function rangeOf(metric: string, rows: readonly MetricRow[]): Range | null {
  const values = rows.filter((r) => !r.suppressed && r.value !== null).map((r) => r.value!);
  if (values.length === 0) return null;
  return {
    metric, n: values.length, min: Math.min(...values), p25: quantileCont(values, 0.25), median: quantileCont(values, 0.5),
    p75: quantileCont(values, 0.75), max: Math.max(...values),
  };
}

const yearsBetween = (from: string, to: string) => Math.floor((Date.parse(to) - Date.parse(from)) / (365.2425 * 86_400_000));

export async function runProfileQuery(store: ReleaseStore, rel: LoadedRelease, p: ProfileParams): Promise<Answer> {
  const level = rel.unitLevel.get(p.unit)!;
  const grain = grainOfPeriod(p.period)!;
  const siteFilter = level === 'site' ? 'site_code = ?' : level === 'municipality' ? `list_contains(string_split(coalesce(municipality_codes, ''), ','), ?)` : level === 'region' ? 'region_code = ?' : 'false';
  // The unit's rows, the national ones and the spread of its level come from the cached partitions of each metric.
  const [levelParts, nationalParts, sites] = await Promise.all([
    Promise.all(rel.metrics.map((m) => store.partitions.get(rel, m, level, grain, p.period))),
    Promise.all(rel.metrics.map((m) => store.partitions.get(rel, m, 'national', grain, p.period))),
    store.query<SiteRow>(`SELECT site_code AS code, name, kind, CAST(start_date AS VARCHAR) AS "startDate", integration_level AS "integrationLevel", CAST(phase AS DOUBLE) AS phase,
                                 team_model AS "teamModel", co_located AS "coLocated", joint_management AS "jointManagement", maturity
                            FROM ${rel.schema}.sites WHERE ${siteFilter} ORDER BY site_code`, level === 'national' ? [] : [p.unit]),
  ]);
  const own = levelParts.flatMap((part) => PartitionCache.select(part, [p.unit], [p.clientGroup]));
  const national = nationalParts.flatMap((part) => PartitionCache.select(part, [], [p.clientGroup]));
  const ranges = levelParts.map((part, i) => rangeOf(rel.metrics[i], PartitionCache.select(part, [], [p.clientGroup])));
  const periodEnd = own[0]?.periodEnd ?? periodBounds(p.period).end;
  const metrics = METRICS.map((def) => {
    const row = own.find((r) => r.metric === def.code);
    const range = ranges.find((r) => r?.metric === def.code);
    return {
      metric: def.code, label: def.label, family: def.family, polarity: def.polarity, isProcess: def.process, valueType: def.valueType,
      value: row?.value ?? null, ciLow: row?.ciLow ?? null, ciHigh: row?.ciHigh ?? null, numerator: row?.numerator ?? null, denominator: row?.denominator ?? null,
      suppressed: row?.suppressed ?? null, suppressionReason: row?.suppressionReason ?? null, comparison: row?.comparison ?? null,
      nationalValue: national.find((r) => r.metric === def.code)?.value ?? row?.nationalValue ?? null,
      range: range ? { n: range.n, min: range.min, p25: range.p25, median: range.median, p75: range.p75, max: range.max } : null,
    };
  }).filter((m) => m.value !== null || m.suppressed !== null || m.range !== null);
  const siteList = sites.map((s) => ({ ...s, yearsSinceStart: s.startDate ? yearsBetween(s.startDate, periodEnd) : null }));
  const starts = siteList.map((s) => s.startDate).filter((d): d is string => !!d).sort();
  const json = {
    release: rel.id, unit: p.unit, unitName: own[0]?.unitName ?? null, level, regionCode: own[0]?.regionCode ?? null,
    period: p.period, grain, clientGroup: p.clientGroup,
    yearsSinceCooperationStarted: starts.length ? yearsBetween(starts[0], periodEnd) : null,
    metrics, sites: siteList,
  };
  const tableRows = metrics.map(({ label, range, ...m }) => ({ unit: p.unit, level, period: p.period, ...m, label: label.en, ...Object.fromEntries(Object.entries(range ?? {}).map(([k, v]) => [`range${k[0].toUpperCase()}${k.slice(1)}`, v])) }));
  const columns: ColumnSpec[] = [
    ...['unit', 'level', 'period', 'metric', 'label', 'family', 'polarity'].map((name) => ({ name, kind: 'text' as const })),
    { name: 'isProcess', kind: 'boolean' }, { name: 'valueType', kind: 'text' },
    ...['value', 'ciLow', 'ciHigh', 'numerator', 'denominator'].map((name) => ({ name, kind: 'number' as const })),
    { name: 'suppressed', kind: 'boolean' }, { name: 'suppressionReason', kind: 'text' }, { name: 'comparison', kind: 'text' },
    ...['nationalValue', 'rangeN', 'rangeMin', 'rangeP25', 'rangeMedian', 'rangeP75', 'rangeMax'].map((name) => ({ name, kind: 'number' as const })),
  ];
  return { json, table: { columns, rows: tableRows } };
}

