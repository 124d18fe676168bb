/**
 * Metrics build: a full rebuild of every dbt-like-sql model on a large synthetic warehouse (loadSyntheticData,
 * default 600 sites x 342 municipalities x 120 months, about 10 million fact rows; BENCH_METRICS_SITES /
 * BENCH_METRICS_MONTHS to change), in a fresh DuckDB database file with default settings (as the warehouse).
 * Reports the row counts, the time per model, and the runner's overhead: the same compiled SQL (setup macros,
 * compileModel for every model in build order, the iterate statement until it changes nothing) run directly
 * with plain conn.run in one transaction, in the same process on the same data. Timings are noisy on a busy
 * machine: compare the ratio. Needs the build (`npm run bench` runs it first).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SITES = Number(process.env.BENCH_METRICS_SITES ?? 600);
const MONTHS = Number(process.env.BENCH_METRICS_MONTHS ?? 120);
const runnerDist = process.env.BENCH_RUNNER_DIST ?? path.join(__dirname, '..', 'libs', 'sql-runner', 'dist');

async function run() {
  const { DuckDBInstance } = require(require.resolve('@duckdb/node-api', { paths: [runnerDist, __dirname] }));
  const { WAREHOUSE_SCHEMA } = require(require.resolve('@uitkomst/warehouse', { paths: [runnerDist, __dirname] }));
  const { loadProject, buildModels, compileModel, setupSql } = require(runnerDist);
  const { loadSyntheticData } = require(path.join(runnerDist, 'synthetic-data.js'));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-bench-metrics-'));
  const instance = await DuckDBInstance.create(path.join(dir, 'warehouse.duckdb'));
  const conn = await instance.connect();
  try {
    const count = async (sql) => Number((await conn.runAndReadAll(sql)).getRows()[0][0]);
    await conn.run(WAREHOUSE_SCHEMA);
    let t = performance.now();
    await loadSyntheticData(conn, { regions: 35, municipalities: 342, sites: SITES, firstMonth: '2016-01', months: MONTHS });
    const loadMs = performance.now() - t;
    const project = loadProject(path.join(__dirname, '..', 'dbt-like-sql'));

    // 1. the runner
    const build = await buildModels(conn, project);
    const figures = {
      'fact rows': await count('SELECT count(*) FROM fact_values'),
      'sites / municipalities / months': `${SITES} / 342 / ${MONTHS}`,
      'machine': `${os.availableParallelism?.() ?? os.cpus().length} cpus, load ${os.loadavg()[0].toFixed(2)}`,
      'synthetic load ms': loadMs,
    };
    for (const m of build.models) {
      if (m.ms < 50 && m.rows === null) continue;
      figures[`${m.name} ms${m.rounds === undefined ? '' : ` (${m.rounds} rounds)`}`] = m.ms;
    }
    for (const m of build.models.filter((x) => x.name.startsWith('mart_') || x.name.startsWith('int_metric') || x.name === 'int_suppression')) {
      figures[`${m.name} rows`] = m.rows;
    }
    figures['runner full rebuild ms'] = build.totalMs;

    // 2. the same compiled SQL with plain conn.run (no relation-kind check, no row counts, no timings)
    t = performance.now();
    await conn.run('BEGIN TRANSACTION');
    await conn.run(setupSql(project));
    for (const [name, value] of Object.entries(project.settings ?? {})) await conn.run(`SET ${name} = ${typeof value === 'string' ? `'${value}'` : value}`);
    for (const model of project.models) {
      await conn.run(compileModel(project, model.name).ddl);
      if (model.iterate) {
        const sql = model.iterate.sql.replace(/\{\{\s*this\s*\}\}/g, `"${model.name}"`); // the iterate SQL uses only {{ this }}
        for (const [name, value] of Object.entries(model.iterate.settings ?? {})) await conn.run(`SET ${name} = '${value}'`);
        while (Number((await conn.runAndReadAll(sql)).getRows()[0][0]) > 0) { /* until it changes nothing */ }
        for (const name of Object.keys(model.iterate.settings ?? {})) await conn.run(`RESET ${name}`);
      }
    }
    for (const name of Object.keys(project.settings ?? {})) await conn.run(`RESET ${name}`);
    await conn.run('COMMIT');
    const directMs = performance.now() - t;
    figures['plain conn.run of the compiled SQL ms'] = directMs;
    figures['runner overhead ms'] = build.totalMs - directMs;
    figures['ratio runner / plain'] = build.totalMs / directMs;
    figures['mart_metrics rows (check)'] = await count('SELECT count(*) FROM mart_metrics');
    return figures;
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { run };
