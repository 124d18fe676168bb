import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathOf } from '../common/http';

/** The file under `root` that a URL path names, or null (none, a directory, or outside `root`). */
async function fileAt(root: string, urlPath: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const file = path.resolve(root, `.${decoded}`);
  if (!file.startsWith(root + path.sep)) return null;
  const stat = await fs.promises.stat(file).catch(() => null);
  return stat?.isFile() ? path.relative(root, file) : null;
}

/**
 * Serves the built dashboard at '/', with index.html for client-side routes (anything not under /api; GET and HEAD). Assets
 * go out as the Brotli or gzip copy the build wrote beside them (apps/web/precompress.ts) when the browser takes it.
 * API paths never look on disk (a stat per request showed in the read API's profile): they go to the 404 handler.
 */
export async function serveWebApp(fastify: FastifyInstance, webDir: string) {
  const root = path.resolve(webDir);
  await fastify.register(fastifyStatic, {
    root, serve: false, preCompressed: true, index: false, maxAge: '1h',
    setHeaders: (reply, file) => {
      if (/[\\/]assets[\\/]/.test(file)) reply.header('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  fastify.get('/*', async (req, reply) => {
    const urlPath = pathOf(req.url);
    if (urlPath.startsWith('/api')) return reply.callNotFound();
    const file = await fileAt(root, urlPath);
    if (file) return reply.sendFile(file);
    if (!(await fileAt(root, '/index.html'))) return reply.callNotFound();
    reply.header('Cache-Control', 'no-cache');
    return reply.sendFile('index.html', { cacheControl: false });
  });
}
