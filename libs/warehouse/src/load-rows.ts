/** Replaces a table's contents with JS rows, handed to DuckDB as one JSON parameter (types follow the table). */
import type { DuckDBConnection } from '@duckdb/node-api';

const IDENT = /^[a-z_][a-z0-9_]*$/;
const TYPE = /^[A-Z][A-Z0-9_ ]*(\([0-9, ]+\))?$/;

export async function replaceTableRows(conn: DuckDBConnection, table: string, columns: string[], rows: Record<string, unknown>[]) {
  if (!IDENT.test(table) || !columns.every((c) => IDENT.test(c))) throw new Error(`invalid identifier in ${table}(${columns.join(',')})`);
  await conn.run(`DELETE FROM ${table}`);
  if (rows.length === 0) return;
  const types = await conn.runAndReadAll(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [table]);
  const typeOf = new Map(types.getRows().map(([n, t]) => [String(n), String(t)]));
  const structure = JSON.stringify([Object.fromEntries(columns.map((c) => {
    const type = typeOf.get(c) ?? 'VARCHAR';
    if (!TYPE.test(type)) throw new Error(`column ${table}.${c} has a type this loader does not take: ${type}`);
    return [c, type];
  }))]);
  const json = JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))));
  await conn.run(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${columns.map((c) => `r.${c}`).join(', ')}
    FROM (SELECT unnest(from_json($1, '${structure}')) AS r)`, [json]);
}
