/**
 * Synthetic warehouse content for tests and timing runs, generated in SQL so millions of rows load in seconds.
 * Not realistic, only plausible: every count is consistent (exits <= served, satisfied <= respondents, ...).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { appendFacts } from '@uitkomst/warehouse';

export interface SyntheticOptions { regions: number; municipalities: number; sites: number; firstMonth: string; months: number; seed?: number }

export function syntheticDataSql(o: SyntheticOptions): string {
  const merged = Math.max(1, Math.floor(o.municipalities / 10));
  return `
SELECT setseed(${o.seed ?? 0.42});
INSERT INTO ref_regions SELECT 'AM' || lpad(i::VARCHAR, 2, '0'), 'Regio ' || i FROM range(1, ${o.regions + 1}) t(i);
INSERT INTO ref_provinces VALUES ('PV20', 'Groningen');
INSERT INTO ref_municipalities
  SELECT 'GM' || lpad(i::VARCHAR, 4, '0'), 'Gemeente ' || i, 'AM' || lpad((1 + i % ${o.regions})::VARCHAR, 2, '0'), 'PV20',
    DATE '2010-01-01', NULL, NULL, 'GM' || lpad(i::VARCHAR, 4, '0'), i % 17 <> 5
  FROM range(1, ${o.municipalities + 1}) t(i);
-- merged predecessors, folded into GM0001.. on 2019-01-01
INSERT INTO ref_municipalities
  SELECT 'GM9' || lpad(i::VARCHAR, 3, '0'), 'Oude gemeente ' || i, 'AM' || lpad((1 + i % ${o.regions})::VARCHAR, 2, '0'), 'PV20',
    DATE '2010-01-01', DATE '2018-12-31', 'GM' || lpad(i::VARCHAR, 4, '0'), 'GM' || lpad(i::VARCHAR, 4, '0'), true
  FROM range(1, ${merged + 1}) t(i);
CREATE TEMP TABLE syn_site_muni AS
  SELECT j AS site, 1 + j % ${o.municipalities} AS muni FROM range(0, ${o.sites}) t(j)
  UNION ALL
  SELECT j, 1 + (j % ${o.municipalities} + ${o.regions}) % ${o.municipalities} FROM range(0, ${o.sites}) t(j) WHERE j % 2 = 0;
INSERT INTO ref_sites
  SELECT DISTINCT ON (j) 'WP-' || 'AM' || lpad((1 + (1 + j % ${o.municipalities}) % ${o.regions})::VARCHAR, 2, '0') || '-' || lpad(j::VARCHAR, 3, '0'),
    'Werkplein ' || j, CASE WHEN j % 3 = 0 THEN 'wijkteam' ELSE 'werkplein' END,
    'AM' || lpad((1 + (1 + j % ${o.municipalities}) % ${o.regions})::VARCHAR, 2, '0'), DATE '2012-01-01', NULL, j % 13 <> 7
  FROM range(0, ${o.sites}) t(j);
CREATE TEMP TABLE syn_sites AS SELECT row_number() OVER (ORDER BY code) - 1 AS j, code FROM ref_sites;
INSERT INTO ref_site_municipalities SELECT s.code, 'GM' || lpad(sm.muni::VARCHAR, 4, '0') FROM syn_site_muni sm JOIN syn_sites s ON s.j = sm.site;
INSERT INTO ref_site_typology
  SELECT code, DATE '2010-01-01', DATE '2020-12-31', ['none', 'limited', 'partial', 'full'][1 + j % 4], 1 + j % 3,
    CASE WHEN j % 3 = 0 THEN ['A', 'B', 'C', 'D'][1 + j % 4] END, j % 2 = 0, false, 'systematic', '{}'
  FROM syn_sites
  UNION ALL
  SELECT code, DATE '2021-01-01', NULL, ['limited', 'partial', 'full', 'full'][1 + j % 4], least(3, 2 + j % 3),
    CASE WHEN j % 3 = 0 THEN ['A', 'B', 'C', 'D'][1 + j % 4] END, true, true, 'mature', '{}'
  FROM syn_sites;
CREATE TEMP TABLE syn_cells AS
  SELECT s.code AS site_code,
    CASE WHEN sm.muni <= ${merged} AND m < DATE '2019-01-01' THEN 'GM9' || lpad(sm.muni::VARCHAR, 3, '0')
         ELSE 'GM' || lpad(sm.muni::VARCHAR, 4, '0') END AS municipality_code,
    m::DATE AS period, g.client_group, g.base * (1 + s.j % 5) AS size, g.rate
  FROM syn_site_muni sm JOIN syn_sites s ON s.j = sm.site
  CROSS JOIN range(DATE '${o.firstMonth}-01', DATE '${o.firstMonth}-01' + INTERVAL ${o.months} MONTH, INTERVAL 1 MONTH) r(m)
  CROSS JOIN (VALUES ('jongeren', 30, 0.03), ('ww', 40, 0.04), ('bijstand_kort', 25, 0.025), ('bijstand_lang', 35, 0.008),
                     ('arbeidsbeperking', 10, 0.01), ('overig', 2, 0.02)) g(client_group, base, rate);
CREATE TEMP TABLE syn_wide AS
  SELECT *, least(clients_start + clients_new, floor(random() * 2 * rate * (clients_start + clients_new))) AS exits_to_work,
    floor((clients_start + clients_new) * 0.1 * random()) AS survey_respondents
  FROM (SELECT *, floor(size * (0.5 + random())) AS clients_start, floor(size * 0.2 * random()) AS clients_new FROM syn_cells);
CREATE TEMP TABLE syn_facts AS
  SELECT site_code, municipality_code, period, client_group, measure, value FROM (
    UNPIVOT (
      SELECT site_code, municipality_code, period, client_group,
        clients_start, clients_new, exits_to_work + floor(random() * 3) AS exits_total, exits_to_work,
        floor(exits_to_work * (0.4 + 0.5 * random())) AS exits_to_work_sustained,
        survey_respondents, score_sum AS survey_score_sum,
        CASE WHEN survey_respondents > 0 THEN score_sum * score_sum / survey_respondents + (survey_respondents - 1) * 2.0 ELSE 0 END AS survey_score_sumsq,
        floor(survey_respondents * (0.5 + 0.4 * random())) AS survey_satisfied,
        round((clients_start + clients_new) * 250 * (0.5 + random()), 2) AS cost_personnel_eur,
        round((clients_start + clients_new) * 80 * random(), 2) AS cost_instruments_eur,
        round((clients_start + clients_new) * 40, 2) AS cost_overhead_eur,
        floor(clients_new * 0.8) * (10 + floor(30 * random())) AS days_to_first_offer_sum,
        floor(clients_new * 0.8) AS first_offers,
        floor(clients_new * random()) AS joint_plans
      FROM (SELECT *, survey_respondents * (6 + 2 * random()) AS score_sum FROM syn_wide)
    ) ON COLUMNS(* EXCLUDE (site_code, municipality_code, period, client_group)) INTO NAME measure VALUE value
  );
DROP TABLE syn_site_muni; DROP TABLE syn_sites; DROP TABLE syn_cells; DROP TABLE syn_wide;
`;
}

export async function loadSyntheticData(conn: DuckDBConnection, options: SyntheticOptions): Promise<void> {
  await conn.run(syntheticDataSql(options));
  await appendFacts(conn, { submissionId: 'syn', acceptedAt: new Date(), select: 'SELECT * FROM syn_facts' });
  await conn.run('DROP TABLE syn_facts');
}
