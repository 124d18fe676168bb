/**
 * Ingestion throughput: a long-layout CSV of ROWS rows (default 1,000,000) uploaded over HTTP to a fresh app
 * (temp DATA_DIR, embedded PGlite) until `accepted`, next to DuckDB's own read of the same file
 * (`CREATE TABLE t AS SELECT * FROM read_csv(file)`) into a table in a fresh database file, in the same process
 * with DuckDB's default settings (as the warehouse). The baseline runs before and after the upload and the
 * faster of the two counts, so that a busy machine does not flatter the ratio. Reports rows per second for both,
 * the ratio of the times and the goal (HTTP at most 1.5 x DuckDB). Needs the build (`npm run bench` runs it first).
 */
const GOAL = 1.5;
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const dist = path.join(__dirname, '..', 'apps', 'api', 'dist');

/** Writes ROWS valid long rows over the registry's sites, their served municipalities, months and groups. */
async function writeLongCsv(file, sites, measures, groups, validFrom) {
  const out = fs.createWriteStream(file);
  out.write('site_code,municipality_code,period,client_group,measure,value\n');
  let written = 0;
  let chunk = '';
  outer: for (let year = 2016; year <= 2025; year++) {
    for (let month = 1; month <= 12; month++) {
      const period = `${year}-${String(month).padStart(2, '0')}`;
      for (const s of sites) {
        if (validFrom.get(s.municipality) > `${period}-01`) continue;
        for (const g of groups) {
          for (const m of measures) {
            chunk += `${s.site},${s.municipality},${period},${g},${m},${(written % 97) + 3}\n`;
            if (++written === ROWS) break outer;
          }
          if (chunk.length > 1 << 20) {
            if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
            chunk = '';
          }
        }
      }
    }
  }
  out.end(chunk);
  await new Promise((r) => out.once('finish', r));
  if (written < ROWS) throw new Error(`registry too small for ${ROWS} rows (wrote ${written})`);
}

async function run() {
  require(require.resolve('reflect-metadata', { paths: [dist] }));
  const { buildApp } = require(path.join(dist, 'app.factory.js'));
  const { loadConfig } = require(path.join(dist, 'config.js'));
  const { runFirstStart } = require(path.join(dist, 'boot', 'first-start.js'));
  const { RegistryService } = require(path.join(dist, 'registry', 'registry.service.js'));
  const { ApiKeysService } = require(path.join(dist, 'auth', 'api-keys.service.js'));
  const { generateRegistry } = require(require.resolve('@uitkomst/fixtures', { paths: [dist] }));
  const { DuckDBInstance } = require(require.resolve('@duckdb/node-api', { paths: [dist] }));

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-bench-'));
  const config = loadConfig({ DATA_DIR: dataDir, UITKOMST_MODE: 'demo' }, { webDir: null, loadDemo: false, port: 0, maxUploadBytes: 2 * 1024 ** 3 });
  const built = await buildApp(config, { embeddedInMemory: true, logger: ['error'] });
  try {
    await built.app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${built.app.getHttpServer().address().port}`;
    await runFirstStart(built.app);
    const seed = generateRegistry({});
    await built.app.get(RegistryService).importRegistry({ keyId: null, organisationCode: null }, seed);
    const admin = await built.app.get(ApiKeysService).create({ keyId: null, organisationCode: null }, { role: 'admin', label: 'bench' });
    const sites = seed.sites.flatMap((s) => s.municipalityCodes.map((m) => ({ site: s.code, municipality: m })));
    const { MEASURE_CODES, CLIENT_GROUPS } = require(require.resolve('@uitkomst/domain', { paths: [dist] }));
    const file = path.join(dataDir, 'bench-long.csv');
    const municipalities = await built.app.get(RegistryService).db.query(`SELECT code, valid_from::text AS valid_from FROM municipalities`);
    const validFrom = new Map(municipalities.map((m) => [m.code, m.valid_from]));
    await writeLongCsv(file, sites, MEASURE_CODES.filter((m) => !/^(exits|survey|days|first_offers)/.test(m)), CLIENT_GROUPS, validFrom);
    const bytes = fs.statSync(file).size;

    // DuckDB's own read of the same file into a table, same process: in a database file like the warehouse (the
    // baseline of the goal), and in memory for reference. Each run gets a fresh instance and database file.
    let baselineRuns = 0;
    const duckRead = async (inFile) => {
      const duck = await DuckDBInstance.create(inFile ? path.join(dataDir, `baseline-${baselineRuns++}.duckdb`) : ':memory:');
      const conn = await duck.connect();
      const started = process.hrtime.bigint();
      await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv($1, header = true)`, [file]);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      conn.closeSync();
      duck.closeSync();
      return ms;
    };
    const duckMemMs = await duckRead(false);
    const duckFileBefore = await duckRead(true);

    const t = process.hrtime.bigint();
    const res = await fetch(`${url}/api/v1/submissions`, {
      method: 'POST', headers: { authorization: `Bearer ${admin.key}`, 'content-type': 'text/csv', 'content-length': String(bytes) }, body: await fs.openAsBlob(file),
    });
    const posted = await res.json();
    if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${JSON.stringify(posted)}`);
    const uploadMs = Number(process.hrtime.bigint() - t) / 1e6;
    let s = posted;
    while (!['accepted', 'rejected'].includes(s.status)) {
      s = await (await fetch(`${url}/api/v1/submissions/${posted.id}?wait=60`, { headers: { authorization: `Bearer ${admin.key}` } })).json();
    }
    const httpMs = Number(process.hrtime.bigint() - t) / 1e6;
    if (s.status !== 'accepted') throw new Error(`bench file rejected: ${JSON.stringify(s.errors.slice(0, 3))}`);
    const duckFileAfter = await duckRead(true);
    const duckMs = Math.min(duckFileBefore, duckFileAfter);
    const ratio = httpMs / duckMs;
    const [load1] = os.loadavg();
    return {
      rows: ROWS,
      'file MB': bytes / 1024 ** 2,
      'machine': `${os.availableParallelism?.() ?? os.cpus().length} cpus, load ${load1.toFixed(2)}`,
      'duckdb -> db file ms (best of 2)': duckMs,
      'duckdb -> db file ms (runs)': `${duckFileBefore.toFixed(0)} before, ${duckFileAfter.toFixed(0)} after`,
      'duckdb -> db file rows/s': ROWS / (duckMs / 1000),
      'duckdb -> memory ms (reference)': duckMemMs,
      'http upload until 202 ms': uploadMs,
      'http upload until accepted ms': httpMs,
      'http rows/s': ROWS / (httpMs / 1000),
      'ratio http / duckdb db file': ratio,
      'goal': `ratio <= ${GOAL}: ${ratio <= GOAL ? 'met' : 'NOT met'}`,
    };
  } finally {
    await built.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

module.exports = { run };
