/**
 * Ingestion throughput: a long-layout CSV of ROWS rows (default 1,000,000) uploaded over HTTP to a fresh app
 * (temp DATA_DIR, embedded PGlite) until `accepted`, next to DuckDB's own read_csv of the same file into a
 * table in the same process. Reports rows per second for both and the ratio of the times (goal <= 1.5).
 * Needs the build (`npm run bench` runs it first).
 */
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

    // DuckDB's own read of the same file into a table, same process: in memory, and in a database file like the warehouse.
    const duckRead = async (target) => {
      const duck = await DuckDBInstance.create(target);
      const conn = await duck.connect();
      const started = process.hrtime.bigint();
      await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv($1, header = true)`, [file]);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      conn.closeSync();
      duck.closeSync();
      return ms;
    };
    const duckMs = await duckRead(':memory:');
    const duckFileMs = await duckRead(path.join(dataDir, 'baseline.duckdb'));
    let t;

    t = process.hrtime.bigint();
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
    return {
      rows: ROWS,
      'file MB': bytes / 1024 ** 2,
      'duckdb read_csv in memory ms': duckMs,
      'duckdb rows/s': ROWS / (duckMs / 1000),
      'http upload (202) ms': uploadMs,
      'http until accepted ms': httpMs,
      'http rows/s': ROWS / (httpMs / 1000),
      'duckdb read_csv into a db file ms': duckFileMs,
      'ratio http / duckdb in memory': httpMs / duckMs,
      'ratio http / duckdb db file (goal <= 1.5)': httpMs / duckFileMs,
    };
  } finally {
    await built.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

module.exports = { run };
