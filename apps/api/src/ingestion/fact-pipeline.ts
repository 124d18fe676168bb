/**
 * The DuckDB side of one submission: stage the file, run every check set-based, and, when there is no
 * error, append the values to fact_values and supersede the earlier current values of the same keys, in
 * one transaction. Runs on the warehouse's single writer; the temp tables are private to the submission.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { MEASURES, MeasureDefinition } from '@uitkomst/domain';
import type { Warehouse } from '@uitkomst/warehouse';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SubmissionError } from '../submissions/submission.entity';
import { bsnMacroSql, containsPossibleBsn } from './bsn';
import { ColumnPlan, Layout, planColumns } from './column-plan';
import { CONSISTENCY_RULES } from './consistency-rules';
import type { FileFormat } from './file-formats';
import { lineOfRow, loadRawTable, RawTable, UnreadableFileError } from './raw-loaders';
import { loadRegistrySnapshot, RegistrySnapshot } from './registry-snapshot';
import {
  applicableRules, bsnScanSql, createTablesSql, duplicateChecksSql, HELPER_MACROS, keyChecksSql, keysViewSql,
  ruleCheckSql, setsTableSql, StagingTables, valueChecksSql, valuesTableSql,
} from './validation-sql';

export const ERROR_SAMPLE_SIZE = 100;

export interface ValidationInput {
  submissionId: string;
  filePath: string;
  format: FileFormat;
  registry: RegistrySnapshot;
  /** 'YYYY-MM' of today: later periods are in the future. */
  currentMonth: string;
  /** Where every error is written as CSV when there are any. */
  errorsFile: string;
  measures?: readonly MeasureDefinition[];
}

export interface ValidationResult {
  layout: Layout | null;
  rowCount: number;
  valueCount: number;
  errorCount: number;
  errorsSample: SubmissionError[];
}

export interface CommitResult {
  valueCount: number;
  /** Earlier submissions whose values this one superseded, with how many and how many of theirs stay current. */
  superseded: { submissionId: string; values: number; stillCurrent: number }[];
}

const fileError = (code: string, message: string): ValidationResult => ({
  layout: null, rowCount: 0, valueCount: 0, errorCount: 1, errorsSample: [{ row: null, column: null, code, message }],
});

const macrosReady = new WeakSet<DuckDBConnection>();

async function ensureMacros(conn: DuckDBConnection) {
  if (macrosReady.has(conn)) return;
  await conn.run(bsnMacroSql('ingest_bsn'));
  for (const sql of HELPER_MACROS) await conn.run(sql);
  macrosReady.add(conn);
}


async function scalar(conn: DuckDBConnection, sql: string): Promise<number> {
  const r = await conn.runAndReadAll(sql);
  return Number(r.getRows()[0][0]);
}

async function insertErrors(conn: DuckDBConnection, t: StagingTables, errors: SubmissionError[]) {
  for (const e of errors) {
    await conn.run(`INSERT INTO ${t.errors} VALUES ($1, $2, $3, $4)`, [e.row, e.column, e.code, e.message]);
  }
}

/** Stages and checks the file; leaves the staged values in place for `commitFacts` when there is no error. */
export async function stageAndValidate(conn: DuckDBConnection, input: ValidationInput): Promise<ValidationResult> {
  const measures = input.measures ?? MEASURES;
  const t = new StagingTables(input.submissionId);
  if (fs.statSync(input.filePath).size === 0) return fileError('EMPTY_FILE', 'The file is empty.');
  await ensureMacros(conn);
  let raw: RawTable;
  try {
    raw = await loadRawTable(conn, input.format, input.filePath, t.raw);
  } catch (err) {
    if (err instanceof UnreadableFileError) return fileError('UNREADABLE_FILE', `The file cannot be read as ${input.format.toUpperCase()}: ${err.message}`);
    throw err;
  }
  for (const sql of createTablesSql(t)) await conn.run(sql);
  const rowCount = await scalar(conn, `SELECT count(*) FROM ${t.raw}`);
  if (rowCount === 0 && raw.malformed.length === 0) {
    return { ...fileError('EMPTY_FILE', 'The file has no data rows.'), layout: null };
  }
  const plan = planColumns(raw.names, raw.headerRow, measures.map((m) => m.code));
  const headerBsn = raw.names.filter(containsPossibleBsn).map(() => ({
    row: raw.headerRow, column: null, code: 'POSSIBLE_BSN',
    message: 'A column name holds 9 digits that pass the 11-test of a citizen service number (BSN); personal identifiers must never be uploaded.',
  }));
  await insertErrors(conn, t, [...plan.errors, ...headerBsn, ...raw.malformed]);
  await conn.run(bsnScanSql(t, raw), raw.names.map((n) => (containsPossibleBsn(n) ? '(withheld)' : n)));
  if (raw.malformed.length > 0) {
    // Rows after a rejected line are numbered by DuckDB without it: correct the numbers of the BSN findings.
    const rejected = raw.malformed.map((m) => m.row!).sort((a, b) => a - b);
    const found = await conn.runAndReadAll(`SELECT DISTINCT "row" FROM ${t.errors} WHERE code = 'POSSIBLE_BSN' AND "row" IS NOT NULL`);
    for (const [row] of found.getRows()) {
      await conn.run(`UPDATE ${t.errors} SET "row" = $1 WHERE code = 'POSSIBLE_BSN' AND "row" = $2`, [lineOfRow(Number(row) - 2, rejected), Number(row)]);
    }
  } else if (plan.complete) {
    await runRowChecks(conn, t, raw, plan, measures, input);
  }
  const valueCount = plan.complete && raw.malformed.length === 0 ? await scalar(conn, `SELECT count(*) FROM ${t.values}`) : 0;
  const errorCount = await scalar(conn, `SELECT count(*) FROM ${t.errors}`);
  const errorsSample = errorCount === 0 ? [] : await readErrors(conn, t, ERROR_SAMPLE_SIZE);
  if (errorCount > 0) await writeErrorsCsv(conn, t, input.errorsFile);
  return { layout: plan.layout, rowCount, valueCount, errorCount, errorsSample };
}

async function runRowChecks(conn: DuckDBConnection, t: StagingTables, raw: RawTable, plan: ColumnPlan, measures: readonly MeasureDefinition[], input: ValidationInput) {
  await loadRegistrySnapshot(conn, t, input.registry);
  await conn.run(keysViewSql(t, raw, plan));
  await conn.run(valuesTableSql(t, raw, plan, measures));
  await conn.run(keyChecksSql(t), [input.currentMonth]);
  await conn.run(valueChecksSql(t, plan));
  await conn.run(duplicateChecksSql(t, plan), [raw.unit]);
  const rules = applicableRules(CONSISTENCY_RULES, measures);
  const sets = setsTableSql(t, rules);
  if (sets) {
    await conn.run(sets);
    for (const rule of rules) await conn.run(ruleCheckSql(t, rule, plan));
  }
}

const ERROR_ORDER = `ORDER BY "row" NULLS FIRST, "column" NULLS FIRST, code`;

async function readErrors(conn: DuckDBConnection, t: StagingTables, limit: number): Promise<SubmissionError[]> {
  const r = await conn.runAndReadAll(`SELECT CAST("row" AS INTEGER), "column", code, message FROM ${t.errors} ${ERROR_ORDER} LIMIT ${Math.floor(limit)}`);
  return r.getRows().map(([row, column, code, message]) => ({
    row: row === null ? null : Number(row), column: column === null ? null : String(column), code: String(code), message: String(message),
  }));
}

async function writeErrorsCsv(conn: DuckDBConnection, t: StagingTables, file: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await conn.run(`COPY (SELECT "row", "column", code, message FROM ${t.errors} ${ERROR_ORDER}) TO '${file.replace(/'/g, "''")}' (HEADER, DELIMITER ',')`);
}

/** Appends the staged values and supersedes the current values of the same keys; call inside warehouse.transaction. */
export async function commitFacts(conn: DuckDBConnection, submissionId: string, acceptedAt: Date): Promise<CommitResult> {
  const t = new StagingTables(submissionId);
  const sameKey = `f.site_code = v.site_code AND f.municipality_code = v.municipality_code AND f.period = v.period_date
    AND f.client_group = v.client_group AND f.measure = v.measure`;
  const earlier = await conn.runAndReadAll(`SELECT f.submission_id, CAST(count(*) AS INTEGER) FROM fact_values f JOIN ${t.values} v ON ${sameKey}
    WHERE f.superseded_by IS NULL GROUP BY 1`);
  if (earlier.getRows().length > 0) {
    await conn.run(`UPDATE fact_values f SET superseded_by = $1 FROM ${t.values} v WHERE f.superseded_by IS NULL AND ${sameKey}`, [submissionId]);
  }
  const inserted = await conn.runAndReadAll(`INSERT INTO fact_values (submission_id, site_code, municipality_code, period, client_group, measure, value, accepted_at, superseded_by)
    SELECT $1, site_code, municipality_code, period_date, client_group, measure, value_num, $2::TIMESTAMP, NULL FROM ${t.values}`,
  [submissionId, acceptedAt.toISOString().replace('T', ' ').replace('Z', '')]);
  const valueCount = Number(inserted.getRows()[0][0]);
  const superseded: CommitResult['superseded'] = [];
  for (const [id, n] of earlier.getRows()) {
    const still = await conn.runAndReadAll(`SELECT CAST(count(*) AS INTEGER) FROM fact_values WHERE submission_id = $1 AND superseded_by IS NULL`, [String(id)]);
    superseded.push({ submissionId: String(id), values: Number(n), stillCurrent: Number(still.getRows()[0][0]) });
  }
  return { valueCount, superseded };
}

export async function dropStaging(conn: DuckDBConnection, submissionId: string): Promise<void> {
  const t = new StagingTables(submissionId);
  await conn.run(`DROP VIEW IF EXISTS ${t.keys}`);
  for (const table of t.all) await conn.run(`DROP TABLE IF EXISTS ${table}`);
}

/** The whole DuckDB side: validate, and commit when clean. Staging is always dropped. */
export async function validateAndLoad(warehouse: Warehouse, input: ValidationInput, acceptedAt: () => Date)
  : Promise<{ validation: ValidationResult; commit: CommitResult | null }> {
  try {
    const validation = await warehouse.write((conn) => stageAndValidate(conn, input));
    if (validation.errorCount > 0) return { validation, commit: null };
    const commit = await warehouse.transaction((conn) => commitFacts(conn, input.submissionId, acceptedAt()));
    return { validation: { ...validation, valueCount: commit.valueCount }, commit };
  } finally {
    await warehouse.write((conn) => dropStaging(conn, input.submissionId)).catch(() => undefined);
  }
}
