import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseFunnelQuery, parseProfileQuery, parseTypologyQuery, runFunnelQuery, runProfileQuery, runTypologyQuery } from './distribution-queries';
import { parseBenchmarkQuery, parseMetricsQuery, parseTrendsQuery, runBenchmarkQuery, runMetricsQuery, runTrendsQuery } from './metrics-queries';
import { BenchmarkDto, FunnelDto, MetricRowDto, P, ProfileDto, ReadResponses, TrendsDto, TypologyDto } from './query.schemas';
import type { RawQuery } from './query-params';
import { QueryService } from './query.service';

/** Public read API over released data only. Thin: parameters, release and caching are handled by QueryService. */
@ApiTags('public data')
@Controller('api/v1')
export class QueryController {
  constructor(private readonly query: QueryService) {}

  @Get('metrics')
  @ApiOperation({ summary: 'Metric rows of a release, filtered; several metrics, levels, units and periods per call (comma-separated)' })
  @P.metric(false, true) @P.level() @P.unit() @P.period(true) @P.range() @P.grain() @P.clientGroup(true) @P.release() @P.format()
  @ReadResponses(MetricRowDto, true)
  metrics(@Req() req: FastifyRequest, @Res() res: FastifyReply, @Query() q: RawQuery) {
    return this.query.respond(req, res, 'metrics', q, ['metric', 'level', 'unit', 'period', 'from', 'to', 'grain', 'clientGroup'], parseMetricsQuery, runMetricsQuery);
  }

  @Get('benchmark')
  @ApiOperation({ summary: 'One unit against the national value, its labour-market region and its peer group (peer values and median)' })
  @P.metric(true) @P.unit(true, false) @P.period() @P.clientGroup() @P.release() @P.format()
  @ReadResponses(BenchmarkDto)
  benchmark(@Req() req: FastifyRequest, @Res() res: FastifyReply, @Query() q: RawQuery) {
    return this.query.respond(req, res, 'benchmark', q, ['metric', 'unit', 'period', 'clientGroup'], parseBenchmarkQuery, runBenchmarkQuery);
  }

  @Get('funnel')
  @ApiOperation({ summary: 'Funnel plot: units of a level (points) with 95% and 99.8% control limits over a denominator grid' })
  @P.metric(true) @P.level(false) @P.period() @P.clientGroup() @P.release() @P.format()
  @ReadResponses(FunnelDto)
  funnel(@Req() req: FastifyRequest, @Res() res: FastifyReply, @Query() q: RawQuery) {
    return this.query.respond(req, res, 'funnel', q, ['metric', 'level', 'period', 'clientGroup'], parseFunnelQuery, runFunnelQuery);
  }

  @Get('trends')
  @ApiOperation({ summary: 'Time series with intervals for one or more units, plus the national series' })
  @P.metric(true) @P.unit(true) @P.grain('year') @P.clientGroup() @P.release() @P.format()
  @ReadResponses(TrendsDto)
  trends(@Req() req: FastifyRequest, @Res() res: FastifyReply, @Query() q: RawQuery) {
    return this.query.respond(req, res, 'trends', q, ['metric', 'unit', 'grain', 'clientGroup'], parseTrendsQuery, runTrendsQuery);
  }

  @Get('typology')
  @ApiOperation({ summary: 'Outcomes by site typology (association, not an impact evaluation)' })
  @P.metric(true) @P.dimension() @P.period() @P.clientGroup() @P.release() @P.format()
  @ReadResponses(TypologyDto)
  typology(@Req() req: FastifyRequest, @Res() res: FastifyReply, @Query() q: RawQuery) {
    return this.query.respond(req, res, 'typology', q, ['metric', 'dimension', 'period', 'clientGroup'], parseTypologyQuery, runTypologyQuery);
  }

  @Get('profile/:unit')
  @ApiOperation({ summary: 'Every metric of one unit against the range across units of its level (spine chart), with its sites\' typology and years since cooperation started' })
  @ApiParam({ name: 'unit', example: 'GM0363', description: 'Site, municipality (GM....), region (AM..) or national unit code' })
  @P.period() @P.clientGroup() @P.release() @P.format()
  @ReadResponses(ProfileDto)
  profile(@Req() req: FastifyRequest, @Res() res: FastifyReply, @Param('unit') unit: string, @Query() q: RawQuery) {
    return this.query.respond(req, res, `profile-${unit}`, q, ['period', 'clientGroup'], (rel, query) => parseProfileQuery(rel, unit, query), runProfileQuery);
  }
}
