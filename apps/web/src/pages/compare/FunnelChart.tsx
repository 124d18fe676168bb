import type { MetricDefinition } from '@uitkomst/domain/metrics';
import { useCallback, useMemo } from 'react';
import { apiUrl } from '../../api/client';
import type { FunnelAnswer } from '../../api/shapes';
import { useApi } from '../../api/useApi';
import { ChartFigure, type SpecContext } from '../../charts/ChartFigure';
import { type FunnelPoint, funnelSpec, type LimitPoint, outsideLimits } from '../../charts/specs/funnel';
import { ComparisonLegend } from '../../components/Comparison';
import { type Column, DataTable } from '../../components/DataTable';
import { Empty, ErrorState, Loading } from '../../components/States';
import { useT } from '../../i18n/i18n';
import { formatInterval, formatNumber, formatValue } from '../../lib/format';

/** Funnel plot from /funnel: points with their limits at their own x, and the limit curves on a grid. */
export function FunnelChart({ metric, level, period, group, focus }: { metric: MetricDefinition; level: string; period: string; group: string; focus: string | null }) {
  const { lang, t } = useT();
  const answer = useApi<FunnelAnswer>(apiUrl('funnel', { metric: metric.code, level, period, clientGroup: group }));
  const data = answer.state === 'ok' ? answer.data : null;
  const limits = useMemo<LimitPoint[]>(() => (data?.limits ?? []).map((l) => ({ n: l.denominator, low95: l.low95, high95: l.high95, low998: l.low998, high998: l.high998 })).filter((l) => l.n > 0), [data]);
  const points = useMemo<FunnelPoint[]>(() => (data?.points ?? []).filter((p) => p.y !== null && p.x > 0).map((p) => {
    const lim = nearestLimit(limits, p.x);
    const name = p.unitName ?? p.unit;
    return {
      unit: p.unit, unitName: name, value: p.y!, denominator: p.x, comparison: p.comparison ?? 'not_comparable', focus: p.unit === focus,
      low95: lim?.low95 ?? null, high95: lim?.high95 ?? null, low998: lim?.low998 ?? null, high998: lim?.high998 ?? null,
      text: `${name}: ${formatValue(metric, p.y, lang)} (${t('interval95')} ${formatInterval(metric, p.ciLow, p.ciHigh, lang)}) — ${(data?.xAxis === 'expected' ? t('col.expected') : t('col.denominator')).toLowerCase()} ${formatNumber(p.x, lang)}`,
    };
  }).sort((a, b) => a.denominator - b.denominator), [data, limits, focus, metric, lang, t]);
  const spec = useCallback(({ width, selected }: SpecContext<FunnelPoint>) => funnelSpec(points, limits, {
    metric, lang, width, selected, national: data?.nationalValue ?? null, xLabel: data?.xAxis === 'expected' ? t('funnel.xExpected') : t('funnel.x'), valueLabel: metric.label[lang], labels: { l95: t('funnel.limit95'), l998: t('funnel.limit998') },
  }), [points, limits, metric, lang, data, t]);

  if (answer.state === 'loading') return <Loading label={t('loadingChart')} />;
  if (answer.state === 'error') return <ErrorState error={answer.error} />;
  if (!points.length) return <Empty />;
  if (!limits.length) return <p className="note">{t('compare.funnelNA')}</p>;
  const outliers = points.filter(outsideLimits).length;
  const columns: Column<FunnelPoint>[] = [
    { key: 'unit', label: t('col.unit'), sortValue: (p) => p.unitName, render: (p) => p.unitName },
    { key: 'x', label: t('col.denominator'), sortValue: (p) => p.denominator, numeric: true, render: (p) => formatNumber(p.denominator, lang) },
    { key: 'value', label: t('col.value'), sortValue: (p) => p.value, numeric: true, render: (p) => formatValue(metric, p.value, lang) },
    { key: 'l95', label: t('funnel.limit95'), numeric: true, render: (p) => formatInterval(metric, p.low95, p.high95, lang) },
    { key: 'l998', label: t('funnel.limit998'), numeric: true, render: (p) => formatInterval(metric, p.low998, p.high998, lang) },
    { key: 'out', label: t('col.outside'), sortValue: (p) => (outsideLimits(p) ? 1 : 0), render: (p) => (outsideLimits(p) ? t('yes') : t('no')) },
  ];
  return (
    <ChartFigure name={`funnel-${metric.code}-${level}-${period}`} title={t('compare.funnel')} description={<>{t('compare.funnelDesc')} {t('compare.outliers', { n: outliers })}.</>}
      spec={spec} points={points} describe={(p) => p.text} legend={<ComparisonLegend />}
      table={<DataTable rows={points} columns={columns} caption={t('compare.funnel')} rowKey={(p) => p.unit} maxHeight={400} />} />
  );
}

/** Limits at x, interpolated on log(x) between the two grid points around it. */
export function nearestLimit(limits: readonly LimitPoint[], x: number): LimitPoint | undefined {
  const i = limits.findIndex((l) => l.n >= x);
  if (i <= 0) return limits[Math.max(0, i)] ?? limits.at(-1);
  const a = limits[i - 1], b = limits[i];
  const f = (Math.log(x) - Math.log(a.n)) / (Math.log(b.n) - Math.log(a.n));
  const mix = (u: number | null, v: number | null) => (u === null || v === null ? null : u + (v - u) * f);
  return { n: x, low95: mix(a.low95, b.low95), high95: mix(a.high95, b.high95), low998: mix(a.low998, b.low998), high998: mix(a.high998, b.high998) };
}
