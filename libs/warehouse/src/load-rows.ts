/** Replaces a table's contents with JS rows, via a temporary NDJSON file read by DuckDB (types follow the table). */
import type { DuckDBConnection } from '@duckdb/node-api';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';

const IDENT = /^[a-z_][a-z0-9_]*$/;

export async function replaceTableRows(conn: DuckDBConnection, table: string, columns: string[], rows: Record<string, unknown>[]) {
  if (!IDENT.test(table) || !columns.every((c) => IDENT.test(c))) throw new Error(`invalid identifier in ${table}(${columns.join(',')})`);
  await conn.run(`DELETE FROM ${table}`);
  if (rows.length === 0) return;
  const file = path.join(os.tmpdir(), `uitkomst-${randomUUID()}.ndjson`);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c) => [c, r[c] ?? null])))).join('\n'));
  try {
    const types = await conn.runAndReadAll(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [table]);
    const typeOf = new Map(types.getRows().map(([n, t]) => [String(n), String(t)]));
    const spec = columns.map((c) => `'${c}': '${typeOf.get(c) ?? 'VARCHAR'}'`).join(', ');
    await conn.run(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM read_json($1, format = 'newline_delimited', columns = {${spec}})`, [file]);
  } finally {
    fs.rmSync(file, { force: true });
  }
}
