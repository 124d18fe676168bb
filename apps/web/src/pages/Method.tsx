import { CLIENT_GROUP_LABELS, CLIENT_GROUPS } from '@uitkomst/domain/client-groups';
import { type MetricDefinition, METRICS } from '@uitkomst/domain/metrics';
import { Link } from '../app/Link';
import { hrefFor } from '../app/router';
import { type Column, DataTable } from '../components/DataTable';
import { useT } from '../i18n/i18n';

/** A sum in a ratio needs brackets: (a + b) / (c + d). */
const grouped = (expr: string) => (expr.includes(' + ') ? `(${expr})` : expr);

const SECTIONS = [
  ['method.intervals', 'method.intervalsText'], ['method.funnel', 'method.funnelText'], ['method.adjustment', 'method.adjustmentText'],
  ['method.peers', 'method.peersText'], ['method.disclosure', 'method.disclosureText'], ['method.time', 'method.timeText'], ['method.releases', 'method.releasesText'],
] as const;

export default function Method() {
  const { lang, t } = useT();
  const columns: Column<MetricDefinition>[] = [
    { key: 'label', label: t('method.metricCol'), sortValue: (m) => m.label[lang], render: (m) => <>{m.label[lang]}<br /><code>{m.code}</code></> },
    { key: 'family', label: t('col.group'), sortValue: (m) => m.family, render: (m) => t(`family.${m.family}`) },
    { key: 'def', label: t('method.definitionCol'), render: (m) => <><code>{grouped(m.numerator)}</code> / <code>{grouped(m.denominator)}</code></> },
    { key: 'polarity', label: t('method.polarityCol'), render: (m) => t(`polarity.${m.polarity}`) },
    { key: 'method', label: t('method.methodCol'), render: (m) => t(`intervalMethod.${m.method}`) },
  ];
  return (
    <div className="method">
      <h1>{t('method.title')}</h1>
      <p className="lead">{t('method.lead')}</p>
      <section className="panel" aria-labelledby="defs">
        <h2 id="defs">{t('method.definitions')}</h2>
        <DataTable rows={METRICS} columns={columns} caption={t('method.definitions')} rowKey={(m) => m.code} />
        <h3>{t('clientGroup')}</h3>
        <ul>{CLIENT_GROUPS.map((g) => <li key={g}>{CLIENT_GROUP_LABELS[g][lang]} (<code>{g}</code>)</li>)}</ul>
      </section>
      {SECTIONS.map(([title, text]) => (
        <section className="panel" key={title} aria-labelledby={title}>
          <h2 id={title}>{t(title)}</h2>
          <p>{t(text)}</p>
        </section>
      ))}
      <p><Link href={hrefFor('data', {}, lang)}>{t('data.codebook')} →</Link></p>
    </div>
  );
}
