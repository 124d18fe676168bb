/** The codebook: every column of every release table, every code list and metric, the licence and how to cite. */
import { CLIENT_GROUP_LABELS, CLIENT_GROUPS, COMPARISONS, GRAINS, LEVELS, MEASURES, METRICS } from '@uitkomst/domain';
import { citationOf, LICENCE, ManifestFile, RELEASE_TABLES, TABLE_SPECS } from './release-manifest';

export interface CodebookColumn { name: string; type: string; description: string }
export interface CodebookTable { table: string; file: string; description: string; columns: CodebookColumn[] }
export interface CodeListEntry { code: string; description: string; [extra: string]: unknown }
export interface Codebook {
  title: string;
  release: string | null;
  licence: { data: string; code: string };
  citation: string;
  notes: string[];
  tables: CodebookTable[];
  codeLists: Record<string, CodeListEntry[]>;
}

const COLUMN_DOCS: Record<string, string> = {
  metric: 'Metric code (see code list metrics)', level: 'Level of the unit (see code list levels)', unit: 'Unit code: site code, CBS municipality code (GM....), labour-market region (AM..) or NL',
  unit_name: 'Name of the unit', region_code: 'Labour-market region (arbeidsmarktregio) of the unit', grain: 'Period grain (see code list grains)',
  period: 'Period code: 2025 (year), 2025-Q3 (quarter), 2025-07 (month), R12-2025-07 (12 months up to July 2025)',
  period_start: 'First day of the period', period_end: 'Last day of the period', client_group: 'Client group (see code list client_groups); all = every group together',
  numerator: 'Numerator of the metric (see the metric definition); null when suppressed', denominator: 'Denominator of the metric; null when suppressed',
  value: 'Metric value: proportions as fractions 0..1, means on their scale, euros, days, or observed/expected for adjusted metrics; null when suppressed',
  ci_low: 'Lower bound of the 95% confidence interval', ci_high: 'Upper bound of the 95% confidence interval',
  national_value: 'National value for the same metric, period and client group', comparison: 'Comparison with the national value (see code list comparisons)',
  funnel95_low: 'Lower 95% funnel-plot control limit at this denominator', funnel95_high: 'Upper 95% funnel-plot control limit', funnel998_low: 'Lower 99.8% funnel-plot control limit', funnel998_high: 'Upper 99.8% funnel-plot control limit',
  is_process: 'True for process metrics (context only, never a headline)', suppressed: 'True when disclosure control withholds the figures of this cell',
  suppression_reason: 'Why the cell is suppressed (see code list suppression_reasons)', observed: 'Observed count (case-mix adjusted metric)', expected: 'Expected count from national client-group rates',
  ratio: 'Observed / expected', ratio_ci_low: 'Lower 95% bound of observed/expected (Byar)', ratio_ci_high: 'Upper 95% bound of observed/expected (Byar)',
  previous_value: 'Value in the previous year', change: 'Change against the previous year', change_significant: 'True when the change is statistically significant at 5%',
  municipality_code: 'CBS municipality code (current boundaries)', peer_code: 'A similar municipality (peer)', rank: 'Rank of the peer, 1 = most similar', distance: 'Standardised distance between the two municipalities',
  dimension: 'Typology dimension', category: 'Category within the typology dimension', n_sites: 'Number of sites pooled in the cell', caveat: 'How to read the figure',
  site_code: 'Site code', name: 'Name', kind: 'werkplein or wijkteam', start_date: 'Date cooperation at the site started', end_date: 'Date the site closed, if it did',
  municipality_codes: 'Municipalities the site serves (comma-separated CBS codes)', integration_level: 'Integration level (none, limited, partial, full)', phase: 'Development phase 1-3',
  team_model: 'Wijkteam model A-D', co_located: 'Partners share one location', joint_management: 'Partners have joint management', maturity: 'Maturity of cooperation (opportunistic, systematic, mature)',
  coordination: 'Coordination form per cooperation dimension (JSON)', measure: 'Measure code (see code list measures)', submission_id: 'Submission the value came from',
};

const SUPPRESSION_REASONS: CodeListEntry[] = [
  { code: 'small_denominator', description: 'Denominator below the minimum (default 10): the rate would be unreliable and could identify people' },
  { code: 'small_count', description: 'Numerator between 1 and 4 persons' },
  { code: 'secondary', description: 'Suppressed because a suppressed sibling cell could otherwise be recovered from a published total' },
  { code: 'no_consent', description: 'The organisation withholds consent to be shown individually; such rows are not published at all, the data counts in region and national totals' },
];

export function buildCodebook(release: { id: string; publishedAt: string; files: ManifestFile[] } | null, modelDocs: Record<string, string> = {}): Codebook {
  const tables = RELEASE_TABLES.map((table) => {
    const spec = TABLE_SPECS[table];
    const file = release?.files.find((f) => f.table === table);
    return {
      table, file: spec.file, description: spec.description,
      columns: (file?.columns ?? []).map((c) => ({ name: c.name, type: c.type, description: modelDocs[`${spec.source}.${c.name}`] || COLUMN_DOCS[c.name] || '' })),
    };
  });
  return {
    title: 'Uitkomst: outcomes of integrated social services (Werkpleinen, wijkteams)',
    release: release?.id ?? null,
    licence: LICENCE,
    citation: release ? citationOf(release.id, release.publishedAt) : 'Cite the release id you used, e.g. "Uitkomst (2026), release 2026.1".',
    notes: [
      'Only released data is published. A release is immutable: cite its id to get the same numbers later.',
      'Proportions are fractions between 0 and 1. Intervals are 95% (Wilson for proportions, t for means, Byar for observed/expected).',
      'better/similar/worse only when the interval excludes the national value, with the polarity of the metric.',
      'Comparisons across typologies show association, not the effect of a form of cooperation.',
      'Data: CC BY 4.0. Code: EUPL-1.2.',
    ],
    tables,
    codeLists: {
      metrics: METRICS.map((m) => ({
        code: m.code, description: m.label.en, label_nl: m.label.nl, family: m.family, is_process: m.process, polarity: m.polarity,
        method: m.method, value_type: m.valueType, numerator: m.numerator, denominator: m.denominator,
      })),
      client_groups: [...CLIENT_GROUPS.map((g) => ({ code: g, description: CLIENT_GROUP_LABELS[g].en, label_nl: CLIENT_GROUP_LABELS[g].nl })), { code: 'all', description: 'All client groups together', label_nl: 'Alle klantgroepen' }],
      levels: LEVELS.map((l) => ({ code: l, description: { site: 'A Werkplein or wijkteam', municipality: 'A municipality (gemeente), current CBS boundaries', region: 'A labour-market region (arbeidsmarktregio)', national: 'The Netherlands' }[l] })),
      grains: GRAINS.map((g) => ({ code: g, description: { month: 'Calendar month, period 2025-07', quarter: 'Quarter, period 2025-Q3', year: 'Calendar year, period 2025', rolling12: 'Twelve months up to the month, period R12-2025-07' }[g] })),
      comparisons: COMPARISONS.map((c) => ({ code: c, description: { better: 'Interval excludes the national value, on the good side', similar: 'Interval includes the national value', worse: 'Interval excludes the national value, on the bad side', not_comparable: 'No comparison (suppressed, no interval, or no polarity)' }[c] })),
      suppression_reasons: SUPPRESSION_REASONS,
      measures: MEASURES.map((m) => ({ code: m.code, description: m.description.en, label_nl: m.description.nl, kind: m.kind, unit: m.unit, family: m.family })),
    },
  };
}

const csvCell = (v: unknown) => {
  const s = v == null ? '' : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** One row per column and per code: section, list, code, type, description. */
export function codebookCsv(cb: Codebook): string {
  const rows: unknown[][] = [['section', 'list', 'code', 'type', 'description']];
  for (const t of cb.tables) for (const c of t.columns) rows.push(['column', t.table, c.name, c.type, c.description]);
  for (const [list, entries] of Object.entries(cb.codeLists)) {
    for (const e of entries) {
      const extra = Object.entries(e).filter(([k]) => k !== 'code' && k !== 'description').map(([k, v]) => `${k}=${v}`).join('; ');
      rows.push(['code', list, e.code, '', extra ? `${e.description} (${extra})` : e.description]);
    }
  }
  rows.push(['licence', 'data', cb.licence.data, '', ''], ['licence', 'code', cb.licence.code, '', ''], ['citation', '', '', '', cb.citation]);
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

const md = (v: unknown) => String(v ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function codebookMarkdown(cb: Codebook): string {
  const out = [`# Codebook${cb.release ? `, release ${cb.release}` : ''}`, '', cb.title, '', `Licence: data ${cb.licence.data}, code ${cb.licence.code}.`, '', `How to cite: ${cb.citation}`, '', ...cb.notes.map((n) => `- ${n}`), ''];
  for (const t of cb.tables) {
    out.push(`## Table \`${t.table}\` (${t.file})`, '', t.description, '', '| column | type | description |', '|---|---|---|');
    for (const c of t.columns) out.push(`| ${md(c.name)} | ${md(c.type)} | ${md(c.description)} |`);
    out.push('');
  }
  for (const [list, entries] of Object.entries(cb.codeLists)) {
    const keys = [...new Set(entries.flatMap((e) => Object.keys(e)))];
    out.push(`## Code list \`${list}\``, '', `| ${keys.join(' | ')} |`, `|${keys.map(() => '---').join('|')}|`);
    for (const e of entries) out.push(`| ${keys.map((k) => md(e[k])).join(' | ')} |`);
    out.push('');
  }
  return out.join('\n');
}
