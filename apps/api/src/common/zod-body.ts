import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

/** Parses a request body or query with a zod schema; a 400 lists every problem with its field path. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what = 'body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `invalid ${what}`,
    details: result.error.issues.map((i) => ({ field: i.path.join('.') || what, message: i.message })),
  });
}
