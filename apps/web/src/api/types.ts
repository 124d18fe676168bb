import type { Comparison } from '@uitkomst/domain/metrics';
import type { SiteTypology } from '@uitkomst/domain/typology';

export type UnitLevel = 'national' | 'region' | 'municipality' | 'site';

export interface MetricRow {
  metric: string;
  level: UnitLevel;
  unit: string;
  unitName: string;
  period: string;
  grain: string;
  clientGroup: string;
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  nationalValue: number | null;
  comparison: Comparison;
  suppressed: boolean;
  suppressionReason: string | null;
  funnel95Low?: number | null;
  funnel95High?: number | null;
  funnel998Low?: number | null;
  funnel998High?: number | null;
  regionCode?: string | null;
}

export interface Region { code: string; name: string; municipalities: number }
export interface Municipality { code: string; name: string; regionCode: string; provinceCode: string; validFrom: string; validTo: string | null; successorCode: string | null }
export interface Site {
  code: string; name: string; kind: 'werkplein' | 'wijkteam'; regionCode: string; startDate: string; endDate?: string | null;
  municipalities: string[]; partners: string[]; typology: SiteTypology[]; currentTypology: SiteTypology | null;
}

export interface Release {
  id: string;
  version?: string | number;
  label?: string;
  publishedAt?: string;
  createdAt?: string;
  status?: string;
  [key: string]: unknown;
}

export interface TypologyGroup {
  dimension: string;
  group: string;
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  units: number | null;
  denominator: number | null;
  suppressed: boolean;
}

export type SubmissionStatus = 'received' | 'validating' | 'accepted' | 'rejected' | 'superseded';
export interface SubmissionError { row: number | null; column: string | null; code: string; message: string }
export interface Submission { id: string; status: SubmissionStatus; rowCount: number | null; errorCount: number | null; errors: SubmissionError[]; sha256?: string }
