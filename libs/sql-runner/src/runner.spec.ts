import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BuildInterrupted, buildModels, compileModel, loadProject, runTests } from './index';
import { findCalls, renderTemplate } from './template';

function writeProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sql-runner-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('template', () => {
  const ctx = { ref: (n: string) => `"${n}"`, source: (n: string) => `src_${n}`, vars: { k: 7 } };
  it('resolves ref, source and var (with defaults)', () => {
    expect(renderTemplate("SELECT * FROM {{ ref('a') }} JOIN {{ source('t') }} WHERE x < {{ var('k', 3) }} AND y < {{ var('m', 5) }}", ctx, 'x'))
      .toBe('SELECT * FROM "a" JOIN src_t WHERE x < 7 AND y < 5');
  });
  it('rejects unknown expressions and vars without a value', () => {
    expect(() => renderTemplate('{{ config(x) }}', ctx, 'm')).toThrow(/unsupported template expression/);
    expect(() => renderTemplate("{{ var('nope') }}", ctx, 'm')).toThrow(/no value/);
  });
  it('finds refs once each', () => {
    expect(findCalls("{{ ref('a') }} {{ref('b')}} {{ ref('a') }} {{ source('s') }}", 'ref')).toEqual(['a', 'b']);
  });
});

describe('loadProject', () => {
  it('orders models by dependency, whatever the folder or file order', () => {
    const dir = writeProject({
      'models/marts/a_mart.sql': "SELECT * FROM {{ ref('z_stage') }}",
      'models/staging/z_stage.sql': "SELECT * FROM {{ source('raw') }}",
      'models/intermediate/m_mid.sql': "SELECT * FROM {{ ref('a_mart') }}",
    });
    expect(loadProject(dir).models.map((m) => m.name)).toEqual(['z_stage', 'a_mart', 'm_mid']);
  });
  it('rejects a cycle and names it', () => {
    const dir = writeProject({
      'models/a.sql': "SELECT * FROM {{ ref('b') }}",
      'models/b.sql': "SELECT * FROM {{ ref('c') }}",
      'models/c.sql': "SELECT * FROM {{ ref('a') }}",
    });
    expect(() => loadProject(dir)).toThrow('dependency cycle between models: a -> b -> c -> a');
  });
  it('rejects an unknown ref with the file name', () => {
    const dir = writeProject({ 'models/a.sql': "SELECT * FROM {{ ref('missing') }}" });
    expect(() => loadProject(dir)).toThrow("models/a.sql: ref('missing') refers to an unknown model");
  });
  it('rejects an undeclared source when project.yml lists sources', () => {
    const dir = writeProject({ 'project.yml': 'sources: [facts]\n', 'models/a.sql': "SELECT * FROM {{ source('other') }}" });
    expect(() => loadProject(dir)).toThrow(/unknown source 'other'/);
  });
  it('rejects YAML describing a model without SQL, and a bad materialisation', () => {
    expect(() => loadProject(writeProject({ 'models/s.yml': 'models:\n  - name: ghost\n' }))).toThrow(/ghost, which has no SQL file/);
    expect(() => loadProject(writeProject({ 'models/a.sql': 'SELECT 1', 'models/s.yml': 'models:\n  - name: a\n    config: { materialized: incremental }\n' })))
      .toThrow(/materialized must be view or table/);
  });
});

describe('build, compile and test', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  beforeEach(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
    await conn.run("CREATE TABLE raw AS SELECT * FROM (VALUES (1, 'x', 10), (2, 'y', 20), (3, 'z', NULL)) t(id, kind, amount)");
  });
  afterEach(() => { conn.closeSync(); instance.closeSync(); });

  const project = () => loadProject(writeProject({
    'project.yml': 'vars:\n  factor: 2\nsources: [raw]\n',
    'macros/m.sql': 'CREATE OR REPLACE MACRO twice(x) AS 2 * x;',
    'models/staging/stg.sql': "SELECT id, kind, amount FROM {{ source('raw') }}",
    'models/marts/mart.sql': "SELECT id, kind, twice(amount) * {{ var('factor') }} AS scaled FROM {{ ref('stg') }}",
    'models/marts/schema.yml': `
models:
  - name: stg
    config: { materialized: view }
    columns:
      - name: id
        tests: [not_null, unique]
  - name: mart
    config: { materialized: table }
    columns:
      - name: id
        tests:
          - relationships: { to: "ref('stg')", field: id }
      - name: kind
        tests:
          - accepted_values: { values: [x, y] }
      - name: scaled
        tests:
          - not_null
          - not_null: { name: scaled_known_when_kind_x, where: "kind = 'x'" }
    tests:
      - expression_is_true: { expression: "scaled >= 0", where: "scaled IS NOT NULL" }
      - expect_no_rows: { name: custom, sql: "SELECT * FROM {{ this }} WHERE scaled > 100" }
`,
  }));

  it('compiles refs, sources and vars to plain SQL', () => {
    const c = compileModel(project(), 'mart', { vars: { factor: 3 } });
    expect(c.sql).toBe('SELECT id, kind, twice(amount) * 3 AS scaled FROM "stg"');
    expect(c.ddl).toMatch(/^CREATE OR REPLACE TABLE "mart" AS/);
    expect(c.setupSql).toContain('CREATE OR REPLACE MACRO twice');
  });

  it('builds in order with setup macros, reports time per model, and replaces a table by a view', async () => {
    const p = project();
    const result = await buildModels(conn, p);
    expect(result.models.map((m) => [m.name, m.materialized, m.rows])).toEqual([['stg', 'view', null], ['mart', 'table', 3]]);
    expect(result.models.every((m) => m.ms >= 0)).toBe(true);
    const rows = (await conn.runAndReadAll('SELECT scaled FROM mart ORDER BY id')).getRowObjectsJson();
    expect(rows.map((r) => r.scaled)).toEqual([40, 80, null]);
    p.models.find((m) => m.name === 'mart')!.materialized = 'view';
    await buildModels(conn, p);
    const kind = (await conn.runAndReadAll("SELECT count(*)::INT AS n FROM duckdb_views() WHERE view_name = 'mart'")).getRowObjectsJson();
    expect(kind[0].n).toBe(1);
  });

  it('rolls back the whole build when a model fails', async () => {
    const p = project();
    await buildModels(conn, p);
    p.models.find((m) => m.name === 'mart')!.sql = 'SELECT no_such_column FROM {{ ref(\'stg\') }}';
    p.models.find((m) => m.name === 'stg')!.sql = 'SELECT 99 AS id';
    await expect(buildModels(conn, p)).rejects.toThrow(/model mart .* failed/);
    const ids = (await conn.runAndReadAll('SELECT id FROM stg ORDER BY id')).getRowObjectsJson();
    expect(ids.map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('stops a build through its signal, interrupting the running statement, and rolls it all back', async () => {
    const p = project();
    await buildModels(conn, p);
    p.models.find((m) => m.name === 'stg')!.sql = 'SELECT 99 AS id';
    // Far too much work to finish: only the interrupt can end it.
    p.models.find((m) => m.name === 'mart')!.sql = "SELECT count(*) AS scaled FROM range(100000000) a(i), range(100000) b(j) WHERE (a.i * b.j) % 7 = 3";
    const controller = new AbortController();
    const build = buildModels(conn, p, { signal: controller.signal, onModel: (m) => { if (m.name === 'stg') setTimeout(() => controller.abort(), 100); } });
    await expect(build).rejects.toBeInstanceOf(BuildInterrupted);
    const ids = (await conn.runAndReadAll('SELECT id FROM stg ORDER BY id')).getRowObjectsJson();
    expect(ids.map((r) => r.id)).toEqual([1, 2, 3]);
    const scaled = (await conn.runAndReadAll('SELECT scaled FROM mart ORDER BY id')).getRowObjectsJson();
    expect(scaled.map((r) => r.scaled)).toEqual([40, 80, null]);
    // The connection is fine afterwards, and a signal that is already aborted changes nothing.
    await expect(buildModels(conn, project(), { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(BuildInterrupted);
    const fresh = project();
    fresh.models.find((m) => m.name === 'stg')!.sql = 'SELECT 7 AS id, \'x\' AS kind, 1 AS amount';
    await buildModels(conn, fresh);
    expect((await conn.runAndReadAll('SELECT id, scaled FROM mart')).getRowObjectsJson()).toEqual([{ id: 7, scaled: 4 }]);
  });

  it('runs the YAML tests and reports failures with a sample', async () => {
    const p = project();
    await buildModels(conn, p);
    const run = await runTests(conn, p);
    const byName = Object.fromEntries(run.results.map((r) => [r.name, r]));
    expect(run.passed).toBe(false);
    expect(byName.not_null__stg__id.passed).toBe(true);
    expect(byName.unique__stg__id.passed).toBe(true);
    expect(byName.relationships__mart__id.passed).toBe(true);
    expect(byName.accepted_values__mart__kind).toMatchObject({ passed: false, failures: 1 });
    expect(byName.accepted_values__mart__kind.sample[0].kind).toBe('z');
    expect(byName.not_null__mart__scaled).toMatchObject({ passed: false, failures: 1 });
    expect(byName.scaled_known_when_kind_x.passed).toBe(true);
    expect(byName.expression_is_true__mart.passed).toBe(true);
    expect(byName.custom.passed).toBe(true);
  });

  it('repeats an iterate statement until it changes nothing', async () => {
    const p = loadProject(writeProject({
      'models/counter.sql': 'SELECT 1 AS n',
      'models/s.yml': 'models:\n  - name: counter\n    config:\n      materialized: table\n      iterate: { sql: "UPDATE {{ this }} SET n = n + 1 WHERE n < 4" }\n',
    }));
    const result = await buildModels(conn, p);
    expect(result.models[0].rounds).toBe(3);
    expect((await conn.runAndReadAll('SELECT n FROM counter')).getRowObjectsJson()[0].n).toBe(4);
  });
});
