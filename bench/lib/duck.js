/**
 * The DuckDB baselines, in the bench process with DuckDB's default settings: each run gets a fresh database
 * file (like the warehouse) and only the load itself is timed.
 */
const fs = require('node:fs');
const path = require('node:path');
const { need } = require('./modules');
const { CSV_COLUMNS } = require('./fixtures');

const TABLE = `CREATE TABLE t (site_code VARCHAR, municipality_code VARCHAR, period VARCHAR, client_group VARCHAR, measure VARCHAR, value DOUBLE)`;
let counter = 0;

async function withFreshDb(dir, fn) {
  const { DuckDBInstance } = need('@duckdb/node-api');
  const file = path.join(dir, `baseline-${process.pid}-${counter++}.duckdb`);
  const instance = await DuckDBInstance.create(file);
  const conn = await instance.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(file, { force: true });
    fs.rmSync(`${file}.wal`, { force: true });
  }
}

async function timed(fn) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** COPY of a long CSV into a typed table: the physical limit of loading that file. */
function copyCsv(dir, file) {
  return withFreshDb(dir, async (conn) => {
    await conn.run(TABLE);
    return timed(() => conn.run(`COPY t FROM '${file}' (FORMAT csv, HEADER true)`));
  });
}

function copyParquet(dir, file) {
  return withFreshDb(dir, async (conn) => {
    await conn.run(TABLE);
    return timed(() => conn.run(`COPY t FROM '${file}' (FORMAT parquet)`));
  });
}

/**
 * DuckDB cannot read Arrow IPC without the nanoarrow extension (not bundled, not installable offline), so the
 * Arrow baseline is the shortest path in this stack: apache-arrow's batch reader handing typed columns to
 * DuckDB's appender as data chunks.
 */
function appendArrow(dir, file) {
  const { DuckDBDataChunk, VARCHAR, DOUBLE } = need('@duckdb/node-api');
  const { RecordBatchReader } = need('apache-arrow');
  return withFreshDb(dir, async (conn) => {
    await conn.run(TABLE);
    return timed(async () => {
      const appender = await conn.createAppender('t');
      const types = [VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, DOUBLE];
      const reader = await RecordBatchReader.from(fs.createReadStream(file));
      for await (const batch of reader) {
        const columns = types.map((_, j) => batch.getChildAt(j).toArray());
        for (let start = 0; start < batch.numRows; start += 2048) {
          const n = Math.min(2048, batch.numRows - start);
          const chunk = DuckDBDataChunk.create(types, n);
          chunk.setColumns(columns.map((c) => (Array.isArray(c) ? c.slice(start, start + n) : Array.from(c.subarray(start, start + n)))));
          appender.appendDataChunk(chunk);
        }
      }
      appender.flushSync();
      appender.closeSync();
    });
  });
}

module.exports = { withFreshDb, timed, copyCsv, copyParquet, appendArrow, CSV_COLUMNS };
