/**
 * Security headers (helmet). The Content-Security-Policy allows only this origin: the dashboard's scripts,
 * its boundary files under /geo/ and the API; `data:`/`blob:` images (favicon, chart export) and inline
 * styles, which Observable Plot writes as `style` attributes on its SVG and Swagger UI uses at /api/docs.
 */
import type { RequestHandler } from 'express';
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

export function securityHeaders(): RequestHandler {
  return helmet({
    // TLS ends at the reverse proxy; upgrading requests would break plain-HTTP installs and local use.
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
