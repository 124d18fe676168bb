import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedKey } from '../auth/api-keys.service';
import { CurrentKey, Roles } from '../auth/auth.guard';
import { parseWith } from '../common/zod-body';
import { SubmissionReadsService } from './submission-reads.service';
import { HistoryQuery } from './submission.dto';

@ApiTags('submissions')
@ApiBearerAuth()
@Controller('api/v1/facts')
export class FactsHistoryController {
  constructor(private readonly reads: SubmissionReadsService) {}

  @Get('history') @Roles('submitter')
  @ApiOperation({ summary: 'Every accepted version of the values of a site (partners and admin), narrowed by municipality, period, clientGroup, measure' })
  history(@CurrentKey() key: AuthenticatedKey, @Query() query: unknown) {
    return this.reads.history(key, parseWith(HistoryQuery, query, 'query'));
  }
}
