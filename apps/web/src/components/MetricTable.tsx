import type { Comparison, MetricDefinition } from '@uitkomst/domain/metrics';
import type { ReactNode } from 'react';
import type { MetricRow } from '../api/types';
import { useT } from '../i18n/i18n';
import { formatInterval, formatNumber, formatValue } from '../lib/format';
import { ComparisonBadge, Suppressed } from './Comparison';
import { type Column, DataTable } from './DataTable';

const ORDER: Record<Comparison, number> = { better: 0, similar: 1, worse: 2, not_comparable: 3 };

/** Sortable table of metric rows: suppressed rows say so, with the reason, instead of showing a blank. */
export function MetricTable({ rows, metric, caption, unitCell, comparisonOf, reference, extra = [], maxHeight, focus }: {
  rows: readonly MetricRow[]; metric: MetricDefinition | undefined; caption: string;
  unitCell?: (r: MetricRow) => ReactNode; comparisonOf?: (r: MetricRow) => Comparison; reference?: string;
  extra?: Column<MetricRow>[]; maxHeight?: number; focus?: string;
}) {
  const { lang, t } = useT();
  const cmp = comparisonOf ?? ((r: MetricRow) => r.comparison);
  const columns: Column<MetricRow>[] = [
    { key: 'unit', label: t('col.unit'), sortValue: (r) => r.unitName, render: unitCell ?? ((r) => r.unitName) },
    ...extra,
    { key: 'value', label: t('col.value'), sortValue: (r) => r.value, numeric: true, render: (r) => (r.suppressed || r.value === null ? <Suppressed reason={r.suppressionReason} /> : formatValue(metric, r.value, lang)) },
    { key: 'interval', label: t('col.interval'), numeric: true, render: (r) => (r.suppressed ? '' : formatInterval(metric, r.ciLow, r.ciHigh, lang)) },
    { key: 'denominator', label: t('col.denominator'), sortValue: (r) => r.denominator, numeric: true, render: (r) => (r.denominator === null ? '–' : formatNumber(r.denominator, lang)) },
    { key: 'comparison', label: t('col.comparison'), sortValue: (r) => (r.suppressed ? 9 : ORDER[cmp(r)] ?? 3), render: (r) => (r.suppressed ? '' : <ComparisonBadge comparison={cmp(r)} reference={reference} />) },
  ];
  const desc = metric?.polarity === 'lower_is_better' ? 'asc' : 'desc';
  return <DataTable rows={rows} columns={columns} caption={caption} rowKey={(r) => `${r.unit}-${r.period}-${r.metric}`} initialSort={{ key: 'value', dir: desc }} maxHeight={maxHeight} rowClass={(r) => (r.unit === focus ? 'focus-row' : undefined)} />;
}
