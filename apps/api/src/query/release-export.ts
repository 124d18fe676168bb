/**
 * Streaming downloads of one release table, optionally filtered like /metrics: rows go from DuckDB to the
 * socket chunk by chunk (CSV, Excel CSV, JSON, Arrow), or through a temporary Parquet file written by COPY.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { RecordBatchStreamWriter } from 'apache-arrow';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { ColumnKind, ColumnSpec, toArrowTable } from './formats';
import { Where } from './metric-rows';
import { periodBounds } from './query-params';
import type { LoadedRelease } from './release-store';
import { ReleaseTable, TABLE_SPECS } from '../releases/release-manifest';

export const EXPORT_FORMATS = ['csv', 'csv-excel', 'parquet', 'arrow', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_TABLES = ['metrics', 'facts', 'peers', 'typology', 'sites'] as const;

export interface ExportFilters { metric: string[]; level: string[]; unit: string[]; grain?: string; period: string[]; from?: string; to?: string; clientGroup: string[] }

export const isFiltered = (f: ExportFilters) => !!(f.metric.length || f.level.length || f.unit.length || f.grain || f.period.length || f.from || f.to || f.clientGroup.length);

function kindOf(duckType: string): ColumnKind | 'date' {
  if (/^(BOOLEAN)$/.test(duckType)) return 'boolean';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/.test(duckType)) return 'number';
  if (/^(DATE|TIMESTAMP.*|TIME.*)$/.test(duckType)) return 'date';
  return 'text';
}

/** SELECT of a release table with its filters; numbers as DOUBLE, dates as ISO text, so every format sees the same values. */
export function exportQuery(rel: LoadedRelease, table: ReleaseTable, f: ExportFilters): { sql: string; params: DuckDBValue[]; columns: ColumnSpec[] } {
  const cols = rel.columns[table];
  const columns: ColumnSpec[] = [];
  const select: string[] = [];
  for (const [name, type] of cols) {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) continue;
    const kind = kindOf(type);
    select.push(kind === 'number' ? `CAST("${name}" AS DOUBLE) AS "${name}"` : kind === 'date' || kind === 'text' ? `CAST("${name}" AS VARCHAR) AS "${name}"` : `"${name}"`);
    columns.push({ name, kind: kind === 'date' ? 'text' : kind });
  }
  const w = new Where();
  const filter = (col: string, values: string[]) => { if (cols.has(col)) w.in(col, values); };
  filter('metric', f.metric); filter('level', f.level); filter('unit', f.unit); filter('period', f.period); filter('client_group', f.clientGroup);
  if (f.grain && cols.has('grain')) w.eq('grain', f.grain);
  if (f.from && cols.has('period_start')) w.cmp('period_start', '>=', periodBounds(f.from).start);
  if (f.to && cols.has('period_end')) w.cmp('period_end', '<=', periodBounds(f.to).end);
  const order = TABLE_SPECS[table].order.filter((c) => cols.has(c)).map((c) => `"${c}"`);
  return { sql: `SELECT ${select.join(', ')} FROM ${rel.schema}.${table} ${w.sql()} ORDER BY ${order.length ? order.join(', ') : 'ALL'}`, params: w.params, columns };
}

async function write(res: ServerResponse, data: string | Buffer | Uint8Array) {
  if (res.write(data) || res.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Streams the query result as Arrow IPC, batch by batch; returns the number of rows sent. */
export async function streamArrow(conn: DuckDBConnection, res: ServerResponse, q: ReturnType<typeof exportQuery>): Promise<number> {
  const result = await conn.stream(q.sql, q.params);
  const names = q.columns.map((c) => c.name);
  const arrow = new RecordBatchStreamWriter();
  arrow.toNodeStream().pipe(res);
  let rows = 0;
  for (;;) {
    if (res.destroyed) break;
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const objects = chunk.getRowObjects(names) as Record<string, unknown>[];
    for (const b of toArrowTable({ columns: q.columns, rows: objects }).batches) arrow.write(b);
    rows += chunk.rowCount;
  }
  if (rows === 0) for (const b of toArrowTable({ columns: q.columns, rows: [] }).batches) arrow.write(b);
  arrow.finish();
  await once(res, 'finish').catch(() => undefined);
  return rows;
}

/**
 * Text cells a spreadsheet would read as a formula get a leading quote (as neutraliseText does); numbers
 * never. For Excel CSV, numbers are written with a decimal comma (DuckDB's CSV writer has no such option).
 */
function spreadsheetSafeSql(q: ReturnType<typeof exportQuery>, decimalComma: boolean): string {
  const cols = q.columns.map((c) => {
    if (c.kind === 'text') return `CASE WHEN regexp_matches("${c.name}", '^[=+\\-@\\t\\r]') THEN '''' || "${c.name}" ELSE "${c.name}" END AS "${c.name}"`;
    if (c.kind === 'number' && decimalComma) return `replace(CAST("${c.name}" AS VARCHAR), '.', ',') AS "${c.name}"`;
    return `"${c.name}"`;
  });
  return `SELECT ${cols.join(', ')} FROM (${q.sql})`;
}

const COPY_OPTIONS = {
  parquet: 'FORMAT parquet, COMPRESSION snappy',
  csv: "FORMAT csv, HEADER true, DELIMITER ',', NEW_LINE '\\r\\n'",
  'csv-excel': "FORMAT csv, HEADER true, DELIMITER ';', NEW_LINE '\\r\\n'",
  json: 'FORMAT json, ARRAY true',
} as const;

/**
 * DuckDB's own writers make the file (far faster than formatting rows in JavaScript), into a temporary
 * file that is sent while it is written and deleted afterwards. Excel CSV gets a BOM so that Excel reads it
 * as UTF-8. With `cacheFile` (whole tables of an immutable release), the file is kept and served again next time.
 */
export async function streamCopy(conn: DuckDBConnection, res: ServerResponse, q: ReturnType<typeof exportQuery>, format: keyof typeof COPY_OPTIONS, cacheFile?: string): Promise<void> {
  if (cacheFile && fs.existsSync(cacheFile)) return sendExport(res, cacheFile, format);
  const file = path.join(cacheFile ? path.dirname(cacheFile) : os.tmpdir(), `uitkomst-export-${randomUUID()}.tmp`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    const sql = format === 'parquet' ? q.sql : spreadsheetSafeSql(q, format === 'csv-excel');
    const copied = conn.run(`COPY (${sql}) TO '${file}' (${COPY_OPTIONS[format]})`, q.params).then(() => undefined);
    try {
      if (format === 'csv-excel') await write(res, BOM);
      await streamWhileWritten(res, file, copied);
    } finally {
      await copied.catch(() => undefined);
    }
    if (cacheFile) fs.renameSync(file, cacheFile);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

const BOM = Buffer.from('\uFEFF');
const READ_CHUNK = 1 << 20;
const POLL_MS = 5;

/**
 * Sends a file while DuckDB's COPY is still writing it, so that the download takes about as long as the COPY
 * rather than the COPY and then the transfer. DuckDB's writers only append, so every byte up to the file's
 * current size is final. Ends the response once the file is complete. Rejects with the COPY's error (after a
 * partial answer the exception filter cuts the connection); when the client goes away it stops sending but
 * still waits for the COPY.
 */
export async function streamWhileWritten(res: ServerResponse, file: string, written: Promise<void>): Promise<void> {
  let complete = false;
  const finished = written.then(() => { complete = true; }, () => { complete = true; });
  let handle: fs.promises.FileHandle | null = null;
  try {
    let pos = 0;
    let chunk = Buffer.allocUnsafe(READ_CHUNK);
    while (!res.destroyed) {
      const last = complete; // a pass that starts after the COPY ended reads to the true end
      handle ??= await fs.promises.open(file, 'r').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
      const n = handle ? (await handle.read(chunk, 0, READ_CHUNK, pos)).bytesRead : 0;
      if (n > 0) {
        pos += n;
        await write(res, chunk.subarray(0, n));
        chunk = Buffer.allocUnsafe(READ_CHUNK); // the socket may still hold the one just written
      } else if (last) break;
      else await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, POLL_MS))]);
    }
  } finally {
    await handle?.close();
  }
  await written;
  res.end();
}

async function sendExport(res: ServerResponse, file: string, format: keyof typeof COPY_OPTIONS) {
  res.setHeader('Content-Length', String(fs.statSync(file).size + (format === 'csv-excel' ? BOM.length : 0)));
  if (format === 'csv-excel') await write(res, BOM);
  await streamFile(res, file);
}

export async function streamFile(res: ServerResponse, file: string): Promise<void> {
  const stream = fs.createReadStream(file, { highWaterMark: READ_CHUNK });
  stream.pipe(res);
  await once(stream, 'close');
}
