/**
 * Writing facts: codes and submissions get their numbers here (numberFactCodes, nextSubmissionNumber), rows are
 * appended by `appendFacts` or the ingestion's coded load, and superseding finds its rows with `currentFactsOfKeys`
 * (tables in schema.ts). Call on the writer.
 */
import { DuckDBConnection, DuckDBValue, listValue } from '@duckdb/node-api';
import { FACT_DIMENSIONS, FACT_TABLES_SQL, FACT_VIEWS_SQL } from './schema';

export interface AppendFacts {
  submissionId: string;
  acceptedAt: Date | string;
  /** SELECT giving site_code, municipality_code, period (DATE), client_group, measure (text) and value (DOUBLE). */
  select: string;
  params?: DuckDBValue[];
  /**
   * A relation with site_code, municipality_code and client_group covering every key of `select`, when a smaller
   * one than `select` itself is at hand (the submission's key sets): the codes are looked up from it.
   */
  keys?: string;
  /** Every measure code `select` can hold (the catalogue), when known: saves reading `select` for them. */
  measureCodes?: readonly string[];
}

/** A SELECT over literal rows `(site_code, municipality_code, period, client_group, measure, value)`, for `appendFacts`. */
export const factRowsSql = (rows: string[]) =>
  `SELECT * FROM (VALUES ${rows.join(', ')}) v(site_code, municipality_code, period, client_group, measure, value)`;

const timestamp = (at: Date | string) => (typeof at === 'string' ? at : at.toISOString().replace('T', ' ').replace('Z', ''));

/** The number of a submission in fact_rows, given one when it has none yet. */
export async function submissionNumber(conn: DuckDBConnection, submissionId: string, acceptedAt: Date | string): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT submission_no FROM fact_submissions WHERE submission_id = $1`, [submissionId]);
  if (r.getRows().length) return Number(r.getRows()[0][0]);
  const no = await nextSubmissionNumber(conn);
  await registerSubmission(conn, no, submissionId, acceptedAt);
  return no;
}

/** The number the next submission gets (on the single writer): above every number in use, registered or not yet. */
export async function nextSubmissionNumber(conn: DuckDBConnection): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT greatest(coalesce((SELECT max(submission_no) FROM fact_submissions), 0),
    coalesce((SELECT max(submission_no) FROM fact_rows), 0)) + 1`);
  return Number(r.getRows()[0][0]);
}

export async function registerSubmission(conn: DuckDBConnection, no: number, submissionId: string, acceptedAt: Date | string): Promise<void> {
  await conn.run(`INSERT INTO fact_submissions VALUES ($1, $2, CAST($3 AS TIMESTAMP))`, [no, submissionId, timestamp(acceptedAt)]);
}

/** Gives every code of `column` in `source` that has none a number in `table` (one of FACT_DIMENSIONS). */
export async function numberFactCodes(conn: DuckDBConnection, table: string, column: string, source: string, params: DuckDBValue[] = []) {
  if (!FACT_DIMENSIONS.some((d) => d.table === table)) throw new Error(`not a code table: ${table}`);
  await conn.run(`INSERT INTO ${table}
    SELECT CAST(coalesce((SELECT max(id) FROM ${table}), 0) + row_number() OVER (ORDER BY code) AS USMALLINT), code
      FROM (SELECT DISTINCT ${column} AS code FROM (${source}) WHERE ${column} IS NOT NULL) n
     WHERE NOT EXISTS (SELECT 1 FROM ${table} c WHERE c.code = n.code)`, params);
}

/** The join of a relation `alias` with text codes to the code tables, and the code ids in fact_rows' column order. */
function codeIdsOf(alias: string): { joins: string; ids: string[] } {
  return {
    joins: FACT_DIMENSIONS.map((d) => `JOIN ${d.table} ON ${d.table}.code = ${alias}.${d.text}`).join(' '),
    ids: FACT_DIMENSIONS.map((d) => `${d.table}.id`),
  };
}

/** Appends the values of one submission; returns how many rows were written. */
export async function appendFacts(conn: DuckDBConnection, facts: AppendFacts): Promise<number> {
  const params = facts.params ?? [];
  const no = await submissionNumber(conn, facts.submissionId, facts.acceptedAt);
  for (const d of FACT_DIMENSIONS) {
    if (d.column === 'measure' && facts.measureCodes?.length) {
      await numberFactCodes(conn, d.table, d.text, `SELECT unnest($1::VARCHAR[]) AS ${d.text}`, [listValue([...facts.measureCodes])]);
    } else if (facts.keys && d.column !== 'measure') {
      await numberFactCodes(conn, d.table, d.text, `SELECT * FROM ${facts.keys}`);
    } else {
      await numberFactCodes(conn, d.table, d.text, facts.select, params);
    }
  }
  const { joins, ids } = codeIdsOf('v');
  const inserted = await conn.runAndReadAll(`INSERT INTO fact_rows
    SELECT ${no}, ${ids[0]}, ${ids[1]}, v.period, ${ids[2]}, ${ids[3]}, v.value, NULL FROM (${facts.select}) v ${joins}`, params);
  return Number(inserted.getRows()[0][0]);
}

/**
 * The current rows `f` of fact_rows sharing a key with `keys` (site_code, municipality_code, client_group and the
 * DATE column `period`), as FROM and WHERE clauses for a query or an UPDATE of fact_rows f; `measureMatch` is a
 * condition on `k` and `mc.code`, the measure of `f`. The search is bounded to the periods $1..$2.
 */
export function currentFactsOfKeys(keys: string, period: string, measureMatch: string): { from: string; where: string } {
  const dims = FACT_DIMENSIONS.filter((d) => d.column !== 'measure');
  const joins = dims.map((d) => `JOIN ${d.table} ON ${d.table}.code = k0.${d.text}`).join(' ');
  const ids = dims.map((d) => `${d.table}.id AS ${d.column}_id`).join(', ');
  return {
    from: `(SELECT k0.*, ${ids} FROM ${keys} k0 ${joins}) k, fact_measure_codes mc`,
    where: `f.superseded_by IS NULL AND f.period BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) AND f.period = k.${period}
      AND f.site = k.site_id AND f.municipality = k.municipality_id AND f.client_group = k.client_group_id
      AND mc.id = f.measure AND (${measureMatch})`,
  };
}

const tableType = async (conn: DuckDBConnection, name: string) => {
  const r = await conn.runAndReadAll(`SELECT table_type FROM information_schema.tables WHERE table_name = $1 AND table_schema = 'main'`, [name]);
  return r.getRows().length ? String(r.getRows()[0][0]) : null;
};

/**
 * Creates the fact tables and views and removes rows no submission was registered for. A warehouse file of the
 * first layout (fact_values a table with text codes, submission ids and accepted_at in every row) is moved into the
 * coded one instead, in one transaction, with every row, value, submission and supersession kept.
 */
export async function prepareFactTables(conn: DuckDBConnection): Promise<void> {
  if ((await tableType(conn, 'fact_values')) !== 'BASE TABLE') {
    await conn.run(FACT_TABLES_SQL + FACT_VIEWS_SQL);
    // Rows of a submission that was never registered (the process stopped between writing and registering them).
    await conn.run(`DELETE FROM fact_rows WHERE submission_no NOT IN (SELECT submission_no FROM fact_submissions)`);
    return;
  }
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run(`DROP VIEW IF EXISTS facts_current; ALTER TABLE fact_values RENAME TO fact_values_v1`);
    await conn.run(FACT_TABLES_SQL);
    const orphan = await conn.runAndReadAll(`SELECT DISTINCT superseded_by FROM fact_values_v1 WHERE superseded_by IS NOT NULL
      AND superseded_by NOT IN (SELECT submission_id FROM fact_values_v1) LIMIT 1`);
    if (orphan.getRows().length) throw new Error(`fact_values: values are superseded by submission ${String(orphan.getRows()[0][0])}, which has no values; run the reconciliation of a version before 2026-12 first`);
    await conn.run(`INSERT INTO fact_submissions SELECT row_number() OVER (ORDER BY first_accepted, submission_id), submission_id, first_accepted
      FROM (SELECT submission_id, min(accepted_at) AS first_accepted FROM fact_values_v1 GROUP BY 1)`);
    for (const d of FACT_DIMENSIONS) await numberFactCodes(conn, d.table, d.text, 'SELECT * FROM fact_values_v1');
    const { joins, ids } = codeIdsOf('v');
    await conn.run(`INSERT INTO fact_rows SELECT s.submission_no, ${ids[0]}, ${ids[1]}, v.period, ${ids[2]}, ${ids[3]}, v.value, b.submission_no
      FROM fact_values_v1 v JOIN fact_submissions s ON s.submission_id = v.submission_id ${joins}
      LEFT JOIN fact_submissions b ON b.submission_id = v.superseded_by`);
    const counts = (await conn.runAndReadAll(`SELECT (SELECT count(*) FROM fact_values_v1), (SELECT count(*) FROM fact_rows)`)).getRows()[0].map(Number);
    if (counts[0] !== counts[1]) throw new Error(`fact_values: ${counts[0]} rows in the old layout, ${counts[1]} moved`);
    await conn.run('DROP TABLE fact_values_v1');
    await conn.run(FACT_VIEWS_SQL);
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
  await conn.run('CHECKPOINT');
}
