import type { MetricDefinition } from '@uitkomst/domain/metrics';
import type { MetricRow } from '../api/types';
import type { TrendPoint } from '../charts/specs/trend';
import { suppressionText, type Translate } from '../i18n/i18n';
import type { Lang } from '../i18n/lang';
import { formatInterval, formatPeriod, formatValue, periodDate } from './format';

/** Rows of one unit and metric over time, oldest first, as trend points with their readout text. */
export function trendPoints(rows: readonly MetricRow[], metric: MetricDefinition | undefined, lang: Lang, t: Translate, nationalByPeriod?: ReadonlyMap<string, number | null>): TrendPoint[] {
  return [...rows].sort((a, b) => a.period.localeCompare(b.period)).map((r) => {
    const national = nationalByPeriod?.get(r.period) ?? r.nationalValue ?? null;
    const text = r.suppressed || r.value === null
      ? `${formatPeriod(r.period, lang)}: ${t('suppressedWhy', { reason: suppressionText(r.suppressionReason, lang) })}`
      : `${formatPeriod(r.period, lang)}: ${formatValue(metric, r.value, lang)} (${t('interval95')} ${formatInterval(metric, r.ciLow, r.ciHigh, lang)})${national !== null ? ` — ${t('nationalLine').toLowerCase()} ${formatValue(metric, national, lang)}` : ''}`;
    return { date: periodDate(r.period), period: r.period, value: r.suppressed ? null : r.value, ciLow: r.ciLow, ciHigh: r.ciHigh, national, suppressed: r.suppressed, text };
  });
}

/** The last `years` year periods of a series. */
export function lastYears<T extends { period: string }>(rows: readonly T[], years: number): T[] {
  return [...rows].sort((a, b) => a.period.localeCompare(b.period)).slice(-years);
}
