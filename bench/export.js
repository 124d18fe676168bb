/**
 * Release exports: GET /api/v1/releases/{id}/download of the released app (lib/release-app.js), read to the last
 * byte, next to DuckDB running `COPY (same query) TO file` in the bench process on the same release table (loaded
 * from the release's Parquet file into an in-memory database, as the app's release store does), with the SQL the
 * app builds (exportQuery of apps/api/dist/query/release-export.js). Interleaved run by run.
 *  - the whole metrics table as CSV: the first download runs COPY into DATA_DIR/export-cache (deleted before each
 *    cold run), later ones stream the cached file;
 *  - the whole metrics table as Parquet: the app streams the release file itself (no query);
 *  - the municipality rows as CSV and as Parquet (filtered: a COPY per request, never cached).
 */
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { releaseApp } = require('./lib/release-app');
const { need, API_DIST } = require('./lib/modules');
const duck = require('./lib/duck');
const { figure, median } = require('./lib/results');

const COPY_OPTIONS = { csv: "FORMAT csv, HEADER true, DELIMITER ',', NEW_LINE '\\r\\n'", parquet: 'FORMAT parquet, COMPRESSION snappy' };
const GOAL = 1.3;

/** GET to the last byte; returns ms and bytes. */
function download(url) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    http.get(url, (res) => {
      let bytes = 0;
      res.on('data', (c) => { bytes += c.length; });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${url} answered ${res.statusCode}`));
        resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, bytes });
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The release's metrics table in an in-memory DuckDB, ordered as the app's release store loads it. */
async function baselineDb(app, release) {
  const { DuckDBInstance } = need('@duckdb/node-api');
  const { TABLE_SPECS } = require(path.join(API_DIST, 'releases', 'release-manifest.js'));
  const file = release.manifest.files.find((f) => f.table === 'metrics');
  const columns = new Map(file.columns.map((c) => [c.name, c.type]));
  const schema = `r_${release.id.replace('.', '_')}`;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const order = TABLE_SPECS.metrics.order.filter((c) => columns.has(c)).map((c) => `"${c}"`).join(', ');
  await conn.run(`CREATE SCHEMA ${schema}`);
  await conn.run(`CREATE TABLE ${schema}.metrics AS SELECT * FROM read_parquet('${path.join(app.dataDir, 'releases', release.id, file.name)}') ORDER BY ${order}`);
  return { conn, instance, rel: { id: release.id, schema, columns: { metrics: columns } } };
}

/** COPY (the app's export query) TO a file; returns ms. */
async function duckCopy(db, dir, format, filters) {
  const { exportQuery } = require(path.join(API_DIST, 'query', 'release-export.js'));
  const q = exportQuery(db.rel, 'metrics', { metric: [], level: [], unit: [], period: [], clientGroup: [], ...filters });
  const out = path.join(dir, `baseline-export.${format}`);
  const ms = await duck.timed(() => db.conn.run(`COPY (${q.sql}) TO '${out}' (${COPY_OPTIONS[format]})`, q.params));
  fs.rmSync(out, { force: true });
  return ms;
}

function cases(app, release) {
  const base = `${app.url}/api/v1/releases/${release.id}/download`;
  const cacheFile = path.join(app.dataDir, 'export-cache', release.id, 'metrics.csv');
  return [
    { key: 'csv-cold', name: 'release export: whole metrics table as CSV, first download', url: `${base}?format=csv`, format: 'csv', filters: {}, before: () => fs.rmSync(cacheFile, { force: true }), goal: GOAL },
    { key: 'csv-cached', name: 'release export: whole metrics table as CSV, cached', url: `${base}?format=csv`, format: 'csv', filters: {}, goal: null },
    { key: 'parquet', name: 'release export: whole metrics table as Parquet (the release file)', url: `${base}?format=parquet`, format: 'parquet', filters: {}, goal: GOAL },
    { key: 'csv-filtered', name: 'release export: municipality rows as CSV (filtered)', url: `${base}?format=csv&level=municipality`, format: 'csv', filters: { level: ['municipality'] }, goal: GOAL },
    { key: 'parquet-filtered', name: 'release export: municipality rows as Parquet (filtered)', url: `${base}?format=parquet&level=municipality`, format: 'parquet', filters: { level: ['municipality'] }, goal: GOAL },
  ];
}

async function run({ quick, log }) {
  const runs = quick ? 2 : 3;
  const shared = await releaseApp(quick, log);
  const { app, release } = shared;
  const dir = fs.mkdtempSync(path.join(app.dataDir, 'bench-export-'));
  const db = await baselineDb(app, release);
  const results = new Map();
  try {
    await download(`${app.url}/api/v1/releases/${release.id}/download?format=csv&level=national`); // loads the release into the app
    for (let i = 0; i < runs; i++) {
      for (const c of cases(app, release)) {
        c.before?.();
        let appRun;
        let baseMs;
        if (i % 2 === 0) { baseMs = await duckCopy(db, dir, c.format, c.filters); appRun = await download(c.url); } else { appRun = await download(c.url); baseMs = await duckCopy(db, dir, c.format, c.filters); }
        results.set(c.key, [...(results.get(c.key) ?? []), { ...appRun, baseMs }]);
        log(`${c.key} run ${i + 1}: app ${appRun.ms.toFixed(0)} ms (${(appRun.bytes / 1024 ** 2).toFixed(1)} MB), DuckDB COPY ${baseMs.toFixed(0)} ms`);
      }
    }
  } finally {
    db.conn.closeSync();
    db.instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return cases(app, release).map((c) => {
    const rs = results.get(c.key);
    return figure({
      name: c.name, value: median(rs.map((r) => r.ms)), unit: 'ms',
      baseline: `DuckDB COPY (same query) TO ${c.format}`, baselineValue: median(rs.map((r) => r.baseMs)),
      ratio: median(rs.map((r) => r.ms / r.baseMs)),
      goal: c.goal ? `ratio <= ${c.goal}` : null, check: c.goal ? (_v, ratio) => ratio <= c.goal : null,
      runs: rs.length, samples: rs.map((r) => r.ms), baselineSamples: rs.map((r) => r.baseMs),
      mb: rs[0].bytes / 1024 ** 2, releaseMetricRows: shared.metricsRows,
    });
  });
}

module.exports = { run };
