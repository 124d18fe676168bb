import type { MetricRow } from './types';

/** Shapes of the analysis endpoints (apps/api/src/query/query.schemas.ts). */
export interface FunnelAnswer {
  nationalValue: number | null; xAxis: 'denominator' | 'expected'; yAxis: 'value' | 'ratio';
  points: { unit: string; unitName: string | null; x: number; y: number | null; denominator: number | null; value: number | null; ciLow: number | null; ciHigh: number | null; comparison: MetricRow['comparison'] | null }[];
  limits: { denominator: number; low95: number | null; high95: number | null; low998: number | null; high998: number | null }[];
}

/** A similar municipality's figures in a benchmark answer; metric, period and client group are the answer's. */
export type PeerRow = { rank: number; distance: number } & Pick<MetricRow, 'unit' | 'numerator' | 'denominator' | 'value' | 'ciLow' | 'ciHigh' | 'suppressionReason'>
  & { unitName: string | null; comparison: MetricRow['comparison'] | null; suppressed: boolean };

export interface BenchmarkAnswer {
  metric: string; period: string; grain: string; clientGroup: string;
  level: string; unit: MetricRow | null; national: MetricRow | null; region: MetricRow | null;
  peers: PeerRow[]; peerMedian: number | null; peerCount: number;
}

/** A peer as a metric row of the answer's metric and period, for the tables and charts of metric rows. */
export function peerMetricRow(b: BenchmarkAnswer, p: PeerRow): MetricRow & { rank: number; distance: number } {
  return {
    ...p, metric: b.metric, level: 'municipality', period: b.period, grain: b.grain, clientGroup: b.clientGroup,
    unitName: p.unitName ?? p.unit, comparison: p.comparison ?? 'not_comparable', nationalValue: b.national?.value ?? null,
  };
}

export interface TrendPointDto { period: string; value: number | null; ciLow: number | null; ciHigh: number | null; numerator: number | null; denominator: number | null; comparison: MetricRow['comparison'] | null; suppressed: boolean; suppressionReason: string | null }
export interface TrendsAnswer { series: { unit: string; unitName: string | null; level: string | null; points: TrendPointDto[] }[]; national: TrendPointDto[] }

export interface TypologyAnswer {
  caveat: string;
  rows: { dimension: string; category: string; numerator: number | null; denominator: number | null; value: number | null; ciLow: number | null; ciHigh: number | null; nSites: number | null; caveat: string | null }[];
}

export interface ProfileMetric {
  metric: string; value: number | null; ciLow: number | null; ciHigh: number | null; numerator: number | null; denominator: number | null;
  suppressed: boolean | null; suppressionReason: string | null; comparison: MetricRow['comparison'] | null; nationalValue: number | null;
  range: { n: number; min: number | null; p25: number | null; median: number | null; p75: number | null; max: number | null } | null;
}
export interface ProfileSite {
  code: string; name: string; kind: string; startDate: string | null; yearsSinceStart: number | null; integrationLevel: string | null;
  phase: number | null; teamModel: string | null; coLocated: boolean | null; jointManagement: boolean | null; maturity: string | null;
}
export interface ProfileAnswer {
  unit: string; unitName: string | null; level: string; regionCode: string | null; period: string; yearsSinceCooperationStarted: number | null;
  metrics: ProfileMetric[]; sites: ProfileSite[];
}
