/**
 * The set-based checks, as DuckDB SQL over the staged file. Every statement inserts error rows
 * (row, column, code, message) into the submission's error table; nothing here touches facts.
 * Identifiers come only from the catalogue, the domain lists or `StagingTables`; values are $ parameters.
 */
import { CLIENT_GROUPS, FIRST_PERIOD_YEAR, MeasureDefinition } from '@uitkomst/domain';
import type { ColumnPlan } from './column-plan';
import { ConsistencyRule } from './consistency-rules';
import type { RawTable } from './raw-loaders';

const IDENT = /^[a-z_][a-z0-9_]*$/;
export function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`not a safe identifier: ${name}`);
  return name;
}
const literal = (s: string) => `'${ident(s)}'`;
const codeLiteral = (code: string) => {
  if (!/^[A-Z_]+$/.test(code)) throw new Error(`not an error code: ${code}`);
  return `'${code}'`;
};

/** Names of one submission's temp tables on the writer connection. */
export class StagingTables {
  readonly prefix: string;
  constructor(submissionId: string) {
    this.prefix = ident(`ingest_${submissionId.replace(/-/g, '').slice(0, 20)}`);
  }
  get raw() { return `${this.prefix}_raw`; }
  /** Parquet: the view over the uploaded file. */
  get file() { return `${this.prefix}_file`; }
  get keys() { return `${this.prefix}_keys`; }
  get values() { return `${this.prefix}_values`; }
  get errors() { return `${this.prefix}_errors`; }
  get sets() { return `${this.prefix}_sets`; }
  /** Coded load: one row per key (site, municipality, period, client group) with a bit mask of its measures. */
  get keySets() { return `${this.prefix}_keysets`; }
  get sites() { return `${this.prefix}_sites`; }
  get served() { return `${this.prefix}_served`; }
  get municipalities() { return `${this.prefix}_municipalities`; }
  get all() { return [this.sets, this.keySets, this.values, this.errors, this.raw, this.sites, this.served, this.municipalities]; }
}

/** Helper macros (per connection, identical for every submission). */
export const HELPER_MACROS = [
  `CREATE OR REPLACE TEMP MACRO ingest_shown(x) AS CASE WHEN x IS NULL THEN '(empty)'
     WHEN regexp_matches(x, '[0-9]{9}') THEN '(value withheld)'
     WHEN length(x) > 60 THEN '"' || left(x, 60) || '..."' ELSE '"' || x || '"' END`,
  `CREATE OR REPLACE TEMP MACRO ingest_num(x) AS CASE WHEN x = floor(x) AND abs(x) < 1e15 THEN CAST(CAST(x AS BIGINT) AS VARCHAR) ELSE CAST(x AS VARCHAR) END`,
  // The number in a value cell. DuckDB's cast also takes digit separators ('1_000'), which no submitter means.
  `CREATE OR REPLACE TEMP MACRO ingest_number(x) AS CASE WHEN contains(x, '_') THEN NULL ELSE TRY_CAST(x AS DOUBLE) END`,
  // Every period a file may hold, as written ('YYYY-MM') and as the month's first day: the coded load looks periods up here.
  `CREATE OR REPLACE TEMP TABLE ingest_months AS SELECT strftime(m, '%Y-%m') AS text, CAST(m AS DATE) AS month
     FROM range(DATE '${FIRST_PERIOD_YEAR}-01-01', DATE '2200-01-01', INTERVAL 1 MONTH) r(m)`,
];

export function createTablesSql(t: StagingTables): string[] {
  return [
    `CREATE OR REPLACE TEMP TABLE ${t.errors} ("row" BIGINT, "column" VARCHAR, code VARCHAR, message VARCHAR)`,
    `CREATE OR REPLACE TEMP TABLE ${t.sites} (code VARCHAR, is_partner BOOLEAN)`,
    `CREATE OR REPLACE TEMP TABLE ${t.served} (site_code VARCHAR, municipality_code VARCHAR)`,
    `CREATE OR REPLACE TEMP TABLE ${t.municipalities} (code VARCHAR, valid_from DATE, valid_to DATE, current_code VARCHAR)`,
  ];
}

/** POSSIBLE_BSN for every cell of every column (known or not); params $1..$n are the column labels. */
export function bsnScanSql(t: StagingTables, raw: RawTable): string {
  const cells = raw.cells.map((cell, i) => `${cell} AS c${i + 1}`).join(', ');
  const concat = raw.cells.map((cell) => `coalesce(${cell}, '')`).join(` || '|' || `);
  const parts = raw.cells.map((_, i) =>
    `SELECT _row, $${i + 1}, 'POSSIBLE_BSN',
       'This cell holds 9 digits that pass the 11-test of a citizen service number (BSN). Personal identifiers must never be uploaded; the value is not shown.'
     FROM suspect WHERE ingest_bsn(c${i + 1})`);
  // One cheap pattern test per row first; the 11-test only on rows holding a 9-digit run.
  return `INSERT INTO ${t.errors} WITH suspect AS MATERIALIZED (
      SELECT rowid + ${raw.rowOffset} AS _row, ${cells} FROM ${raw.relation} WHERE regexp_matches(${concat}, '[0-9]{9}'))
    ${parts.join(' UNION ALL ')}`;
}

const trimmed = (cell: string) => `NULLIF(trim(${cell}), '')`;

/** One row per file row with the key cells (and, long layout, measure and value) as trimmed text. */
export function keysViewSql(t: StagingTables, raw: RawTable, plan: ColumnPlan): string {
  const cell = (pos: number) => trimmed(raw.cells[pos - 1]);
  const k = plan.keys;
  const long = plan.layout === 'long' ? `, ${cell(plan.measure!)} AS measure, ${cell(plan.value!)} AS value_text` : '';
  return `CREATE OR REPLACE TEMP VIEW ${t.keys} AS SELECT rowid + ${raw.rowOffset} AS _row,
    ${cell(k.site_code!)} AS site_code, ${cell(k.municipality_code!)} AS municipality_code,
    ${cell(k.period!)} AS period, ${cell(k.client_group!)} AS client_group${long} FROM ${raw.relation}`;
}

/** The kind of a measure code, NULL for codes outside the catalogue. */
function measureKindSql(column: string, measures: readonly MeasureDefinition[]): string {
  return `CASE ${column} ${measures.map((m) => `WHEN ${literal(m.code)} THEN ${literal(m.kind)}`).join(' ')} END`;
}

/** One row per value: long rows as they are, wide rows unpivoted over the measure columns. */
export function valuesTableSql(t: StagingTables, raw: RawTable, plan: ColumnPlan, measures: readonly MeasureDefinition[]): string {
  let source: string;
  if (plan.layout === 'long') {
    source = `SELECT k.*, 'value' AS _col FROM ${t.keys} k`;
  } else {
    const cols = plan.measureColumns.map((m) => `${trimmed(raw.cells[m.position - 1])} AS ${ident(m.code)}`).join(', ');
    const names = plan.measureColumns.map((m) => ident(m.code)).join(', ');
    const key = (pos: number) => trimmed(raw.cells[pos - 1]);
    source = `WITH w AS (SELECT rowid + ${raw.rowOffset} AS _row,
          ${key(plan.keys.site_code!)} AS site_code, ${key(plan.keys.municipality_code!)} AS municipality_code,
          ${key(plan.keys.period!)} AS period, ${key(plan.keys.client_group!)} AS client_group, ${cols} FROM ${raw.relation})
      SELECT _row, site_code, municipality_code, period, client_group, measure, value_text, measure AS _col
        FROM w UNPIVOT INCLUDE NULLS (value_text FOR measure IN (${names}))`;
  }
  return `CREATE OR REPLACE TEMP TABLE ${t.values} AS
    SELECT v._row, v._col, v.site_code, v.municipality_code, v.period, v.client_group, v.measure, v.value_text,
           ${measureKindSql('v.measure', measures)} AS kind,
           ingest_number(v.value_text) AS value_num, TRY_CAST(v.period || '-01' AS DATE) AS period_date
      FROM (${source}) v`;
}

const FIRST_MONTH = `'${FIRST_PERIOD_YEAR}-01'`;
const GROUPS = CLIENT_GROUPS.map(literal).join(', ');

/** Registry facts of each distinct key of `from` (a relation with site_code, municipality_code, period, client_group). */
function keyFactsSql(t: StagingTables, from: string): string {
  return `SELECT d.*, s.code IS NOT NULL AS site_known, coalesce(s.is_partner, false) AS partner,
             m.code IS NOT NULL AS municipality_known, m.valid_from, m.valid_to,
             coalesce(regexp_full_match(d.period, '[0-9]{4}-(0[1-9]|1[0-2])'), false) AS period_ok,
             TRY_CAST(d.period || '-01' AS DATE) AS period_date,
             EXISTS (SELECT 1 FROM ${t.served} sv WHERE sv.site_code = d.site_code AND sv.municipality_code IN (d.municipality_code, m.current_code)) AS served
        FROM ${from} d LEFT JOIN ${t.sites} s ON s.code = d.site_code LEFT JOIN ${t.municipalities} m ON m.code = d.municipality_code`;
}

/** True for a key (row of keyFactsSql) with at least one key problem; every key error below implies it. $1: the current month. */
const KEY_PROBLEM = `site_code IS NULL OR municipality_code IS NULL OR period IS NULL OR client_group IS NULL
        OR NOT site_known OR NOT partner OR NOT municipality_known OR NOT served OR NOT period_ok OR period < ${FIRST_MONTH} OR period > $1
        OR client_group NOT IN (${GROUPS}) OR NOT (valid_from <= last_day(period_date) AND (valid_to IS NULL OR valid_to >= period_date))`;

/** Key checks, once per file row. $1: the current month 'YYYY-MM'. */
export function keyChecksSql(t: StagingTables): string {
  const groups = GROUPS;
  const firstMonth = FIRST_MONTH;
  const missing = (col: string) => `SELECT _row, '${col}', 'MISSING_VALUE', 'The ${col} is empty.' FROM k WHERE ${col} IS NULL`;
  const checks = [
    missing('site_code'), missing('municipality_code'), missing('period'), missing('client_group'),
    `SELECT _row, 'site_code', 'UNKNOWN_SITE', 'Site ' || ingest_shown(site_code) || ' is not registered.' FROM k WHERE site_code IS NOT NULL AND NOT site_known`,
    `SELECT _row, 'site_code', 'NOT_PARTNER', 'Your organisation is not a partner of site ' || ingest_shown(site_code) || ', so it cannot submit figures for it.' FROM k WHERE site_known AND NOT partner`,
    `SELECT _row, 'municipality_code', 'UNKNOWN_MUNICIPALITY', 'Municipality ' || ingest_shown(municipality_code) || ' is not a known CBS municipality code (GM followed by 4 digits).' FROM k WHERE municipality_code IS NOT NULL AND NOT municipality_known`,
    `SELECT _row, 'municipality_code', 'MUNICIPALITY_NOT_SERVED', 'Site ' || ingest_shown(site_code) || ' does not serve municipality ' || ingest_shown(municipality_code) || '.' FROM k WHERE site_known AND municipality_known AND NOT served`,
    `SELECT _row, 'municipality_code', 'MUNICIPALITY_NOT_VALID_IN_PERIOD', 'Municipality ' || ingest_shown(municipality_code) || ' did not exist in ' || period || ' (it existed from ' || CAST(valid_from AS VARCHAR) || coalesce(' to ' || CAST(valid_to AS VARCHAR), '') || ').' FROM k
       WHERE municipality_known AND period_ok AND period >= ${firstMonth} AND NOT (valid_from <= last_day(period_date) AND (valid_to IS NULL OR valid_to >= period_date))`,
    `SELECT _row, 'period', 'INVALID_PERIOD', 'The period ' || ingest_shown(period) || ' is not a month written as YYYY-MM, e.g. 2024-07.' FROM k WHERE period IS NOT NULL AND NOT period_ok`,
    `SELECT _row, 'period', 'PERIOD_TOO_EARLY', 'The period ' || period || ' is before ${FIRST_PERIOD_YEAR}; figures start in January ${FIRST_PERIOD_YEAR}.' FROM k WHERE period_ok AND period < ${firstMonth}`,
    `SELECT _row, 'period', 'PERIOD_IN_FUTURE', 'The period ' || period || ' is in the future.' FROM k WHERE period_ok AND period > $1`,
    `SELECT _row, 'client_group', 'UNKNOWN_CLIENT_GROUP', 'Client group ' || ingest_shown(client_group) || ' is not one of ${CLIENT_GROUPS.join(', ')}.' FROM k WHERE client_group IS NOT NULL AND client_group NOT IN (${groups})`,
  ];
  // The checks run once per distinct key; only keys with a problem are joined back to their rows.
  const sameKey = ['site_code', 'municipality_code', 'period', 'client_group'].map((c) => `r.${c} IS NOT DISTINCT FROM b.${c}`).join(' AND ');
  return `INSERT INTO ${t.errors}
    WITH d AS (SELECT DISTINCT site_code, municipality_code, period, client_group FROM ${t.keys}),
    f AS (${keyFactsSql(t, 'd')}),
    b AS MATERIALIZED (SELECT * FROM f WHERE ${KEY_PROBLEM}),
    k AS MATERIALIZED (SELECT r._row, b.* EXCLUDE (site_code, municipality_code, period, client_group), r.site_code, r.municipality_code, r.period, r.client_group
        FROM ${t.keys} r JOIN b ON ${sameKey})
    ${checks.join('\n    UNION ALL ')}`;
}

/** Checks of each value against its measure's kind (and, long layout, of the measure code). */
export function valueChecksSql(t: StagingTables, plan: ColumnPlan): string {
  const ok = `kind IS NOT NULL AND value_num IS NOT NULL AND isfinite(value_num)`;
  const checks = [
    `SELECT _row, _col, 'MISSING_VALUE', 'The value of ' || measure || ' is empty.' FROM ${t.values} WHERE kind IS NOT NULL AND value_text IS NULL`,
    `SELECT _row, _col, 'NOT_A_NUMBER', 'The value ' || ingest_shown(value_text) || ' of ' || measure || ' is not a number; write digits with a decimal point, e.g. 1234.5.' FROM ${t.values}
       WHERE kind IS NOT NULL AND value_text IS NOT NULL AND (value_num IS NULL OR NOT isfinite(value_num))`,
    `SELECT _row, _col, 'NEGATIVE_VALUE', 'The value ' || ingest_num(value_num) || ' of ' || measure || ' is negative; it must be 0 or more.' FROM ${t.values} WHERE ${ok} AND value_num < 0`,
    `SELECT _row, _col, 'NOT_AN_INTEGER', 'The value ' || ingest_num(value_num) || ' of ' || measure || ' must be a whole number (it is a count).' FROM ${t.values}
       WHERE ${ok} AND kind = 'count' AND value_num >= 0 AND value_num <> floor(value_num)`,
    `SELECT _row, _col, 'TOO_MANY_DECIMALS', 'The amount ' || ingest_num(value_num) || ' of ' || measure || ' has more than 2 decimals (euros and cents).' FROM ${t.values}
       WHERE ${ok} AND kind = 'amount' AND value_num >= 0 AND abs(value_num * 100 - round(value_num * 100)) > 1e-6`,
  ];
  if (plan.layout === 'long') {
    checks.push(`SELECT _row, 'measure', 'MISSING_VALUE', 'The measure is empty.' FROM ${t.values} WHERE measure IS NULL`);
    checks.push(`SELECT _row, 'measure', 'UNKNOWN_MEASURE', 'Measure ' || ingest_shown(measure) || ' is not in the catalogue (GET /api/v1/measures).' FROM ${t.values} WHERE measure IS NOT NULL AND kind IS NULL`);
  }
  return `INSERT INTO ${t.errors} ${checks.join('\n UNION ALL ')}`;
}

/** DUPLICATE_KEY on every repeat of a key after its first row. $1: 'line' or 'record'. */
export function duplicateChecksSql(t: StagingTables, plan: ColumnPlan): string {
  const what = plan.layout === 'long' ? 'site, municipality, period, client group and measure' : 'site, municipality, period and client group';
  return `INSERT INTO ${t.errors}
    SELECT DISTINCT _row, NULL, 'DUPLICATE_KEY', 'This ' || $1 || ' repeats the ${what} of ' || $1 || ' ' || first_row || '.'
      FROM (SELECT unnest(rows[2:]) AS _row, rows[1] AS first_row
              FROM (SELECT list(_row ORDER BY _row) AS rows FROM ${t.values}
                     WHERE kind IS NOT NULL AND site_code IS NOT NULL AND municipality_code IS NOT NULL AND period IS NOT NULL AND client_group IS NOT NULL
                     GROUP BY site_code, municipality_code, period, client_group, measure HAVING count(*) > 1))`;
}

export function applicableRules(rules: readonly ConsistencyRule[], measures: readonly MeasureDefinition[]): ConsistencyRule[] {
  const codes = new Set(measures.map((m) => m.code));
  return rules.filter((r) => r.measures.every((m) => codes.has(m)));
}

/** Pivot of the valid values per key: one column per measure a rule needs, plus the row it came from. */
export function setsTableSql(t: StagingTables, rules: readonly ConsistencyRule[]): string | null {
  const measures = [...new Set(rules.flatMap((r) => r.measures))].map(ident);
  if (measures.length === 0) return null;
  const cols = measures.map((m) => `max(value_num) FILTER (WHERE measure = '${m}') AS ${m}, max(_row) FILTER (WHERE measure = '${m}') AS ${m}__row`).join(',\n ');
  return `CREATE OR REPLACE TEMP TABLE ${t.sets} AS SELECT ${cols} FROM ${t.values}
    WHERE kind IS NOT NULL AND value_num >= 0 AND isfinite(value_num) AND measure IN (${measures.map((m) => `'${m}'`).join(', ')})
    GROUP BY site_code, municipality_code, period, client_group`;
}

export function ruleCheckSql(t: StagingTables, rule: ConsistencyRule, plan: ColumnPlan): string {
  const message = `'${rule.message.replace(/'/g, "''").replace(/\{([a-z_0-9]+)\}/g, (_, m: string) => `' || ingest_num(${ident(m)}) || '`)}'`;
  const column = plan.layout === 'long' ? `'value'` : literal(rule.reportOn);
  return `INSERT INTO ${t.errors} SELECT ${ident(rule.reportOn)}__row, ${column}, ${codeLiteral(rule.code)}, ${message}
    FROM ${t.sets} WHERE ${rule.measures.map((m) => `${ident(m)} IS NOT NULL`).join(' AND ')} AND NOT (${rule.holds})`;
}

/*
 * The coded load (fact-pipeline.ts). For a file whose header is clean, the insert into fact_rows, one GROUP BY
 * over the written integers (per key: site, municipality, period, client group) and one small query over its
 * result decide whether the file has any error at all. Every check below is implied by (a superset of) the
 * detailed checks above, so a zero count means the detailed checks would report nothing; anything else sends the
 * file through the detailed checks, which produce the messages. Nothing is trimmed here: a cell that trimming
 * would change is no known code and takes the detailed path too.
 */

/** Bit of each catalogue measure in a BIGINT mask (the coded load needs at most 62 measures). */
export const MAX_FAST_MEASURES = 62;
const bitOf = (i: number) => (1n << BigInt(i)).toString();

/** The mask bit of a measure code column, 0 for codes outside the catalogue (and NULL). */
export function measureBitSql(column: string, measures: readonly MeasureDefinition[]): string {
  return `CASE ${column} ${measures.map((m, i) => `WHEN ${literal(m.code)} THEN CAST(${bitOf(i)} AS BIGINT)`).join(' ')} ELSE CAST(0 AS BIGINT) END`;
}

/** True when every value cell comes from a column the file typed as a number (JSON, Parquet): no text round trip. */
export function numericValues(raw: RawTable, plan: ColumnPlan): boolean {
  const positions = plan.layout === 'long' ? [plan.value!] : plan.measureColumns.map((m) => m.position);
  return positions.every((p) => raw.numbers[p - 1] !== null);
}

/**
 * One row per value straight from the staged file, cells as they are (untrimmed): key cells, measure, and
 * value_text, or value_num when `numericValues`.
 */
export function rawValuesSql(raw: RawTable, plan: ColumnPlan): string {
  const cell = (pos: number) => raw.cells[pos - 1];
  const numeric = numericValues(raw, plan);
  const value = (pos: number) => (numeric ? raw.numbers[pos - 1]! : cell(pos));
  const valueColumn = numeric ? 'value_num' : 'value_text';
  const k = plan.keys;
  const keys = `${cell(k.site_code!)} AS site_code, ${cell(k.municipality_code!)} AS municipality_code,
      ${cell(k.period!)} AS period, ${cell(k.client_group!)} AS client_group`;
  if (plan.layout === 'long') {
    return `SELECT ${keys}, ${cell(plan.measure!)} AS measure, ${value(plan.value!)} AS ${valueColumn} FROM ${raw.relation}`;
  }
  const cols = plan.measureColumns.map((m) => `${value(m.position)} AS ${ident(m.code)}`).join(', ');
  const names = plan.measureColumns.map((m) => ident(m.code)).join(', ');
  return `SELECT site_code, municipality_code, period, client_group, measure, ${valueColumn}
      FROM (SELECT ${keys}, ${cols} FROM ${raw.relation}) UNPIVOT INCLUDE NULLS (${valueColumn} FOR measure IN (${names}))`;
}

/**
 * The coded load's insert: every value of the staged file as a row of fact_rows for submission `no`, its codes looked
 * up in the fact code tables and its period in ingest_months. Cells that are no known code, no listed period, no
 * plain number (9 digits in a row, digit separators, no number at all; typed numbers of 1e8 or more or with more
 * than 2 decimals) become NULL and so break fact_rows' NOT NULL: the statement fails and the file takes the
 * detailed checks. Nothing is trimmed: a cell that trimming would change is no known code either.
 */
export function codedInsertSql(raw: RawTable, plan: ColumnPlan, no: number): string {
  const value = numericValues(raw, plan)
    ? `CASE WHEN abs(v.value_num) >= 1e8 OR v.value_num <> round(v.value_num, 2) THEN NULL ELSE v.value_num END`
    : `CASE WHEN length(v.value_text) >= 9 AND regexp_matches(v.value_text, '[0-9]{9}') THEN NULL ELSE ingest_number(v.value_text) END`;
  return `INSERT INTO fact_rows SELECT ${Math.floor(no)}, s.id, m.id, p.month, g.id, me.id, ${value}, NULL
    FROM (${rawValuesSql(raw, plan)}) v
    LEFT JOIN fact_site_codes s ON s.code = v.site_code LEFT JOIN fact_municipality_codes m ON m.code = v.municipality_code
    LEFT JOIN ingest_months p ON p.text = v.period LEFT JOIN fact_client_group_codes g ON g.code = v.client_group
    LEFT JOIN fact_measure_codes me ON me.code = v.measure`;
}

/**
 * Creates the key sets of submission `no` from its rows in fact_rows: per key the mask of its measures (bit_or), the
 * sum of the bits (differs from the mask exactly when a measure repeats: DUPLICATE_KEY), the number of values, the
 * number of suspect values (a measure outside the catalogue, a value the detailed checks would refuse) and, for every
 * measure a consistency rule names, its value; with the codes as text again, as keySetsSummarySql reads them.
 * `measureIds`: the fact_measure_codes id of each catalogue code.
 */
export function codedKeySetsSql(t: StagingTables, no: number, measures: readonly MeasureDefinition[], rules: readonly ConsistencyRule[],
  measureIds: ReadonlyMap<string, number>): string {
  const bitOfId = `CASE f.measure ${measures.map((m, i) => `WHEN ${Math.floor(measureIds.get(m.code)!)} THEN CAST(${bitOf(i)} AS BIGINT)`).join(' ')} ELSE CAST(0 AS BIGINT) END`;
  const maskOf = (kind: string) => measures.reduce((acc, m, i) => (m.kind === kind ? acc | (1n << BigInt(i)) : acc), 0n).toString();
  const suspect = [
    `b = 0`, `NOT isfinite(value)`, `value < 0`,
    `((b & ${maskOf('count')}) <> 0 AND value <> floor(value))`,
    `((b & ${maskOf('amount')}) <> 0 AND abs(value * 100 - round(value * 100)) > 1e-6)`,
  ].join(' OR ');
  const ruleMeasures = [...new Set(rules.flatMap((r) => r.measures))].map(ident);
  // Without duplicates (else the file takes the detailed path anyway) a key has at most one value per measure.
  const ruleValues = ruleMeasures.map((m) => `, any_value(value) FILTER (WHERE b = ${bitOf(measures.findIndex((d) => d.code === m))}) AS ${m}`).join('');
  return `CREATE OR REPLACE TEMP TABLE ${t.keySets} AS
    SELECT sc.code AS site_code, mc.code AS municipality_code, strftime(k.period, '%Y-%m') AS period, gc.code AS client_group,
           k.* EXCLUDE (site, municipality, period, client_group), k.period AS period_start
      FROM (SELECT site, municipality, period, client_group, bit_or(b) AS mask, sum(b) AS bits, count(*) AS n,
                   count(*) FILTER (WHERE ${suspect}) AS suspect${ruleValues}
              FROM (SELECT f.site, f.municipality, f.period, f.client_group, f.value, ${bitOfId} AS b FROM fact_rows f WHERE f.submission_no = ${Math.floor(no)})
             GROUP BY site, municipality, period, client_group) k
      JOIN fact_site_codes sc ON sc.id = k.site JOIN fact_municipality_codes mc ON mc.id = k.municipality
      JOIN fact_client_group_codes gc ON gc.id = k.client_group`;
}

/**
 * Over the key sets: how many keys have any problem (key checks, duplicates, suspect values, consistency rules,
 * a key cell that trimming would change), plus any registered code that could be a BSN, and how many values
 * there are. $1: the current month 'YYYY-MM'.
 */
export function keySetsSummarySql(t: StagingTables, rules: readonly ConsistencyRule[]): string {
  const ruleBroken = rules.map((r) => `(${r.measures.map((m) => `${ident(m)} IS NOT NULL`).join(' AND ')} AND NOT (${r.holds}))`);
  // A valid period or client group has no spaces (pattern, list); sites and municipalities are checked here.
  const untrimmed = (c: string) => `${c} = '' OR starts_with(${c}, ' ') OR ends_with(${c}, ' ')`;
  const problem = ['suspect > 0', 'bits <> mask', `(${KEY_PROBLEM})`, untrimmed('site_code'), untrimmed('municipality_code'), ...ruleBroken].join('\n       OR ');
  // A key without problem is a registered site and municipality, a YYYY-MM period and a listed client group: it can hold a
  // possible BSN only when a registered code does.
  const bsn = `(SELECT count(*) FROM ${t.sites} WHERE ingest_bsn(code)) + (SELECT count(*) FROM ${t.municipalities} WHERE ingest_bsn(code))`;
  return `SELECT CAST(count(*) FILTER (WHERE ${problem}) AS BIGINT) + CAST(${bsn} AS BIGINT) AS problems, CAST(coalesce(sum(n), 0) AS BIGINT) AS n_values
    FROM (${keyFactsSql(t, t.keySets)})`;
}
