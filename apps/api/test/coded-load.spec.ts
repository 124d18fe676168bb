/**
 * The fact pipeline's two paths on a real DuckDB warehouse: a clean file takes the coded load (straight into
 * fact_rows, checked over the integers, registered), a file with any doubt takes the detailed checks, and a
 * declined or rejected file leaves no row behind, registered or not.
 */
import { nextSubmissionNumber, Warehouse } from '@uitkomst/warehouse';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PhaseTimes, validateAndLoad } from '../src/ingestion/fact-pipeline';
import type { RegistrySnapshot } from '../src/ingestion/registry-snapshot';

const REGISTRY: RegistrySnapshot = {
  sites: [{ code: 'WP-AM18-01', is_partner: true }, { code: 'WT-GM1979-01', is_partner: false }],
  served: [{ site_code: 'WP-AM18-01', municipality_code: 'GM0363' }, { site_code: 'WT-GM1979-01', municipality_code: 'GM1979' }],
  municipalities: [
    { code: 'GM0363', valid_from: '2010-01-01', valid_to: null, current_code: 'GM0363' },
    { code: 'GM1979', valid_from: '2021-01-01', valid_to: null, current_code: 'GM1979' },
  ],
};

const HEADER = 'site_code,municipality_code,period,client_group,measure,value';
const row = (period: string, measure: string, value: string | number, site = 'WP-AM18-01', group = 'ww') => `${site},GM0363,${period},${group},${measure},${value}`;

describe('the fact pipeline', () => {
  let dir: string;
  let wh: Warehouse;
  let n = 0;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-coded-'));
    wh = await Warehouse.open(path.join(dir, 'warehouse.duckdb'));
  });
  afterEach(async () => {
    await wh.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function load(lines: string[]) {
    const id = `${String(++n).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const filePath = path.join(dir, `${id}.csv`);
    fs.writeFileSync(filePath, [HEADER, ...lines].join('\n') + '\n');
    const phases: PhaseTimes = {};
    const result = await validateAndLoad(wh, {
      submissionId: id, filePath, format: 'csv', registry: REGISTRY, currentMonth: '2026-12', errorsFile: path.join(dir, `${id}.errors.csv`),
    }, () => new Date('2026-12-01T10:00:00Z'), phases);
    return { id, phases: Object.keys(phases), ...result };
  }
  const rowsInWarehouse = async () => (await wh.query<{ n: number }>('SELECT CAST(count(*) AS INTEGER) AS n FROM fact_rows'))[0].n;
  const facts = () => wh.query<{ submission_id: string; measure: string; period: string; value: number; superseded_by: string | null }>(
    `SELECT submission_id, measure, strftime(period, '%Y-%m') AS period, value, superseded_by FROM fact_values ORDER BY accepted_at, submission_id, period, measure`);

  it('takes a clean file through the coded load, with every value stored exactly', async () => {
    const r = await load([row('2024-01', 'clients_start', 120), row('2024-01', 'exits_total', 7), row('2024-01', 'cost_personnel_eur', '1234.56')]);
    expect(r.validation).toMatchObject({ errorCount: 0, rowCount: 3, valueCount: 3, layout: 'long' });
    expect(r.phases).toContain('load');
    expect(r.phases).not.toContain('validate');
    expect(await facts()).toEqual([
      { submission_id: r.id, measure: 'clients_start', period: '2024-01', value: 120, superseded_by: null },
      { submission_id: r.id, measure: 'cost_personnel_eur', period: '2024-01', value: 1234.56, superseded_by: null },
      { submission_id: r.id, measure: 'exits_total', period: '2024-01', value: 7, superseded_by: null },
    ]);
  });

  it('supersedes the current values of the same keys in the coded load, and only those', async () => {
    const a = await load([row('2024-01', 'clients_start', 120), row('2024-02', 'clients_start', 130)]);
    const b = await load([row('2024-01', 'clients_start', 121), row('2024-01', 'clients_new', 5)]);
    expect(b.phases).toContain('load');
    expect(b.commit!.superseded).toEqual([{ submissionId: a.id, values: 1, stillCurrent: 1 }]);
    expect((await facts()).map((f) => [f.submission_id === a.id ? 'a' : 'b', f.period, f.measure, f.value, f.superseded_by === b.id ? 'by b' : f.superseded_by]))
      .toEqual([['a', '2024-01', 'clients_start', 120, 'by b'], ['a', '2024-02', 'clients_start', 130, null], ['b', '2024-01', 'clients_new', 5, null], ['b', '2024-01', 'clients_start', 121, null]]);
  });

  it('hands a cell the coded load cannot take as it is to the detailed checks, which accept it trimmed', async () => {
    const r = await load([row('2024-03', 'clients_start', 40, ' WP-AM18-01 ')]);
    expect(r.phases).toEqual(expect.arrayContaining(['load', 'validate', 'write']));
    expect(r.validation).toMatchObject({ errorCount: 0, valueCount: 1 });
    expect(await wh.query(`SELECT site_code, value FROM fact_values`)).toEqual([{ site_code: 'WP-AM18-01', value: 40 }]);
    expect(await rowsInWarehouse()).toBe(1);
  });

  it.each([
    ['a possible BSN in a value', row('2024-04', 'clients_start', '123456782'), 'POSSIBLE_BSN'],
    ['a period that is not YYYY-MM', row('2024-4', 'clients_start', 3), 'INVALID_PERIOD'],
    ['a negative count', row('2024-04', 'clients_start', -3), 'NEGATIVE_VALUE'],
    ['a site the organisation is not a partner of', 'WT-GM1979-01,GM1979,2024-04,ww,clients_start,3', 'NOT_PARTNER'],
    ['an inconsistent pair', `${row('2024-04', 'exits_to_work', 9)}\n${row('2024-04', 'exits_total', 4)}`, 'INCONSISTENT_EXITS'],
  ])('rejects %s through the detailed checks and leaves no row in fact_rows', async (_, line, code) => {
    await load([row('2024-01', 'clients_start', 120)]);
    const r = await load([row('2024-04', 'clients_new', 2), line]);
    expect(r.commit).toBeNull();
    expect(r.validation.errorsSample.map((e) => e.code)).toContain(code);
    expect(await rowsInWarehouse()).toBe(1);
    expect((await facts()).length).toBe(1);
  });
});

describe('unregistered fact rows', () => {
  it('are removed when the warehouse opens, and the next submission number stays above them until then', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-orphans-'));
    const file = path.join(dir, 'warehouse.duckdb');
    try {
      let wh = await Warehouse.open(file);
      await wh.write(async (conn) => {
        await conn.run(`INSERT INTO fact_site_codes VALUES (1, 'WP-1'); INSERT INTO fact_municipality_codes VALUES (1, 'GM0363');
          INSERT INTO fact_client_group_codes VALUES (1, 'ww'); INSERT INTO fact_measure_codes VALUES (1, 'clients_start');
          INSERT INTO fact_submissions VALUES (1, 'registered', TIMESTAMP '2026-01-01 00:00:00');
          INSERT INTO fact_rows VALUES (1, 1, 1, DATE '2024-01-01', 1, 1, 10, NULL), (2, 1, 1, DATE '2024-02-01', 1, 1, 11, NULL)`);
      });
      expect(await wh.write((conn) => nextSubmissionNumber(conn))).toBe(3);
      expect(await wh.query('SELECT CAST(count(*) AS INTEGER) AS n FROM fact_values')).toEqual([{ n: 1 }]);
      await wh.close();
      wh = await Warehouse.open(file);
      expect(await wh.query('SELECT CAST(submission_no AS INTEGER) AS no, value FROM fact_rows')).toEqual([{ no: 1, value: 10 }]);
      await wh.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
