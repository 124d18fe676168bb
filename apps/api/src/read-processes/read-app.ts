/**
 * A read process's app: the public read API and release downloads (QueryController, DownloadsController) on
 * the same HTTP layer as the main app (security headers, CORS, rate limits, error bodies), releases asked of
 * the main process, and every other request forwarded to the main process's unix socket unchanged, with the
 * client's address in X-Forwarded-For.
 */
import httpProxy from '@fastify/http-proxy';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingHttpHeaders } from 'node:http';
import * as querystring from 'node:querystring';
import { applySecurity, fastifyAdapter } from '../app.factory';
import type { AppConfig } from '../config';
import { DownloadsController } from '../query/downloads.controller';
import { QueryController } from '../query/query.controller';
import { QueryService } from '../query/query.service';
import { ReleaseDownloads } from '../query/release-downloads';
import type { PublishedReleases } from '../releases/published-releases';
import { RateLimits } from '../security/rate-limits';
import { APP_CONFIG, PUBLISHED_RELEASES } from '../tokens';

/** Idle time of a forwarded request before it fails: publishing a release or a large upload may be silent for long. */
const FORWARD_IDLE_MS = 6 * 60 * 60 * 1000;

/**
 * The request's headers as the main process gets them: its Host, and X-Forwarded-For replaced by the client's
 * address as this process determined it (TRUST_PROXY applied), or left out when there is none (a request on
 * this process's own socket).
 */
export function forwardedHeaders(headers: IncomingHttpHeaders, host: string | undefined, clientAddress: string | undefined): IncomingHttpHeaders {
  const { 'x-forwarded-for': _claimed, ...rest } = headers;
  return { ...rest, ...(host ? { host } : {}), ...(clientAddress ? { 'x-forwarded-for': clientAddress } : {}) };
}

@Module({})
export class ReadProcessModule {
  static forRoot(config: AppConfig, releases: PublishedReleases): DynamicModule {
    return {
      module: ReadProcessModule,
      controllers: [QueryController, DownloadsController],
      providers: [{ provide: APP_CONFIG, useValue: config }, { provide: PUBLISHED_RELEASES, useValue: releases }, QueryService, ReleaseDownloads, RateLimits],
    };
  }
}

export async function buildReadApp(config: AppConfig, releases: PublishedReleases, mainSocket: string): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(ReadProcessModule.forRoot(config, releases), fastifyAdapter(config.trustProxy), {
    logger: ['log', 'error', 'warn'], bodyParser: false, abortOnError: false,
  });
  applySecurity(app, config);
  // bodies stay unread streams and go through as they came; the main process applies its limits to them
  await app.register(httpProxy, {
    upstream: `unix+http://${querystring.escape(mainSocket)}/`,
    http: { agentOptions: { keepAlive: true }, requestOptions: { timeout: FORWARD_IDLE_MS } },
    replyOptions: {
      // the main process sees the client's address and Host, not this process's
      rewriteRequestHeaders: (req, headers) => forwardedHeaders(headers, req.headers.host, req.ip),
    },
  });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
