/** Small helpers over Fastify's request and reply that Express had built in (NestJS runs on its Fastify adapter). */
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';

/** The path of a request URL, without its query string. */
export const pathOf = (url: string): string => {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
};

/** Adds `field` to the reply's Vary header, keeping what other parts of the app put there. */
export function addVary(reply: FastifyReply, field: string): void {
  const current = reply.getHeader('vary');
  if (current === undefined || current === '') return void reply.header('Vary', field);
  const value = String(current);
  if (value === '*' || value.split(',').some((f) => f.trim().toLowerCase() === field.toLowerCase())) return;
  reply.header('Vary', `${value}, ${field}`);
}

/**
 * Takes the response over from Fastify, to write a stream to the socket directly (with backpressure, and a cut-off
 * connection on a late failure). The headers set so far go along; nothing is sent until the first write, so an error
 * before it still gets a JSON answer from the exception filter.
 */
export function takeOver(reply: FastifyReply): ServerResponse {
  reply.hijack();
  const res = reply.raw;
  res.statusCode = reply.statusCode;
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value as string | string[]);
  return res;
}
