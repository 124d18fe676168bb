import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CLIENT_GROUP_LABELS, CLIENT_GROUPS, MEASURES } from '@uitkomst/domain';
import { CONSISTENCY_RULES } from './consistency-rules';

export const VALUE_RULES = {
  count: 'a whole number, 0 or more',
  amount: 'euros, 0 or more, at most 2 decimals',
  sum: 'a number, 0 or more',
} as const;

@ApiTags('submissions')
@Controller('api/v1')
export class MeasuresController {
  @Get('measures') @ApiOperation({ summary: 'The measure catalogue: what a submission may contain, with the rules each value must meet' })
  measures() {
    return MEASURES.map((m) => ({
      ...m,
      valueRule: VALUE_RULES[m.kind],
      consistency: CONSISTENCY_RULES.filter((r) => r.measures.includes(m.code)).map((r) => ({ code: r.code, rule: r.rule })),
    }));
  }

  @Get('client-groups') @ApiOperation({ summary: 'The six client groups a submission uses' })
  clientGroups() {
    return CLIENT_GROUPS.map((code) => ({ code, ...CLIENT_GROUP_LABELS[code] }));
  }
}
