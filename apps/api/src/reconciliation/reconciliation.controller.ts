import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.guard';
import { ReconciliationService } from './reconciliation.service';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('api/v1/admin')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Get('reconciliation') @Roles('admin')
  @ApiOperation({ summary: 'What the start-up reconciliation of PostgreSQL, DuckDB and the data directory repaired, and the problems it left for an operator' })
  report() {
    return this.reconciliation.last;
  }
}
