/**
 * Builds every model of dbt-like-sql on data made in the test and checks answers worked out by hand,
 * then builds a larger synthetic set and runs all YAML schema tests.
 */
import { DuckDBConnection } from '@duckdb/node-api';
import { METRICS } from '@uitkomst/domain';
import { byarRatioInterval, wilsonInterval } from '@uitkomst/stats';
import { appendFacts, factRowsSql, Warehouse } from '@uitkomst/warehouse';
import { buildModels, DEFAULT_PROJECT_DIR, loadProject, runTests } from './index';
import { loadSyntheticData } from './synthetic-data';

const project = loadProject(DEFAULT_PROJECT_DIR);
const GROUPS = ['jongeren', 'ww', 'bijstand_kort', 'bijstand_lang', 'arbeidsbeperking', 'overig'];

interface Fact { site: string; muni: string; month: string; group: string; measures: Record<string, number> }

async function insertFacts(conn: DuckDBConnection, facts: Fact[]): Promise<void> {
  const rows = facts.flatMap((f) => Object.entries(f.measures).map(([m, v]) => `('${f.site}', '${f.muni}', DATE '${f.month}-01', '${f.group}', '${m}', ${v})`));
  await appendFacts(conn, { submissionId: 't', acceptedAt: new Date(), select: factRowsSql(rows) });
}

/**
 * Region AM01 with GM0001 (consent), GM0002 (no consent) and GM0999, merged into GM0001 on 2024-07-01.
 * Site A serves GM0001 (and GM0999 before the merger); site B serves GM0002. Six months, Jan-Jun 2024, of
 * which the facts of site A in Jan-Mar were submitted under the old code GM0999.
 */
async function handMadeWarehouse(): Promise<Warehouse> {
  const wh = await Warehouse.open(':memory:');
  await wh.write(async (conn) => {
    await conn.run(`
      INSERT INTO ref_regions VALUES ('AM01', 'Regio Een');
      INSERT INTO ref_provinces VALUES ('PV20', 'Groningen');
      INSERT INTO ref_municipalities VALUES
        ('GM0001', 'Eendorp', 'AM01', 'PV20', DATE '2010-01-01', NULL, NULL, 'GM0001', true),
        ('GM0002', 'Tweedorp', 'AM01', 'PV20', DATE '2010-01-01', NULL, NULL, 'GM0002', false),
        ('GM0999', 'Oud-Eendorp', 'AM01', 'PV20', DATE '2010-01-01', DATE '2024-06-30', 'GM0001', 'GM0001', true);
      INSERT INTO ref_sites VALUES
        ('WP-AM01-01', 'Werkplein Eendorp', 'werkplein', 'AM01', DATE '2015-01-01', NULL, true),
        ('WP-AM01-02', 'Werkplein Tweedorp', 'werkplein', 'AM01', DATE '2015-01-01', NULL, false);
      INSERT INTO ref_site_typology VALUES
        ('WP-AM01-01', DATE '2010-01-01', NULL, 'full', 3, NULL, true, true, 'mature', '{}'),
        ('WP-AM01-02', DATE '2010-01-01', NULL, 'limited', 1, NULL, false, false, 'opportunistic', '{}');`);
    const facts: Fact[] = [];
    for (let month = 1; month <= 6; month++) {
      const m = `2024-0${month}`;
      for (const group of GROUPS) {
        // site A: ww has 100 in service at the start of every month, 10 new and 6 exits to work;
        // overig is tiny (2 in service, 1 exit to work in January only); the others 50 / 5 / 5.
        const a = group === 'ww' ? { clients_start: 100, clients_new: 10, exits_to_work: 6 }
          : group === 'overig' ? { clients_start: 2, clients_new: 0, exits_to_work: month === 1 ? 1 : 0 }
            : { clients_start: 50, clients_new: 5, exits_to_work: 5 };
        facts.push({ site: 'WP-AM01-01', muni: month <= 3 ? 'GM0999' : 'GM0001', month: m, group, measures: { ...a, cost_personnel_eur: 1000, cost_instruments_eur: 100, cost_overhead_eur: 0 } });
        facts.push({ site: 'WP-AM01-02', muni: 'GM0002', month: m, group, measures: { clients_start: 40, clients_new: 4, exits_to_work: 4, cost_personnel_eur: 500, cost_instruments_eur: 0, cost_overhead_eur: 0 } });
      }
    }
    await insertFacts(conn, facts);
  });
  await buildModels(wh, project);
  return wh;
}

const row = async (wh: Warehouse, table: string, where: string) => {
  const rows = await wh.query<Record<string, any>>(`SELECT * FROM ${table} WHERE ${where}`);
  return rows;
};

describe('metrics models on hand-made data', () => {
  let wh: Warehouse;
  beforeAll(async () => { wh = await handMadeWarehouse(); });
  afterAll(async () => { await wh.close(); });

  it('maps the merged municipality onto its successor and sums before dividing', async () => {
    // GM0001 in 2024-Q1 (facts filed as GM0999), ww: served = 100 at the start of January + 3 x 10 new = 130,
    // exits = 3 x 6 = 18 -> 18/130, not the mean of the monthly ratios (6/110 each month).
    const [q1] = await row(wh, 'mart_metrics', "metric = 'outflow_to_work' AND level = 'municipality' AND unit = 'GM0001' AND period = '2024-Q1' AND client_group = 'ww'");
    expect(q1.numerator).toBe(18);
    expect(q1.denominator).toBe(130);
    expect(q1.value).toBeCloseTo(18 / 130, 12);
    const ci = wilsonInterval(18, 130)!;
    expect(q1.ci_low).toBeCloseTo(ci.low, 9);
    expect(q1.ci_high).toBeCloseTo(ci.high, 9);
    expect(await row(wh, 'mart_metrics', "unit = 'GM0999'")).toHaveLength(0);
  });

  it('computes the national value, comparison and Wilson funnel limits for the unit denominator', async () => {
    // national ww, 2024 H1 by quarter Q2: site A 100 + 30 new, 18 exits; site B 40 + 12, 12 exits -> 30/182
    const [a] = await row(wh, 'mart_metrics', "metric = 'outflow_to_work' AND level = 'site' AND unit = 'WP-AM01-01' AND period = '2024-Q2' AND client_group = 'ww'");
    expect(a.national_value).toBeCloseTo(30 / 182, 12);
    // funnel: (2np + z² ± z√(z² + 4np(1-p))) / (2(n + z²)) with n = 130, p = 30/182
    const z = 1.959963984540054;
    const n = 130;
    const p = 30 / 182;
    expect(a.funnel95_low).toBeCloseTo((2 * n * p + z * z - z * Math.sqrt(z * z + 4 * n * p * (1 - p))) / (2 * (n + z * z)), 9);
    // 18/130 = 0.138 with interval [0.089, 0.208] contains 0.165 -> similar
    expect(a.comparison).toBe('similar');
  });

  it('indirect standardisation: expected = Σ served_g x national rate_g; ratio with Byar interval', async () => {
    // 2024-Q1, site A. National group rates: ww 30/182 (as above), overig (1 + 12)/(2 + 52) = 13/54,
    // others (3x5 + 3x4)/(50+15 + 40+12) = 27/117. Site A served: ww 130, overig 2, others 65 each (4 groups).
    const expected = 130 * (30 / 182) + 2 * (13 / 54) + 4 * 65 * (27 / 117);
    const observed = 18 + 1 + 4 * 15;
    const [adj] = await row(wh, 'mart_metrics', "metric = 'outflow_to_work_adjusted' AND level = 'site' AND unit = 'WP-AM01-01' AND period = '2024-Q1' AND client_group = 'all'");
    expect(adj.observed).toBe(observed);
    expect(adj.expected).toBeCloseTo(expected, 9);
    expect(adj.ratio).toBeCloseTo(observed / expected, 9);
    const nationalRate = (79 + 6 * 12) / (392 + 6 * 52); // served: A 130 + 2 + 4 x 65, B 6 x 52
    expect(adj.national_value).toBeCloseTo(nationalRate, 9);
    expect(adj.value).toBeCloseTo((observed / expected) * nationalRate, 9);
    const ci = byarRatioInterval(observed, expected)!;
    expect(adj.ratio_ci_low).toBeCloseTo(ci.low, 9);
    expect(adj.ci_high).toBeCloseTo(ci.high * nationalRate, 9);
  });

  it('suppresses small denominators, and siblings whose hiding protects a cell (groups in a unit, units in a region)', async () => {
    // site A, January 2024, outflow: overig has denominator 2 -> small_denominator; nothing leaks.
    const cells = await row(wh, 'mart_metrics_public', "metric = 'outflow_to_work' AND level = 'site' AND unit = 'WP-AM01-01' AND period = '2024-01'");
    const byGroup = Object.fromEntries(cells.map((c) => [c.client_group, c]));
    expect(byGroup.overig).toMatchObject({ suppressed: true, suppression_reason: 'small_denominator', value: null, numerator: null, denominator: null, ci_low: null, funnel95_low: null });
    // Site B (no consent) is hidden, and the region total is published: site A = region - B would give B away,
    // so every cell of site A is hidden as well (secondary).
    for (const g of ['ww', 'jongeren', 'all']) expect(byGroup[g]).toMatchObject({ suppressed: true, suppression_reason: 'secondary', value: null });
    const [regionAll] = await row(wh, 'mart_metrics_public', "metric = 'outflow_to_work' AND level = 'region' AND period = '2024-01' AND client_group = 'all'");
    expect(regionAll.suppressed).toBe(false);
  });

  it('cells without any respondents are suppressed as small_denominator', async () => {
    // no survey facts at all: denominator 0 < 10 for every group and 'all'
    const cells = await row(wh, 'mart_metrics', "metric = 'satisfaction_share' AND level = 'region' AND period = '2024-01'");
    expect(cells.every((c) => c.suppression_reason === 'small_denominator')).toBe(true);
  });

  it('drops units without consent from the public mart but keeps them in region totals', async () => {
    expect(await row(wh, 'mart_metrics_public', "unit IN ('GM0002', 'WP-AM01-02')")).toHaveLength(0);
    const internal = await row(wh, 'mart_metrics', "unit = 'GM0002' AND metric = 'outflow_to_work' AND period = '2024-Q1' AND client_group = 'ww'");
    expect(internal[0].suppression_reason).toBe('no_consent');
    const [region] = await row(wh, 'mart_metrics', "level = 'region' AND metric = 'outflow_to_work' AND period = '2024-Q1' AND client_group = 'ww'");
    expect(region.denominator).toBe(130 + 52);
    // with only two municipalities in the region, the one with consent would reveal the other: it is hidden too
    const [gm1] = await row(wh, 'mart_metrics_public', "level = 'municipality' AND unit = 'GM0001' AND metric = 'outflow_to_work' AND period = '2024-Q1' AND client_group = 'ww'");
    expect(gm1).toMatchObject({ suppressed: true, suppression_reason: 'secondary', value: null });
  });

  it('does not publish facts of units without consent, hides counts 1-4 and the facts of hidden metric cells', async () => {
    expect(await row(wh, 'mart_facts_public', "site_code = 'WP-AM01-02' OR municipality_code = 'GM0002'")).toHaveLength(0);
    const [overig] = await row(wh, 'mart_facts_public', "site_code = 'WP-AM01-01' AND period = '2024-Q1' AND client_group = 'overig' AND measure = 'exits_to_work'");
    expect(overig).toMatchObject({ value: null, suppressed: true, suppression_reason: 'small_count' });
    // site A's outflow cells are hidden (site B has no consent, see above), so its facts are withheld as well
    const [ww] = await row(wh, 'mart_facts_public', "site_code = 'WP-AM01-01' AND period = '2024-Q2' AND client_group = 'ww' AND measure = 'clients_start'");
    expect(ww).toMatchObject({ value: null, suppressed: true, suppression_reason: 'secondary', municipality_code: 'GM0001' });
    const [internal] = await row(wh, 'int_facts_suppression', "site_code = 'WP-AM01-01' AND period_start = DATE '2024-04-01' AND client_group = 'ww' AND measure = 'clients_start'");
    expect(internal.value).toBe(100); // a stock: first month of the quarter, not 3 x 100
  });

  it('reports no rolling-12 period before 12 months of history exist', async () => {
    expect(await row(wh, 'mart_metrics', "grain = 'rolling12'")).toHaveLength(0);
  });

  it('the SQL metric catalogue matches libs/domain METRICS', async () => {
    const rows = await wh.query<Record<string, any>>('SELECT * FROM stg_metric_catalogue ORDER BY metric');
    const expected = [...METRICS].sort((a, b) => a.code.localeCompare(b.code))
      .map((m) => ({ metric: m.code, polarity: m.polarity, method: m.method, is_process: m.process }));
    expect(rows).toEqual(expected);
  });
});

describe('all models on a synthetic data set', () => {
  it('builds and passes every YAML schema test', async () => {
    const wh = await Warehouse.open(':memory:');
    try {
      await wh.write((conn) => loadSyntheticData(conn, { regions: 4, municipalities: 20, sites: 16, firstMonth: '2023-01', months: 24 }));
      const build = await buildModels(wh, project);
      expect(build.models.map((m) => m.name)).toEqual(expect.arrayContaining(['mart_metrics', 'mart_metrics_public', 'mart_peer_groups', 'mart_typology_outcomes', 'mart_facts_public']));
      const run = await runTests(wh, project);
      const failed = run.results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.error ?? `${r.failures} rows`} ${JSON.stringify(r.sample[0] ?? '')}`);
      expect(failed).toEqual([]);
      const [counts] = await wh.query<Record<string, any>>(`SELECT count(DISTINCT grain)::INT AS grains, count(DISTINCT level)::INT AS levels,
        count(*) FILTER (WHERE suppression_reason = 'secondary')::INT AS secondary FROM mart_metrics_public`);
      expect(counts).toMatchObject({ grains: 4, levels: 4 });
      expect(counts.secondary).toBeGreaterThan(0);
      const missing = await wh.query(`
        SELECT m.metric, m.level, m.unit, m.period, m.client_group FROM mart_metrics m
        WHERE m.level IN ('site', 'municipality') AND NOT m.suppressed
          AND NOT EXISTS (SELECT 1 FROM mart_metrics_public p WHERE p.metric = m.metric AND p.level = m.level AND p.unit = m.unit
            AND p.grain = m.grain AND p.period = m.period AND p.client_group = m.client_group AND p.value IS NOT DISTINCT FROM m.value)
        LIMIT 5`);
      expect(missing).toEqual([]);
      const [published] = await wh.query<Record<string, any>>(`SELECT count(*) FILTER (WHERE level = 'site')::INT AS sites,
        count(*) FILTER (WHERE level = 'municipality')::INT AS municipalities FROM mart_metrics_public WHERE NOT suppressed`);
      expect(published.sites).toBeGreaterThan(0);
      expect(published.municipalities).toBeGreaterThan(0);
      const peers = await wh.query<Record<string, any>>('SELECT max(rank)::INT AS k FROM mart_peer_groups');
      expect(peers[0].k).toBe(10);
    } finally {
      await wh.close();
    }
  });
});
