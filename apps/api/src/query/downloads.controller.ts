import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiExtraModels, ApiNotFoundResponse, ApiOperation, ApiParam, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiErrorDto } from '../common/api-error.dto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DownloadResponses, P, ReleaseFileResponses } from './query.schemas';
import type { RawQuery } from './query-params';
import { ReleaseDownloads } from './release-downloads';

@ApiTags('releases')
@Controller('api/v1/releases')
export class DownloadsController {
  constructor(private readonly downloads: ReleaseDownloads) {}

  @Get(':id/download')
  @ApiOperation({ summary: 'Download a release table (streamed), filtered like /metrics, or the whole release as a zip (whole=true)' })
  @ApiParam({ name: 'id', example: '2026.1', description: 'Release id or latest' })
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'csv-excel', 'parquet', 'arrow', 'json'], description: 'Default csv. csv-excel: semicolon, decimal comma, UTF-8 BOM' })
  @ApiQuery({ name: 'table', required: false, enum: ['metrics', 'facts', 'peers', 'typology', 'sites'], description: 'Default metrics' })
  @ApiQuery({ name: 'whole', required: false, enum: ['true', 'false'], description: 'true: a zip of every file in the manifest plus manifest.json' })
  @P.metric(false, true) @P.level() @P.unit() @P.period(true) @P.range() @P.grain() @P.clientGroup(true)
  @DownloadResponses()
  @ApiExtraModels(ApiErrorDto)
  @ApiBadRequestResponse({ description: 'Unknown parameter or value (named, with allowed values)', schema: { $ref: getSchemaPath(ApiErrorDto) } })
  @ApiNotFoundResponse({ description: 'Not a published release', schema: { $ref: getSchemaPath(ApiErrorDto) } })
  download(@Req() req: FastifyRequest, @Res() res: FastifyReply, @Param('id') id: string, @Query() q: RawQuery) {
    return this.downloads.download(req, res, id, q);
  }

  @Get(':id/files/:name')
  @ApiOperation({ summary: 'One file listed in the manifest (or manifest.json itself), byte for byte' })
  @ApiParam({ name: 'id', example: '2026.1', description: 'Release id or latest' })
  @ApiParam({ name: 'name', example: 'metrics.parquet', description: 'A file name of the manifest (metrics.parquet, facts.parquet, peer_groups.parquet, typology_outcomes.parquet, sites.parquet, codebook.json, codebook.md) or manifest.json' })
  @ReleaseFileResponses()
  @ApiNotFoundResponse({ description: 'Unknown release or file', schema: { $ref: getSchemaPath(ApiErrorDto) } })
  file(@Req() req: FastifyRequest, @Res() res: FastifyReply, @Param('id') id: string, @Param('name') name: string) {
    return this.downloads.file(req, res, id, name);
  }
}
