import { metricByCode } from '@uitkomst/domain/metrics';
import { useCallback, useMemo } from 'react';
import { apiUrl } from '../../api/client';
import type { TrendsAnswer } from '../../api/shapes';
import type { MetricRow } from '../../api/types';
import { useApi } from '../../api/useApi';
import { ChartFigure, type SpecContext } from '../../charts/ChartFigure';
import { type TrendPoint, trendSpec } from '../../charts/specs/trend';
import { Suppressed } from '../../components/Comparison';
import { type Column, DataTable } from '../../components/DataTable';
import { MetricSelect } from '../../components/Filters';
import { Empty, ErrorState, Loading } from '../../components/States';
import { useT } from '../../i18n/i18n';
import { formatInterval, formatPeriod, formatValue } from '../../lib/format';
import { lastYears, trendPoints } from '../../lib/trend';

export function TrendPanel({ unit, metric, onMetric }: { unit: string; metric: string; onMetric: (m: string) => void }) {
  const { lang, t } = useT();
  const def = metricByCode(metric);
  const answer = useApi<TrendsAnswer>(apiUrl('trends', { metric, unit, grain: 'year' }));
  const points = useMemo(() => {
    if (answer.state !== 'ok') return [];
    const national = new Map(answer.data.national.map((p) => [p.period, p.value]));
    const own = (answer.data.series.find((s) => s.unit === unit)?.points ?? []).map((p) => ({ ...p, unit, unitName: unit, nationalValue: null, comparison: p.comparison ?? 'not_comparable' }) as unknown as MetricRow);
    return trendPoints(lastYears(own, 10), def, lang, t, national);
  }, [answer, unit, def, lang, t]);
  const spec = useCallback(({ width, selected }: SpecContext<TrendPoint>) => trendSpec(points, { metric: def, lang, width, selected, height: 300, valueLabel: def?.label[lang] }), [points, def, lang]);
  const columns: Column<TrendPoint>[] = [
    { key: 'period', label: t('col.period'), sortValue: (p) => p.period, render: (p) => formatPeriod(p.period, lang) },
    { key: 'value', label: t('col.value'), numeric: true, sortValue: (p) => p.value, render: (p) => (p.suppressed ? <Suppressed reason={answer.state === 'ok' ? answer.data.series[0]?.points.find((x) => x.period === p.period)?.suppressionReason : null} /> : formatValue(def, p.value, lang)) },
    { key: 'ci', label: t('col.interval'), numeric: true, render: (p) => (p.suppressed ? '' : formatInterval(def, p.ciLow, p.ciHigh, lang)) },
    { key: 'national', label: t('nationalLine'), numeric: true, render: (p) => formatValue(def, p.national, lang) },
  ];
  return (
    <section className="panel">
      <div className="controls"><MetricSelect value={metric} onChange={onMetric} /></div>
      {answer.state === 'loading' ? <Loading label={t('loadingChart')} /> : answer.state === 'error' ? <ErrorState error={answer.error} /> : !points.length ? <Empty /> : (
        <ChartFigure name={`trend-${unit}-${metric}`} title={`${t('profile.trend')}: ${def?.label[lang] ?? metric}`} description={<>{t('profile.trendDesc')} {t('profile.maturing')}</>}
          spec={spec} points={points} describe={(p) => p.text}
          table={<DataTable rows={points} columns={columns} caption={`${t('profile.trend')}: ${def?.label[lang] ?? metric}`} rowKey={(p) => p.period} />} />
      )}
    </section>
  );
}
