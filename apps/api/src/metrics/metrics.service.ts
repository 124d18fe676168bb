import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Warehouse } from '@uitkomst/warehouse';
import { BuildInterrupted } from '@uitkomst/sql-runner';
import * as os from 'node:os';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config';
import { IngestionService } from '../ingestion/ingestion.service';
import { APP_CONFIG, WAREHOUSE } from '../tokens';
import { buildMetrics, MetricsTimings, testMetrics } from './run-metrics';

/** Delay after the last accepted upload before the marts are rebuilt, so a burst of uploads triggers one build. */
export const METRICS_DEBOUNCE_MS = Number(process.env.METRICS_DEBOUNCE_MS ?? 2000);

/**
 * An automatic rebuild gives way to uploads (and every other warehouse write) and is rescheduled; after this
 * many interruptions in a row the next one runs to the end, so that steady uploads cannot keep the marts stale.
 */
export const MAX_INTERRUPTED_BUILDS = 3;

/**
 * Threads of an automatic rebuild: one fewer than the warehouse has, so that the public API (its own DuckDB
 * instance and Node's main thread) keeps a core while the marts are rebuilt; null with a single core.
 */
export function backgroundBuildThreads(warehouseThreads: number | null, cores = os.availableParallelism()): number | null {
  const threads = warehouseThreads ?? cores;
  return threads > 1 ? threads - 1 : null;
}

@Injectable()
export class MetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Metrics');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<MetricsTimings> | null = null;
  private rerun = false;
  private deferring = 0;
  private interruptedInARow = 0;
  lastBuild: { at: Date; timings: MetricsTimings } | null = null;
  /** Automatic rebuilds that gave way to another write since the start. */
  interruptions = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ingestion: IngestionService,
  ) {}

  /** Accepted submissions change the facts: rebuild the marts (debounced). */
  onApplicationBootstrap() {
    this.ingestion.onAccepted(() => this.scheduleBuild());
  }

  onApplicationShutdown() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Runs `fn` without automatic rebuilds (bulk loads that build once at the end, e.g. the demo set). */
  async deferringBuilds<T>(fn: () => Promise<T>): Promise<T> {
    this.deferring++;
    try {
      return await fn();
    } finally {
      this.deferring--;
    }
  }

  /** Debounced rebuild: a burst of accepted submissions triggers one build after it quietens down. */
  scheduleBuild(delayMs = METRICS_DEBOUNCE_MS) {
    if (this.deferring > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.buildMetrics({ background: true }).catch((err) => {
        if (!(err instanceof BuildInterrupted)) this.log.error(`metrics build failed: ${(err as Error).message}`);
      });
    }, delayMs);
    this.timer.unref?.();
  }

  /**
   * Builds the marts now; concurrent callers share a running build and one more follows if asked for.
   * `background` (the automatic rebuild after uploads) runs on one thread fewer (see backgroundBuildThreads)
   * and gives way to other writes (MAX_INTERRUPTED_BUILDS); a caller that is not in the background waits for
   * it and builds itself if it was interrupted.
   */
  async buildMetrics({ background = false } = {}): Promise<MetricsTimings> {
    if (this.running) {
      this.rerun = true;
      if (background) return this.running;
      const shared = await this.running.then((t) => t, (err) => (err instanceof BuildInterrupted ? null : Promise.reject(err)));
      return shared ?? this.buildMetrics();
    }
    const threads = background ? backgroundBuildThreads(this.config.duckdb.threads) : null;
    const preemptible = background && this.interruptedInARow < MAX_INTERRUPTED_BUILDS;
    this.running = buildMetrics(this.db, this.warehouse, { minDenominator: this.config.minDenominator, threads, preemptible })
      .then((timings) => {
        this.lastBuild = { at: new Date(), timings };
        this.interruptedInARow = 0;
        this.log.log(`marts built in ${Math.round(timings.totalMs)} ms (${timings.build.models.length} models)`);
        return timings;
      }, (err) => {
        if (err instanceof BuildInterrupted) {
          this.interruptedInARow++;
          this.interruptions++;
          this.rerun = false;
          this.scheduleBuild(); // debounced: the write that interrupted it is often one step of an upload
          this.log.log(`automatic rebuild gave way to another write; it runs again (${this.interruptedInARow} in a row)`);
        }
        throw err;
      })
      .finally(() => {
        this.running = null;
        if (this.rerun) {
          this.rerun = false;
          this.scheduleBuild(0);
        }
      });
    return this.running;
  }

  testMetrics() {
    return testMetrics(this.warehouse, { minDenominator: this.config.minDenominator });
  }
}
