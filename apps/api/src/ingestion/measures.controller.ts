import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ description: 'Every measure with its kind, unit, description (en, nl), the rule its values meet and the consistency rules it takes part in', schema: { type: 'array', items: { type: 'object' }, example: [{
    code: 'clients_start', kind: 'count', family: 'volume', process: false, unit: 'clients',
    description: { en: 'Clients in service at the start of the month', nl: 'Klanten in dienst aan het begin van de maand' },
    valueRule: VALUE_RULES.count, consistency: [{ code: 'INCONSISTENT_EXITS', rule: 'exits_total <= clients_start + clients_new' }],
  }] } })
  measures() {
    return MEASURES.map((m) => ({
      ...m,
      valueRule: VALUE_RULES[m.kind],
      consistency: CONSISTENCY_RULES.filter((r) => r.measures.includes(m.code)).map((r) => ({ code: r.code, rule: r.rule })),
    }));
  }

  @Get('client-groups') @ApiOperation({ summary: 'The six client groups a submission uses' })
  @ApiOkResponse({ description: 'The client groups with their Dutch and English names', schema: { type: 'array', items: { type: 'object' }, example: [
    { code: 'jongeren', nl: 'Jongeren (onder 27)', en: 'Young people (under 27)' }, { code: 'ww', nl: 'WW (27+)', en: 'Unemployment insurance (27+)' },
  ] } })
  clientGroups() {
    return CLIENT_GROUPS.map((code) => ({ code, ...CLIENT_GROUP_LABELS[code] }));
  }
}
