import type { MetricDefinition } from '@uitkomst/domain/metrics';
import type { Lang } from '../i18n/lang';

const locale = (lang: Lang) => (lang === 'nl' ? 'nl-NL' : 'en-GB');

export function formatNumber(value: number, lang: Lang, digits = 0): string {
  return new Intl.NumberFormat(locale(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** A metric value in its natural unit: percentages, a 1-10 score, euros, days or an observed/expected ratio. */
export function formatValue(metric: Pick<MetricDefinition, 'valueType'> | undefined, value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  switch (metric?.valueType) {
    case 'proportion': return new Intl.NumberFormat(locale(lang), { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value);
    case 'mean': return formatNumber(value, lang, 2);
    case 'euros': return new Intl.NumberFormat(locale(lang), { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(value);
    case 'days': return formatNumber(value, lang, 1);
    case 'rate': return formatNumber(value, lang, 2);
    default: return formatNumber(value, lang, 2);
  }
}

export function formatInterval(metric: Pick<MetricDefinition, 'valueType'> | undefined, low: number | null | undefined, high: number | null | undefined, lang: Lang): string {
  if (low === null || low === undefined || high === null || high === undefined) return '–';
  return `${formatValue(metric, low, lang)} – ${formatValue(metric, high, lang)}`;
}

/** Tick format for a chart axis of this metric. */
export function axisFormat(metric: Pick<MetricDefinition, 'valueType'> | undefined, lang: Lang): (v: number) => string {
  // One decimal at most: narrow ranges get ticks at half a percent, which must not print twice as "25%".
  if (metric?.valueType === 'proportion') return (v) => new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 1 }).format(v);
  if (metric?.valueType === 'euros') return (v) => new Intl.NumberFormat(locale(lang), { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(v);
  return (v) => formatNumber(v, lang, metric?.valueType === 'mean' || metric?.valueType === 'rate' ? 1 : 0);
}

export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(lang), { year: 'numeric', month: 'long', day: 'numeric' }).format(d);
}

/** Period codes for people: 2025, 2025 K3 / 2025 Q3, juli 2025, 12 maanden t/m juli 2025. */
export function formatPeriod(period: string, lang: Lang): string {
  const month = (y: string, m: string) => new Intl.DateTimeFormat(locale(lang), { month: 'long', year: 'numeric' }).format(new Date(Number(y), Number(m) - 1, 1));
  let m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) return lang === 'nl' ? `${m[1]} K${m[2]}` : `${m[1]} Q${m[2]}`;
  m = /^R12-(\d{4})-(\d{2})$/.exec(period);
  if (m) return lang === 'nl' ? `12 mnd t/m ${month(m[1], m[2])}` : `12 months to ${month(m[1], m[2])}`;
  m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return month(m[1], m[2]);
  return period;
}

/** Midpoint date of a period, for time axes. */
export function periodDate(period: string): Date {
  let m = /^(\d{4})$/.exec(period);
  if (m) return new Date(Number(m[1]), 6, 1);
  m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) return new Date(Number(m[1]), (Number(m[2]) - 1) * 3 + 1, 15);
  m = /^(?:R12-)?(\d{4})-(\d{2})$/.exec(period);
  if (m) return new Date(Number(m[1]), Number(m[2]) - 1, 15);
  return new Date(NaN);
}

/** A signed change; proportions change in percentage points, not percent. */
export function formatChange(metric: Pick<MetricDefinition, 'valueType'> | undefined, change: number, lang: Lang): string {
  const sign = change > 0 ? '+' : change < 0 ? '−' : '±';
  if (metric?.valueType === 'proportion') return `${sign}${formatNumber(Math.abs(change) * 100, lang, 1)} ${lang === 'nl' ? 'procentpunt' : 'percentage points'}`;
  return `${sign}${formatValue(metric, Math.abs(change), lang)}`;
}
