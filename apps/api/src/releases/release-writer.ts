/**
 * Writes a release's Parquet files from the warehouse, on the writer connection (so no upload or build
 * interleaves). Disclosure control is applied once more here, as a second line of defence behind the
 * public marts: suppressed cells lose every figure that could reveal them, and units whose organisation
 * withholds consent are dropped at municipality and site level (their data stays in region and national totals).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EMPTY_TABLE_COLUMNS, ManifestColumn, ManifestFile, RELEASE_TABLES, ReleaseTable, TABLE_SPECS } from './release-manifest';

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Figures that are withheld for a suppressed cell (funnel limits too: with the national value they reveal n). */
export const SUPPRESSED_COLUMNS = new Set([
  'numerator', 'denominator', 'value', 'ci_low', 'ci_high', 'observed', 'expected', 'ratio', 'ratio_ci_low', 'ratio_ci_high',
  'funnel95_low', 'funnel95_high', 'funnel998_low', 'funnel998_high', 'previous_value', 'change', 'change_significant',
]);

const NO_CONSENT_MUNICIPALITIES = `(SELECT code FROM ref_municipalities WHERE NOT publication_consent)`;
const NO_CONSENT_SITES = `(SELECT code FROM ref_sites WHERE NOT publication_consent)`;

/** The registry snapshot of published sites: served municipalities and the typology valid at publication. */
const SITES_SQL = `
  SELECT s.code AS site_code, s.name, s.kind, s.region_code, s.start_date, s.end_date,
         (SELECT string_agg(sm.municipality_code, ',' ORDER BY sm.municipality_code) FROM ref_site_municipalities sm
           WHERE sm.site_code = s.code AND sm.municipality_code NOT IN ${NO_CONSENT_MUNICIPALITIES}) AS municipality_codes,
         t.integration_level, t.phase, t.team_model, t.co_located, t.joint_management, t.maturity, CAST(t.coordination AS VARCHAR) AS coordination
    FROM ref_sites s
    LEFT JOIN ref_site_typology t ON t.site_code = s.code AND t.valid_from <= current_date AND (t.valid_to IS NULL OR t.valid_to >= current_date)
   WHERE s.publication_consent
   ORDER BY s.code`;

const quote = (name: string) => {
  if (!IDENT.test(name)) throw new Error(`unexpected column name ${name}`);
  return `"${name}"`;
};
const sqlPath = (file: string) => `'${file.replace(/'/g, "''")}'`;

export async function relationColumns(conn: DuckDBConnection, relation: string): Promise<ManifestColumn[]> {
  const reader = await conn.runAndReadAll(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`, [relation]);
  return reader.getRows().map(([name, type]) => ({ name: String(name), type: String(type) }));
}

/** SELECT list and WHERE clause that publish a mart's rows safely, whatever extra columns it has. */
export function publicSelectSql(source: string, columns: string[], order: string[]): string {
  const has = (c: string) => columns.includes(c);
  const suppressible = has('suppressed');
  const select = columns.map((c) => {
    if (suppressible && SUPPRESSED_COLUMNS.has(c)) return `CASE WHEN suppressed THEN NULL ELSE ${quote(c)} END AS ${quote(c)}`;
    if (suppressible && c === 'comparison') return `CASE WHEN suppressed THEN 'not_comparable' ELSE comparison END AS comparison`;
    return quote(c);
  });
  const where: string[] = [];
  if (has('level') && has('unit')) {
    where.push(`NOT (level = 'municipality' AND unit IN ${NO_CONSENT_MUNICIPALITIES})`, `NOT (level = 'site' AND unit IN ${NO_CONSENT_SITES})`);
  }
  if (has('suppression_reason')) where.push(`coalesce(suppression_reason, '') <> 'no_consent'`);
  for (const c of ['municipality_code', 'peer_code']) if (has(c)) where.push(`coalesce(${quote(c)}, '') NOT IN ${NO_CONSENT_MUNICIPALITIES}`);
  if (has('site_code')) where.push(`coalesce(site_code, '') NOT IN ${NO_CONSENT_SITES}`);
  const orderBy = order.filter(has);
  return `SELECT ${select.join(', ')} FROM ${quote(source)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${orderBy.length ? orderBy.map(quote).join(', ') : 'ALL'}`;
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function describeFile(table: ManifestFile['table'], file: string, rows: number | null, columns?: ManifestColumn[]): Promise<ManifestFile> {
  return { name: path.basename(file), table, rows, bytes: fs.statSync(file).size, sha256: await sha256File(file), ...(columns ? { columns } : {}) };
}

export class MissingMartError extends Error {}

/** The SELECT that publishes a table; null for an optional mart the metrics project does not build. */
async function tableSql(conn: DuckDBConnection, table: ReleaseTable): Promise<string | null> {
  const spec = TABLE_SPECS[table];
  if (table === 'sites') return SITES_SQL;
  const columns = (await relationColumns(conn, spec.source)).map((c) => c.name);
  if (columns.length) return publicSelectSql(spec.source, columns, spec.order);
  if (spec.required) throw new MissingMartError(`the metrics project has not built ${spec.source}; run the metrics build first`);
  return null;
}

/** Writes every release table as Parquet into `dir`; returns the manifest entries. */
export async function writeReleaseTables(conn: DuckDBConnection, dir: string): Promise<ManifestFile[]> {
  fs.mkdirSync(dir, { recursive: true });
  const files: ManifestFile[] = [];
  for (const table of RELEASE_TABLES) {
    const spec = TABLE_SPECS[table];
    const file = path.join(dir, spec.file);
    let sql = await tableSql(conn, table);
    if (sql === null) {
      await conn.run(`CREATE OR REPLACE TEMP TABLE release_empty_${table} (${EMPTY_TABLE_COLUMNS[table]})`);
      sql = `SELECT * FROM release_empty_${table}`;
    }
    await conn.run(`COPY (${sql}) TO ${sqlPath(file)} (FORMAT parquet, COMPRESSION snappy)`);
    const count = await conn.runAndReadAll(`SELECT count(*)::DOUBLE AS n FROM read_parquet(${sqlPath(file)})`);
    const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(file)})`);
    const columns = described.getRows().map(([name, type]) => ({ name: String(name), type: String(type) }));
    files.push(await describeFile(table, file, Number(count.getRows()[0][0]), columns));
  }
  return files;
}

/** First and last period covered by the metrics file. */
export async function periodRange(conn: DuckDBConnection, metricsFile: string): Promise<{ from: string | null; to: string | null }> {
  const r = await conn.runAndReadAll(`SELECT CAST(min(period_start) AS VARCHAR), CAST(max(period_end) AS VARCHAR) FROM read_parquet(${sqlPath(metricsFile)})`);
  const [from, to] = r.getRows()[0];
  return { from: from == null ? null : String(from), to: to == null ? null : String(to) };
}
