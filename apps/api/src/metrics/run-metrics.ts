/**
 * Building and testing the metric marts: copy the registry into DuckDB, then run the dbt-like project
 * (dbt-like-sql/) through the warehouse's single writer. Plain functions, shared by MetricsService and the CLI.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { buildModels, BuildResult, DEFAULT_PROJECT_DIR, loadProject, Project, runTests, TestRun } from '@uitkomst/sql-runner';
import { Warehouse, withThreads } from '@uitkomst/warehouse';
import type { DataSource } from 'typeorm';
import { syncRegistryToWarehouse } from '../registry/warehouse-sync';

export interface MetricsTimings { syncMs: number; build: BuildResult; totalMs: number }

export interface MetricsRunOptions {
  minDenominator: number;
  projectDir?: string;
  /** DuckDB threads for the build (default: the warehouse's); automatic rebuilds leave a core to the public API. */
  threads?: number | null;
  /** Give way to any other warehouse write: the build stops, rolls back and rejects with BuildInterrupted. */
  preemptible?: boolean;
}

/** The metrics project: dbt-like-sql/ at the repository root, or UITKOMST_METRICS_PROJECT when set. */
export function loadMetricsProject(projectDir = process.env.UITKOMST_METRICS_PROJECT || DEFAULT_PROJECT_DIR): Project {
  return loadProject(projectDir);
}

export const metricsVars = (opts: MetricsRunOptions) => ({ min_denominator: opts.minDenominator });

/** Builds every model on a connection the caller already holds (the warehouse writer); all or nothing. */
export function buildMetricsOn(conn: DuckDBConnection, opts: MetricsRunOptions, signal?: AbortSignal): Promise<BuildResult> {
  return buildModels(conn, loadMetricsProject(opts.projectDir), { vars: metricsVars(opts), signal });
}

/** Registry sync, then the build, queued behind any other warehouse write. */
export async function buildMetrics(db: DataSource, warehouse: Warehouse, opts: MetricsRunOptions): Promise<MetricsTimings> {
  const t0 = performance.now();
  await syncRegistryToWarehouse(db, warehouse);
  const syncMs = performance.now() - t0;
  const build = await warehouse.write((conn, signal) => withThreads(conn, opts.threads ?? null, () => buildMetricsOn(conn, opts, signal)),
    { preemptible: opts.preemptible });
  return { syncMs, build, totalMs: performance.now() - t0 };
}

export function testMetrics(warehouse: Warehouse, opts: MetricsRunOptions): Promise<TestRun> {
  return runTests(warehouse, loadMetricsProject(opts.projectDir), { vars: metricsVars(opts) });
}
