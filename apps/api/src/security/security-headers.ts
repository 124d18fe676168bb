/**
 * Security headers (helmet's, precomputed). The Content-Security-Policy allows only this origin: the dashboard's scripts,
 * its boundary files under /geo/ and the API; `data:`/`blob:` images (favicon, chart export) and inline
 * styles, which Observable Plot writes as `style` attributes on its SVG and Swagger UI uses at /api/docs.
 */
import type { onRequestHookHandler } from 'fastify';
import helmet from 'helmet';

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'worker-src': ["'self'", 'blob:'],
};

export const HELMET_OPTIONS: Parameters<typeof helmet>[0] = {
  // TLS ends at the reverse proxy; upgrading requests would break plain-HTTP installs and local use.
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
};

/**
 * The headers helmet sets, taken once from helmet itself: none of our options depends on the request, so every
 * response gets the same set. One middleware setting them replaces helmet's chain of eleven per request. Its one
 * removal, X-Powered-By, needs no replay: Fastify never sets that header.
 */
export function helmetHeaders(): [string, string][] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let done = false;
  helmet(HELMET_OPTIONS)({} as never, recorder as never, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously; its headers cannot be precomputed');
  return [...headers];
}

/** A Fastify onRequest hook that gives every response helmet's headers. */
export function securityHeaders(): onRequestHookHandler {
  const headers = Object.fromEntries(helmetHeaders());
  return (_req, reply, done) => {
    reply.headers(headers);
    done();
  };
}
