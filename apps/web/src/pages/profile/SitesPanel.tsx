import { TEAM_MODEL_LABELS, type TeamModel } from '@uitkomst/domain/typology';
import type { ProfileAnswer, ProfileSite } from '../../api/shapes';
import { Link } from '../../app/Link';
import { hrefFor } from '../../app/router';
import { type Column, DataTable } from '../../components/DataTable';
import { hasKey, useT } from '../../i18n/i18n';
import { formatDate } from '../../lib/format';

export function SitesPanel({ profile }: { profile: ProfileAnswer }) {
  const { lang, t } = useT();
  const label = (prefix: string, v: unknown) => { const k = `${prefix}.${String(v)}`; return v === null || v === undefined ? '–' : hasKey(k) ? t(k) : String(v); };
  const columns: Column<ProfileSite>[] = [
    { key: 'name', label: t('col.unit'), sortValue: (s) => s.name, render: (s) => (s.code === profile.unit ? s.name : <Link href={hrefFor('profile', { unit: s.code }, lang)}>{s.name}</Link>) },
    { key: 'kind', label: t('profile.kind'), sortValue: (s) => s.kind, render: (s) => label('kind', s.kind) },
    { key: 'start', label: t('profile.started'), sortValue: (s) => s.startDate, render: (s) => formatDate(s.startDate, lang) },
    { key: 'years', label: t('profile.years', { n: '' }).trim(), numeric: true, sortValue: (s) => s.yearsSinceStart, render: (s) => s.yearsSinceStart ?? '–' },
    { key: 'integration', label: t('dim.integration_level'), sortValue: (s) => s.integrationLevel, render: (s) => label('integration', s.integrationLevel) },
    { key: 'phase', label: t('dim.phase'), sortValue: (s) => s.phase, render: (s) => label('phase', s.phase) },
    { key: 'team', label: t('dim.team_model'), sortValue: (s) => s.teamModel, render: (s) => (s.teamModel ? `${s.teamModel}: ${TEAM_MODEL_LABELS[s.teamModel as TeamModel]?.[lang] ?? ''}` : '–') },
    { key: 'coloc', label: t('dim.co_location'), sortValue: (s) => String(s.coLocated), render: (s) => (s.coLocated === null ? '–' : s.coLocated ? t('yes') : t('no')) },
    { key: 'maturity', label: t('dim.maturity'), sortValue: (s) => s.maturity, render: (s) => label('maturity', s.maturity) },
  ];
  return (
    <section className="panel">
      <h2>{t('profile.sites')}</h2>
      <p>{t('profile.maturing')}</p>
      {profile.sites.length ? <DataTable rows={profile.sites} columns={columns} caption={t('profile.sites')} rowKey={(s) => s.code} maxHeight={480} initialSort={{ key: 'years', dir: 'desc' }} /> : <p>{t('profile.noSites')}</p>}
    </section>
  );
}
