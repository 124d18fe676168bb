import type { MetricRow } from './types';

/** Shapes of the analysis endpoints (apps/api/src/query/query.schemas.ts). */
export interface FunnelAnswer {
  nationalValue: number | null; xAxis: 'denominator' | 'expected'; yAxis: 'value' | 'ratio';
  points: { unit: string; unitName: string | null; x: number; y: number | null; denominator: number | null; value: number | null; ciLow: number | null; ciHigh: number | null; comparison: MetricRow['comparison'] | null }[];
  limits: { denominator: number; low95: number | null; high95: number | null; low998: number | null; high998: number | null }[];
}

export interface BenchmarkAnswer {
  level: string; unit: MetricRow | null; national: MetricRow | null; region: MetricRow | null;
  peers: (MetricRow & { rank: number; distance: number })[]; peerMedian: number | null; peerCount: number;
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
