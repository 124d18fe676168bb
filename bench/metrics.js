/**
 * Metrics rebuild: the app's full rebuild of the dbt-like-sql marts, run the way operators run it
 * (`node apps/api/dist/cli.js metrics build`: registry sync into DuckDB, then every model through the runner),
 * next to the same compiled SQL run directly (bench/lib/plain-build.js: plain conn.run in one transaction), each
 * in its own process on the same warehouse file, interleaved run by run. The figure is the CLI's own total (after
 * the stores are open), the baseline the plain run's time after opening the file.
 * Data: the first N rows of the fixture generator's long facts (full: 1M, 3M, 10M; --quick: 30k, 90k, 300k) in
 * fact_values of a copy of the app template (fixtures registry imported). The first run of each size is the CLI's, which
 * copies the registry into the ref_* tables; every run checks that both sides built the same number of mart_metrics rows.
 */
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const { ROOT } = require('./lib/app-process');
const { prepared } = require('./lib/shared');
const { readCsvSql } = require('./lib/fixtures');
const { need } = require('./lib/modules');
const { figure, median } = require('./lib/results');

const run$ = promisify(execFile);
const CLI = path.join(ROOT, 'apps', 'api', 'dist', 'cli.js');
const PLAIN = path.join(__dirname, 'lib', 'plain-build.js');
const MIN_DENOMINATOR = 10; // the app's default (MIN_DENOMINATOR)
const GOAL = 1.1;

function settings(quick) {
  return quick
    ? { scale: 1, sizes: [30_000, 90_000, 300_000], runs: [1, 1, 1] }
    : { scale: 3, sizes: [1_000_000, 3_000_000, 10_000_000], runs: [3, 3, 3] };
}

/** A stopped app's DATA_DIR (and database, with DATABASE_URL) whose fact_values holds the first `rows` fixture rows. */
async function prepareDataDir(template, set, rows, dir) {
  const dataDir = path.join(dir, `data-${rows}`);
  fs.cpSync(template.dataDir, dataDir, { recursive: true });
  let database = null;
  if (process.env.DATABASE_URL) {
    const { createDatabase } = require('./lib/app-process');
    database = await createDatabase(process.env.DATABASE_URL, template.database);
  }
  const { DuckDBInstance } = need('@duckdb/node-api');
  const instance = await DuckDBInstance.create(path.join(dataDir, 'warehouse.duckdb'));
  const conn = await instance.connect();
  try {
    const { appendFacts } = need('@uitkomst/warehouse');
    await conn.run('BEGIN TRANSACTION');
    await appendFacts(conn, { submissionId: 'bench', acceptedAt: new Date(), select: `SELECT site_code, municipality_code, CAST(period || '-01' AS DATE) AS period,
      client_group, measure, value FROM (SELECT * FROM ${readCsvSql(set.facts)} LIMIT ${rows})` });
    await conn.run('COMMIT');
    await conn.run('CHECKPOINT');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return { dataDir, database };
}

/** The CLI's `metrics build`; returns its own total and registry sync time, and the wall time of the process. */
async function appBuild({ dataDir, database }) {
  const t = performance.now();
  const { stdout } = await run$(process.execPath, [CLI, 'metrics', 'build'], {
    cwd: ROOT, maxBuffer: 16 << 20,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: database?.url ?? '', UITKOMST_MODE: 'production', MIN_DENOMINATOR: String(MIN_DENOMINATOR) },
  });
  const wallMs = performance.now() - t;
  const total = /total (\d+) ms/.exec(stdout);
  if (!total) throw new Error(`metrics build printed no total:\n${stdout.slice(-2000)}`);
  const martRows = /^mart_metrics\s+\S+\s+\d+ ms (\d+)/m.exec(stdout);
  const modelMs = Object.fromEntries([...stdout.matchAll(/^(\w+)\s+(?:table|view)\s+(\d+) ms/gm)].map((m) => [m[1], Number(m[2])]));
  return { ms: Number(total[1]), syncMs: Number(/registry sync (\d+) ms/.exec(stdout)?.[1] ?? NaN), wallMs, martMetricsRows: martRows ? Number(martRows[1]) : null, modelMs };
}

async function plainBuild({ dataDir }) {
  const { stdout } = await run$(process.execPath, [PLAIN, path.join(dataDir, 'warehouse.duckdb'), String(MIN_DENOMINATOR)], { cwd: ROOT });
  return JSON.parse(stdout.trim().split('\n').pop());
}

/** Median ms per model on both sides, for the models taking at least 2% of the build: where the time goes. */
function slowestModels(rs) {
  const names = Object.keys(rs[0].app.modelMs ?? {});
  const total = median(rs.map((r) => r.app.ms));
  return Object.fromEntries(names
    .map((n) => [n, { metricsBuild: Math.round(median(rs.map((r) => r.app.modelMs[n] ?? NaN))), plainSql: Math.round(median(rs.map((r) => r.plain.modelMs?.[n] ?? NaN))) }])
    .filter(([, v]) => v.metricsBuild >= total * 0.02)
    .sort((a, b) => b[1].metricsBuild - a[1].metricsBuild));
}

const fmtRows = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

function figures(bySize, { sizes }) {
  const out = [];
  const largest = sizes[sizes.length - 1];
  for (const rows of sizes) {
    const rs = bySize.get(rows);
    const headline = rows === largest;
    out.push(figure({
      name: `full metrics rebuild on ${fmtRows(rows)} fact rows (CLI metrics build)`,
      value: median(rs.map((r) => r.app.ms)), unit: 'ms',
      baseline: 'the same compiled SQL run directly (plain conn.run, one transaction)', baselineValue: median(rs.map((r) => r.plain.ms)),
      ratio: median(rs.map((r) => r.app.ms / r.plain.ms)),
      goal: headline ? `overhead <= 10% (ratio <= ${GOAL})` : null, check: headline ? (_v, ratio) => ratio <= GOAL : null,
      runs: rs.length, samples: rs.map((r) => r.app.ms), baselineSamples: rs.map((r) => r.plain.ms),
      registrySyncMs: median(rs.map((r) => r.app.syncMs)), cliProcessWallMs: median(rs.map((r) => r.app.wallMs)),
      martMetricsRows: rs[0].plain.martMetricsRows, slowestModels: slowestModels(rs),
    }));
  }
  const [base] = sizes;
  const at = (rows, key) => median(bySize.get(rows).map((r) => r[key].ms));
  for (const rows of sizes.slice(1)) {
    const factor = rows / base;
    out.push(figure({
      name: `metrics rebuild growth: ${fmtRows(rows)} rows (${factor}x) vs ${fmtRows(base)} rows`,
      value: at(rows, 'app'), unit: 'ms', baseline: `the same at ${fmtRows(base)} rows (1x)`, baselineValue: at(base, 'app'),
      goal: `about ${factor} (linear)`, runs: bySize.get(rows).length,
      msPerMillionRows: at(rows, 'app') / (rows / 1e6), baselineMsPerMillionRows: at(base, 'app') / (base / 1e6),
      plainSqlRatio: at(rows, 'plain') / at(base, 'plain'),
    }));
  }
  return out;
}

async function run({ quick, log }) {
  const s = settings(quick);
  const { set, template } = await prepared(s.scale);
  const dir = fs.mkdtempSync(path.join(set.dir, 'metrics-'));
  const bySize = new Map();
  try {
    for (const [i, rows] of s.sizes.entries()) {
      const data = await prepareDataDir(template, set, rows, dir);
      const results = [];
      try {
        for (let round = 0; round < s.runs[i]; round++) {
          let app;
          let plain;
          if (round % 2 === 0) { app = await appBuild(data); plain = await plainBuild(data); } else { plain = await plainBuild(data); app = await appBuild(data); }
          // The CLI syncs the registry into the ref_* tables (round 0 runs it first); both must build the same marts.
          if (app.martMetricsRows !== plain.martMetricsRows || !(plain.martMetricsRows > 0)) {
            throw new Error(`mart_metrics rows differ: metrics build ${app.martMetricsRows}, plain SQL ${plain.martMetricsRows}`);
          }
          results.push({ app, plain });
          log(`${fmtRows(rows)} rows run ${round + 1}: metrics build ${app.ms.toFixed(0)} ms (registry sync ${app.syncMs} ms, process ${app.wallMs.toFixed(0)} ms), plain SQL ${plain.ms.toFixed(0)} ms, ${plain.martMetricsRows} mart_metrics rows`);
        }
      } finally {
        await data.database?.drop().catch(() => undefined);
        fs.rmSync(data.dataDir, { recursive: true, force: true });
      }
      bySize.set(rows, results);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return figures(bySize, s);
}

module.exports = { run };
