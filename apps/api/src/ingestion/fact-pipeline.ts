/**
 * The DuckDB side of one submission: stage the file, run every check set-based, and, when there is no
 * error, append the values to fact_rows and supersede the earlier current values of the same keys, all or
 * nothing: the common case in the coded load, the rest through the detailed checks and commitFacts. Runs on the
 * warehouse's single writer; the temp tables are private to the submission.
 */
import { DuckDBConnection, listValue } from '@duckdb/node-api';
import { CLIENT_GROUPS, MEASURES, MeasureDefinition } from '@uitkomst/domain';
import { appendFacts, currentFactsOfKeys, nextSubmissionNumber, numberFactCodes, registerSubmission, submissionNumber, type Warehouse } from '@uitkomst/warehouse';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SubmissionError } from '../submissions/submission.entity';
import { bsnMacroSql, containsPossibleBsn } from './bsn';
import { ColumnPlan, Layout, planColumns } from './column-plan';
import { CONSISTENCY_RULES } from './consistency-rules';
import { FileProblem } from './file-checks';
import type { FileFormat } from './file-formats';
import { lineOfRow, loadRawTable, materialiseRaw, RawTable, UnreadableFileError } from './raw-loaders';
import { loadRegistrySnapshot, RegistrySnapshot } from './registry-snapshot';
import {
  applicableRules, bsnScanSql, codedInsertSql, codedKeySetsSql, createTablesSql, duplicateChecksSql, HELPER_MACROS, keyChecksSql, keySetsSummarySql,
  keysViewSql, MAX_FAST_MEASURES, measureBitSql, ruleCheckSql, setsTableSql, StagingTables, valueChecksSql, valuesTableSql,
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
  /** Without errors: where `commitFacts` takes the values from (left in the submission's temp tables). */
  staged?: StagedValues;
}

/** The checked values of a submission, as SQL over its temp tables. */
export interface StagedValues {
  /** SELECT giving site_code, municipality_code, period_date, client_group, measure, value_num. */
  select: string;
  /** A relation over the submission's keys (site_code, municipality_code, client_group and the DATE column `period`). */
  keys: string;
  period: string;
  /** The condition on a key `k` and a measure code `mc.code` that the submission has a value for that measure of that key. */
  measureMatch: string;
  /** The measure codes the values can have (the catalogue the file was checked against). */
  measureCodes?: readonly string[];
}

export interface CommitResult {
  valueCount: number;
  /** Earlier submissions whose values this one superseded, with how many and how many of theirs stay current. */
  superseded: { submissionId: string; values: number; stillCurrent: number }[];
}

const fileError = (code: string, message: string, row: number | null = null): ValidationResult => ({
  layout: null, rowCount: 0, valueCount: 0, errorCount: 1, errorsSample: [{ row, column: null, code, message: printable(message) }],
});

/** Control characters (NUL above all: PostgreSQL refuses it in text) from a file never reach a message. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const printable = (s: string) => s.replace(CONTROL, '\ufffd');
const CONTROL_SQL = `'[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]'`;

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

/** A file staged on the writer, before the checks: its rows in `raw`, its columns planned. */
export interface StagedFile {
  t: StagingTables;
  raw: RawTable;
  plan: ColumnPlan;
  /** Null while the rows are behind a view that has not been read (CSV): counting would read the whole file. */
  rowCount: number | null;
  measures: readonly MeasureDefinition[];
  /** Errors of the header, found while staging (unreadable lines are in `raw.malformed` once the rows are in a table). */
  headerErrors: SubmissionError[];
  /** Clean header, every line read, catalogue fit for the bit masks: the coded load may decide the whole file. */
  fast: boolean;
}

const withFileProblems = async <T>(input: ValidationInput, step: () => Promise<T>): Promise<T | ValidationResult> => {
  try {
    return await step();
  } catch (err) {
    if (err instanceof FileProblem) return fileError(err.code, err.message, err.row);
    if (err instanceof UnreadableFileError) return fileError('UNREADABLE_FILE', `The file cannot be read as ${input.format.toUpperCase()}: ${err.message}`);
    throw err;
  }
};

const isResult = (x: StagedFile | ValidationResult): x is ValidationResult => 'errorCount' in x;

/** Stages the file (or finds it unreadable or empty) and copies the registry facts the checks need. */
export function stageFile(conn: DuckDBConnection, input: ValidationInput): Promise<StagedFile | ValidationResult> {
  return withFileProblems(input, async () => {
    const measures = input.measures ?? MEASURES;
    const t = new StagingTables(input.submissionId);
    if (fs.statSync(input.filePath).size === 0) return fileError('EMPTY_FILE', 'The file is empty.');
    await ensureMacros(conn);
    const raw = await loadRawTable(conn, input.format, input.filePath, t.raw, t.file);
    for (const sql of createTablesSql(t)) await conn.run(sql);
    const rowCount = raw.csvFile ? null : await scalar(conn, `SELECT count(*) FROM ${raw.relation}`);
    if (rowCount === 0 && raw.malformed.length === 0) return fileError('EMPTY_FILE', 'The file has no data rows.');
    const plan = planColumns(raw.names, raw.headerRow, measures.map((m) => m.code));
    const headerBsn = raw.names.filter(containsPossibleBsn).map(() => ({
      row: raw.headerRow, column: null, code: 'POSSIBLE_BSN',
      message: 'A column name holds 9 digits that pass the 11-test of a citizen service number (BSN); personal identifiers must never be uploaded.',
    }));
    const headerErrors = [...plan.errors, ...headerBsn];
    await loadRegistrySnapshot(conn, t, input.registry);
    const fast = headerErrors.length === 0 && raw.malformed.length === 0 && rowCount !== 0 && fastPathFits(measures);
    return { t, raw, plan, rowCount, measures, headerErrors, fast };
  });
}

/**
 * The common case: the values go into fact_rows as numbers straight from the staged rows, one pass over what was
 * written decides that the file has no error, and one small transaction registers the submission (the moment its
 * rows become visible: every reader sees fact_rows through views that join fact_submissions) and supersedes the
 * earlier values of its keys. Every check here is implied by the detailed checks; a cell that is no registered code,
 * no listed period or no plain number fails the insert itself. Returns null when anything fails, with the rows
 * removed again; the detailed checks then say what is wrong. Unregistered rows left by a crash are removed when
 * the warehouse opens. `acceptedAt` is asked only once the file passed. Call inside warehouse.write.
 */
export async function loadCoded(conn: DuckDBConnection, input: ValidationInput, file: StagedFile, acceptedAt: () => Date | string)
  : Promise<(CommitResult & { rowCount: number }) | null> {
  const { t, raw, plan, measures } = file;
  const no = await nextSubmissionNumber(conn);
  await numberFactCodes(conn, 'fact_site_codes', 'code', `SELECT code FROM ${t.sites}`);
  await numberFactCodes(conn, 'fact_municipality_codes', 'code', `SELECT code FROM ${t.municipalities}`);
  await numberFactCodes(conn, 'fact_client_group_codes', 'code', `SELECT unnest($1::VARCHAR[]) AS code`, [listValue([...CLIENT_GROUPS])]);
  await numberFactCodes(conn, 'fact_measure_codes', 'code', `SELECT unnest($1::VARCHAR[]) AS code`, [listValue(measures.map((m) => m.code))]);
  try {
    // A NULL (a cell that is no registered code, listed period or plain number) breaks NOT NULL: nothing is written.
    // (Over a Parquet view the file's data is first read here; the detailed checks copy it and say whether it is unreadable.)
    await conn.run(codedInsertSql(raw, plan, no));
  } catch {
    return null;
  }
  const removeRows = () => conn.run(`DELETE FROM fact_rows WHERE submission_no = $1`, [no]);
  let values: number;
  try {
    const ids = await conn.runAndReadAll(`SELECT code, CAST(id AS INTEGER) FROM fact_measure_codes WHERE list_contains($1::VARCHAR[], code)`,
      [listValue(measures.map((m) => m.code))]);
    const rules = applicableRules(CONSISTENCY_RULES, measures);
    await conn.run(codedKeySetsSql(t, no, measures, rules, new Map(ids.getRows().map(([code, id]) => [String(code), Number(id)]))));
    const summary = await conn.runAndReadAll(keySetsSummarySql(t, rules), [input.currentMonth]);
    const [problems, n] = summary.getRows()[0].map(Number);
    if (problems > 0 || n === 0) throw new Error('the file needs the detailed checks');
    values = n;
  } catch {
    await removeRows();
    return null;
  }
  await conn.run('BEGIN TRANSACTION');
  try {
    await registerSubmission(conn, no, input.submissionId, acceptedAt());
    const superseded = await supersedeEarlier(conn, no, {
      keys: t.keySets, period: 'period_start', measureMatch: `(k.mask & ${measureBitSql('mc.code', measures)}) <> 0`,
    });
    await conn.run('COMMIT');
    // A wide row holds one value per measure column.
    return { valueCount: values, superseded, rowCount: plan.layout === 'wide' ? values / plan.measureColumns.length : values };
  } catch (err) {
    await conn.run('ROLLBACK');
    await removeRows().catch(() => undefined);
    throw err;
  }
}

/** Every check with its row and column, after the coded load declined the file (or could not take it). */
export function checkInDetail(conn: DuckDBConnection, input: ValidationInput, file: StagedFile): Promise<ValidationResult> {
  return withFileProblems(input, async () => {
    const { t, plan, measures } = file;
    const raw = await materialiseRaw(conn, file.raw, t.raw);
    const rowCount = file.rowCount ?? await scalar(conn, `SELECT count(*) FROM ${raw.relation}`);
    if (rowCount === 0 && raw.malformed.length === 0) return fileError('EMPTY_FILE', 'The file has no data rows.');
    await insertErrors(conn, t, [...file.headerErrors, ...raw.malformed]);
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
    if (errorCount > 0) await conn.run(`UPDATE ${t.errors} SET message = regexp_replace(message, ${CONTROL_SQL}, '\ufffd', 'g'),
      "column" = regexp_replace("column", ${CONTROL_SQL}, '\ufffd', 'g') WHERE regexp_matches(message || coalesce("column", ''), ${CONTROL_SQL})`);
    const errorsSample = errorCount === 0 ? [] : await readErrors(conn, t, ERROR_SAMPLE_SIZE);
    if (errorCount > 0) await writeErrorsCsv(conn, t, input.errorsFile);
    const staged: StagedValues | undefined = errorCount > 0 ? undefined : {
      select: `SELECT site_code, municipality_code, period_date, client_group, measure, value_num FROM ${t.values}`, keys: t.values, period: 'period_date',
      measureMatch: 'mc.code = k.measure', measureCodes: measures.map((m) => m.code),
    };
    return { layout: plan.layout, rowCount, valueCount, errorCount, errorsSample, staged };
  });
}

/** The coded load marks measures by bits of a BIGINT and assumes no catalogue code could be mistaken for a BSN. */
function fastPathFits(measures: readonly MeasureDefinition[]): boolean {
  return measures.length <= MAX_FAST_MEASURES && !measures.some((m) => containsPossibleBsn(m.code) || /[0-9]{9}/.test(m.code));
}

async function runRowChecks(conn: DuckDBConnection, t: StagingTables, raw: RawTable, plan: ColumnPlan, measures: readonly MeasureDefinition[],
  input: ValidationInput) {
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

/** A text cell a spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading apostrophe. */
const spreadsheetSafe = (column: string) => `CASE WHEN regexp_matches(${column}, '^[=+\\-@\\t\\r]') THEN '''' || ${column} ELSE ${column} END`;

async function writeErrorsCsv(conn: DuckDBConnection, t: StagingTables, file: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await conn.run(`COPY (SELECT "row", ${spreadsheetSafe('"column"')} AS "column", code, ${spreadsheetSafe('message')} AS message FROM ${t.errors} ${ERROR_ORDER})
    TO '${file.replace(/'/g, "''")}' (HEADER, DELIMITER ',')`);
}

/**
 * Appends the staged values and supersedes the current values of the same keys; call inside warehouse.transaction.
 * `expectedValues`, the count validation gave, must be what is written, or nothing is.
 */
export async function commitFacts(conn: DuckDBConnection, submissionId: string, acceptedAt: Date | string, staged: StagedValues, expectedValues?: number)
  : Promise<CommitResult> {
  const no = await submissionNumber(conn, submissionId, acceptedAt);
  const superseded = await supersedeEarlier(conn, no, staged);
  const valueCount = await appendFacts(conn, {
    submissionId, acceptedAt, keys: staged.keys, measureCodes: staged.measureCodes,
    select: `SELECT site_code, municipality_code, period_date AS period, client_group, measure, value_num AS value FROM (${staged.select})`,
  });
  if (expectedValues !== undefined && valueCount !== expectedValues) {
    throw new Error(`submission ${submissionId}: ${expectedValues} values validated but ${valueCount} written; nothing is kept`);
  }
  return { valueCount, superseded };
}

/**
 * Marks the current values of other submissions that share a key and measure with `keys` as superseded by
 * submission `no`. Only current facts within the submission's period range can share a key, so the search is
 * bounded by it (and costs next to nothing when no other current fact is in that range).
 */
async function supersedeEarlier(conn: DuckDBConnection, no: number, keys: Pick<StagedValues, 'keys' | 'period' | 'measureMatch'>)
  : Promise<CommitResult['superseded']> {
  const range = (await conn.runAndReadAll(`SELECT CAST(min(${keys.period}) AS VARCHAR), CAST(max(${keys.period}) AS VARCHAR) FROM ${keys.keys}`)).getRows()[0];
  const [from, to] = range.map((d) => (d === null ? null : String(d)));
  if (from === null || to === null) return [];
  const others = `f.superseded_by IS NULL AND f.period BETWEEN CAST($1 AS DATE) AND CAST($2 AS DATE) AND f.submission_no <> ${Math.floor(no)}`;
  const anyOther = await conn.runAndReadAll(`SELECT count(*) FROM (SELECT 1 FROM fact_rows f WHERE ${others} LIMIT 1)`, [from, to]);
  if (Number(anyOther.getRows()[0][0]) === 0) return [];
  const current = currentFactsOfKeys(keys.keys, keys.period, keys.measureMatch);
  const where = `${current.where} AND ${others}`;
  const earlierRows = (await conn.runAndReadAll(
    `SELECT (SELECT submission_id FROM fact_submissions s WHERE s.submission_no = g.no), g.n
       FROM (SELECT f.submission_no AS no, CAST(count(*) AS INTEGER) AS n FROM fact_rows f, ${current.from} WHERE ${where} GROUP BY 1) g`,
    [from, to])).getRows();
  if (earlierRows.length === 0) return [];
  await conn.run(`UPDATE fact_rows f SET superseded_by = $3 FROM ${current.from} WHERE ${where}`, [from, to, no]);
  const ids = earlierRows.map(([id]) => String(id));
  const still = await conn.runAndReadAll(`SELECT s.submission_id, CAST(count(*) FILTER (WHERE f.superseded_by IS NULL) AS INTEGER)
    FROM fact_rows f JOIN fact_submissions s ON s.submission_no = f.submission_no WHERE list_contains($1::VARCHAR[], s.submission_id) GROUP BY 1`, [listValue(ids)]);
  const stillCurrent = new Map(still.getRows().map(([id, n]) => [String(id), Number(n)]));
  return earlierRows.map(([id, n]) => ({ submissionId: String(id), values: Number(n), stillCurrent: stillCurrent.get(String(id)) ?? 0 }));
}

export async function dropStaging(conn: DuckDBConnection, submissionId: string): Promise<void> {
  const t = new StagingTables(submissionId);
  await conn.run(`DROP VIEW IF EXISTS ${t.keys}`);
  await conn.run(`DROP VIEW IF EXISTS ${t.file}`);
  for (const table of t.all) await conn.run(`DROP TABLE IF EXISTS ${table}`);
}

/**
 * The whole DuckDB side: stage; the coded load when the file looks clean (it commits when every check passes);
 * otherwise, or when it declines, the detailed checks and, without errors, the commit. Staging is always dropped.
 * `acceptedAt` is called once, on the writer, when a commit is certain to follow.
 */
export async function validateAndLoad(warehouse: Warehouse, input: ValidationInput, acceptedAt: () => Date, phases: PhaseTimes = {})
  : Promise<{ validation: ValidationResult; commit: CommitResult | null }> {
  let at: Date | null = null;
  const acceptedOnce = () => (at ??= acceptedAt());
  try {
    const file = await timed(phases, 'stage', () => warehouse.write((conn) => stageFile(conn, input)));
    if (isResult(file)) return { validation: file, commit: null };
    if (file.fast) {
      const coded = await timed(phases, 'load', () => warehouse.write((conn) => loadCoded(conn, input, file, acceptedOnce)));
      if (coded) {
        const { rowCount, ...commit } = coded;
        return { validation: { layout: file.plan.layout, rowCount, valueCount: commit.valueCount, errorCount: 0, errorsSample: [] }, commit };
      }
    }
    const { staged, ...validation } = await timed(phases, 'validate', () => warehouse.write((conn) => checkInDetail(conn, input, file)));
    if (validation.errorCount > 0 || !staged) return { validation, commit: null };
    const commit = await timed(phases, 'write', () => warehouse.transaction((conn) => commitFacts(conn, input.submissionId, acceptedOnce(), staged, validation.valueCount)));
    return { validation: { ...validation, valueCount: commit.valueCount }, commit };
  } finally {
    await timed(phases, 'cleanup', () => warehouse.write((conn) => dropStaging(conn, input.submissionId)).catch(() => undefined));
  }
}

/** Milliseconds per named phase of one submission, for its log line. */
export type PhaseTimes = Record<string, number>;

/** Runs `fn` and adds its wall time (including any wait for the warehouse writer) to `phases[name]`. */
export async function timed<T>(phases: PhaseTimes, name: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    phases[name] = (phases[name] ?? 0) + performance.now() - started;
  }
}

export const formatPhases = (phases: PhaseTimes) => Object.entries(phases).map(([name, ms]) => `${name} ${Math.round(ms)} ms`).join(', ');
