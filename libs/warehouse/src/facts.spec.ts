import { DuckDBInstance } from '@duckdb/node-api';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendFacts, currentFactsOfKeys, factRowsSql } from './facts';
import { Warehouse } from './warehouse';

const FACT_ROW = `submission_id, site_code, municipality_code, strftime(period, '%Y-%m-%d') AS period, client_group, measure, value,
  strftime(accepted_at, '%Y-%m-%d %H:%M:%S') AS accepted_at, superseded_by`;

describe('fact storage', () => {
  let wh: Warehouse;
  beforeEach(async () => {
    wh = await Warehouse.open(':memory:');
  });
  afterEach(() => wh.close());

  it('stores text codes as numbers and gives them back as text, the same code always the same number', async () => {
    await wh.transaction((conn) => appendFacts(conn, {
      submissionId: 'a', acceptedAt: '2026-01-05 10:00:00',
      select: factRowsSql([`('WP-1', 'GM0363', DATE '2025-01-01', 'ww', 'clients_start', 12)`, `('WP-1', 'GM0363', DATE '2025-01-01', 'ww', 'exits_total', 3.5)`]),
    }));
    const written = await wh.transaction((conn) => appendFacts(conn, {
      submissionId: 'b', acceptedAt: '2026-01-06 10:00:00',
      select: factRowsSql([`('WP-2', 'GM0363', DATE '2025-02-01', 'jongeren', 'clients_start', 7)`]),
    }));
    expect(written).toBe(1);
    expect(await wh.query(`SELECT ${FACT_ROW} FROM fact_values ORDER BY submission_id, measure`)).toEqual([
      { submission_id: 'a', site_code: 'WP-1', municipality_code: 'GM0363', period: '2025-01-01', client_group: 'ww', measure: 'clients_start', value: 12, accepted_at: '2026-01-05 10:00:00', superseded_by: null },
      { submission_id: 'a', site_code: 'WP-1', municipality_code: 'GM0363', period: '2025-01-01', client_group: 'ww', measure: 'exits_total', value: 3.5, accepted_at: '2026-01-05 10:00:00', superseded_by: null },
      { submission_id: 'b', site_code: 'WP-2', municipality_code: 'GM0363', period: '2025-02-01', client_group: 'jongeren', measure: 'clients_start', value: 7, accepted_at: '2026-01-06 10:00:00', superseded_by: null },
    ]);
    const codes = await wh.query<{ code: string; n: number }>(`SELECT code, CAST(count(*) AS INTEGER) AS n FROM fact_measure_codes GROUP BY 1 ORDER BY 1`);
    expect(codes).toEqual([{ code: 'clients_start', n: 1 }, { code: 'exits_total', n: 1 }]);
    const [rows] = await wh.query<{ n: number; subs: number }>(`SELECT CAST(count(*) AS INTEGER) AS n, CAST(count(DISTINCT submission_no) AS INTEGER) AS subs FROM fact_rows`);
    expect(rows).toEqual({ n: 3, subs: 2 });
  });

  it('finds the current facts of a set of keys for superseding, and facts_current leaves superseded ones out', async () => {
    await wh.transaction((conn) => appendFacts(conn, {
      submissionId: 'a', acceptedAt: '2026-01-05 10:00:00',
      select: factRowsSql([`('WP-1', 'GM0363', DATE '2025-01-01', 'ww', 'clients_start', 12)`, `('WP-1', 'GM0363', DATE '2025-01-01', 'ww', 'exits_total', 3)`,
        `('WP-1', 'GM0363', DATE '2025-02-01', 'ww', 'clients_start', 13)`]),
    }));
    await wh.transaction(async (conn) => {
      await conn.run(`CREATE TEMP TABLE k AS SELECT 'WP-1' AS site_code, 'GM0363' AS municipality_code, DATE '2025-01-01' AS period, 'ww' AS client_group, 'clients_start' AS measure`);
      const current = currentFactsOfKeys('k', 'period', 'mc.code = k.measure');
      await conn.run(`INSERT INTO fact_submissions VALUES (9, 'b', TIMESTAMP '2026-01-06 10:00:00')`);
      await conn.run(`UPDATE fact_rows f SET superseded_by = 9 FROM ${current.from} WHERE ${current.where}`, ['2025-01-01', '2025-01-01']);
    });
    expect(await wh.query(`SELECT measure, strftime(period, '%Y-%m') AS period, superseded_by FROM fact_values ORDER BY 2, 1`)).toEqual([
      { measure: 'clients_start', period: '2025-01', superseded_by: 'b' },
      { measure: 'exits_total', period: '2025-01', superseded_by: null },
      { measure: 'clients_start', period: '2025-02', superseded_by: null },
    ]);
    expect(await wh.query(`SELECT measure, strftime(period, '%Y-%m') AS period, value FROM facts_current ORDER BY 2, 1`)).toEqual([
      { measure: 'exits_total', period: '2025-01', value: 3 },
      { measure: 'clients_start', period: '2025-02', value: 13 },
    ]);
  });
});

describe('a warehouse file of the first layout (fact_values a table of text)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-facts-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function writeFirstLayout(file: string) {
    const instance = await DuckDBInstance.create(file);
    const conn = await instance.connect();
    await conn.run(`CREATE TABLE fact_values (submission_id VARCHAR NOT NULL, site_code VARCHAR NOT NULL, municipality_code VARCHAR NOT NULL,
      period DATE NOT NULL, client_group VARCHAR NOT NULL, measure VARCHAR NOT NULL, value DOUBLE NOT NULL, accepted_at TIMESTAMP NOT NULL, superseded_by VARCHAR);
      CREATE VIEW facts_current AS SELECT site_code, municipality_code, period, client_group, measure, value, submission_id, accepted_at
        FROM fact_values WHERE superseded_by IS NULL;
      INSERT INTO fact_values VALUES
        ('s-1', 'WP-1', 'GM0363', DATE '2024-01-01', 'ww', 'clients_start', 10, TIMESTAMP '2025-03-01 09:00:00', 's-2'),
        ('s-1', 'WP-1', 'GM0363', DATE '2024-01-01', 'ww', 'exits_total', 2, TIMESTAMP '2025-03-01 09:00:00', NULL),
        ('s-2', 'WP-1', 'GM0363', DATE '2024-01-01', 'ww', 'clients_start', 11, TIMESTAMP '2025-04-01 09:00:00', NULL),
        ('s-2', 'WP-9', 'GM0014', DATE '2024-02-01', 'jongeren', 'cost_personnel_eur', 1234.56, TIMESTAMP '2025-04-01 09:00:00', NULL)`);
    const before = (await conn.runAndReadAll(`SELECT ${FACT_ROW} FROM fact_values ORDER BY ALL`)).getRowObjectsJson();
    conn.closeSync();
    instance.closeSync();
    return before;
  }

  it('is moved into the coded layout on open with every row, value, submission and supersession kept', async () => {
    const file = path.join(dir, 'warehouse.duckdb');
    const before = await writeFirstLayout(file);
    const wh = await Warehouse.open(file);
    try {
      expect(await wh.query(`SELECT ${FACT_ROW} FROM fact_values ORDER BY ALL`)).toEqual(before);
      expect(await wh.query(`SELECT table_name, table_type FROM information_schema.tables WHERE table_name IN ('fact_values', 'fact_rows', 'fact_values_v1') ORDER BY 1`))
        .toEqual([{ table_name: 'fact_rows', table_type: 'BASE TABLE' }, { table_name: 'fact_values', table_type: 'VIEW' }]);
      expect(await wh.query(`SELECT measure, value FROM facts_current WHERE site_code = 'WP-1' ORDER BY 1`))
        .toEqual([{ measure: 'clients_start', value: 11 }, { measure: 'exits_total', value: 2 }]);
      // The next submission gets the next number.
      await wh.transaction((conn) => appendFacts(conn, { submissionId: 's-3', acceptedAt: new Date(), select: factRowsSql([`('WP-1', 'GM0363', DATE '2024-03-01', 'ww', 'clients_start', 12)`]) }));
      expect(await wh.query(`SELECT submission_id, CAST(submission_no AS INTEGER) AS no FROM fact_submissions ORDER BY 2`))
        .toEqual([{ submission_id: 's-1', no: 1 }, { submission_id: 's-2', no: 2 }, { submission_id: 's-3', no: 3 }]);
    } finally {
      await wh.close();
    }
    const again = await Warehouse.open(file);
    try {
      expect(await again.query(`SELECT CAST(count(*) AS INTEGER) AS n FROM fact_values`)).toEqual([{ n: 5 }]);
    } finally {
      await again.close();
    }
  });
});
