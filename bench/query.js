/**
 * Public read API latency and export throughput on a large released data set.
 *
 * A fresh app (temp DATA_DIR, embedded PGlite unless DATABASE_URL) gets the fixtures registry and the fixtures
 * facts at BENCH_SCALE (default 1, about 5.7 million long rows) written straight into DuckDB, then publishes a
 * release. Then, at BENCH_CONCURRENCY (64) keep-alive connections over loopback and a bounded number of requests:
 *  - /api/v1/metrics and /api/v1/benchmark (random municipality, metric and year per request),
 *  - the same aggregation served the way a typical TypeORM app would: the facts in a PostgreSQL table and a
 *    GROUP BY per request (on the app's own PostgreSQL), behind a plain node:http route,
 *  - export throughput of the whole metrics table as CSV, Arrow and Parquet.
 * Prints row counts, p50/p95 latencies, requests/s and the ratios (goals: p95 < 25 ms, >= 10x the baseline).
 */
const fs = require('node:fs');
const http = require('node:http');
const { isMainThread, parentPort, Worker, workerData } = require('node:worker_threads');
const os = require('node:os');
const path = require('node:path');

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 6400);
const BASELINE_REQUESTS = Number(process.env.BENCH_BASELINE_REQUESTS ?? 640);
const dist = path.join(__dirname, '..', 'apps', 'api', 'dist');

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(url) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    http.get(url, { agent }, (res) => {
      let bytes = 0;
      res.on('data', (c) => { bytes += c.length; });
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, bytes }));
    }).on('error', reject);
  });
}

/** `total` requests from `concurrency` workers; returns p50/p95 and requests per second. */
async function load(makeUrl, total, concurrency = CONCURRENCY) {
  const latencies = [];
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      const r = await get(makeUrl());
      if (r.status !== 200) failures++;
      latencies.push(r.ms);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { p50: q(0.5), p95: q(0.95), rps: total / seconds, failures };
}

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

/** Runs `load` in a worker thread so the load generator does not share the server's event loop. */
function loadInWorker(template, pools, total) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { template, pools, total, concurrency: CONCURRENCY } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** `template` has {name} slots filled with a random value of pools[name] per request. */
const fill = (template, pools) => template.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(pick(pools[k])));

if (!isMainThread && workerData?.template) {
  load(() => fill(workerData.template, workerData.pools), workerData.total, workerData.concurrency)
    .then((r) => { agent.destroy(); parentPort.postMessage(r); });
}

async function loadFactsIntoDuckDb(warehouse, file) {
  await warehouse.write(async (conn) => {
    await conn.run(`INSERT INTO fact_values SELECT 'bench', site_code, municipality_code, CAST(period || '-01' AS DATE), client_group, measure, value, now(), NULL
                      FROM read_csv($1, header = true, columns = {'site_code': 'VARCHAR', 'municipality_code': 'VARCHAR', 'period': 'VARCHAR', 'client_group': 'VARCHAR', 'measure': 'VARCHAR', 'value': 'DOUBLE'})`, [file]);
  });
  const [{ n }] = await warehouse.query(`SELECT CAST(count(*) AS DOUBLE) AS n FROM fact_values`);
  return n;
}

/** The baseline's facts: the three measures behind outflow_to_work, in a PostgreSQL table with an index. */
async function loadFactsIntoPostgres(db, warehouse) {
  await db.query(`DROP TABLE IF EXISTS bench_facts`);
  await db.query(`CREATE TABLE bench_facts (site_code varchar(40), municipality_code varchar(6), period date, client_group varchar(20), measure varchar(40), value double precision)`);
  const rows = await warehouse.query(`SELECT site_code, municipality_code, CAST(period AS VARCHAR) AS period, client_group, measure, value FROM fact_values
                                       WHERE measure IN ('exits_to_work', 'clients_start', 'clients_new')`);
  const batch = 2000;
  for (let i = 0; i < rows.length; i += batch) {
    const slice = rows.slice(i, i + batch);
    const params = [];
    const values = slice.map((r, j) => {
      params.push(r.site_code, r.municipality_code, r.period, r.client_group, r.measure, r.value);
      return `($${j * 6 + 1}, $${j * 6 + 2}, $${j * 6 + 3}, $${j * 6 + 4}, $${j * 6 + 5}, $${j * 6 + 6})`;
    });
    await db.query(`INSERT INTO bench_facts VALUES ${values.join(', ')}`, params);
  }
  await db.query(`CREATE INDEX bench_facts_period ON bench_facts (period, measure)`);
  await db.query(`ANALYZE bench_facts`);
  return rows.length;
}

/** The typical way: aggregate the facts per request. */
function startBaseline(db) {
  const server = http.createServer(async (req, res) => {
    try {
      const u = new URL(req.url, 'http://x');
      const year = Number(u.searchParams.get('period'));
      const rows = await db.query(
        `SELECT municipality_code AS unit, sum(value) FILTER (WHERE measure = 'exits_to_work') AS numerator,
                sum(value) FILTER (WHERE measure IN ('clients_start', 'clients_new')) AS denominator
           FROM bench_facts WHERE period >= $1 AND period < $2 AND municipality_code = $3 GROUP BY municipality_code`,
        [`${year}-01-01`, `${year + 1}-01-01`, u.searchParams.get('unit')]);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(rows.map((r) => ({ ...r, value: r.numerator / r.denominator }))));
    } catch (err) {
      res.statusCode = 500;
      res.end(String(err));
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function exportRate(url, rows) {
  const started = process.hrtime.bigint();
  const r = await get(url);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 200) throw new Error(`${url}: ${r.status}`);
  return { rowsPerSecond: rows / seconds, mb: r.bytes / 1024 ** 2, seconds };
}

async function run() {
  require(require.resolve('reflect-metadata', { paths: [dist] }));
  const { buildApp } = require(path.join(dist, 'app.factory.js'));
  const { loadConfig } = require(path.join(dist, 'config.js'));
  const { runFirstStart } = require(path.join(dist, 'boot', 'first-start.js'));
  const { RegistryService } = require(path.join(dist, 'registry', 'registry.service.js'));
  const { ReleasesService } = require(path.join(dist, 'releases', 'releases.service.js'));
  const { writeDemoSet } = require(require.resolve('@uitkomst/fixtures', { paths: [dist] }));

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-bench-query-'));
  const config = loadConfig({ DATA_DIR: dataDir, UITKOMST_MODE: 'demo', DATABASE_URL: process.env.DATABASE_URL ?? '' }, { webDir: null, loadDemo: false, port: 0 });
  const built = await buildApp(config, { embeddedInMemory: true, logger: ['error'] });
  let baseline = null;
  try {
    await built.app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${built.app.getHttpServer().address().port}`;
    await runFirstStart(built.app);
    const written = await writeDemoSet({ outDir: path.join(dataDir, 'fixtures'), layout: 'long', splitBy: 'none', scale: SCALE });
    const registry = JSON.parse(fs.readFileSync(written.find((f) => f.kind === 'registry').file, 'utf8'));
    const registryService = built.app.get(RegistryService);
    await registryService.importRegistry({ keyId: null, organisationCode: null }, registry);
    const factRows = await loadFactsIntoDuckDb(built.warehouse, written.find((f) => f.kind === 'facts').file);

    let t = process.hrtime.bigint();
    const release = await built.app.get(ReleasesService).publish({ keyId: null, organisationCode: null }, 'bench');
    const publishMs = Number(process.hrtime.bigint() - t) / 1e6;
    const metricRows = release.manifest.files.find((f) => f.table === 'metrics').rows;

    const municipalities = (await (await fetch(`${url}/api/v1/metrics?metric=outflow_to_work&level=municipality&period=2025`)).json()).map((r) => r.unit);
    const metrics = ['outflow_to_work', 'sustained_outflow', 'satisfaction_share', 'cost_per_case'];
    const years = ['2019', '2020', '2021', '2022', '2023', '2024', '2025'];
    await get(`${url}/api/v1/metrics?metric=outflow_to_work&level=municipality&unit=${municipalities[0]}&period=2025`); // load the release once

    const pools = { metric: metrics, unit: municipalities, period: years };
    const cold = await loadInWorker(`${url}/api/v1/metrics?metric={metric}&level=municipality&unit={unit}&period={period}`, pools, CONCURRENCY * 10);
    const m = await loadInWorker(`${url}/api/v1/metrics?metric={metric}&level=municipality&unit={unit}&period={period}`, pools, REQUESTS);
    const b = await loadInWorker(`${url}/api/v1/benchmark?metric={metric}&unit={unit}&period={period}`, pools, REQUESTS);

    t = process.hrtime.bigint();
    const pgRows = await loadFactsIntoPostgres(registryService.db, built.warehouse);
    const pgLoadMs = Number(process.hrtime.bigint() - t) / 1e6;
    baseline = await startBaseline(registryService.db);
    const baseUrl = `http://127.0.0.1:${baseline.address().port}`;
    const pg = await loadInWorker(`${baseUrl}/metrics?unit={unit}&period={period}`, pools, BASELINE_REQUESTS);

    const csv = await exportRate(`${url}/api/v1/releases/${release.id}/download?format=csv`, metricRows);
    const arrow = await exportRate(`${url}/api/v1/releases/${release.id}/download?format=arrow`, metricRows);
    const parquet = await exportRate(`${url}/api/v1/releases/${release.id}/download?format=parquet&level=site,municipality,region,national`, metricRows);
    return {
      'fixtures scale': SCALE,
      'fact rows (DuckDB)': factRows,
      'metric rows in release': metricRows,
      'baseline fact rows (PostgreSQL)': pgRows,
      'publish release ms': publishMs,
      'baseline load into PostgreSQL ms': pgLoadMs,
      concurrency: CONCURRENCY,
      '/metrics requests': REQUESTS,
      '/metrics first 640 requests (cold partitions) p95 ms': cold.p95,
      '/metrics p50 ms': m.p50,
      '/metrics p95 ms (goal < 25)': m.p95,
      '/metrics requests/s': m.rps,
      '/benchmark p50 ms': b.p50,
      '/benchmark p95 ms (goal < 25)': b.p95,
      '/benchmark requests/s': b.rps,
      'non-200 answers': m.failures + b.failures + cold.failures,
      'PostgreSQL GROUP BY requests': BASELINE_REQUESTS,
      'PostgreSQL GROUP BY p50 ms': pg.p50,
      'PostgreSQL GROUP BY p95 ms': pg.p95,
      'PostgreSQL GROUP BY requests/s': pg.rps,
      'throughput ratio /metrics vs PostgreSQL (goal >= 10)': m.rps / pg.rps,
      'p95 ratio PostgreSQL / metrics': pg.p95 / m.p95,
      'export CSV rows/s': csv.rowsPerSecond,
      'export CSV MB': csv.mb,
      'export Arrow rows/s': arrow.rowsPerSecond,
      'export Parquet (via a filter, COPY) rows/s': parquet.rowsPerSecond,
    };
  } finally {
    baseline?.close();
    agent.destroy();
    await built.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

module.exports = { run };
