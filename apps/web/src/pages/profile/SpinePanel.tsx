import { metricByCode } from '@uitkomst/domain/metrics';
import { useCallback, useMemo } from 'react';
import type { ProfileAnswer, ProfileMetric } from '../../api/shapes';
import { ChartFigure, type SpecContext } from '../../charts/ChartFigure';
import { type SpineItem, spineSpec } from '../../charts/specs/spine';
import { ComparisonBadge, ComparisonLegend, Suppressed } from '../../components/Comparison';
import { type Column, DataTable } from '../../components/DataTable';
import { Empty } from '../../components/States';
import { suppressionText, type Translate, useT } from '../../i18n/i18n';
import type { Lang } from '../../i18n/lang';
import { formatInterval, formatPeriod, formatValue } from '../../lib/format';

/** Spine items: outcomes first, process indicators last and marked as context. */
export function spineItems(metrics: readonly ProfileMetric[], lang: Lang, t: Translate): SpineItem[] {
  return metrics.flatMap((m) => {
    const def = metricByCode(m.metric);
    const r = m.range;
    if (!def || !r || r.min === null || r.max === null || r.p25 === null || r.p75 === null || m.nationalValue === null) return [];
    const label = `${def.label[lang]}${def.process ? ' *' : ''}`;
    const value = m.suppressed ? null : m.value;
    const text = value === null
      ? `${def.label[lang]}: ${t('suppressedWhy', { reason: suppressionText(m.suppressionReason, lang) })}`
      : `${def.label[lang]}: ${formatValue(def, value, lang)} (${t('interval95')} ${formatInterval(def, m.ciLow, m.ciHigh, lang)}); ${t('nationalLine').toLowerCase()} ${formatValue(def, m.nationalValue, lang)}; ${t('col.range').toLowerCase()} ${formatInterval(def, r.min, r.max, lang)}`;
    return [{ metric: def, label, min: r.min, p25: r.p25, p75: r.p75, max: r.max, national: m.nationalValue, value, ciLow: m.ciLow, ciHigh: m.ciHigh, comparison: m.comparison ?? 'not_comparable', suppressed: !!m.suppressed, text }];
  }).sort((a, b) => Number(a.metric.process) - Number(b.metric.process));
}

export function SpinePanel({ profile }: { profile: ProfileAnswer }) {
  const { lang, t } = useT();
  const items = useMemo(() => spineItems(profile.metrics, lang, t), [profile, lang, t]);
  const spec = useCallback(({ width, selected }: SpecContext<SpineItem>) => spineSpec(items, { width, selected, worseLabel: t('comparison.worse'), betterLabel: t('comparison.better') }), [items, t]);
  const byCode = new Map(profile.metrics.map((m) => [m.metric, m]));
  const columns: Column<SpineItem>[] = [
    { key: 'metric', label: t('col.metric'), sortValue: (i) => i.label, render: (i) => i.label },
    { key: 'value', label: t('col.value'), numeric: true, sortValue: (i) => i.value, render: (i) => (i.value === null ? <Suppressed reason={byCode.get(i.metric.code)?.suppressionReason} /> : formatValue(i.metric, i.value, lang)) },
    { key: 'ci', label: t('col.interval'), numeric: true, render: (i) => (i.value === null ? '' : formatInterval(i.metric, i.ciLow, i.ciHigh, lang)) },
    { key: 'national', label: t('nationalLine'), numeric: true, render: (i) => formatValue(i.metric, i.national, lang) },
    { key: 'range', label: t('col.range'), numeric: true, render: (i) => formatInterval(i.metric, i.min, i.max, lang) },
    { key: 'cmp', label: t('col.comparison'), render: (i) => (i.value === null ? '' : <ComparisonBadge comparison={i.comparison} />) },
  ];
  return (
    <section className="panel">
      {!items.length ? <Empty /> : (
        <ChartFigure name={`spine-${profile.unit}-${profile.period}`} title={`${t('profile.spine')} (${formatPeriod(profile.period, lang)})`}
          description={<>{t('profile.spineDesc')} * {t('profile.processNote')}</>} spec={spec} points={items} describe={(i) => i.text}
          legend={<ComparisonLegend />} table={<DataTable rows={items} columns={columns} caption={t('profile.spine')} rowKey={(i) => i.metric.code} />} />
      )}
    </section>
  );
}
