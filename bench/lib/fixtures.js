/**
 * Bench data from the fixture generator (`node fixtures/dist/cli.js`, long layout, one file), generated once per
 * scale and bench run into a temporary folder, then cut into files of exact row counts (the generator writes
 * month by month and each row once, so consecutive slices hold different keys and never supersede one another) and converted to
 * Parquet (DuckDB COPY) and Arrow IPC (apache-arrow's stream writer).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { ROOT } = require('./app-process');
const { need } = require('./modules');

const CLI = path.join(ROOT, 'fixtures', 'dist', 'cli.js');
let rootDir = null; // made on first use, removed by cleanup()
const sets = new Map();

/** The registry and the long facts CSV of one fixture scale (and optional month window): { dir, registry, facts, rows }. */
function fixtureSet(scale, { from, to } = {}) {
  const key = `${scale}-${from ?? ''}-${to ?? ''}`;
  if (sets.has(key)) return sets.get(key);
  rootDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'uitkomst-bench-data-'));
  const dir = path.join(rootDir, `fixtures-${key}`);
  const args = [CLI, '--out', dir, '--layout', 'long', '--split', 'none', '--scale', String(scale), ...(from ? ['--from', from] : []), ...(to ? ['--to', to] : [])];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8' });
  const rows = Number(/^(\S+)\tfacts\t(\d+) rows/m.exec(out)[2]);
  const set = { dir, registry: path.join(dir, 'registry.json'), facts: path.join(dir, 'facts_long.csv'), rows, scale };
  sets.set(key, set);
  return set;
}

/** Writes data rows skip+1 .. skip+rows of `src` (with its header) to `out`, in one streaming pass; returns the byte size. */
async function sliceCsv(src, skip, rows, out) {
  const input = fs.createReadStream(src, { highWaterMark: 1 << 22 });
  const fd = fs.openSync(out, 'w');
  let line = -1; // the line being read; -1 is the header
  const keeping = () => line === -1 || (line >= skip && line < skip + rows);
  let done = false;
  try {
    for await (const chunk of input) {
      let pos = 0;
      let segment = keeping() ? 0 : -1; // start of the kept bytes in this chunk
      while (!done) {
        const nl = chunk.indexOf(10, pos);
        if (nl < 0) break;
        pos = nl + 1;
        const kept = keeping();
        line++;
        if (kept && !keeping()) {
          fs.writeSync(fd, chunk.subarray(segment, pos));
          segment = -1;
        } else if (!kept && keeping()) segment = pos;
        done = line >= skip + rows;
      }
      if (done) break;
      if (segment >= 0) fs.writeSync(fd, chunk.subarray(segment));
    }
  } finally {
    input.destroy();
    fs.closeSync(fd);
  }
  if (!done) throw new Error(`${src} has ${Math.max(0, line)} data rows, fewer than ${skip + rows}`);
  return fs.statSync(out).size;
}

const CSV_COLUMNS = "{'site_code': 'VARCHAR', 'municipality_code': 'VARCHAR', 'period': 'VARCHAR', 'client_group': 'VARCHAR', 'measure': 'VARCHAR', 'value': 'DOUBLE'}";
const readCsvSql = (file) => `read_csv('${file}', header = true, columns = ${CSV_COLUMNS})`;

/** The same rows as Parquet (snappy, DuckDB's writer), typed as a submitter's tool would write them. */
async function csvToParquet(conn, csv, out) {
  await conn.run(`COPY (SELECT * FROM ${readCsvSql(csv)}) TO '${out}' (FORMAT parquet, COMPRESSION snappy)`);
  return fs.statSync(out).size;
}

/** A Utf8 Arrow vector built from one buffer and offsets (apache-arrow's builder is ~10x slower). */
function utf8Vector(arrow, strings) {
  const offsets = new Int32Array(strings.length + 1);
  let bytes = 0;
  for (let i = 0; i < strings.length; i++) {
    bytes += Buffer.byteLength(strings[i]);
    offsets[i + 1] = bytes;
  }
  const data = Buffer.from(strings.join(''));
  return arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: strings.length, nullCount: 0, valueOffsets: offsets, data }));
}

/**
 * The same rows as an Arrow IPC stream (Utf8 keys, Float64 value), in record batches of 64k rows, as a
 * submitter's dataframe tool would write them. Fixture CSVs have no quoting, so lines split on commas.
 */
async function csvToArrow(csv, out) {
  const arrow = need('apache-arrow');
  const lines = fs.readFileSync(csv, 'utf8').split('\n');
  const names = lines[0].split(',');
  const writer = new arrow.RecordBatchStreamWriter();
  const sink = fs.createWriteStream(out);
  const piped = new Promise((resolve, reject) => { sink.on('finish', resolve); sink.on('error', reject); });
  writer.toNodeStream().pipe(sink);
  const BATCH = 65536;
  for (let start = 1; start < lines.length; start += BATCH) {
    const cols = names.map(() => []);
    for (const line of lines.slice(start, start + BATCH)) {
      if (!line) continue;
      const cells = line.split(',');
      for (let i = 0; i < cells.length; i++) cols[i].push(cells[i]);
    }
    if (cols[0].length === 0) continue;
    const vectors = Object.fromEntries(names.map((n, i) => [n, n === 'value' ? arrow.makeVector(Float64Array.from(cols[i], Number)) : utf8Vector(arrow, cols[i])]));
    for (const b of new arrow.Table(vectors).batches) writer.write(b);
  }
  writer.finish();
  await piped;
  return fs.statSync(out).size;
}

function cleanup() {
  if (rootDir) fs.rmSync(rootDir, { recursive: true, force: true });
  rootDir = null;
  sets.clear();
}

module.exports = { fixtureSet, sliceCsv, csvToParquet, csvToArrow, readCsvSql, CSV_COLUMNS, cleanup };
