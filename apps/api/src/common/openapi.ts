/**
 * The OpenAPI document: request bodies from the zod schemas that validate them, and the error answers every
 * route can give added from what the route is (authenticated, has parameters, has a path id, public read),
 * so that each operation lists its errors without repeating the same decorators on every controller.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { isPublicRead } from '../security/public-routes';
import { ApiErrorDto } from './api-error.dto';

/** Documents a JSON request body with the JSON Schema of the zod schema `parseWith` checks it with. */
export function ApiZodBody(schema: z.ZodType, example: unknown, description?: string, required = true) {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return ApiBody({ description, required, schema: { ...json, example } as never });
}

/**
 * Documents the query parameters of a route from the zod object schema that parses them (`parseWith(S, query,
 * 'query')`): type, allowed values, bounds, default and whether required come from the schema; the description
 * and example of each parameter from `docs`, which must name every key of the schema.
 */
export function ApiZodQuery<S extends z.ZodObject>(schema: S, docs: Record<keyof z.infer<S> & string, { description: string; example?: unknown }>) {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as { properties: Record<string, Record<string, unknown>>; required?: string[] };
  return applyDecorators(...Object.entries(json.properties).map(([name, prop]) => {
    const doc = (docs as Record<string, { description: string; example?: unknown }>)[name];
    return ApiQuery({ name, required: json.required?.includes(name) ?? false, description: doc.description, example: doc.example, schema: prop as never });
  }));
}

type Response = { description?: string; content?: Record<string, { schema?: unknown; example?: unknown }> };
type Operation = { parameters?: { in: string; name: string }[]; requestBody?: unknown; security?: unknown[]; responses: Record<string, Response> };

const ERROR_REF = { $ref: `#/components/schemas/${ApiErrorDto.name}` };

// An answer of 400 or more with a body of its own (the health report's 503) keeps it; the others get the error schema.
const isErrorSchema = (schema: unknown) => (schema as { $ref?: string } | undefined)?.$ref === ERROR_REF.$ref;

function errorResponse(status: number, error: string, description: string, example: Record<string, unknown>) {
  return { description, content: { 'application/json': { schema: ERROR_REF, example: { statusCode: status, error, ...example } } } };
}

const COMMON_ERRORS = {
  400: () => errorResponse(400, 'Bad Request', 'A parameter or the body is invalid: the answer says which and why', {
    message: 'invalid body', details: [{ field: 'name', message: 'Too small: expected string to have >=1 characters' }],
  }),
  401: () => errorResponse(401, 'Unauthorized', 'The API key is missing, unknown or revoked (send Authorization: Bearer <key>)', { message: 'an API key is required: send Authorization: Bearer <key>' }),
  403: () => errorResponse(403, 'Forbidden', 'The key\'s role or organisation may not do this', { message: 'this endpoint needs the admin role' }),
  404: () => errorResponse(404, 'Not Found', 'Nothing with this id or code (or it belongs to another organisation)', { message: 'not found' }),
  429: () => errorResponse(429, 'Too Many Requests', 'A rate limit was reached; Retry-After says after how many seconds to try again', {
    limit: 'public', message: 'rate limit exceeded for public reads: at most 1200 requests per minute from one client address; retry after 37 s',
  }),
  500: () => errorResponse(500, 'Internal Server Error', 'An unexpected error; the details are in the server log under the reference', {
    message: 'an unexpected error occurred; it has been logged with reference 0b6f3c1e-2a4d-4a8e-9c1f-5d2e7b8a9c10', reference: '0b6f3c1e-2a4d-4a8e-9c1f-5d2e7b8a9c10',
  }),
  503: () => errorResponse(503, 'Service Unavailable', 'The registry database is unreachable (Retry-After: 5)', { message: 'the registry database is unavailable' }),
};

/**
 * Adds to every operation the error answers it can give that its decorators did not declare already, and gives
 * declared error answers without a body schema the error schema with an example of their own.
 */
export function completeOpenApi(doc: OpenAPIObject): OpenAPIObject {
  doc.components ??= {};
  doc.components.schemas ??= {};
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item) as [string, Operation][]) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      const add = (status: keyof typeof COMMON_ERRORS) => { op.responses[status] ??= COMMON_ERRORS[status](); };
      const authenticated = (op.security?.length ?? 0) > 0;
      if ((op.parameters?.length ?? 0) > 0 || op.requestBody) add(400);
      if (authenticated) { add(401); add(403); }
      if (isPublicRead(method.toUpperCase(), path.replace(/\{[^}]+\}/g, 'x'))) add(429);
      if (op.parameters?.some((p) => p.in === 'path')) add(404);
      add(500);
      add(503);
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const { content } = errorResponse(Number(status), STATUS_CODES[status] ?? 'Error', '', { message: response.description ?? '' });
        const json = response.content?.['application/json'];
        if (!json) response.content = { ...response.content, ...content };
        else if (isErrorSchema(json.schema)) json.example ??= content['application/json'].example;
      }
    }
  }
  return doc;
}
