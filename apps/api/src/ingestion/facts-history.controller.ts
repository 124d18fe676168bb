import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedKey } from '../auth/api-keys.service';
import { CurrentKey, Roles } from '../auth/auth.guard';
import { ApiZodQuery } from '../common/openapi';
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
  @ApiZodQuery(HistoryQuery, {
    site: { description: 'The site whose values to list (one your organisation is a partner of; admin: any)', example: 'WP-AM18-01' },
    municipality: { description: 'Only this municipality (CBS code)', example: 'GM0363' },
    period: { description: 'Only this month (YYYY-MM)', example: '2025-07' },
    clientGroup: { description: 'Only this client group', example: 'ww' },
    measure: { description: 'Only this measure (see /api/v1/measures)', example: 'exits_to_work' },
    limit: { description: 'Versions per page' },
    offset: { description: 'Versions to skip' },
  })
  @ApiOkResponse({ description: 'Every accepted version of each value; current marks the one in force, supersededBy the submission that replaced it', schema: { type: 'object', example: {
    site: 'WP-AM18-01', limit: 1000, offset: 0,
    versions: [{
      site_code: 'WP-AM18-01', municipality_code: 'GM0363', period: '2025-07', client_group: 'ww', measure: 'exits_to_work', value: 40,
      submissionId: 'df4cff30-6421-4af6-b636-6ce979dd4ddd', acceptedAt: '2026-12-05 07:26:18.691', supersededBy: null, current: true,
    }],
  } } })
  history(@CurrentKey() key: AuthenticatedKey, @Query() query: unknown) {
    return this.reads.history(key, parseWith(HistoryQuery, query, 'query'));
  }
}
