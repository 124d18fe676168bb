import { Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import { ApiZodQuery } from '../common/openapi';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { takeOver } from '../common/http';
import type { AuthenticatedKey } from '../auth/api-keys.service';
import { CurrentKey, Roles } from '../auth/auth.guard';
import { parseWith } from '../common/zod-body';
import type { AppConfig } from '../config';
import { UploadRateLimitGuard } from '../security/rate-limits';
import { APP_CONFIG } from '../tokens';
import { Inject } from '@nestjs/common';
import { SUPPORTED_MEDIA_TYPES } from './file-formats';
import { IngestionService } from './ingestion.service';
import { errorsToCsv, SubmissionReadsService, templateCsv } from './submission-reads.service';
import { FactsQuery, GetQuery, ListQuery, rejectionMessage, submissionPath, TemplateQuery, toSubmissionView, UploadQuery } from './submission.dto';
import { receiveUpload } from './upload-receiver';

const SUBMISSION = {
  id: 'df4cff30-6421-4af6-b636-6ce979dd4ddd', status: 'accepted', organisationCode: 'ORG-GM0363', format: 'csv', layout: 'wide', filename: 'amsterdam-2025-07.csv',
  sha256: '85745862115c253e24d2c8fef5e68224767c309886058cfd4c03cd70311954aa', byteSize: 38066, rowCount: 416, valueCount: 6240, errorCount: 0, errors: [],
  supersededValues: 0, supersededBy: null, receivedAt: '2026-12-05T07:26:18.197Z', finishedAt: '2026-12-05T07:26:18.705Z',
  links: {
    self: '/api/v1/submissions/df4cff30-6421-4af6-b636-6ce979dd4ddd', errors: '/api/v1/submissions/df4cff30-6421-4af6-b636-6ce979dd4ddd/errors.csv',
    facts: '/api/v1/submissions/df4cff30-6421-4af6-b636-6ce979dd4ddd/facts',
  },
};
const REJECTED_ERROR = { row: 7, column: 'value', code: 'NOT_A_NUMBER', message: 'value "12,5" is not a number' };
const LONG_ROWS = [
  { site_code: 'WP-AM18-01', municipality_code: 'GM0363', period: '2025-07', client_group: 'ww', measure: 'exits_to_work', value: 40 },
  { site_code: 'WP-AM18-01', municipality_code: 'GM0363', period: '2025-07', client_group: 'ww', measure: 'clients_start', value: 812 },
];
/** Each accepted media type with its body: JSON as an array of rows, NDJSON and CSV as text, the rest as binary files. */
function uploadBodies() {
  const binary = { schema: { type: 'string', format: 'binary' } };
  const csv = 'site_code,municipality_code,period,client_group,measure,value\nWP-AM18-01,GM0363,2025-07,ww,exits_to_work,40\n';
  const bodies: Record<string, { schema: object; example?: unknown }> = Object.fromEntries(SUPPORTED_MEDIA_TYPES.map((type) => [type, binary]));
  bodies['text/csv'] = { schema: { type: 'string' }, example: csv };
  bodies['application/json'] = { schema: { type: 'array', items: { type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }] } }, example: LONG_ROWS } };
  bodies['application/x-ndjson'] = { schema: { type: 'string' }, example: LONG_ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n' };
  bodies['multipart/form-data'] = { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } };
  return bodies;
}
const submission = (status: number, description: string, example: object) => ApiResponse({ status, description, schema: { type: 'object', example } });
const submissionId = ApiParam({ name: 'id', description: 'The submission\'s id (UUID), from the upload\'s answer or its Location header', example: SUBMISSION.id });
const uploadError = (status: number, description: string, example: object) =>
  ApiResponse({ status, description, content: { 'application/json': { schema: { $ref: getSchemaPath(ApiErrorDto) }, example: { statusCode: status, ...example } } } });

@ApiTags('submissions')
@ApiExtraModels(ApiErrorDto)
@ApiBearerAuth()
@Controller('api/v1/submissions')
export class SubmissionsController {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly reads: SubmissionReadsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post() @Roles('submitter') @UseGuards(UploadRateLimitGuard)
  @ApiOperation({
    summary: 'Upload a file of indicators (raw body or multipart field "file"); 202 with the new submission, 200 with the existing one for the same content; with wait=N (seconds, max 60) 201 when accepted and 422 when rejected within that time',
    requestBody: {
      required: true, content: uploadBodies(),
      description: 'The file: CSV (long or wide layout, see the template), JSON, NDJSON, Parquet or Arrow IPC, as the raw body with its Content-Type, or as the multipart field "file"',
    },
  })
  @ApiZodQuery(UploadQuery, {
    wait: { description: 'Seconds (at most 60) to wait for validation before answering', example: 30 },
    filename: { description: 'The file name, when the body is raw and has no Content-Disposition', example: 'amsterdam-2025-07.csv' },
  })
  @submission(202, 'Received: validation runs in the background; poll the Location', { ...SUBMISSION, status: 'received', rowCount: null, valueCount: null, finishedAt: null, existing: false })
  @submission(200, 'The same content was submitted before: that submission, unchanged', { ...SUBMISSION, existing: true })
  @submission(201, 'With wait: validated and accepted within the time', { ...SUBMISSION, existing: false })
  @uploadError(422, 'With wait: rejected within the time; nothing was stored. The body is also the submission, with its first errors', {
    error: 'Unprocessable Entity', message: 'The file was rejected with 1 error; nothing was stored. First: row 7, column "value": NOT_A_NUMBER: value "12,5" is not a number Every error: /api/v1/submissions/df4cff30-6421-4af6-b636-6ce979dd4ddd/errors.csv',
    ...SUBMISSION, status: 'rejected', errorCount: 1, errors: [REJECTED_ERROR], existing: false,
  })
  @uploadError(413, 'The file is larger than MAX_UPLOAD_BYTES; nothing was kept', { error: 'Payload Too Large', code: 'FILE_TOO_LARGE', message: 'The file is larger than the limit of 1073741824 bytes.' })
  @uploadError(415, 'Not a type that is accepted', { error: 'Unsupported Media Type', code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Files of type "application/pdf" are not accepted. Send one of: text/csv, ...' })
  @uploadError(429, 'The uploads rate limit of the key was reached; Retry-After says when to try again', {
    error: 'Too Many Requests', limit: 'uploads', message: 'rate limit exceeded for uploads: at most 60 per minute for one API key; retry after 12 s',
  })
  async upload(@CurrentKey() key: AuthenticatedKey, @Req() req: FastifyRequest, @Res() res: FastifyReply) {
    const { wait, filename } = parseWith(UploadQuery, req.query, 'query');
    const upload = await receiveUpload(req.raw, filename ?? null, this.ingestion.uploadDir, this.config.maxUploadBytes);
    const { submission, existing } = await this.ingestion.submitUpload(key, upload);
    const shown = wait > 0 && !this.ingestion.isFinal(submission.status) ? await this.reads.get(key, submission.id, wait) : submission;
    const view = { ...toSubmissionView(shown), existing };
    res.header('Location', submissionPath(shown.id));
    if (shown.status === 'rejected') {
      await res.code(422).send({ statusCode: 422, error: 'Unprocessable Entity', message: rejectionMessage(shown), ...view });
      return;
    }
    await res.code(existing ? 200 : this.ingestion.isFinal(shown.status) ? 201 : 202).send(view);
  }

  @Get() @Roles('submitter') @ApiOperation({ summary: 'Submissions of your organisation (admin: all), newest first' })
  @ApiZodQuery(ListQuery, {
    status: { description: 'Only submissions with this status', example: 'rejected' },
    limit: { description: 'Submissions per page' },
    offset: { description: 'Submissions to skip' },
  })
  @ApiOkResponse({ description: 'The submissions', schema: { type: 'array', items: { type: 'object' }, example: [SUBMISSION] } })
  async list(@CurrentKey() key: AuthenticatedKey, @Query() query: unknown) {
    return (await this.reads.list(key, parseWith(ListQuery, query, 'query'))).map(toSubmissionView);
  }

  @Get('template.csv') @ApiOperation({ summary: 'An empty CSV with the columns of the long (default) or wide layout' })
  @ApiQuery({ name: 'layout', required: false, enum: ['long', 'wide'], description: 'long (default): one value per row; wide: one column per measure' })
  @ApiOkResponse({ description: 'The header row of the layout', content: { 'text/csv': { schema: { type: 'string' }, example: 'site_code,municipality_code,period,client_group,measure,value\n' } } })
  async template(@Query() query: unknown, @Res() res: FastifyReply) {
    const { layout } = parseWith(TemplateQuery, query, 'query');
    await res.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="uitkomst-template-${layout}.csv"`).send(templateCsv(layout));
  }

  @Get(':id') @Roles('submitter')
  @ApiOperation({ summary: 'Status, counts and the first errors; wait=N (seconds, max 60) waits for a final status' })
  @submissionId
  @ApiQuery({ name: 'wait', required: false, description: 'Seconds (at most 60) to wait for a final status (accepted or rejected) before answering', example: 30 })
  @ApiOkResponse({ description: 'The submission with its counts and first errors', schema: { type: 'object', example: SUBMISSION } })
  async get(@CurrentKey() key: AuthenticatedKey, @Param('id', ParseUUIDPipe) id: string, @Query() query: unknown) {
    return toSubmissionView(await this.reads.get(key, id, parseWith(GetQuery, query, 'query').wait));
  }

  @Get(':id/errors.csv') @Roles('submitter') @ApiOperation({ summary: 'Every error of the submission as CSV (row, column, code, message)' })
  @submissionId
  @ApiOkResponse({ description: 'Every error, one per row', content: { 'text/csv': { schema: { type: 'string' }, example: 'row,column,code,message\n7,value,NOT_A_NUMBER,"value ""12,5"" is not a number"\n' } } })
  async errors(@CurrentKey() key: AuthenticatedKey, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply) {
    const stream = await this.reads.errorsCsv(key, id);
    reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="submission-${id}-errors.csv"`);
    const res = takeOver(reply);
    stream.on('error', () => res.end(errorsToCsv([])));
    stream.pipe(res);
  }

  @Get(':id/facts') @Roles('submitter') @ApiOperation({ summary: 'The values this submission brought in (before any release), with supersededBy' })
  @submissionId
  @ApiZodQuery(FactsQuery, { limit: { description: 'Values per page' }, offset: { description: 'Values to skip' } })
  @ApiOkResponse({ description: 'A page of the values, with the total', schema: { type: 'object', example: {
    submission: SUBMISSION.id, status: 'accepted', total: 6240, limit: 1000, offset: 0,
    facts: [{
      site_code: 'WP-AM18-01', municipality_code: 'GM0363', period: '2025-07', client_group: 'ww', measure: 'exits_to_work', value: 40,
      submissionId: SUBMISSION.id, acceptedAt: '2026-12-05 07:26:18.691', supersededBy: null,
    }],
  } } })
  facts(@CurrentKey() key: AuthenticatedKey, @Param('id', ParseUUIDPipe) id: string, @Query() query: unknown) {
    return this.reads.facts(key, id, parseWith(FactsQuery, query, 'query'));
  }
}
