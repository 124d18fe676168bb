import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Warehouse } from '@uitkomst/warehouse';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config';
import { IngestionService } from '../ingestion/ingestion.service';
import { APP_CONFIG, WAREHOUSE } from '../tokens';
import { buildMetrics, MetricsTimings, testMetrics } from './run-metrics';

/** Delay after the last accepted upload before the marts are rebuilt, so a burst of uploads triggers one build. */
export const METRICS_DEBOUNCE_MS = Number(process.env.METRICS_DEBOUNCE_MS ?? 2000);

@Injectable()
export class MetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Metrics');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<MetricsTimings> | null = null;
  private rerun = false;
  private deferring = 0;
  lastBuild: { at: Date; timings: MetricsTimings } | null = null;

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
      this.buildMetrics().catch((err) => this.log.error(`metrics build failed: ${(err as Error).message}`));
    }, delayMs);
    this.timer.unref?.();
  }

  /** Builds the marts now; concurrent callers share a running build and one more follows if asked for. */
  async buildMetrics(): Promise<MetricsTimings> {
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = buildMetrics(this.db, this.warehouse, { minDenominator: this.config.minDenominator })
      .then((timings) => {
        this.lastBuild = { at: new Date(), timings };
        this.log.log(`marts built in ${Math.round(timings.totalMs)} ms (${timings.build.models.length} models)`);
        return timings;
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
