/**
 * `metrics build` / `metrics test`: open the stores directly (stop the server first when they are embedded:
 * PGlite and the DuckDB file allow one process), rebuild or test the marts, print timings or results.
 */
import 'reflect-metadata';
import { Warehouse } from '@uitkomst/warehouse';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config';
import { dataSourceOptions } from '../database/data-source-options';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { buildMetrics, testMetrics } from '../metrics/run-metrics';
import type { CliCommand } from './command';

async function withStores<T>(fn: (db: DataSource, warehouse: Warehouse, minDenominator: number) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'));
  const db = new DataSource(dataSourceOptions(config.databaseUrl ?? embedded!.url, !!embedded));
  let warehouse: Warehouse | null = null;
  try {
    await db.initialize();
    warehouse = await Warehouse.open(path.join(config.dataDir, 'warehouse.duckdb'), config.duckdb);
    return await fn(db, warehouse, config.minDenominator);
  } finally {
    await warehouse?.close();
    if (db.isInitialized) await db.destroy();
    await embedded?.stop();
  }
}

export const metricsCommands: CliCommand[] = [
  {
    name: 'metrics build',
    usage: 'metrics build',
    summary: 'Sync the registry into DuckDB and build the metric marts (server stopped if stores are embedded)',
    run: () => withStores(async (db, warehouse, minDenominator) => {
      const t = await buildMetrics(db, warehouse, { minDenominator });
      for (const m of t.build.models) console.log(`${m.name.padEnd(40)} ${m.materialized.padEnd(5)} ${m.ms.toFixed(0).padStart(7)} ms ${m.rows ?? ''}`);
      console.log(`registry sync ${t.syncMs.toFixed(0)} ms, setup ${t.build.setupMs.toFixed(0)} ms, total ${t.totalMs.toFixed(0)} ms`);
    }),
  },
  {
    name: 'metrics test',
    usage: 'metrics test',
    summary: 'Run the data tests declared beside the models; exit code 1 when any fails',
    run: () => withStores(async (_db, warehouse, minDenominator) => {
      const run = await testMetrics(warehouse, { minDenominator });
      for (const r of run.results) {
        console.log(`${r.passed ? 'PASS' : 'FAIL'} ${r.name}${r.passed ? '' : ` (${r.error ?? `${r.failures} failing rows`})`}`);
        if (!r.passed && r.sample.length) console.log(JSON.stringify(r.sample, null, 1));
      }
      console.log(`${run.results.filter((r) => r.passed).length}/${run.results.length} tests passed`);
      return run.passed ? 0 : 1;
    }),
  },
];
