import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Warehouse } from '@uitkomst/warehouse';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../common/database-unavailable';
import type { AppConfig } from '../config';
import { ReconciliationService } from '../reconciliation/reconciliation.service';
import type { ReadProcessState } from '../read-processes/read-process-state';
import { APP_CONFIG, READ_PROCESS_STATE, WAREHOUSE } from '../tokens';

/** A store that does not answer within this time counts as down: health must answer quickly, never hang. */
export const HEALTH_TIMEOUT_MS = Number(process.env.HEALTH_TIMEOUT_MS ?? 2000);

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Health is public: say what is wrong without host names, ports or user names from driver messages. */
function publicError(e: unknown): string {
  if (e instanceof Error && / did not answer within /.test(e.message)) return e.message;
  return isDatabaseUnavailable(e) ? 'unreachable' : 'query failed';
}

const HEALTHY = {
  status: 'ok', mode: 'production', postgres: { status: 'up', embedded: false, version: 'PostgreSQL 15.10' },
  duckdb: { status: 'up', version: 'v1.5.6', factValues: 5713290 }, reconciliation: { at: '2026-12-05T07:38:48.667Z', repairs: 0, problems: 0 },
  readProcesses: { configured: 1, serving: 1, restarts: 0 },
};

@ApiTags('health')
@Controller('api')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly reconciliation: ReconciliationService,
    @Inject(READ_PROCESS_STATE) private readonly readProcesses: ReadProcessState,
  ) {}

  @ApiOkResponse({ description: 'Both stores answer. With READ_PROCESSES set, also how many read processes serve (readProcesses)', schema: { type: 'object', example: HEALTHY } })
  @ApiServiceUnavailableResponse({ description: 'PostgreSQL or DuckDB is down or did not answer within 2 s', schema: { type: 'object', example: {
    ...HEALTHY, status: 'degraded', postgres: { status: 'down', embedded: false, error: 'unreachable' },
  } } })
  @Get('health') @ApiOperation({ summary: 'State of PostgreSQL (registry) and DuckDB (facts and metrics); 503 when one is down' })
  async health(@Res({ passthrough: true }) res: FastifyReply) {
    const embedded = !this.config.databaseUrl;
    const [postgres, duckdb] = await Promise.all([
      within(this.db.query('SELECT version() AS v'), HEALTH_TIMEOUT_MS, 'PostgreSQL').then(
        ([r]) => ({ status: 'up', embedded, version: String(r.v).split(' on ')[0] }),
        (e) => ({ status: 'down', embedded, error: publicError(e) })),
      // fact_rows, not the fact_values view: counting through the view's joins took 30 ms on 5.7M values, so
      // concurrent probes queued past the timeout and reported a healthy store as down.
      within(this.warehouse.query<{ v: string; facts: number }>('SELECT version() AS v, (SELECT count(*) FROM fact_rows)::INTEGER AS facts'), HEALTH_TIMEOUT_MS, 'DuckDB').then(
        ([r]) => ({ status: 'up', version: r.v, factValues: r.facts }),
        (e) => ({ status: 'down', error: publicError(e) })),
    ]);
    const ok = postgres.status === 'up' && duckdb.status === 'up';
    res.code(ok ? 200 : 503);
    const last = this.reconciliation.last;
    // Counts only: details (submission and release ids) are at GET /api/v1/admin/reconciliation.
    const reconciliation = last ? { at: last.startedAt, repairs: last.actions.length, problems: last.problems.length } : null;
    // a read process down does not make the service degraded: the main process serves its connections meanwhile
    const readProcesses = this.readProcesses.configured ? { readProcesses: { ...this.readProcesses } } : {};
    return { status: ok ? 'ok' : 'degraded', mode: this.config.mode, postgres, duckdb, reconciliation, ...readProcesses };
  }
}
