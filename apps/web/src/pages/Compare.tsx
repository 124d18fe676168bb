import { metricByCode } from '@uitkomst/domain/metrics';
import { useMemo } from 'react';
import { useMetrics, usePeriods } from '../api/hooks';
import { asLevel, effectiveMetric, resolvePeriod } from '../app/filters';
import { useQuery } from '../app/router';
import { RadioField, SelectField } from '../components/Field';
import { ClientGroupSelect, LevelSelect, MetricSelect, PeriodSelect } from '../components/Filters';
import { Empty, ErrorState, Loading } from '../components/States';
import { useT } from '../i18n/i18n';
import { CompareResults } from './compare/CompareResults';

export default function Compare() {
  const { t } = useT();
  const [query, setQuery] = useQuery();
  const periods = usePeriods();
  const metric = query.metric ?? 'outflow_to_work';
  const level = asLevel(query.level);
  const group = query.group ?? 'all';
  const adjusted = query.adj === 'adjusted' && metric === 'outflow_to_work';
  const peers = query.bench === 'peers' && level === 'municipality';
  const period = periods.state === 'ok' ? resolvePeriod(query.period, periods.data) : null;
  const code = effectiveMetric(metric, adjusted);
  const rows = useMetrics(period ? { metric: code, level, period, clientGroup: group } : null);
  const units = useMemo(() => (rows.state === 'ok' ? [...rows.data].sort((a, b) => a.unitName.localeCompare(b.unitName)) : []), [rows]);

  if (periods.state === 'error') return <ErrorState error={periods.error} />;
  if (periods.state === 'loading') return <Loading />;
  return (
    <>
      <h1>{t('compare.title')}</h1>
      <p className="lead">{t('compare.lead')}</p>
      <form className="controls" onSubmit={(e) => e.preventDefault()} aria-label={t('compare.title')}>
        <MetricSelect value={metric} onChange={(v) => setQuery({ metric: v, adj: v === 'outflow_to_work' ? query.adj : null })} />
        <LevelSelect value={level} onChange={(v) => setQuery({ level: v, focus: null, bench: v === 'municipality' ? query.bench : null })} />
        {period && <PeriodSelect value={period} periods={periods.data} onChange={(v) => setQuery({ period: v })} />}
        <ClientGroupSelect value={group} onChange={(v) => setQuery({ group: v === 'all' ? null : v })} />
        <RadioField name="adj" label={t('adjustment')} value={adjusted ? 'adjusted' : 'crude'} disabled={metric !== 'outflow_to_work'}
          options={[{ value: 'crude', label: t('crude') }, { value: 'adjusted', label: t('adjusted') }]} onChange={(v) => setQuery({ adj: v === 'adjusted' ? v : null })} />
        <RadioField name="bench" label={t('benchmark')} value={peers ? 'peers' : 'national'} disabled={level !== 'municipality'}
          options={[{ value: 'national', label: t('benchNational') }, { value: 'peers', label: t('benchPeers') }]} onChange={(v) => setQuery({ bench: v === 'peers' ? v : null })} />
        <SelectField label={t('focusUnit')} name="focus" value={query.focus ?? ''} onChange={(v) => setQuery({ focus: v || null })}
          options={[{ value: '', label: t('focusNone') }, ...units.map((u) => ({ value: u.unit, label: u.unitName }))]} />
      </form>
      {metric !== 'outflow_to_work' && query.adj === 'adjusted' && <p className="note">{t('adjustedNA')}</p>}
      {adjusted && <p className="note">{t('compare.adjustedNote')}</p>}
      {metricByCode(code)?.process && <p className="note">{t('profile.processNote')}</p>}
      {!period ? <Empty /> : rows.state === 'loading' ? <Loading /> : rows.state === 'error' ? <ErrorState error={rows.error} /> : !rows.data.length ? <Empty /> : (
        <CompareResults rows={rows.data} metric={metricByCode(code)} level={level} period={period} group={group} focus={query.focus ?? null} peers={peers} />
      )}
    </>
  );
}
