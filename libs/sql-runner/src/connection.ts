/** The runner works on a bare DuckDB connection or on the project's Warehouse (through its single writer). */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Warehouse } from '@uitkomst/warehouse';

export type Target = DuckDBConnection | Warehouse;

function isWarehouse(target: Target): target is Warehouse {
  return typeof (target as Warehouse).write === 'function' && 'instance' in target;
}

export function withConnection<T>(target: Target, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  return isWarehouse(target) ? target.write(fn) : fn(target);
}

export async function queryRows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}
