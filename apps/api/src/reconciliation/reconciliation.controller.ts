import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.guard';
import { ReconciliationService } from './reconciliation.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Get('reconciliation') @Roles('admin')
  @ApiOperation({ summary: 'What the start-up reconciliation of PostgreSQL, DuckDB and the data directory repaired, and the problems it left for an operator' })
  @ApiOkResponse({ description: 'The report of the last start (repairs in actions, what needs an operator in problems)', schema: { type: 'object', example: {
    startedAt: '2026-12-05T07:38:48.667Z', ms: 196,
    actions: [{ action: 'submission.reject', target: '9eb89866-0ebe-4419-a689-bfefe6cbec8a', details: { code: 'PROCESSING_FAILED' } }],
    problems: [{ action: 'reconcile.facts_count_differs', target: 'df4cff30-6421-4af6-b636-6ce979dd4ddd', details: { expected: 624240, found: 624000 } }],
  } } })
  report() {
    return this.reconciliation.last;
  }
}
