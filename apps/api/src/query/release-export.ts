/**
 * Streaming downloads of one release table, optionally filtered like /metrics: rows go from DuckDB to the
 * socket chunk by chunk (CSV, Excel CSV, JSON, Arrow), or through a temporary Parquet file written by COPY.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { RecordBatchStreamWriter } from 'apache-arrow';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ColumnKind, ColumnSpec, csvHeader, csvLines, CsvDialect, toArrowTable } from './formats';
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

async function write(res: Response, data: string | Buffer | Uint8Array) {
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

/** Streams the query result in `format`; returns the number of rows sent. */
export async function streamRows(conn: DuckDBConnection, res: Response, q: ReturnType<typeof exportQuery>, format: Exclude<ExportFormat, 'parquet'>, dialect: CsvDialect): Promise<number> {
  const result = await conn.stream(q.sql, q.params);
  const names = q.columns.map((c) => c.name);
  let rows = 0;
  let arrow: RecordBatchStreamWriter | null = null;
  if (format === 'arrow') {
    arrow = new RecordBatchStreamWriter();
    arrow.toNodeStream().pipe(res);
  } else if (format === 'json') await write(res, '[');
  else await write(res, csvHeader(names, dialect));
  for (;;) {
    if (res.destroyed) break;
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const objects = chunk.getRowObjects(names) as Record<string, unknown>[];
    if (arrow) {
      for (const b of toArrowTable({ columns: q.columns, rows: objects }).batches) arrow.write(b);
    } else if (format === 'json') {
      await write(res, (rows ? ',' : '') + objects.map((o) => JSON.stringify(o)).join(','));
    } else {
      await write(res, csvLines(objects, names, dialect));
    }
    rows += chunk.rowCount;
  }
  if (arrow) {
    if (rows === 0) for (const b of toArrowTable({ columns: q.columns, rows: [] }).batches) arrow.write(b);
    arrow.finish();
    await once(res, 'finish').catch(() => undefined);
  } else {
    res.end(format === 'json' ? ']' : '');
  }
  return rows;
}

/** COPY to a temporary Parquet file, stream it, delete it. */
export async function streamParquet(conn: DuckDBConnection, res: Response, q: ReturnType<typeof exportQuery>): Promise<void> {
  const file = path.join(os.tmpdir(), `uitkomst-export-${randomUUID()}.parquet`);
  try {
    await conn.run(`COPY (${q.sql}) TO '${file}' (FORMAT parquet, COMPRESSION snappy)`, q.params);
    res.setHeader('Content-Length', String(fs.statSync(file).size));
    await streamFile(res, file);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

export async function streamFile(res: Response, file: string): Promise<void> {
  const stream = fs.createReadStream(file);
  stream.pipe(res);
  await once(stream, 'close');
}
