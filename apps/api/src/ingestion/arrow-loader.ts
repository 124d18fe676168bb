/**
 * Arrow IPC stream -> DuckDB temp table of VARCHAR columns, batch by batch through DuckDB's appender,
 * so a large stream never sits whole in memory. Columns are named c1..cn; the file's names are returned.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { RecordBatchReader } from 'apache-arrow';
import * as fs from 'node:fs';
import { FileProblem } from './file-checks';

function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>).join(',');
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return String(value);
  }
}

export async function loadArrowStream(conn: DuckDBConnection, filePath: string, table: string, maxColumns = Infinity): Promise<string[]> {
  const reader = await RecordBatchReader.from(fs.createReadStream(filePath));
  await reader.open();
  const names = reader.schema.fields.map((f) => f.name);
  if (names.length > maxColumns) {
    await reader.cancel();
    throw new FileProblem('TOO_MANY_COLUMNS', `The stream has ${names.length} columns; a file has at most ${maxColumns}: the key columns and one per measure (GET /api/v1/submissions/template.csv).`);
  }
  const columns = names.map((_, i) => `c${i + 1} VARCHAR`).join(', ');
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${table} (${columns || 'c1 VARCHAR'})`);
  const appender = await conn.createAppender(table, 'main', 'temp');
  try {
    for await (const batch of reader) {
      const vectors = names.map((_, j) => batch.getChildAt(j));
      for (let i = 0; i < batch.numRows; i++) {
        for (const vector of vectors) {
          const text = cellText(vector?.get(i));
          if (text === null) appender.appendNull(); else appender.appendVarchar(text);
        }
        appender.endRow();
      }
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return names;
}
