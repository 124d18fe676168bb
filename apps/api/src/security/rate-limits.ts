/**
 * Rate limits: public reads per client address (a hook, before routing) and uploads per API key (a
 * guard on the upload route, after authentication, so nobody can use up another key's allowance). Over the
 * limit: 429 with Retry-After (seconds) and a JSON body naming the limit. A limit of 0 disables it.
 */
import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { pathOf } from '../common/http';
import type { AuthenticatedKey } from '../auth/api-keys.service';
import type { AppConfig } from '../config';
import { APP_CONFIG } from '../tokens';
import { isPublicRead } from './public-routes';
import { clientKey, FixedWindowLimiter, LimitDecision } from './rate-limiter';

export type LimitName = 'public' | 'uploads';

const DESCRIPTION: Record<LimitName, (limit: number) => string> = {
  public: (n) => `public reads: at most ${n} requests per minute from one client address`,
  uploads: (n) => `uploads: at most ${n} uploads per minute with one API key`,
};

export function rateLimitBody(name: LimitName, d: LimitDecision) {
  return {
    statusCode: 429, error: 'Too Many Requests', limit: name,
    message: `rate limit exceeded for ${DESCRIPTION[name](d.limit)}; retry after ${d.resetSeconds} s`,
  };
}

function setLimitHeaders(reply: FastifyReply, d: LimitDecision) {
  reply.header('RateLimit-Limit', String(d.limit));
  reply.header('RateLimit-Remaining', String(d.remaining));
  reply.header('RateLimit-Reset', String(d.resetSeconds));
  if (!d.allowed) reply.header('Retry-After', String(d.resetSeconds));
}

/** Thrown by the upload guard; the exception filter turns it into 429 with Retry-After. */
export class TooManyRequestsException extends HttpException {
  readonly retryAfterSeconds: number;
  constructor(name: LimitName, d: LimitDecision) {
    super(rateLimitBody(name, d), HttpStatus.TOO_MANY_REQUESTS);
    this.retryAfterSeconds = d.resetSeconds;
  }
}

@Injectable()
export class RateLimits {
  readonly public: FixedWindowLimiter;
  readonly uploads: FixedWindowLimiter;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.public = new FixedWindowLimiter(config.rateLimitPublicPerMinute);
    this.uploads = new FixedWindowLimiter(config.rateLimitUploadsPerMinute);
  }

  /** A Fastify onRequest hook for the public read endpoints; over the limit it answers 429 itself. */
  publicReadsHook(): onRequestHookHandler {
    return (req, reply, done) => {
      if (!this.public.enabled || !isPublicRead(req.method, pathOf(req.url))) return done();
      const d = this.public.hit(clientKey(req.ip));
      setLimitHeaders(reply, d);
      if (d.allowed) return done();
      void reply.code(429).send(rateLimitBody('public', d));
    };
  }
}

/** On the upload route: counts uploads per authenticated API key. */
@Injectable()
export class UploadRateLimitGuard implements CanActivate {
  constructor(private readonly limits: RateLimits) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.limits.uploads.enabled) return true;
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest & { apiKey?: AuthenticatedKey }>();
    const d = this.limits.uploads.hit(req.apiKey ? `key:${req.apiKey.id}` : `ip:${clientKey(req.ip)}`);
    setLimitHeaders(http.getResponse<FastifyReply>(), d);
    if (!d.allowed) throw new TooManyRequestsException('uploads', d);
    return true;
  }
}
