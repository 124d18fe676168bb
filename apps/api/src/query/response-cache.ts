/**
 * HTTP caching of released data. A release never changes, so an answer is identified by the release,
 * its manifest hash, the canonical parameters and the format: that is the ETag, the answer is kept in a
 * bounded in-memory LRU, and If-None-Match gets a 304. Release-scoped answers are cacheable for a year
 * (immutable); answers for `latest` for a minute, since `latest` moves when a release is published.
 */
import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { CONTENT_TYPES, EXTENSIONS, serialise } from './formats';
import type { Answer } from './metrics-queries';
import type { ResponseFormat } from './query-params';
import { addVary } from '../common/http';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const SHORT = 'public, max-age=60';
const MAX_BYTES = Number(process.env.QUERY_CACHE_BYTES ?? 128 * 1024 * 1024);

interface Entry { body: Buffer; contentType: string; gzipped?: Buffer }

/** Answers from this size on go out gzipped to clients that accept it; smaller ones gain little. */
export const GZIP_FROM_BYTES = 1024;

/** How many keys asked for once the cache remembers (about 60 bytes each), to admit them when asked again. */
const SEEN_ONCE_KEYS = 100_000;

export class ResponseCache {
  private entries = new Map<string, Entry>();
  private bytes = 0;
  private seenOnce = new Set<string>();

  /**
   * Whether an answer just made for `key` is worth keeping: only when `key` was asked for before. Answers asked
   * for once (most of a sweep over units and periods) then cost no copy kept and no eviction, and do not push out
   * the answers that are asked for again.
   */
  admits(key: string): boolean {
    if (this.seenOnce.delete(key)) return true;
    this.seenOnce.add(key);
    if (this.seenOnce.size > SEEN_ONCE_KEYS) this.seenOnce.delete(this.seenOnce.values().next().value!);
    return false;
  }

  get(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e) {
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    return e;
  }

  set(key: string, e: Entry) {
    if (e.body.length > MAX_BYTES / 8) return;
    const replaced = this.entries.get(key);
    if (replaced) this.bytes -= replaced.body.length + (replaced.gzipped?.length ?? 0);
    this.entries.delete(key);
    this.entries.set(key, e);
    this.bytes += e.body.length;
    for (const [k, old] of this.entries) {
      if (this.bytes <= MAX_BYTES) break;
      this.entries.delete(k);
      this.bytes -= old.body.length + (old.gzipped?.length ?? 0);
    }
  }

  /** The body of `key`'s entry gzipped, made once and kept with it (and counted against the cache's size). */
  gzipped(key: string, e: Entry): Buffer {
    if (!e.gzipped) {
      e.gzipped = gzipSync(e.body, { level: 6 });
      if (this.entries.get(key) === e) this.bytes += e.gzipped.length;
    }
    return e.gzipped;
  }

  clear() {
    this.entries.clear();
    this.seenOnce.clear();
    this.bytes = 0;
  }
}

export interface AnswerContext {
  releaseId: string;
  manifestSha256: string;
  latest: boolean; // asked for `latest` rather than an id
  endpoint: string;
  params: unknown; // canonical (validated, sorted) parameters
  format: ResponseFormat;
  filename: string; // for CSV/Arrow attachments, without extension
}

export function etagOf(ctx: AnswerContext): string {
  const h = createHash('sha256').update(`${ctx.releaseId}|${ctx.manifestSha256}|${ctx.endpoint}|${JSON.stringify(ctx.params)}|${ctx.format}`).digest('base64url');
  return `"${h.slice(0, 32)}"`;
}

export function matchesIfNoneMatch(req: { headers: IncomingHttpHeaders }, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').map((s) => s.trim().replace(/^W\//, '')).some((t) => t === etag || t === '*');
}

const acceptsGzip = (header: string | undefined) => !!header && negotiate(header, ['gzip', 'identity']) === 'gzip';

export async function sendAnswer(req: FastifyRequest, reply: FastifyReply, cache: ResponseCache, ctx: AnswerContext, compute: () => Promise<Answer>) {
  const etag = etagOf(ctx);
  let entry = cache.get(etag);
  if (!entry) {
    const answer = await compute();
    entry = { body: serialise(ctx.format, answer), contentType: CONTENT_TYPES[ctx.format] };
    if (cache.admits(etag)) cache.set(etag, entry);
  }
  // The gzipped answer is another representation, so it has its own ETag.
  const gzip = entry.body.length >= GZIP_FROM_BYTES && acceptsGzip(req.headers['accept-encoding']);
  const representation = gzip ? etag.replace(/"$/, '-gz"') : etag;
  reply.header('ETag', representation);
  reply.header('Cache-Control', ctx.latest ? SHORT : IMMUTABLE);
  addVary(reply, 'Accept'); // added to Vary: Origin of the CORS hook, not replacing it
  addVary(reply, 'Accept-Encoding');
  reply.header('X-Uitkomst-Release', ctx.releaseId);
  if (matchesIfNoneMatch(req, representation)) {
    await reply.code(304).send();
    return;
  }
  reply.header('Content-Type', entry.contentType);
  if (ctx.format !== 'json') reply.header('Content-Disposition', `inline; filename="${ctx.filename}.${EXTENSIONS[ctx.format]}"`);
  if (gzip) reply.header('Content-Encoding', 'gzip');
  await reply.code(200).send(gzip ? cache.gzipped(etag, entry) : entry.body);
}
