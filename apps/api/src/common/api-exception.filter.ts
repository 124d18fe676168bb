/**
 * Every error answer is JSON `{statusCode, error, message, ...}`. Deliberate HTTP errors keep the fields the
 * code gave them (parameter, allowed, details, errors, ...); errors of the HTTP layer (body parser) keep
 * their status and plain message; a lost registry database is 503 with Retry-After; anything else is a 500
 * with a generic message and a reference, and its stack goes to the log only (no stack, SQL or paths out).
 */
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { ErrorRequestHandler, Request, Response } from 'express';
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

/** body-parser / http-errors: a client error with a message meant to be shown (`expose`). */
function fromHttpLayer(err: { status?: unknown; statusCode?: unknown; expose?: unknown; type?: unknown; message?: unknown; limit?: unknown }): ErrorAnswer | null {
  const status = Number(err.status ?? err.statusCode);
  if (!(status >= 400 && status < 500) || err.expose !== true) return null;
  const messages: Record<string, string> = {
    'entity.parse.failed': `the request body is not valid JSON: ${String(err.message)}`,
    'entity.too.large': `the request body is larger than the limit of ${String(err.limit)} bytes`,
    'request.aborted': 'the request was aborted before its body was complete',
  };
  const message = messages[String(err.type)] ?? String(err.message);
  return { status, headers: {}, body: { statusCode: status, error: reason(status), message } };
}

/**
 * Express error middleware for right after the body parser: its errors become HttpExceptions with a plain
 * message (Nest would otherwise pass a bare JSON.parse message on, or none at all).
 */
export function httpLayerErrors(): ErrorRequestHandler {
  return (err, _req, _res, next) => {
    const answer = err && typeof err === 'object' && !(err instanceof HttpException) ? fromHttpLayer(err) : null;
    next(answer ? new HttpException(answer.body, answer.status) : err);
  };
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
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const answer = errorAnswer(err);
    const where = `${req.method} ${req.originalUrl ?? req.url}`;
    if (answer.logged) this.log.error(`${where}: reference ${answer.logged.reference}: ${stackOf(answer.logged.err)}`);
    else if (answer.status === 503) this.log.warn(`${where}: ${String((err as Error)?.message ?? err)}`);
    if (res.headersSent) {
      // Part of the answer is out (a streamed download): cut it off so the client sees a failure, not a short file.
      if (!answer.logged) this.log.error(`${where}: failed after the response started: ${stackOf(err)}`);
      return void res.destroy();
    }
    // A handler may have set the headers of the file it meant to send (type, attachment, immutable caching).
    for (const name of ['Content-Disposition', 'Content-Length', 'ETag', 'Last-Modified', 'Cache-Control']) res.removeHeader(name);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.status(answer.status).json(answer.body);
  }
}

function stackOf(err: unknown): string {
  return err instanceof Error ? err.stack ?? err.message : String(err);
}
