import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Warehouse } from '@uitkomst/warehouse';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config';
import { dataSourceOptions } from './database/data-source-options';
import { HealthController } from './health/health.controller';
import { MetricsModule } from './metrics/metrics.module';
import { QueryModule } from './query/query.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { RegistryModule } from './registry/registry.module';
import { ReleasesModule } from './releases/releases.module';
import { SecurityModule } from './security/security.module';
import { BackupModule } from './backup/backup.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { initialReadProcessState } from './read-processes/read-process-state';
import { APP_CONFIG, READ_PROCESS_STATE, WAREHOUSE } from './tokens';

export interface AppModuleOptions { config: AppConfig; databaseUrl: string; embedded: boolean; warehouse: Warehouse }

/** Feature modules, one folder per capability. */
const FEATURES = [SecurityModule, AuditModule, AuthModule, RegistryModule, MetricsModule, ReleasesModule, QueryModule, IngestionModule, ReconciliationModule, BackupModule];

@Global()
@Module({})
export class AppModule {
  static forRoot(opts: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(opts.databaseUrl, opts.embedded)), ...FEATURES],
      controllers: [HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: opts.config },
        { provide: WAREHOUSE, useValue: opts.warehouse },
        { provide: READ_PROCESS_STATE, useValue: initialReadProcessState(opts.config.readProcesses) },
      ],
      exports: [APP_CONFIG, WAREHOUSE, READ_PROCESS_STATE],
    };
  }
}
