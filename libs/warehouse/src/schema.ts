/**
 * DuckDB tables owned by the warehouse. Facts are append-only: a later accepted value for the same key
 * supersedes the earlier one (superseded_by is set), nothing is deleted, so history stays queryable.
 * ref_* tables are a copy of the PostgreSQL registry, refreshed before every metrics build.
 */
export const WAREHOUSE_SCHEMA = `
CREATE TABLE IF NOT EXISTS fact_values (
  submission_id VARCHAR NOT NULL,
  site_code VARCHAR NOT NULL,
  municipality_code VARCHAR NOT NULL,
  period DATE NOT NULL,
  client_group VARCHAR NOT NULL,
  measure VARCHAR NOT NULL,
  value DOUBLE NOT NULL,
  accepted_at TIMESTAMP NOT NULL,
  superseded_by VARCHAR
);
CREATE OR REPLACE VIEW facts_current AS
  SELECT site_code, municipality_code, period, client_group, measure, value, submission_id, accepted_at
  FROM fact_values WHERE superseded_by IS NULL;

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
