/** The body of every error answer (see api-exception.filter.ts), for the OpenAPI document. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { METRIC_CODES } from '@uitkomst/domain';

export class ApiErrorDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'metric: unknown value "outflow"; allowed: outflow_to_work, ...' }) message!: string;
  @ApiPropertyOptional({ example: 'metric', description: 'The parameter at fault' }) parameter?: string;
  @ApiPropertyOptional({ type: [String], example: METRIC_CODES.slice(0, 3), description: 'Allowed values, where the set is known' }) allowed?: string[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } }, description: 'Per problem in a request body: the field and what is wrong' })
  details?: { field: string; message: string }[];
  @ApiPropertyOptional({ example: 'FILE_TOO_LARGE', description: 'A machine-readable code of the problem, where the API gives one (uploads)' }) code?: string;
  @ApiPropertyOptional({ enum: ['public', 'uploads'], description: 'Which rate limit was reached (429)' }) limit?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Reference of an unexpected error (500) in the server log' }) reference?: string;
}
