import { useCallback, useMemo } from 'react';
import { metricByCode } from '@uitkomst/domain/metrics';
import { useMetrics, usePeriods } from '../api/hooks';
import type { MetricRow } from '../api/types';
import { combine } from '../api/useApi';
import { Link } from '../app/Link';
import { hrefFor, useQuery } from '../app/router';
import { sparkSpec } from '../charts/specs/trend';
import { StaticPlot } from '../charts/StaticPlot';
import { Suppressed } from '../components/Comparison';
import { MetricSelect } from '../components/Filters';
import { SelectField } from '../components/Field';
import { Empty, ErrorState, Loading } from '../components/States';
import { metricLabel, useT } from '../i18n/i18n';
import { formatChange, formatInterval, formatPeriod, formatValue } from '../lib/format';
import { trendPoints } from '../lib/trend';
import { DEFAULT_MAP_METRIC, HEADLINES, headlinesQuery, overviewPeriod } from './overview/queries';
import { RegionMap } from './overview/RegionMap';

export default function Overview() {
  const { lang, t } = useT();
  const [query, setQuery] = useQuery();
  const periods = usePeriods();
  const national = useMetrics(headlinesQuery);
  const both = combine(periods, national);
  if (both.state === 'loading') return <Loading />;
  if (both.state === 'error') return <ErrorState error={both.error} />;
  const [byGrain, rows] = both.data;
  const years = byGrain.year;
  const period = overviewPeriod(query.period, byGrain);
  const metric = query.metric ?? DEFAULT_MAP_METRIC;
  if (!period) return <><h1>{t('overview.title')}</h1><Empty /></>;
  return (
    <>
      <h1>{t('overview.title')}</h1>
      <p className="lead">{t('overview.lead', { period: formatPeriod(period, lang) })}</p>
      <div className="controls" role="group" aria-label={t('period')}>
        <SelectField label={t('period')} name="period" value={period} options={years.map((y) => ({ value: y, label: y }))} onChange={(v) => setQuery({ period: v })} />
      </div>
      <section aria-labelledby="headlines" className="cards">
        <h2 id="headlines" className="visually-hidden">{t('nav.overview')}</h2>
        {HEADLINES.map((h) => <Headline key={h.metric} family={h.family} metric={h.metric} secondary={h.secondary} period={period} rows={rows} />)}
      </section>
      <section aria-labelledby="map-title" className="panel">
        <h2 id="map-title">{t('overview.mapTitle')}</h2>
        <p>{t('overview.mapLead')}</p>
        <div className="controls">
          <MetricSelect value={metric} onChange={(v) => setQuery({ metric: v })} />
        </div>
        <RegionMap metric={metric} period={period} />
        <p><Link href={hrefFor('compare', { metric, period, level: 'region' }, lang)}>{t('overview.more')} →</Link></p>
      </section>
      <section aria-labelledby="why-title" className="panel why">
        <h2 id="why-title">{t('overview.whyTitle')}</h2>
        <p>{t('overview.why1')}</p>
        <p>{t('overview.why2')}</p>
        <p>{t('overview.why3')}</p>
      </section>
    </>
  );
}

function Headline({ family, metric, secondary, period, rows }: { family: string; metric: string; secondary: string; period: string; rows: readonly MetricRow[] }) {
  const { lang, t } = useT();
  const def = metricByCode(metric);
  const series = useMemo(() => rows.filter((r) => r.metric === metric && r.period <= period).sort((a, b) => a.period.localeCompare(b.period)).slice(-10), [rows, metric, period]);
  const current = series.at(-1)?.period === period ? series.at(-1) : undefined;
  const previous = series.at(-2);
  const second = rows.find((r) => r.metric === secondary && r.period === period);
  const points = useMemo(() => trendPoints(series, def, lang, t), [series, def, lang, t]);
  const spec = useCallback((width: number) => sparkSpec(points, { width, metric: def, lang }), [points, def, lang]);
  const change = current?.value != null && previous?.value != null ? current.value - previous.value : null;
  return (
    <article className={`card family-${family}`} data-metric={metric}>
      <h3><span className="family">{t(`family.${family as 'effectiveness'}`)}</span>{metricLabel(metric, lang)}</h3>
      {current && !current.suppressed ? (
        <>
          <p className="big">{formatValue(def, current.value, lang)}</p>
          <p className="interval">{t('interval95')}: {formatInterval(def, current.ciLow, current.ciHigh, lang)}</p>
          {change !== null && previous && (
            <p className="change">
              {t('overview.change', { change: formatChange(def, change, lang), period: formatPeriod(previous.period, lang) })}
            </p>
          )}
        </>
      ) : current ? <p className="big"><Suppressed reason={current.suppressionReason} /></p> : <p className="big">–</p>}
      {points.length > 1 && <StaticPlot spec={spec} className="spark" />}
      {points.length > 1 && <p className="spark-caption">{t('overview.trend')}: {formatPeriod(points[0].period, lang)}–{formatPeriod(points.at(-1)!.period, lang)}</p>}
      {second && (
        <p className="secondary">{metricLabel(secondary, lang)}: <strong>{second.suppressed ? <Suppressed reason={second.suppressionReason} /> : formatValue(metricByCode(secondary), second.value, lang)}</strong></p>
      )}
    </article>
  );
}
