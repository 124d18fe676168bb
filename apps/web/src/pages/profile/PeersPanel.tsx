import { metricByCode } from '@uitkomst/domain/metrics';
import { apiUrl } from '../../api/client';
import { type BenchmarkAnswer, peerMetricRow } from '../../api/shapes';
import type { MetricRow } from '../../api/types';
import { useApi } from '../../api/useApi';
import { Link } from '../../app/Link';
import { hrefFor } from '../../app/router';
import { MetricTable } from '../../components/MetricTable';
import { ErrorState, Loading } from '../../components/States';
import { useT } from '../../i18n/i18n';
import { formatValue } from '../../lib/format';

/** The unit beside its region, the country and (municipalities) its most similar municipalities. */
export function PeersPanel({ unit, level, metric, period }: { unit: string; level: string; metric: string; period: string }) {
  const { lang, t } = useT();
  const def = metricByCode(metric);
  const answer = useApi<BenchmarkAnswer>(apiUrl('benchmark', { metric, unit, period }));
  if (answer.state === 'loading') return <Loading />;
  if (answer.state === 'error') return <ErrorState error={answer.error} />;
  const b = answer.data;
  const rows: MetricRow[] = [b.unit, b.region, b.national, ...b.peers.map((p) => peerMetricRow(b, p))].filter((r): r is MetricRow => !!r).map((r) => ({ ...r, unitName: r.unitName ?? r.unit, suppressed: !!r.suppressed, comparison: r.comparison ?? 'not_comparable' }));
  return (
    <section className="panel">
      <h2>{t('profile.peers')}: {def?.label[lang]}</h2>
      {level === 'municipality' && b.peers.length ? <p>{t('compare.peerNote', { n: b.peerCount, value: formatValue(def, b.peerMedian, lang) })}</p> : <p>{t('profile.peersNA')}</p>}
      <MetricTable rows={rows} metric={def} caption={`${t('profile.peers')}: ${def?.label[lang] ?? metric}`} focus={unit}
        unitCell={(r) => (r.level === 'national' || r.unit === unit ? r.unitName : <Link href={hrefFor('profile', { unit: r.unit, period, metric }, lang)}>{r.unitName}</Link>)} />
    </section>
  );
}
