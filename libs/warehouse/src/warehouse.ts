/**
 * The DuckDB warehouse: one embedded database file per process, many readers, one writer.
 * All writes go through `write()`, which runs them one at a time in arrival order, so concurrent
 * uploads queue instead of conflicting; a background rebuild gives way to any other write.
 */
import { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prepareFactTables } from './facts';
import { REFERENCE_TABLES_SQL } from './schema';

export type SqlParams = Record<string, DuckDBValue> | DuckDBValue[];

/** DuckDB's resource settings; unset means DuckDB's own default (80% of RAM, one thread per core). */
export interface WarehouseOptions {
  /** e.g. '2GB': beyond it DuckDB spills to disk (next to the database file) or evicts cached blocks. */
  memoryLimit?: string | null;
  threads?: number | null;
}

/** The DuckDB instance settings of `options`, for DuckDBInstance.create. */
export function duckdbSettings(options: WarehouseOptions): Record<string, string> {
  const settings: Record<string, string> = {};
  if (options.memoryLimit) settings.memory_limit = options.memoryLimit;
  if (options.threads) settings.threads = String(options.threads);
  return settings;
}

/**
 * Runs `fn` with the instance's thread count set to `threads` (a DuckDB setting of the whole instance), then
 * sets it back; `threads` null runs `fn` as is. Call on the writer, inside `write`.
 */
export async function withThreads<T>(conn: DuckDBConnection, threads: number | null, fn: () => Promise<T>): Promise<T> {
  if (!threads) return fn();
  const before = Number((await conn.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0][0]);
  await conn.run(`SET threads = ${Math.max(1, Math.floor(threads))}`);
  try {
    return await fn();
  } finally {
    await conn.run(`SET threads = ${before}`);
  }
}

export class Warehouse {
  private writeChain: Promise<unknown> = Promise.resolve();
  private preemptible: AbortController | null = null;
  /** A preemptible write (a background rebuild) holds the writer now. */
  preemptibleRunning = false;
  private readers: DuckDBConnection[] = [];

  private constructor(readonly instance: DuckDBInstance, readonly file: string, private writer: DuckDBConnection) {}

  /** Opens (or creates) the warehouse; `file` ':memory:' gives a throwaway one for tests. */
  static async open(file: string, options: WarehouseOptions = {}): Promise<Warehouse> {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    const instance = await DuckDBInstance.create(file, duckdbSettings(options));
    const writer = await instance.connect();
    const wh = new Warehouse(instance, file, writer);
    await prepareFactTables(writer);
    await writer.run(REFERENCE_TABLES_SQL);
    return wh;
  }

  /**
   * Runs `fn` with the single writer connection, after every earlier write has finished. A `preemptible`
   * write (a background rebuild that can be redone) gets a signal that aborts as soon as another write
   * arrives, so that uploads do not wait behind it; `fn` must then stop and undo its work.
   */
  write<T>(fn: (conn: DuckDBConnection, signal?: AbortSignal) => Promise<T>, opts: { preemptible?: boolean } = {}): Promise<T> {
    this.preemptible?.abort();
    const controller = opts.preemptible ? new AbortController() : null;
    const next = this.writeChain.then(() => {
      if (controller) this.preemptibleRunning = true;
      return fn(this.writer, controller?.signal);
    });
    this.writeChain = next.catch(() => undefined);
    if (controller) {
      this.preemptible = controller;
      this.writeChain.then(() => {
        this.preemptibleRunning = false;
        if (this.preemptible === controller) this.preemptible = null;
      });
    }
    return next;
  }

  /** Runs `fn` inside a transaction on the writer; rolls back on any error. */
  transaction<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.write(async (conn) => {
      await conn.run('BEGIN TRANSACTION');
      try {
        const result = await fn(conn);
        await conn.run('COMMIT');
        return result;
      } catch (err) {
        await conn.run('ROLLBACK');
        throw err;
      }
    });
  }

  /** Read query on a pooled reader connection; returns plain JSON-friendly row objects. */
  async query<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]> {
    const conn = this.readers.pop() ?? (await this.instance.connect());
    try {
      const reader = await conn.runAndReadAll(sql, params as never);
      return reader.getRowObjectsJson() as T[];
    } finally {
      this.readers.push(conn);
    }
  }

  /** Borrow a reader connection for streaming or Arrow work. */
  async withReader<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const conn = this.readers.pop() ?? (await this.instance.connect());
    try {
      return await fn(conn);
    } finally {
      this.readers.push(conn);
    }
  }

  async close(): Promise<void> {
    this.preemptible?.abort();
    await this.writeChain;
    for (const c of this.readers) c.closeSync();
    this.writer.closeSync();
    this.instance.closeSync();
  }
}
