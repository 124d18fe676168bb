import { useMemo } from 'react';
import { useMunicipalities, usePeriods, useRegions, useSites } from '../api/hooks';
import { apiUrl } from '../api/client';
import type { ProfileAnswer } from '../api/shapes';
import { useApi } from '../api/useApi';
import { asLevel, levelOfUnit, resolvePeriod, type ViewLevel } from '../app/filters';
import { Link } from '../app/Link';
import { hrefFor, useQuery } from '../app/router';
import { SelectField } from '../components/Field';
import { LevelSelect, PeriodSelect } from '../components/Filters';
import { Empty, ErrorState, Loading } from '../components/States';
import { useT } from '../i18n/i18n';
import { formatPeriod } from '../lib/format';
import { PeersPanel } from './profile/PeersPanel';
import { SitesPanel } from './profile/SitesPanel';
import { SpinePanel } from './profile/SpinePanel';
import { TrendPanel } from './profile/TrendPanel';

const DEFAULT_UNIT = 'AM18';

export default function Profile() {
  const { lang, t } = useT();
  const [query, setQuery] = useQuery();
  const unit = query.unit ?? DEFAULT_UNIT;
  const level = query.unit ? (levelOfUnit(unit) as ViewLevel) : asLevel(query.level);
  const periods = usePeriods();
  const options = useUnitOptions(level);
  const period = periods.state === 'ok' ? resolvePeriod(query.period, periods.data) : null;
  const profile = useApi<ProfileAnswer>(period ? apiUrl(`profile/${encodeURIComponent(unit)}`, { period }) : null);

  if (periods.state === 'error') return <ErrorState error={periods.error} />;
  if (periods.state === 'loading') return <Loading />;
  const name = profile.state === 'ok' ? profile.data.unitName ?? unit : options.find((o) => o.value === unit)?.label ?? unit;
  return (
    <>
      <h1>{t('profile.title')}: {name}</h1>
      <p className="lead">{t('profile.lead')}</p>
      <form className="controls" onSubmit={(e) => e.preventDefault()} aria-label={t('profile.pick')}>
        <LevelSelect value={level} onChange={(v) => setQuery({ level: v, unit: null })} />
        <SelectField label={t('profile.pick')} name="unit" value={options.some((o) => o.value === unit) ? unit : ''}
          options={[{ value: '', label: t('choose') }, ...options]} onChange={(v) => setQuery({ unit: v || null, level: null })} />
        {period && <PeriodSelect value={period} periods={periods.data} onChange={(v) => setQuery({ period: v })} />}
      </form>
      {!period ? <Empty /> : profile.state === 'loading' ? <Loading /> : profile.state === 'error' ? <ErrorState error={profile.error} /> : (
        <>
          <ProfileFacts profile={profile.data} />
          <SpinePanel profile={profile.data} />
          <TrendPanel unit={unit} metric={query.metric ?? 'outflow_to_work'} onMetric={(m) => setQuery({ metric: m })} />
          <PeersPanel unit={unit} level={profile.data.level} metric={query.metric ?? 'outflow_to_work'} period={period} />
          <SitesPanel profile={profile.data} />
          <p><Link href={hrefFor('compare', { level: level, focus: unit, period, metric: query.metric }, lang)}>{t('nav.compare')}: {name} ({formatPeriod(period, lang)}) →</Link></p>
        </>
      )}
    </>
  );
}

function useUnitOptions(level: ViewLevel) {
  const regions = useRegions(), munis = useMunicipalities(), sites = useSites();
  return useMemo(() => {
    const list = level === 'region' ? (regions.state === 'ok' ? regions.data : [])
      : level === 'municipality' ? (munis.state === 'ok' ? munis.data : [])
        : (sites.state === 'ok' ? sites.data : []);
    return list.map((u) => ({ value: u.code, label: level === 'region' ? `${u.name} (${u.code})` : u.name })).sort((a, b) => a.label.localeCompare(b.label));
  }, [level, regions, munis, sites]);
}

function ProfileFacts({ profile }: { profile: ProfileAnswer }) {
  const { lang, t } = useT();
  return (
    <dl className="facts">
      <dt>{t('level')}</dt><dd>{t(`level.${profile.level as 'region'}`)} ({profile.unit})</dd>
      {profile.regionCode && profile.level !== 'region' && <><dt>{t('region')}</dt><dd><Link href={hrefFor('profile', { unit: profile.regionCode }, lang)}>{profile.regionCode}</Link></dd></>}
      <dt>{t('period')}</dt><dd>{formatPeriod(profile.period, lang)}</dd>
      {profile.yearsSinceCooperationStarted !== null && <><dt>{t('profile.sites')}</dt><dd>{t('profile.years', { n: profile.yearsSinceCooperationStarted })}</dd></>}
    </dl>
  );
}
