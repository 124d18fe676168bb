/**
 * Ingestion: long-layout files from the fixture generator uploaded over HTTP to the app (`node
 * apps/api/dist/main.js`, production mode, started from a template with the fixtures registry) until the
 * submission is `accepted`, each next to DuckDB loading the very same file into a table in a fresh database file
 * in the bench process, interleaved run by run (baseline first on even runs, the app first on odd runs).
 *  - CSV at three sizes (full: 1M, 3M, 10M rows; --quick: 100k, 300k, 1M), baseline DuckDB `COPY t FROM file`;
 *  - 1M rows as Arrow IPC and as Parquet, baselines apache-arrow + DuckDB's appender and `COPY t FROM file.parquet`;
 *  - the app's peak RSS (VmHWM after a reset) during each upload, and for the smallest and largest CSV again in an
 *    app started with DUCKDB_MEMORY_LIMIT (docs/operations.md), to show what bounds it.
 * Every upload holds rows no earlier upload to the same app held (consecutive slices of the fixture file), so
 * nothing is superseded; when the fixture rows run out, the next runs get a fresh app from the template. Each app
 * first gets a small upload that is not measured (the first submission after a start pays one-off costs).
 * The app's debounced metrics rebuild after each accepted upload is switched off (METRICS_DEBOUNCE_MS): it runs on
 * the warehouse's single writer, and an upload arriving during it waits for it (see docs/performance.md).
 */
const fs = require('node:fs');
const path = require('node:path');
const { startApp, uploadUntilFinal } = require('./lib/app-process');
const { sliceCsv, csvToArrow, csvToParquet } = require('./lib/fixtures');
const duck = require('./lib/duck');
const { prepared, onCleanup } = require('./lib/shared');
const { figure, median } = require('./lib/results');

const MEDIA = { csv: 'text/csv', arrow: 'application/vnd.apache.arrow.stream', parquet: 'application/vnd.apache.parquet' };
const EXT = { csv: 'csv', arrow: 'arrows', parquet: 'parquet' };
const NO_REBUILD = { METRICS_DEBOUNCE_MS: '2000000000' }; // below 2^31 ms, which setTimeout would treat as 1 ms
const HEADLINE_ROWS = 1_000_000;
const MEMORY_LIMIT = '512MB';
const WARM_UP_ROWS = 10_000;

function settings(quick) {
  return quick
    ? { scale: 1, sizes: [100_000, 300_000, 1_000_000], runs: { growth: 2, headline: 3, formats: 1 } }
    : { scale: 3, sizes: [1_000_000, 3_000_000, 10_000_000], runs: { growth: 3, headline: 3, formats: 3 } };
}

/** The runs in the order they are measured: round by round, every size and format in each round. */
function plan({ sizes, runs }) {
  const list = [];
  const rounds = Math.max(runs.growth, runs.headline, runs.formats);
  for (let round = 0; round < rounds; round++) {
    for (const rows of sizes) {
      if (round < (rows === HEADLINE_ROWS ? runs.headline : runs.growth)) list.push({ format: 'csv', rows, round });
    }
    if (round < runs.formats) list.push({ format: 'arrow', rows: HEADLINE_ROWS, round }, { format: 'parquet', rows: HEADLINE_ROWS, round });
  }
  return list;
}

/** Hands out fixture rows no upload to the current app has held; a fresh app when they run out. */
class AppWithFreshRows {
  constructor(template, set, env = NO_REBUILD) {
    this.template = template;
    this.env = env;
    this.setFile = set.facts;
    this.totalRows = set.rows;
    this.app = null;
    this.cursor = 0;
    this.apps = 0;
  }

  async rowsFor(count) {
    if (count + WARM_UP_ROWS > this.totalRows) throw new Error(`the fixture set has ${this.totalRows} rows, fewer than ${count}`);
    if (!this.app || this.cursor + count > this.totalRows) {
      await this.app?.stop();
      this.app = await startApp({ template: this.template, env: this.env });
      this.apps++;
      this.cursor = 0;
      await this.warmUp();
    }
    const skip = this.cursor;
    this.cursor += count;
    return { app: this.app, skip };
  }

  /** A first small upload, not measured: the first submission after a start pays one-off costs (macros, JIT). */
  async warmUp() {
    const file = path.join(path.dirname(this.setFile), `warm-up-${this.apps}.csv`);
    await sliceCsv(this.setFile, 0, WARM_UP_ROWS, file);
    await uploadUntilFinal(this.app, file, MEDIA.csv);
    fs.rmSync(file, { force: true });
    this.cursor = WARM_UP_ROWS;
  }

  stop() {
    return this.app?.stop();
  }
}

/** Writes the run's file (not timed) and returns its path and size. */
async function runFile(dir, set, run, skip) {
  const csv = path.join(dir, `run-${run.format}-${run.rows}-${run.round}.csv`);
  await sliceCsv(set.facts, skip, run.rows, csv);
  if (run.format === 'csv') return { file: csv, bytes: fs.statSync(csv).size, extra: [] };
  const file = csv.replace(/csv$/, EXT[run.format]);
  if (run.format === 'arrow') await csvToArrow(csv, file);
  else await duck.withFreshDb(dir, (conn) => csvToParquet(conn, csv, file));
  return { file, bytes: fs.statSync(file).size, extra: [csv] };
}

const BASELINE = { csv: duck.copyCsv, arrow: duck.appendArrow, parquet: duck.copyParquet };

async function measure(app, dir, run, file) {
  const baseline = () => BASELINE[run.format](dir, file);
  const upload = async () => {
    app.resetPeak();
    const rssBefore = app.rssMb();
    const r = await uploadUntilFinal(app, file, MEDIA[run.format]);
    return { ms: r.ms, uploadMs: r.uploadMs, peakMb: app.peakMb(), rssBeforeMb: rssBefore, values: r.submission.valueCount };
  };
  if (run.round % 2 === 0) {
    const baselineMs = await baseline();
    return { ...(await upload()), baselineMs };
  }
  const r = await upload();
  return { ...r, baselineMs: await baseline() };
}

const fmtRows = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
const LABEL = { csv: 'long CSV', arrow: 'Arrow IPC', parquet: 'Parquet' };
const BASELINE_LABEL = {
  csv: 'DuckDB COPY of the same file into a table',
  arrow: 'apache-arrow reader + DuckDB appender, same file (DuckDB has no built-in Arrow IPC reader)',
  parquet: 'DuckDB COPY of the same Parquet file into a table',
};

function figures(results, { sizes }) {
  const of = (format, rows) => results.filter((r) => r.format === format && r.rows === rows);
  const out = [];
  for (const format of ['csv', 'arrow', 'parquet']) {
    for (const rows of format === 'csv' ? sizes : [HEADLINE_ROWS]) {
      const rs = of(format, rows);
      if (!rs.length) continue;
      const headline = rows === HEADLINE_ROWS;
      const goal = !headline ? null : format === 'csv' ? 1.5 : 1.3;
      out.push(figure({
        name: `ingest ${fmtRows(rows)} rows ${LABEL[format]} over HTTP until accepted`,
        value: median(rs.map((r) => r.ms)), unit: 'ms',
        baseline: BASELINE_LABEL[format], baselineValue: median(rs.map((r) => r.baselineMs)),
        ratio: median(rs.map((r) => r.ms / r.baselineMs)),
        goal: goal ? `ratio <= ${goal}` : null, check: goal ? (_v, ratio) => ratio <= goal : null,
        runs: rs.length, samples: rs.map((r) => r.ms), baselineSamples: rs.map((r) => r.baselineMs),
        rowsPerSecond: Math.round(rows / (median(rs.map((r) => r.ms)) / 1000)),
        uploadOnlyMs: median(rs.map((r) => r.uploadMs)), fileMb: rs[0].bytes / 1024 ** 2,
      }));
    }
  }
  const csvAt = (rows) => median(of('csv', rows).map((r) => r.ms));
  const duckAt = (rows) => median(of('csv', rows).map((r) => r.baselineMs));
  const [base] = sizes;
  for (const rows of sizes.slice(1)) {
    const factor = rows / base;
    out.push(figure({
      name: `ingest CSV growth: ${fmtRows(rows)} rows (${factor}x) vs ${fmtRows(base)} rows`,
      value: csvAt(rows), unit: 'ms', baseline: `the same at ${fmtRows(base)} rows (1x)`, baselineValue: csvAt(base),
      goal: `about ${factor} (linear)`, runs: of('csv', rows).length,
      msPerMillionRows: csvAt(rows) / (rows / 1e6), baselineMsPerMillionRows: csvAt(base) / (base / 1e6),
      duckdbRatio: duckAt(rows) / duckAt(base),
    }));
  }
  const peakAt = (rows, format = 'csv') => median(of(format, rows).map((r) => r.peakMb));
  const headline = of('csv', HEADLINE_ROWS);
  out.push(figure({
    name: `app peak RSS during the ${fmtRows(HEADLINE_ROWS)}-row CSV ingest`,
    value: peakAt(HEADLINE_ROWS), unit: 'MB', baseline: 'size of the CSV file', baselineValue: headline[0].bytes / 1024 ** 2,
    goal: null, runs: headline.length, samples: headline.map((r) => r.peakMb),
    rssBeforeMb: median(headline.map((r) => r.rssBeforeMb)), peakAboveRssBeforeMb: median(headline.map((r) => r.peakMb - r.rssBeforeMb)),
  }));
  const last = sizes[sizes.length - 1];
  out.push(figure({
    name: `app peak RSS during CSV ingest: ${fmtRows(last)} rows vs ${fmtRows(base)} rows (file ${last / base}x)`,
    value: peakAt(last), unit: 'MB', baseline: `peak RSS during the ${fmtRows(base)}-row ingest`, baselineValue: peakAt(base),
    goal: 'bounded: ratio < 2', check: (_v, ratio) => ratio < 2, runs: of('csv', last).length,
    fileRatio: of('csv', last)[0].bytes / of('csv', base)[0].bytes,
  }));
  const limited = of('csv-limited', last);
  if (limited.length && of('csv-limited', base).length) {
    out.push(figure({
      name: `app peak RSS during CSV ingest with DUCKDB_MEMORY_LIMIT=${MEMORY_LIMIT}: ${fmtRows(last)} rows vs ${fmtRows(base)} rows`,
      value: peakAt(last, 'csv-limited'), unit: 'MB', baseline: `the same at ${fmtRows(base)} rows`, baselineValue: peakAt(base, 'csv-limited'),
      goal: 'bounded: ratio < 2', check: (_v, ratio) => ratio < 2, runs: limited.length,
    }));
    out.push(figure({
      name: `ingest ${fmtRows(last)} rows long CSV with DUCKDB_MEMORY_LIMIT=${MEMORY_LIMIT}`,
      value: median(limited.map((r) => r.ms)), unit: 'ms', baseline: 'the same without a limit (DuckDB default: 80 % of RAM)',
      baselineValue: csvAt(last), goal: null, runs: limited.length, samples: limited.map((r) => r.ms),
    }));
  }
  for (const format of ['arrow', 'parquet']) {
    const rs = of(format, HEADLINE_ROWS);
    if (!rs.length) continue;
    out.push(figure({
      name: `app peak RSS during the ${fmtRows(HEADLINE_ROWS)}-row ${LABEL[format]} ingest`,
      value: median(rs.map((r) => r.peakMb)), unit: 'MB', baseline: `size of the ${LABEL[format]} file`, baselineValue: rs[0].bytes / 1024 ** 2,
      runs: rs.length, rssBeforeMb: median(rs.map((r) => r.rssBeforeMb)),
    }));
  }
  return out;
}

async function run({ quick, log }) {
  const s = settings(quick);
  const { set, template } = await prepared(s.scale);
  const dir = fs.mkdtempSync(path.join(set.dir, 'ingestion-'));
  const apps = new AppWithFreshRows(template, set);
  const limitedApps = new AppWithFreshRows(template, set, { ...NO_REBUILD, DUCKDB_MEMORY_LIMIT: MEMORY_LIMIT });
  onCleanup(() => apps.stop());
  onCleanup(() => limitedApps.stop());
  const results = [];
  const smallest = s.sizes[0];
  const largest = s.sizes[s.sizes.length - 1];
  const limitedRuns = Array.from({ length: s.runs.growth }, (_, round) => [smallest, largest].map((rows) => ({ format: 'csv-limited', rows, round }))).flat();
  try {
    for (const r of [...plan(s), ...limitedRuns]) {
      const limited = r.format === 'csv-limited';
      const { app, skip } = await (limited ? limitedApps : apps).rowsFor(r.rows);
      const { file, bytes, extra } = await runFile(dir, set, limited ? { ...r, format: 'csv' } : r, skip);
      const m = await measure(app, dir, limited ? { ...r, format: 'csv' } : r, file);
      if (m.values !== r.rows) throw new Error(`${path.basename(file)}: ${m.values} values accepted, expected ${r.rows}`);
      results.push({ ...r, ...m, bytes });
      log(`${r.format} ${fmtRows(r.rows)} run ${r.round + 1}: app ${m.ms.toFixed(0)} ms (upload ${m.uploadMs.toFixed(0)}), DuckDB ${m.baselineMs.toFixed(0)} ms, peak RSS ${m.peakMb.toFixed(0)} MB`);
      for (const f of [file, ...extra]) fs.rmSync(f, { force: true });
    }
  } finally {
    await apps.stop();
    await limitedApps.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  log(`fixture scale ${s.scale} (${set.rows} rows), ${apps.apps + limitedApps.apps} app start(s) from the template`);
  return figures(results, s);
}

module.exports = { run };
