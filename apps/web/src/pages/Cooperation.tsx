import { metricByCode } from '@uitkomst/domain/metrics';
import { TEAM_MODEL_LABELS, type TeamModel } from '@uitkomst/domain/typology';
import { useCallback, useMemo } from 'react';
import { apiUrl } from '../api/client';
import { usePeriods } from '../api/hooks';
import type { TypologyAnswer } from '../api/shapes';
import { useApi } from '../api/useApi';
import { resolvePeriod } from '../app/filters';
import { useQuery } from '../app/router';
import { ChartFigure, type SpecContext } from '../charts/ChartFigure';
import { type GroupPoint, groupsSpec } from '../charts/specs/groups';
import { type Column, DataTable } from '../components/DataTable';
import { ClientGroupSelect, MetricSelect, PeriodSelect } from '../components/Filters';
import { Empty, ErrorState, Loading } from '../components/States';
import { hasKey, type Translate, useT } from '../i18n/i18n';
import type { Lang } from '../i18n/lang';
import { formatInterval, formatNumber, formatValue } from '../lib/format';

export const DIMENSIONS = ['integration_level', 'team_model', 'phase', 'co_located'] as const;
const CATEGORY_ORDER = ['none', 'limited', 'partial', 'full', '1', '2', '3', 'A', 'B', 'C', 'D', 'false', 'no', 'true', 'yes', 'opportunistic', 'systematic', 'mature'];

export function categoryLabel(dimension: string, category: string, lang: Lang, t: Translate): string {
  if (dimension === 'team_model' && category in TEAM_MODEL_LABELS) return `${category}: ${TEAM_MODEL_LABELS[category as TeamModel][lang]}`;
  if (['true', 'false', 'yes', 'no'].includes(category)) return t(category === 'true' || category === 'yes' ? 'yes' : 'no');
  const prefix = dimension === 'integration_level' ? 'integration' : dimension;
  const key = `${prefix}.${category}`;
  return hasKey(key) ? t(key) : category;
}

export default function Cooperation() {
  const { t } = useT();
  const [query, setQuery] = useQuery();
  const periods = usePeriods();
  const metric = query.metric ?? 'outflow_to_work';
  const group = query.group ?? 'all';
  if (periods.state === 'error') return <ErrorState error={periods.error} />;
  if (periods.state === 'loading') return <Loading />;
  const years = { year: periods.data.year, quarter: [], month: [], rolling12: [] }; // typology outcomes are yearly
  const period = resolvePeriod(query.period, years);
  return (
    <>
      <h1>{t('coop.title')}</h1>
      <p className="lead">{t('coop.lead')}</p>
      <p className="caveat" role="note">{t('coop.caveat')}</p>
      <form className="controls" onSubmit={(e) => e.preventDefault()} aria-label={t('coop.title')}>
        <MetricSelect value={metric} onChange={(v) => setQuery({ metric: v })} />
        {period && <PeriodSelect value={period} periods={years} onChange={(v) => setQuery({ period: v })} />}
        <ClientGroupSelect value={group} onChange={(v) => setQuery({ group: v === 'all' ? null : v })} />
      </form>
      {!period ? <Empty /> : (
        <div className="grid-2">
          {DIMENSIONS.map((d) => <DimensionChart key={d} dimension={d} metric={metric} period={period} group={group} />)}
        </div>
      )}
    </>
  );
}

function DimensionChart({ dimension, metric, period, group }: { dimension: string; metric: string; period: string; group: string }) {
  const { lang, t } = useT();
  const def = metricByCode(metric);
  const answer = useApi<TypologyAnswer>(apiUrl('typology', { metric, dimension, period, clientGroup: group }));
  const points = useMemo<GroupPoint[]>(() => (answer.state === 'ok' ? answer.data.rows : [])
    .map((r) => {
      const label = categoryLabel(dimension, String(r.category), lang, t);
      const value = r.value;
      const text = value === null ? `${label}: ${t('suppressed')}` : `${label}: ${formatValue(def, value, lang)} (${t('interval95')} ${formatInterval(def, r.ciLow, r.ciHigh, lang)}), ${r.nSites ?? '?'} ${t('levels.site').toLowerCase()}`;
      return { key: String(r.category), label, value, ciLow: r.ciLow, ciHigh: r.ciHigh, units: r.nSites ?? 0, text };
    })
    .sort((a, b) => CATEGORY_ORDER.indexOf(a.key) - CATEGORY_ORDER.indexOf(b.key)), [answer, dimension, def, lang, t]);
  const national = useNational(metric, period, group);
  const title = t('coop.chart', { metric: def?.label[lang] ?? metric, dimension: t(`dim.${dimension}` as 'dim.phase').toLowerCase() });
  const spec = useCallback(({ width, selected }: SpecContext<GroupPoint>) => groupsSpec(points, { metric: def, lang, width, selected, national, valueLabel: def?.label[lang] ?? '' }), [points, def, lang, national]);
  const columns: Column<GroupPoint>[] = [
    { key: 'group', label: t('col.group'), render: (p) => p.label },
    { key: 'value', label: t('col.value'), numeric: true, sortValue: (p) => p.value, render: (p) => (p.value === null ? t('suppressed') : formatValue(def, p.value, lang)) },
    { key: 'ci', label: t('col.interval'), numeric: true, render: (p) => formatInterval(def, p.ciLow, p.ciHigh, lang) },
    { key: 'n', label: t('col.units'), numeric: true, sortValue: (p) => p.units, render: (p) => formatNumber(p.units, lang) },
  ];
  return (
    <section className="panel">
      <h2>{hasKey(`dim.${dimension}`) ? t(`dim.${dimension}` as 'dim.phase') : dimension}</h2>
      {answer.state === 'loading' ? <Loading label={t('loadingChart')} /> : answer.state === 'error' ? <ErrorState error={answer.error} /> : !points.length ? <Empty /> : (
        <ChartFigure name={`typology-${dimension}-${metric}-${period}`} title={title} description={t('coop.chartDesc')} spec={spec} points={points} describe={(p) => p.text}
          table={<DataTable rows={points} columns={columns} caption={title} rowKey={(p) => p.key} />} />
      )}
    </section>
  );
}

function useNational(metric: string, period: string, group: string): number | null {
  const answer = useApi<unknown[]>(apiUrl('metrics', { metric, level: 'national', period, clientGroup: group }));
  if (answer.state !== 'ok' || !Array.isArray(answer.data)) return null;
  const v = (answer.data[0] as { value?: number | null } | undefined)?.value;
  return v === undefined || v === null ? null : Number(v);
}
