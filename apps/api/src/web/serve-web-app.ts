import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import expressStaticGzip from 'express-static-gzip';
import * as fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import * as path from 'node:path';

/**
 * Serves the built dashboard at '/', with index.html for client-side routes (anything not under /api; GET and HEAD). Assets
 * go out as the Brotli or gzip copy the build wrote beside them (apps/web/precompress.ts) when the browser takes it.
 */
export function serveWebApp(app: NestExpressApplication, webDir: string) {
  const index = path.join(webDir, 'index.html');
  const assets = expressStaticGzip(webDir, {
    enableBrotli: true, orderPreference: ['br', 'gzip'], index: false,
    serveStatic: { index: false, maxAge: '1h', setHeaders: (res: ServerResponse, file: string) => {
      if (/[\\/]assets[\\/]/.test(file)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    } },
  });
  // API requests never look on disk (a stat per request showed in the read API's profile)
  app.use((req: Request, res: Response, next: NextFunction) => (req.path.startsWith('/api') ? next() : assets(req, res, next)));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/api') || !fs.existsSync(index)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
