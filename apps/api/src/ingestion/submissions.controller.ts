import { Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
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

@ApiTags('submissions')
@ApiBearerAuth()
@Controller('api/v1/submissions')
export class SubmissionsController {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly reads: SubmissionReadsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post() @Roles('submitter') @UseGuards(UploadRateLimitGuard)
  @ApiConsumes(...SUPPORTED_MEDIA_TYPES, 'multipart/form-data')
  @ApiOperation({ summary: 'Upload a file of indicators (raw body or multipart field "file"); 202 with the new submission, 200 with the existing one for the same content; with wait=N (seconds, max 60) 201 when accepted and 422 when rejected within that time' })
  @ApiQuery({ name: 'wait', required: false, description: 'Seconds (at most 60) to wait for validation before answering' })
  @ApiQuery({ name: 'filename', required: false, description: 'The file name, when the body is raw and has no Content-Disposition' })
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
  async list(@CurrentKey() key: AuthenticatedKey, @Query() query: unknown) {
    return (await this.reads.list(key, parseWith(ListQuery, query, 'query'))).map(toSubmissionView);
  }

  @Get('template.csv') @ApiOperation({ summary: 'An empty CSV with the columns of the long (default) or wide layout' })
  @ApiQuery({ name: 'layout', required: false, enum: ['long', 'wide'] })
  async template(@Query() query: unknown, @Res() res: FastifyReply) {
    const { layout } = parseWith(TemplateQuery, query, 'query');
    await res.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="uitkomst-template-${layout}.csv"`).send(templateCsv(layout));
  }

  @Get(':id') @Roles('submitter')
  @ApiOperation({ summary: 'Status, counts and the first errors; wait=N (seconds, max 60) waits for a final status' })
  @ApiQuery({ name: 'wait', required: false })
  async get(@CurrentKey() key: AuthenticatedKey, @Param('id', ParseUUIDPipe) id: string, @Query() query: unknown) {
    return toSubmissionView(await this.reads.get(key, id, parseWith(GetQuery, query, 'query').wait));
  }

  @Get(':id/errors.csv') @Roles('submitter') @ApiOperation({ summary: 'Every error of the submission as CSV (row, column, code, message)' })
  async errors(@CurrentKey() key: AuthenticatedKey, @Param('id', ParseUUIDPipe) id: string, @Res() reply: FastifyReply) {
    const stream = await this.reads.errorsCsv(key, id);
    reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="submission-${id}-errors.csv"`);
    const res = takeOver(reply);
    stream.on('error', () => res.end(errorsToCsv([])));
    stream.pipe(res);
  }

  @Get(':id/facts') @Roles('submitter') @ApiOperation({ summary: 'The values this submission brought in (before any release), with supersededBy' })
  facts(@CurrentKey() key: AuthenticatedKey, @Param('id', ParseUUIDPipe) id: string, @Query() query: unknown) {
    return this.reads.facts(key, id, parseWith(FactsQuery, query, 'query'));
  }
}
