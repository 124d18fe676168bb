import { CLIENT_GROUPS } from '@uitkomst/domain/client-groups';
import { GRAINS, type Grain, METRICS } from '@uitkomst/domain/metrics';
import { grainOfPeriod } from '@uitkomst/domain/periods';
import { VIEW_LEVELS, type ViewLevel } from '../app/filters';
import { clientGroupLabel, useT } from '../i18n/i18n';
import { formatPeriod } from '../lib/format';
import { SelectField } from './Field';

export function MetricSelect({ value, onChange, includeProcess = true }: { value: string; onChange: (v: string) => void; includeProcess?: boolean }) {
  const { lang, t } = useT();
  const options = METRICS.filter((m) => m.code !== 'outflow_to_work_adjusted' && (includeProcess || !m.process))
    .map((m) => ({ value: m.code, label: `${t(`family.${m.family}`)}: ${m.label[lang]}` }));
  return <SelectField label={t('metric')} name="metric" value={value} options={options} onChange={onChange} />;
}

export function LevelSelect({ value, onChange }: { value: ViewLevel; onChange: (v: ViewLevel) => void }) {
  const { t } = useT();
  return <SelectField label={t('level')} name="level" value={value} options={VIEW_LEVELS.map((l) => ({ value: l, label: t(`levels.${l}`) }))} onChange={(v) => onChange(v as ViewLevel)} />;
}

export function ClientGroupSelect({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { lang, t } = useT();
  const options = [{ value: 'all', label: t('allClients') }, ...CLIENT_GROUPS.map((g) => ({ value: g, label: clientGroupLabel(g, lang) }))];
  return <SelectField label={t('clientGroup')} name="clientGroup" value={value} options={options} onChange={onChange} />;
}

/** Period type plus period; changing the type picks the newest period of that type. */
export function PeriodSelect({ value, periods, onChange }: { value: string; periods: Record<Grain, string[]>; onChange: (v: string) => void }) {
  const { lang, t } = useT();
  const grain = grainOfPeriod(value) ?? 'year';
  const grains = GRAINS.filter((g) => periods[g]?.length);
  return (
    <>
      <SelectField label={t('grain')} name="grain" value={grain} options={grains.map((g) => ({ value: g, label: t(`grain.${g}`) }))} onChange={(g) => onChange(periods[g as Grain][0])} />
      <SelectField label={t('period')} name="period" value={value} options={(periods[grain] ?? []).map((p) => ({ value: p, label: formatPeriod(p, lang) }))} onChange={onChange} />
    </>
  );
}
