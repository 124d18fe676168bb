import type { MetricDefinition } from '@uitkomst/domain/metrics';
import type { MetricRow } from '../api/types';
import { suppressionText, type Translate } from '../i18n/i18n';
import type { Lang } from '../i18n/lang';
import { formatInterval, formatNumber, formatValue } from './format';

/** The exact figures of one row in a sentence, for tips, the keyboard readout and screen readers. */
export function describeRow(row: MetricRow, metric: MetricDefinition | undefined, lang: Lang, t: Translate, reference?: { label: string; value: number | null; comparison?: MetricRow['comparison'] }): string {
  if (row.suppressed || row.value === null) return `${row.unitName}: ${t('suppressedWhy', { reason: suppressionText(row.suppressionReason, lang) })}`;
  const ref = reference ?? { label: t('referenceNational'), value: row.nationalValue, comparison: row.comparison };
  const parts = [
    `${row.unitName}: ${formatValue(metric, row.value, lang)}`,
    `(${t('interval95')} ${formatInterval(metric, row.ciLow, row.ciHigh, lang)})`,
  ];
  if (row.denominator !== null && row.denominator !== undefined) parts.push(`— ${t('col.denominator').toLowerCase()} ${formatNumber(row.denominator, lang)}`);
  const cmp = ref.comparison ?? row.comparison;
  parts.push(`— ${t(`comparisonLong.${cmp}`, { reference: ref.label })}${ref.value !== null ? ` (${formatValue(metric, ref.value, lang)})` : ''}`);
  return parts.join(' ');
}
