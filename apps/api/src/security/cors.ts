/**
 * Strict CORS. Origins listed in CORS_ORIGINS may call every endpoint (with Authorization). Any other origin
 * may only read the public endpoints (`*`, no Authorization, no credentials), because that data is public
 * anyway; every other cross-origin call gets no CORS headers, so browsers block it. Cookies are never used,
 * so `Access-Control-Allow-Credentials` is never sent.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isPublicRead } from './public-routes';

const EXPOSED = ['Content-Disposition', 'ETag', 'Location', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'X-Uitkomst-Release'];
const TRUSTED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS'];
const TRUSTED_HEADERS = ['Authorization', 'Content-Type', 'Content-Disposition', 'Accept', 'If-None-Match'];
const PUBLIC_HEADERS = ['Accept', 'If-None-Match'];
const PREFLIGHT_MAX_AGE = '600';

export interface CorsOptions { origins: readonly string[]; publicReads: boolean }

function allowTrusted(res: Response, origin: string) {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', EXPOSED.join(', '));
}

function allowAnyForPublic(res: Response) {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSED.join(', '));
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
}

function refusePreflight(res: Response, origin: string) {
  res.status(403).json({
    statusCode: 403, error: 'Forbidden',
    message: `origin ${origin} may not call this endpoint from a browser; only public GET endpoints are open to every origin (see CORS_ORIGINS)`,
  });
}

function answerPreflight(res: Response, methods: string[], headers: string[]) {
  res.setHeader('Access-Control-Allow-Methods', methods.join(', '));
  res.setHeader('Access-Control-Allow-Headers', headers.join(', '));
  res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE);
  res.status(204).end();
}

export function corsMiddleware(opts: CorsOptions): RequestHandler {
  const trusted = new Set(opts.origins);
  const openToAll = (method: string, path: string) => opts.publicReads && isPublicRead(method, path);
  return (req: Request, res: Response, next: NextFunction) => {
    res.vary('Origin');
    if (openToAll(req.method, req.path)) res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    const origin = req.headers.origin;
    if (!origin) return next();
    const requested = req.method === 'OPTIONS' ? req.headers['access-control-request-method'] : undefined;
    if (trusted.has(origin)) {
      allowTrusted(res, origin);
      return requested === undefined ? next() : answerPreflight(res, TRUSTED_METHODS, TRUSTED_HEADERS);
    }
    if (requested === undefined) {
      if (openToAll(req.method, req.path)) allowAnyForPublic(res);
      return next();
    }
    if (!openToAll(String(requested).toUpperCase(), req.path)) return refusePreflight(res, origin);
    allowAnyForPublic(res);
    answerPreflight(res, ['GET', 'HEAD'], PUBLIC_HEADERS);
  };
}
