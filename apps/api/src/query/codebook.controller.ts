import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildCodebook, Codebook, codebookCsv, codebookMarkdown } from '../releases/codebook';
import { CODEBOOK_FILE, releaseDir } from '../releases/release-manifest';
import { assertKnownParams, checkAllowed, RawQuery, singleParam } from './query-params';
import { ReleasesService } from '../releases/releases.service';
import { QueryService } from './query.service';
import { CodebookResponses } from './query.schemas';
import { IMMUTABLE, SHORT } from './response-cache';

@ApiTags('public data')
@Controller('api/v1/codebook')
export class CodebookController {
  constructor(private readonly query: QueryService, private readonly releases: ReleasesService) {}

  @Get()
  @ApiOperation({ summary: 'Codebook of a release: every column, code list and metric (polarity, method), licence and citation' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv', 'md'], description: 'json (default), csv or md (Markdown)' })
  @ApiQuery({ name: 'release', required: false, example: 'latest', description: 'Release id or latest (default); without any release the code lists alone' })
  @CodebookResponses()
  async codebook(@Res() res: FastifyReply, @Query() q: RawQuery) {
    assertKnownParams(q, ['format', 'release']);
    const format = checkAllowed('format', [singleParam(q, 'format') ?? 'json'], ['json', 'csv', 'md'])[0];
    const releaseParam = singleParam(q, 'release') ?? 'latest';
    let codebook: Codebook;
    if (releaseParam === 'latest' && !(await this.releases.latest())) codebook = buildCodebook(null);
    else {
      const { release } = await this.query.open(releaseParam);
      codebook = JSON.parse(fs.readFileSync(path.join(releaseDir(this.releases.config.dataDir, release.id), CODEBOOK_FILE), 'utf8')) as Codebook;
    }
    res.header('Cache-Control', releaseParam === 'latest' ? SHORT : IMMUTABLE);
    if (format === 'csv') await res.type('text/csv; charset=utf-8').send(codebookCsv(codebook));
    else if (format === 'md') await res.type('text/markdown; charset=utf-8').send(codebookMarkdown(codebook));
    else await res.send(codebook);
  }
}
