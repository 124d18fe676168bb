/**
 * Fastify's body parsers for the app: JSON bodies are read up to a limit and parsed, refusing `__proto__` and
 * `constructor.prototype` keys (secure-json-parse, Fastify's own choice); every other body, and any body of a route
 * that streams its own (uploads), is left unread for the route.
 */
import { BadRequestException, HttpException, HttpStatus, PayloadTooLargeException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse as parseSecurely } from 'secure-json-parse';
import type { IncomingMessage } from 'node:http';
import { pathOf } from './http';

export const JSON_BODY_LIMIT = 20 * 1024 * 1024;
/** application/json and its kin (application/problem+json, text/json), with or without parameters. */
const JSON_MEDIA_TYPE = /^[a-z]+\/([\w.-]+\+)?json\s*(;|$)/i;

type Done = (err: Error | null, body?: unknown) => void;

const tooLarge = (limit: number) => new PayloadTooLargeException(`the request body is larger than the limit of ${limit} bytes`);

export function registerBodyParsers(fastify: FastifyInstance, opts: { limit: number; streamed: (path: string) => boolean }) {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_req: FastifyRequest, _payload: IncomingMessage, done: Done) => done(null));
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, (req: FastifyRequest, payload: IncomingMessage, done: Done) => {
    if (opts.streamed(pathOf(req.url))) return done(null);
    const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') return done(new HttpException(`request bodies with Content-Encoding ${encoding} are not accepted; send the JSON uncompressed`, HttpStatus.UNSUPPORTED_MEDIA_TYPE));
    if (Number(req.headers['content-length']) > opts.limit) return done(tooLarge(opts.limit));
    readLimited(payload, opts.limit, (err, text) => {
      if (err) return done(err);
      if (text!.trim() === '') return done(null, {});
      let body: unknown;
      try {
        body = parseSecurely(text!, null, { protoAction: 'error', constructorAction: 'error' });
      } catch (parseErr) {
        return done(new BadRequestException(jsonErrorMessage(parseErr as Error)));
      }
      done(null, body);
    });
  });
}

function jsonErrorMessage(err: Error): string {
  if (/forbidden (prototype|constructor) property/.test(err.message)) {
    return 'the request body has a "__proto__" or "constructor": {"prototype": ...} key, which is refused because it could change objects on the server';
  }
  return `the request body is not valid JSON: ${err.message}`;
}

function readLimited(payload: IncomingMessage, limit: number, done: (err: Error | null, text?: string) => void) {
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  const settle = (err: Error | null, text?: string) => {
    if (settled) return;
    settled = true;
    done(err, text);
  };
  payload.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) return settle(tooLarge(limit));
    if (!settled) chunks.push(chunk);
  });
  payload.on('end', () => settle(null, Buffer.concat(chunks).toString('utf8')));
  payload.on('aborted', () => settle(new BadRequestException('the request was aborted before its body was complete')));
  payload.on('error', () => settle(new BadRequestException('the request was aborted before its body was complete')));
}
