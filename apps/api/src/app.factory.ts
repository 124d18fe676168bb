/**
 * Builds the whole application: stores first (embedded PostgreSQL when DATABASE_URL is unset, the
 * DuckDB warehouse), then NestJS with OpenAPI docs and the dashboard. Used by main.ts, the CLI and tests.
 */
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ApiErrorDto } from './common/api-error.dto';
import { completeOpenApi } from './common/openapi';
import { Warehouse } from '@uitkomst/warehouse';
import type { FastifyServerOptions } from 'fastify';
import * as path from 'node:path';
import { AppModule } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { JSON_BODY_LIMIT, registerBodyParsers } from './common/json-body';
import type { AppConfig } from './config';
import { startEmbeddedPostgres } from './database/embedded-postgres';
import { trustInternalHop } from './read-processes/internal-hop';
import { answerClientError } from './security/client-errors';
import { corsHook } from './security/cors';
import { RateLimits } from './security/rate-limits';
import { securityHeaders } from './security/security-headers';
import { serveWebApp } from './web/serve-web-app';

/** A whole request, upload included, must arrive within this time (Node's own default; Fastify would have none). */
const REQUEST_TIMEOUT_MS = 300_000;

export interface BuiltApp {
  app: NestFastifyApplication;
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
    const app = await NestFactory.create<NestFastifyApplication>(
      AppModule.forRoot({ config, databaseUrl: config.databaseUrl ?? embedded!.url, embedded: !!embedded, warehouse }),
      // read processes forward what they do not serve over this process's unix socket (read-processes/)
      fastifyAdapter(config.readProcesses > 0 ? trustInternalHop(config.trustProxy) : config.trustProxy),
      { logger: opts.logger ?? ['log', 'error', 'warn'], bodyParser: false, abortOnError: false },
    );
    const fastify = app.getHttpAdapter().getInstance();
    fastify.decorateRequest('apiKey', null); // set by ApiKeyGuard
    applySecurity(app, config);
    // Uploads stream raw to disk (any size up to MAX_UPLOAD_BYTES); only other JSON bodies are parsed.
    registerBodyParsers(fastify, { limit: JSON_BODY_LIMIT, streamed: (p) => p.startsWith('/api/v1/submissions') });
    app.enableShutdownHooks();
    const document = SwaggerModule.createDocument(app, new DocumentBuilder()
      .setTitle('Uitkomst API')
      .setDescription('Outcome monitoring and benchmarking of integrated social services (Werkpleinen, wijkteams). Public read endpoints serve released data only; writes need an API key.')
      .setVersion('1')
      .addBearerAuth()
      .build(), { extraModels: [ApiErrorDto] });
    completeOpenApi(document);
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });
    if (config.geoDir) await app.useStaticAssets({ root: path.resolve(config.geoDir), prefix: '/geo/', index: false, maxAge: '1d', decorateReply: false });
    if (config.webDir) await serveWebApp(fastify, config.webDir);
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

/** NestJS on its Fastify adapter: Express's per-request cost alone was at the read API's p95 goal (docs/architecture.md, "HTTP layer"). */
export function fastifyAdapter(trustProxy: FastifyServerOptions['trustProxy']): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy,
    routerOptions: { maxParamLength: 500 },
    clientErrorHandler: answerClientError,
    requestTimeout: REQUEST_TIMEOUT_MS,
  });
}

/** Headers, CORS, rate limits and JSON error bodies, ahead of every route (see apps/api/src/security). */
export function applySecurity(app: NestFastifyApplication, config: AppConfig) {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', securityHeaders());
  fastify.addHook('onRequest', corsHook({ origins: config.corsOrigins, publicReads: config.corsPublicReads }));
  fastify.addHook('onRequest', app.get(RateLimits).publicReadsHook());
  app.useGlobalFilters(new ApiExceptionFilter());
}
