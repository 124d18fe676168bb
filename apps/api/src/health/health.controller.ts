import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Warehouse } from '@uitkomst/warehouse';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config';
import { APP_CONFIG, WAREHOUSE } from '../tokens';

@ApiTags('health')
@Controller('api')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(WAREHOUSE) private readonly warehouse: Warehouse,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('health') @ApiOperation({ summary: 'State of PostgreSQL (registry) and DuckDB (facts and metrics)' })
  async health(@Res({ passthrough: true }) res: Response) {
    const postgres = await this.db.query('SELECT version() AS v').then(
      ([r]) => ({ status: 'up', embedded: !this.config.databaseUrl, version: String(r.v).split(' on ')[0] }),
      (e) => ({ status: 'down', embedded: !this.config.databaseUrl, error: String(e.message ?? e) }));
    const duckdb = await this.warehouse.query<{ v: string; facts: number }>('SELECT version() AS v, (SELECT count(*) FROM fact_values)::INTEGER AS facts').then(
      ([r]) => ({ status: 'up', version: r.v, factValues: r.facts }),
      (e) => ({ status: 'down', error: String(e.message ?? e) }));
    const ok = postgres.status === 'up' && duckdb.status === 'up';
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', mode: this.config.mode, postgres, duckdb };
  }
}
