/**
 * Builds the whole application: stores first (embedded PostgreSQL when DATABASE_URL is unset, the
 * DuckDB warehouse), then NestJS with OpenAPI docs and the dashboard. Used by main.ts, the CLI and tests.
 */
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Warehouse } from '@uitkomst/warehouse';
import * as path from 'node:path';
import { AppModule } from './app.module';
import { ApiExceptionFilter, httpLayerErrors } from './common/api-exception.filter';
import type { AppConfig } from './config';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { answerClientErrors } from './security/client-errors';
import { corsMiddleware } from './security/cors';
import { RateLimits } from './security/rate-limits';
import { securityHeaders } from './security/security-headers';
import { serveWebApp } from './web/serve-web-app';

export interface BuiltApp {
  app: NestExpressApplication;
  warehouse: Warehouse;
  close(): Promise<void>;
}

export interface BuildOptions {
  warehouseFile?: string; // default DATA_DIR/warehouse.duckdb; ':memory:' in tests
  embeddedInMemory?: boolean; // tests: PGlite without a data directory
  logger?: false | ('log' | 'error' | 'warn')[];
}

export async function buildApp(config: AppConfig, opts: BuildOptions = {}): Promise<BuiltApp> {
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(opts.embeddedInMemory ? null : path.join(config.dataDir, 'postgres'));
  const warehouse = await Warehouse.open(opts.warehouseFile ?? path.join(config.dataDir, 'warehouse.duckdb'), config.duckdb);
  try {
    const app = await NestFactory.create<NestExpressApplication>(
      AppModule.forRoot({ config, databaseUrl: config.databaseUrl ?? embedded!.url, embedded: !!embedded, warehouse }),
      { logger: opts.logger ?? ['log', 'error', 'warn'], bodyParser: false, abortOnError: false },
    );
    applySecurity(app, config);
    // Uploads stream raw to disk (any size up to MAX_UPLOAD_BYTES); only other JSON bodies are parsed.
    app.useBodyParser('json', {
      limit: '20mb',
      type: (req: { url?: string; headers: Record<string, unknown> }) =>
        !req.url?.startsWith('/api/v1/submissions') && /json/.test(String(req.headers['content-type'] ?? '')),
    });
    app.use(httpLayerErrors());
    app.enableShutdownHooks();
    const document = SwaggerModule.createDocument(app, new DocumentBuilder()
      .setTitle('Uitkomst API')
      .setDescription('Outcome monitoring and benchmarking of integrated social services (Werkpleinen, wijkteams). Public read endpoints serve released data only; writes need an API key.')
      .setVersion('1')
      .addBearerAuth()
      .build());
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
    if (config.geoDir) app.useStaticAssets(config.geoDir, { prefix: '/geo/', index: false, maxAge: '1d' });
    if (config.webDir) serveWebApp(app, config.webDir);
    await app.init();
    return {
      app,
      warehouse,
      async close() {
        await app.close();
        await warehouse.close();
        await embedded?.stop();
      },
    };
  } catch (err) {
    Logger.error(err);
    await warehouse.close();
    await embedded?.stop();
    throw err;
  }
}

/** Headers, CORS, rate limits and JSON error bodies, ahead of every route (see apps/api/src/security). */
function applySecurity(app: NestExpressApplication, config: AppConfig) {
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders());
  app.use(corsMiddleware({ origins: config.corsOrigins, publicReads: config.corsPublicReads }));
  app.use(app.get(RateLimits).publicReadsMiddleware());
  app.useGlobalFilters(new ApiExceptionFilter());
  answerClientErrors(app.getHttpServer());
}
