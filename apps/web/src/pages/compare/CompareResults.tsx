import type { Comparison, MetricDefinition } from '@uitkomst/domain/metrics';
import { useCallback, useMemo } from 'react';
import { apiUrl } from '../../api/client';
import { type BenchmarkAnswer, peerMetricRow } from '../../api/shapes';
import type { MetricRow } from '../../api/types';
import { useApi } from '../../api/useApi';
import type { ViewLevel } from '../../app/filters';
import { Link } from '../../app/Link';
import { hrefFor } from '../../app/router';
import { ChartFigure, type SpecContext } from '../../charts/ChartFigure';
import { rankedSpec, rankPoints, type RankedPoint } from '../../charts/specs/ranked';
import { ComparisonLegend } from '../../components/Comparison';
import { MetricTable } from '../../components/MetricTable';
import { Loading } from '../../components/States';
import { clientGroupLabel, useT } from '../../i18n/i18n';
import { compareToReference } from '../../lib/comparison';
import { describeRow } from '../../lib/describe';
import { formatPeriod, formatValue } from '../../lib/format';
import { FunnelChart } from './FunnelChart';

interface Props { rows: MetricRow[]; metric: MetricDefinition | undefined; level: ViewLevel; period: string; group: string; focus: string | null; peers: boolean }

export function CompareResults(props: Props) {
  const { t } = useT();
  const { metric, period, group, focus } = props;
  const bench = useApi<BenchmarkAnswer>(props.peers && focus && metric ? apiUrl('benchmark', { metric: metric.code, unit: focus, period, clientGroup: group }) : null);
  if (props.peers && !focus) return <><p className="note">{t('compare.peerPick')}</p><Results {...props} /></>;
  if (props.peers && bench.state === 'loading') return <Loading />;
  if (props.peers && bench.state === 'ok' && bench.data.peers.length) return <Results {...props} benchmark={bench.data} />;
  return <>{props.peers && <p className="note">{t('compare.peerNA')}</p>}<Results {...props} /></>;
}

function Results({ rows, metric, level, period, group, focus, benchmark }: Props & { benchmark?: BenchmarkAnswer }) {
  const { lang, t } = useT();
  const reference = benchmark ? benchmark.peerMedian : rows.find((r) => r.nationalValue !== null)?.nationalValue ?? null;
  const referenceLabel = benchmark ? t('referencePeers') : t('referenceNational');
  const shown = useMemo(() => {
    if (!benchmark) return rows;
    const own = rows.find((r) => r.unit === focus) ?? benchmark.unit;
    return [...(own ? [own] : []), ...benchmark.peers.map((p) => peerMetricRow(benchmark, p))];
  }, [rows, benchmark, focus]);
  const comparisonOf = useCallback((r: MetricRow): Comparison => (benchmark ? compareToReference(metric, r.ciLow, r.ciHigh, reference) : r.comparison), [benchmark, metric, reference]);
  const points = useMemo<RankedPoint[]>(() => rankPoints(shown.filter((r) => !r.suppressed), metric).map((r, i) => ({
    unit: r.unit, unitName: r.unitName, value: r.value, ciLow: r.ciLow, ciHigh: r.ciHigh, comparison: comparisonOf(r), rank: i + 1, focus: r.unit === focus,
    text: `${i + 1}. ${describeRow(r, metric, lang, t, { label: referenceLabel, value: reference, comparison: comparisonOf(r) })}`,
  })), [shown, metric, comparisonOf, focus, lang, t, referenceLabel, reference]);
  const spec = useCallback(({ width, selected }: SpecContext<RankedPoint>) => rankedSpec(points, {
    metric, lang, width, selected, reference, referenceLabel, valueLabel: metric?.label[lang] ?? '', rankLabel: t('col.rank'),
  }), [points, metric, lang, reference, referenceLabel, t]);
  const suppressed = shown.filter((r) => r.suppressed).length;
  const label = metric?.label[lang] ?? '';
  const table = (
    <MetricTable rows={shown} metric={metric} caption={`${label} — ${t(`levels.${level}`)}, ${formatPeriod(period, lang)}, ${clientGroupLabel(group, lang)}`}
      comparisonOf={comparisonOf} reference={referenceLabel} focus={focus ?? undefined} maxHeight={520}
      unitCell={(r) => <Link href={hrefFor('profile', { unit: r.unit, period }, lang)}>{r.unitName}</Link>} />
  );
  return (
    <>
      {benchmark && <p className="note">{t('compare.peerNote', { n: benchmark.peerCount, value: formatValue(metric, benchmark.peerMedian, lang) })}</p>}
      {suppressed > 0 && <p className="note" data-testid="suppressed-note">{t('suppressedCount', { n: suppressed, total: shown.length })}</p>}
      <section className="panel">
        <ChartFigure name={`ranked-${metric?.code}-${level}-${period}`} title={t('compare.ranked', { metric: label, level: t(`levels.${level}`), period: formatPeriod(period, lang) })}
          description={t('compare.rankedDesc', { reference: referenceLabel, value: formatValue(metric, reference, lang) })}
          spec={spec} points={points} describe={(p) => p.text} legend={<ComparisonLegend reference={referenceLabel} />} table={table} />
      </section>
      {!benchmark && metric && (
        <section className="panel">
          <FunnelChart metric={metric} level={level} period={period} group={group} focus={focus} />
        </section>
      )}
      <section className="panel">
        <h2>{t('compare.table')}</h2>
        {table}
      </section>
    </>
  );
}
