/**
 * DuckDB tables owned by the warehouse. Facts are append-only: a later accepted value for the same key
 * supersedes the earlier one (superseded_by is set), nothing is deleted, so history stays queryable.
 *
 * fact_rows holds every value with its codes as small integers (fact_*_codes) and its submission as a number
 * (fact_submissions): a row of integers costs a third of the time to write that the same row with text codes does
 * (docs/performance.md). The views fact_values and facts_current give the rows with their codes and submission
 * ids as text; every reader uses them, and writers go through facts.ts.
 * ref_* tables are a copy of the PostgreSQL registry, refreshed before every metrics build.
 */

/** The coded dimensions of a fact: column in fact_rows, table of codes, text column in the views. */
export const FACT_DIMENSIONS = [
  { column: 'site', table: 'fact_site_codes', text: 'site_code' },
  { column: 'municipality', table: 'fact_municipality_codes', text: 'municipality_code' },
  { column: 'client_group', table: 'fact_client_group_codes', text: 'client_group' },
  { column: 'measure', table: 'fact_measure_codes', text: 'measure' },
] as const;

const codeTables = FACT_DIMENSIONS.map((d) => `CREATE TABLE IF NOT EXISTS ${d.table} (id USMALLINT PRIMARY KEY, code VARCHAR NOT NULL UNIQUE);`).join('\n');
const codeJoins = FACT_DIMENSIONS.map((d) => `JOIN ${d.table} ON ${d.table}.id = f.${d.column}`).join(' ');
const codeColumns = FACT_DIMENSIONS.map((d) => `${d.table}.code AS ${d.text}`);

export const FACT_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS fact_submissions (
  submission_no UINTEGER PRIMARY KEY, submission_id VARCHAR NOT NULL UNIQUE, accepted_at TIMESTAMP NOT NULL
);
${codeTables}
CREATE TABLE IF NOT EXISTS fact_rows (
  submission_no UINTEGER NOT NULL,
  site USMALLINT NOT NULL,
  municipality USMALLINT NOT NULL,
  period DATE NOT NULL,
  client_group USMALLINT NOT NULL,
  measure USMALLINT NOT NULL,
  value DOUBLE NOT NULL,
  superseded_by UINTEGER       -- submission_no of the submission whose value replaced this one
);
`;

export const FACT_VIEWS_SQL = `
CREATE OR REPLACE VIEW fact_values AS
  SELECT s.submission_id, ${codeColumns[0]}, ${codeColumns[1]}, f.period, ${codeColumns[2]}, ${codeColumns[3]}, f.value,
         s.accepted_at, b.submission_id AS superseded_by
    FROM fact_rows f JOIN fact_submissions s ON s.submission_no = f.submission_no ${codeJoins}
    LEFT JOIN fact_submissions b ON b.submission_no = f.superseded_by;
CREATE OR REPLACE VIEW facts_current AS
  SELECT ${codeColumns[0]}, ${codeColumns[1]}, f.period, ${codeColumns[2]}, ${codeColumns[3]}, f.value, s.submission_id, s.accepted_at
    FROM fact_rows f JOIN fact_submissions s ON s.submission_no = f.submission_no ${codeJoins}
   WHERE f.superseded_by IS NULL;
`;

export const REFERENCE_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS ref_regions (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS ref_provinces (code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS ref_municipalities (
  code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, region_code VARCHAR NOT NULL, province_code VARCHAR NOT NULL,
  valid_from DATE NOT NULL, valid_to DATE, successor_code VARCHAR,
  current_code VARCHAR NOT NULL,         -- follows successor_code to the municipality that exists today
  publication_consent BOOLEAN NOT NULL   -- false when the municipality's organisation withholds consent
);
CREATE TABLE IF NOT EXISTS ref_organisations (
  code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, municipality_code VARCHAR,
  region_code VARCHAR, publication_consent BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS ref_sites (
  code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, region_code VARCHAR NOT NULL,
  start_date DATE NOT NULL, end_date DATE,
  publication_consent BOOLEAN NOT NULL   -- false when any partner organisation withholds consent
);
CREATE TABLE IF NOT EXISTS ref_site_municipalities (site_code VARCHAR NOT NULL, municipality_code VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS ref_site_partners (site_code VARCHAR NOT NULL, organisation_code VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS ref_site_typology (
  site_code VARCHAR NOT NULL, valid_from DATE NOT NULL, valid_to DATE,
  integration_level VARCHAR NOT NULL, phase INTEGER NOT NULL, team_model VARCHAR, co_located BOOLEAN NOT NULL,
  joint_management BOOLEAN NOT NULL, maturity VARCHAR NOT NULL, coordination JSON NOT NULL
);
`;
