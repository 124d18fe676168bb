import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { P } from './query.schemas';
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
  @ApiProduces('text/csv', 'application/vnd.apache.arrow.stream', 'application/vnd.apache.parquet', 'application/json', 'application/zip')
  @ApiOkResponse({ description: 'The file, streamed; ETag and immutable Cache-Control for a release id' })
  @ApiBadRequestResponse({ description: 'Unknown parameter or value (named, with allowed values)' })
  @ApiNotFoundResponse({ description: 'Not a published release' })
  download(@Req() req: FastifyRequest, @Res() res: FastifyReply, @Param('id') id: string, @Query() q: RawQuery) {
    return this.downloads.download(req, res, id, q);
  }

  @Get(':id/files/:name')
  @ApiOperation({ summary: 'One file listed in the manifest (or manifest.json itself), byte for byte' })
  @ApiParam({ name: 'id', example: '2026.1' })
  @ApiParam({ name: 'name', example: 'metrics.parquet' })
  @ApiProduces('application/vnd.apache.parquet', 'application/json', 'text/markdown')
  @ApiOkResponse({ description: 'The file' })
  @ApiNotFoundResponse({ description: 'Unknown release or file' })
  file(@Req() req: FastifyRequest, @Res() res: FastifyReply, @Param('id') id: string, @Param('name') name: string) {
    return this.downloads.file(req, res, id, name);
  }
}
