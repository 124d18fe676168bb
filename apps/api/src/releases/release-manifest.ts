/** What a release contains: its tables, the manifest written beside them, and where the files live. */
import * as path from 'node:path';

export const RELEASE_TABLES = ['metrics', 'facts', 'peers', 'typology', 'sites'] as const;
export type ReleaseTable = (typeof RELEASE_TABLES)[number];

export interface ReleaseTableSpec {
  table: ReleaseTable;
  file: string;
  source: string; // DuckDB relation in the warehouse
  required: boolean; // a missing optional mart becomes an empty table with the contract's columns
  description: string;
  order: string[]; // sort key of the file (and of the query tables)
}

export const TABLE_SPECS: Record<ReleaseTable, ReleaseTableSpec> = {
  metrics: { table: 'metrics', file: 'metrics.parquet', source: 'mart_metrics_public', required: true, order: ['metric', 'level', 'grain', 'period', 'unit', 'client_group'], description: 'Every published metric per unit, level, period and client group, after disclosure control' },
  facts: { table: 'facts', file: 'facts.parquet', source: 'mart_facts_public', required: true, order: [], description: 'The additive measures behind the metrics at the publishable grain, after disclosure control' },
  peers: { table: 'peers', file: 'peer_groups.parquet', source: 'mart_peer_groups', required: false, order: ['municipality_code', 'rank'], description: 'Peer groups: for each municipality its most similar municipalities (nearest neighbours by size and context)' },
  typology: { table: 'typology', file: 'typology_outcomes.parquet', source: 'mart_typology_outcomes', required: false, order: ['metric', 'dimension', 'grain', 'period', 'client_group', 'category'], description: 'Outcomes pooled by site typology (association, not an impact evaluation)' },
  sites: { table: 'sites', file: 'sites.parquet', source: 'release_sites', required: true, order: ['site_code'], description: 'Registry snapshot: published sites with the municipalities they serve and their typology at publication' },
};

/** Columns of an optional mart when the metrics project does not build it (the agreed contract). */
export const EMPTY_TABLE_COLUMNS: Partial<Record<ReleaseTable, string>> = {
  peers: 'municipality_code VARCHAR, peer_code VARCHAR, rank INTEGER, distance DOUBLE',
  typology: 'metric VARCHAR, dimension VARCHAR, category VARCHAR, grain VARCHAR, period VARCHAR, client_group VARCHAR, numerator DOUBLE, denominator DOUBLE, value DOUBLE, ci_low DOUBLE, ci_high DOUBLE, n_sites INTEGER, caveat VARCHAR',
};

export interface ManifestColumn { name: string; type: string }

export interface ManifestFile {
  name: string;
  table: ReleaseTable | 'codebook';
  rows: number | null;
  bytes: number;
  sha256: string;
  columns?: ManifestColumn[];
}

export interface ReleaseManifest {
  id: string;
  sequence: number;
  title: string;
  publishedAt: string;
  metricDefinitionVersion: string;
  metricDefinitionSha256: string; // of the SQL models and their YAML
  minDenominator: number;
  submissions: string[]; // accepted submission ids whose facts the release includes
  files: ManifestFile[];
  periods: { from: string | null; to: string | null };
  licence: { data: string; code: string };
  citation: string;
}

export const MANIFEST_FILE = 'manifest.json';
export const CODEBOOK_FILE = 'codebook.json';
export const RELEASE_ID = /^(\d{4})\.(\d{1,6})$/;

export const releasesDir = (dataDir: string) => path.join(dataDir, 'releases');
export const releaseDir = (dataDir: string, id: string) => {
  if (!RELEASE_ID.test(id)) throw new Error(`invalid release id ${id}`);
  return path.join(releasesDir(dataDir), id);
};

export const LICENCE = { data: 'CC-BY-4.0', code: 'EUPL-1.2' };

export function citationOf(id: string, publishedAt: string): string {
  return `Uitkomst (${publishedAt.slice(0, 4)}). Uitkomsten geïntegreerde dienstverlening, release ${id} [data set]. Licence CC BY 4.0. Retrieved from /api/v1/releases/${id}`;
}
