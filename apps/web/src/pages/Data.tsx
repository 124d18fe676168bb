import { type ReactNode, useState } from 'react';
import { apiUrl } from '../api/client';
import { usePeriods, useReleases } from '../api/hooks';
import type { Release } from '../api/types';
import { asLevel, resolvePeriod } from '../app/filters';
import { useQuery } from '../app/router';
import { SelectField } from '../components/Field';
import { ClientGroupSelect, LevelSelect, MetricSelect, PeriodSelect } from '../components/Filters';
import { ErrorState, Loading } from '../components/States';
import { clientGroupLabel, metricLabel, useT } from '../i18n/i18n';
import { formatDate, formatPeriod } from '../lib/format';

const FORMATS = ['csv', 'csv-excel', 'parquet', 'arrow', 'json'] as const;

export default function Data() {
  const { lang, t } = useT();
  const [query, setQuery] = useQuery();
  const releases = useReleases();
  const periods = usePeriods();
  if (releases.state === 'loading' || periods.state === 'loading') return <Loading />;
  if (releases.state === 'error') return <ErrorState error={releases.error} />;
  if (periods.state === 'error') return <ErrorState error={periods.error} />;
  const list = [...releases.data].sort((a, b) => Number(b.sequence ?? 0) - Number(a.sequence ?? 0));
  if (!list.length) return <><h1>{t('data.title')}</h1><p className="note">{t('data.noReleases')}</p></>;
  const release = list.find((r) => r.id === query.release) ?? list[0];
  const metric = query.metric ?? 'outflow_to_work';
  const level = asLevel(query.level);
  const group = query.group ?? 'all';
  const period = resolvePeriod(query.period, periods.data) ?? '';
  const view = { metric, level, period, clientGroup: group };
  const download = (format: string, filters: Record<string, string> = {}) => apiUrl(`releases/${encodeURIComponent(release.id)}/download`, { format, ...filters });
  const origin = window.location.origin;
  return (
    <>
      <h1>{t('data.title')}</h1>
      <p className="lead">{t('data.lead')}</p>
      <div className="controls">
        <SelectField label={t('data.release')} name="release" value={release.id} onChange={(v) => setQuery({ release: v === list[0].id ? null : v })}
          options={list.map((r, i) => ({ value: r.id, label: `${r.id}${r.title ? ` — ${r.title}` : ''}${i === 0 ? ` (${t('data.latest')})` : ''}` }))} />
      </div>
      <ReleaseFacts release={release} />
      <section className="panel" aria-labelledby="view-title">
        <h2 id="view-title">{t('data.view')}</h2>
        <form className="controls" onSubmit={(e) => e.preventDefault()} aria-labelledby="view-title">
          <MetricSelect value={metric} onChange={(v) => setQuery({ metric: v })} />
          <LevelSelect value={level} onChange={(v) => setQuery({ level: v })} />
          <PeriodSelect value={period} periods={periods.data} onChange={(v) => setQuery({ period: v })} />
          <ClientGroupSelect value={group} onChange={(v) => setQuery({ group: v === 'all' ? null : v })} />
        </form>
        <p>{t('data.viewHint', { metric: metricLabel(metric, lang), level: t(`levels.${level}`).toLowerCase(), period: formatPeriod(period, lang), group: clientGroupLabel(group, lang).toLowerCase() })}</p>
        <Downloads hrefs={FORMATS.map((f) => [f, download(f, view)])} testid="view-downloads" />
        <ArrowPreview url={apiUrl('metrics', { ...view, release: release.id, format: 'arrow' })} />
      </section>
      <section className="panel" aria-labelledby="whole-title">
        <h2 id="whole-title">{t('data.whole')} {release.id}</h2>
        <Downloads hrefs={[...FORMATS.map((f): [string, string] => [f, download(f)]), ['zip', apiUrl(`releases/${encodeURIComponent(release.id)}/download`, { whole: 'true' })]]} testid="release-downloads" />
      </section>
      <section className="panel" aria-labelledby="codebook-title">
        <h2 id="codebook-title">{t('data.codebook')}</h2>
        <p>{t('data.codebookLead')}</p>
        <Downloads hrefs={[['md', apiUrl('codebook', { format: 'md', release: release.id })], ['csv', apiUrl('codebook', { format: 'csv', release: release.id })], ['json', apiUrl('codebook', { release: release.id })]]} testid="codebook-downloads" />
      </section>
      <section className="panel" aria-labelledby="api-title">
        <h2 id="api-title">{t('data.api')}</h2>
        <p>{t('data.apiLead')} <a href="/api/docs">OpenAPI</a></p>
        <pre tabIndex={0} aria-label={t('data.api')}>{[
          `curl '${origin}${apiUrl('metrics', view)}'`,
          `curl -H 'Accept: text/csv' '${origin}${apiUrl('metrics', { metric, level: 'region', period })}'`,
          `curl '${origin}${apiUrl('benchmark', { metric, unit: 'GM0363', period })}'`,
          `curl '${origin}${apiUrl('funnel', { metric, level: 'municipality', period })}'`,
          `curl '${origin}${apiUrl('trends', { metric, unit: 'AM18', grain: 'year' })}'`,
          `curl -o release.parquet '${origin}${download('parquet')}'`,
        ].join('\n')}</pre>
      </section>
    </>
  );
}

function ReleaseFacts({ release }: { release: Release }) {
  const { lang, t } = useT();
  const periods = release.periods as { from?: string | null; to?: string | null } | undefined;
  const facts: [string, ReactNode][] = [
    [t('data.release'), `${release.id}${release.publishedAt ? `, ${t('data.published', { date: formatDate(String(release.publishedAt), lang) })}` : ''}`],
    ...(periods?.from ? [[t('period'), `${periods.from} – ${periods.to ?? ''}`] as [string, ReactNode]] : []),
    ...(release.citation ? [['Citation', String(release.citation)] as [string, ReactNode]] : []),
  ];
  return <dl className="facts">{facts.map(([k, v]) => <div key={k} style={{ display: 'contents' }}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>;
}

function Downloads({ hrefs, testid }: { hrefs: [string, string][]; testid: string }) {
  const { t } = useT();
  return (
    <ul className="downloads" data-testid={testid} style={{ listStyle: 'none', padding: 0 }}>
      {hrefs.map(([format, href]) => <li key={format}><a className="button secondary" href={href} download data-format={format}>{t(`format.${format}` as 'format.csv')}</a></li>)}
    </ul>
  );
}

/** Reads the Arrow answer in the browser (apache-arrow loads only on demand) and lists its schema. */
function ArrowPreview({ url }: { url: string }) {
  const { lang, t } = useT();
  const [state, setState] = useState<{ rows: number; fields: string[] } | Error | null>(null);
  const load = async () => {
    try {
      const [{ tableFromIPC }, res] = await Promise.all([import('apache-arrow'), fetch(url, { headers: { Accept: 'application/vnd.apache.arrow.stream' } })]);
      if (!res.ok) throw new Error(res.statusText);
      const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
      setState({ rows: table.numRows, fields: table.schema.fields.map((f) => `${f.name}: ${String(f.type)}`) });
    } catch (e) { setState(e as Error); }
  };
  return (
    <div>
      <button type="button" className="button secondary" onClick={() => void load()}>{t('data.arrowPreview')}</button>
      {state instanceof Error ? <ErrorState error={state} /> : state && (
        <div role="status"><p>{t('data.arrowRows', { n: state.rows.toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB') })}</p><ul className="tags">{state.fields.map((f) => <li key={f}><code>{f}</code></li>)}</ul></div>
      )}
    </div>
  );
}
