/**
 * Strict CORS. Origins listed in CORS_ORIGINS may call every endpoint (with Authorization). Any other origin
 * may only read the public endpoints (`*`, no Authorization, no credentials), because that data is public
 * anyway; every other cross-origin call gets no CORS headers, so browsers block it. Cookies are never used,
 * so `Access-Control-Allow-Credentials` is never sent.
 */
import type { FastifyReply, onRequestHookHandler } from 'fastify';
import { addVary, pathOf } from '../common/http';
import { isPublicRead } from './public-routes';

const EXPOSED = ['Content-Disposition', 'ETag', 'Location', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'X-Uitkomst-Release'];
const TRUSTED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS'];
const TRUSTED_HEADERS = ['Authorization', 'Content-Type', 'Content-Disposition', 'Accept', 'If-None-Match'];
const PUBLIC_HEADERS = ['Accept', 'If-None-Match'];
const PREFLIGHT_MAX_AGE = '600';

export interface CorsOptions { origins: readonly string[]; publicReads: boolean }

function allowTrusted(reply: FastifyReply, origin: string) {
  reply.header('Access-Control-Allow-Origin', origin);
  reply.header('Access-Control-Expose-Headers', EXPOSED.join(', '));
}

function allowAnyForPublic(reply: FastifyReply) {
  reply.header('Access-Control-Allow-Origin', '*');
  reply.header('Access-Control-Expose-Headers', EXPOSED.join(', '));
  reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
}

function refusePreflight(reply: FastifyReply, origin: string) {
  void reply.code(403).send({
    statusCode: 403, error: 'Forbidden',
    message: `origin ${origin} may not call this endpoint from a browser; only public GET endpoints are open to every origin (see CORS_ORIGINS)`,
  });
}

function answerPreflight(reply: FastifyReply, methods: string[], headers: string[]) {
  reply.header('Access-Control-Allow-Methods', methods.join(', '));
  reply.header('Access-Control-Allow-Headers', headers.join(', '));
  reply.header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE);
  void reply.code(204).send();
}

/** A Fastify onRequest hook; it answers preflights itself (and then does not call `done`). */
export function corsHook(opts: CorsOptions): onRequestHookHandler {
  const trusted = new Set(opts.origins);
  const openToAll = (method: string, path: string) => opts.publicReads && isPublicRead(method, path);
  return (req, reply, done) => {
    const path = pathOf(req.url);
    const open = openToAll(req.method, path);
    addVary(reply, 'Origin');
    if (open) reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
    const origin = req.headers.origin;
    if (!origin) return done();
    const requested = req.method === 'OPTIONS' ? req.headers['access-control-request-method'] : undefined;
    if (trusted.has(origin)) {
      allowTrusted(reply, origin);
      return requested === undefined ? done() : answerPreflight(reply, TRUSTED_METHODS, TRUSTED_HEADERS);
    }
    if (requested === undefined) {
      if (open) allowAnyForPublic(reply);
      return done();
    }
    if (!openToAll(String(requested).toUpperCase(), path)) return refusePreflight(reply, origin);
    allowAnyForPublic(reply);
    answerPreflight(reply, ['GET', 'HEAD'], PUBLIC_HEADERS);
  };
}
