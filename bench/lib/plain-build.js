/**
 * `node bench/lib/plain-build.js WAREHOUSE_FILE MIN_DENOMINATOR`: the metrics baseline. Compiles every model of
 * dbt-like-sql exactly as the runner does (same vars), then, timed, runs that SQL with plain conn.run in one
 * transaction: setup macros, project settings, each model's DDL in build order and its iterate statement until it
 * changes nothing. No relation-kind checks or row counts. Prints {ms, martMetricsRows, modelMs} as JSON.
 */
const path = require('node:path');
const { need } = require('./modules');

const RUNNER_DIST = path.join(__dirname, '..', '..', 'libs', 'sql-runner', 'dist');

const settingSql = (name, value) => `SET ${name} = ${typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value)}`;

function compileAll(project, vars) {
  const { compileModel, setupSql } = require(RUNNER_DIST);
  const { renderProjectSql } = require(path.join(RUNNER_DIST, 'compile.js'));
  const opts = { vars };
  return {
    setup: setupSql(project),
    settings: Object.entries(project.settings ?? {}),
    models: project.models.map((m) => ({
      name: m.name,
      ddl: compileModel(project, m.name, opts).ddl,
      iterate: m.iterate ? { sql: renderProjectSql(project, m.iterate.sql, `${m.file} iterate`, opts, m.name), settings: Object.entries(m.iterate.settings ?? {}), maxRounds: m.iterate.maxRounds } : null,
    })),
  };
}

async function main() {
  const [file, minDenominator] = process.argv.slice(2);
  const { DuckDBInstance } = need('@duckdb/node-api');
  const { loadProject } = require(RUNNER_DIST);
  const compiled = compileAll(loadProject(path.join(__dirname, '..', '..', 'dbt-like-sql')), { min_denominator: Number(minDenominator ?? 10) });
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  const started = performance.now();
  await conn.run('BEGIN TRANSACTION');
  await conn.run(compiled.setup);
  for (const [name, value] of compiled.settings) await conn.run(settingSql(name, value));
  const modelMs = {};
  for (const model of compiled.models) {
    const t = performance.now();
    await conn.run(model.ddl);
    if (!model.iterate) {
      modelMs[model.name] = performance.now() - t;
      continue;
    }
    for (const [name, value] of model.iterate.settings) await conn.run(settingSql(name, value));
    for (let round = 0; round < model.iterate.maxRounds; round++) {
      if (Number((await conn.runAndReadAll(model.iterate.sql)).getRows()[0]?.[0] ?? 0) === 0) break;
    }
    for (const [name] of model.iterate.settings) await conn.run(`RESET ${name}`);
    modelMs[model.name] = performance.now() - t;
  }
  for (const [name] of compiled.settings) await conn.run(`RESET ${name}`);
  await conn.run('COMMIT');
  const ms = performance.now() - started;
  const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM mart_metrics')).getRows()[0][0]);
  conn.closeSync();
  instance.closeSync();
  console.log(JSON.stringify({ ms, martMetricsRows: rows, modelMs }));
}

main().catch((err) => {
  console.error(err.stack ?? err);
  process.exit(1);
});
