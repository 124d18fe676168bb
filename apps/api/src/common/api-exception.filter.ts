/**
 * Every error answer is JSON `{statusCode, error, message, ...}`. Deliberate HTTP errors keep the fields the
 * code gave them (parameter, allowed, details, errors, ...); errors of the HTTP layer (Fastify's) keep
 * their status and message; a lost registry database is 503 with Retry-After; anything else is a 500
 * with a generic message and a reference, and its stack goes to the log only (no stack, SQL or paths out).
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { isDatabaseUnavailable } from './database-unavailable';

export const DATABASE_RETRY_AFTER_SECONDS = 5;

export interface ErrorAnswer {
  status: number;
  body: Record<string, unknown> & { statusCode: number; error: string; message: unknown };
  headers: Record<string, string>;
  /** Logged with its stack (unexpected errors only). */
  logged?: { reference: string; err: unknown };
}

const reason = (status: number) => STATUS_CODES[status] ?? 'Error';

function fromHttpException(err: HttpException): ErrorAnswer {
  const status = err.getStatus();
  const response = err.getResponse();
  const fields: Record<string, unknown> = typeof response === 'string' ? { message: response } : { ...(response as Record<string, unknown>) };
  const headers: Record<string, string> = {};
  const retryAfter = (err as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  if (typeof retryAfter === 'number') headers['Retry-After'] = String(retryAfter);
  return { status, headers, body: { ...fields, statusCode: status, error: typeof fields.error === 'string' ? fields.error : reason(status), message: fields.message ?? reason(status) } };
}

/** Fastify's own errors (FST_...: a bad URL, an empty JSON body, ...) are client errors with a message meant to be shown. */
function fromHttpLayer(err: { statusCode?: unknown; code?: unknown; message?: unknown }): ErrorAnswer | null {
  const status = Number(err.statusCode);
  if (!(status >= 400 && status < 500) || typeof err.code !== 'string' || !err.code.startsWith('FST_')) return null;
  return { status, headers: {}, body: { statusCode: status, error: reason(status), message: String(err.message) } };
}

function unexpected(err: unknown): ErrorAnswer {
  const reference = randomUUID();
  return {
    status: 500, headers: {}, logged: { reference, err },
    body: { statusCode: 500, error: reason(500), message: `an unexpected error occurred; it has been logged with reference ${reference}`, reference },
  };
}

export function errorAnswer(err: unknown): ErrorAnswer {
  if (err instanceof HttpException) {
    const answer = fromHttpException(err);
    // The body may be unread (refused for its size): close the connection rather than read or misparse it.
    if (answer.status === HttpStatus.PAYLOAD_TOO_LARGE) answer.headers.Connection = 'close';
    // A 500 raised on purpose may still carry a driver's message (SQL, paths): log it, show the generic one.
    return answer.status === HttpStatus.INTERNAL_SERVER_ERROR ? unexpected(err) : answer;
  }
  if (isDatabaseUnavailable(err)) {
    return {
      status: 503, headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
      body: { statusCode: 503, error: reason(503), message: 'the registry database is unavailable' },
    };
  }
  const layer = err && typeof err === 'object' ? fromHttpLayer(err) : null;
  return layer ?? unexpected(err);
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('Errors');

  catch(err: unknown, host: ArgumentsHost) {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const req = http.getRequest<FastifyRequest>();
    const answer = errorAnswer(err);
    const where = `${req.method} ${req.url}`;
    if (answer.logged) this.log.error(`${where}: reference ${answer.logged.reference}: ${stackOf(answer.logged.err)}`);
    else if (answer.status === 503) this.log.warn(`${where}: ${String((err as Error)?.message ?? err)}`);
    if (reply.raw.headersSent) {
      // Part of the answer is out (a streamed download): cut it off so the client sees a failure, not a short file.
      if (!answer.logged) this.log.error(`${where}: failed after the response started: ${stackOf(err)}`);
      return void reply.raw.destroy();
    }
    const headers = { ...answer.headers, 'Cache-Control': 'no-store', 'Content-Type': 'application/json; charset=utf-8' };
    // A handler may have set the headers of the file it meant to send (type, attachment, immutable caching).
    const dropped = ['Content-Disposition', 'Content-Length', 'ETag', 'Last-Modified', 'Content-Encoding'];
    if (reply.sent) {
      // Taken over for a stream (takeOver) that failed before its first byte: answer on the socket directly.
      for (const name of dropped) reply.raw.removeHeader(name);
      for (const [name, value] of Object.entries(headers)) reply.raw.setHeader(name, value);
      reply.raw.statusCode = answer.status;
      return void reply.raw.end(JSON.stringify(answer.body));
    }
    for (const name of dropped) reply.removeHeader(name);
    void reply.code(answer.status).headers(headers).send(answer.body);
  }
}

function stackOf(err: unknown): string {
  return err instanceof Error ? err.stack ?? err.message : String(err);
}
