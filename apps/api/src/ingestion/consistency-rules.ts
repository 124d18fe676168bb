/**
 * Rules between measures of the same key (site, municipality, period, client group) within one file.
 * A rule applies only when every measure it names is in the catalogue and present for that key in the
 * file. `holds` is a DuckDB expression over the measures' values (named by their catalogue codes) that must
 * be true; the error is reported on the row and column of `reportOn`. Small tolerances absorb rounding of
 * sums of decimal scores.
 */
export interface ConsistencyRule {
  code: string;
  measures: string[];
  reportOn: string;
  holds: string;
  /** Plain-language explanation; `{m}` is replaced by the value of measure m. */
  message: string;
  /** The rule in words, for the documentation. */
  rule: string;
}

const EPS = 1e-6;

export const CONSISTENCY_RULES: ConsistencyRule[] = [
  {
    code: 'INCONSISTENT_EXITS', measures: ['exits_to_work', 'exits_total'], reportOn: 'exits_to_work',
    holds: 'exits_to_work <= exits_total',
    message: 'exits_to_work ({exits_to_work}) is larger than exits_total ({exits_total}); exits to work are part of all exits.',
    rule: 'exits_to_work <= exits_total',
  },
  {
    code: 'INCONSISTENT_EXITS', measures: ['exits_total', 'clients_start', 'clients_new'], reportOn: 'exits_total',
    holds: 'exits_total <= clients_start + clients_new',
    message: 'exits_total ({exits_total}) is larger than clients_start ({clients_start}) plus clients_new ({clients_new}); only clients served can leave.',
    rule: 'exits_total <= clients_start + clients_new',
  },
  {
    code: 'INCONSISTENT_SUSTAINED_EXITS', measures: ['exits_to_work_sustained', 'exits_to_work'], reportOn: 'exits_to_work_sustained',
    holds: 'exits_to_work_sustained <= exits_to_work',
    message: 'exits_to_work_sustained ({exits_to_work_sustained}) is larger than exits_to_work ({exits_to_work}).',
    rule: 'exits_to_work_sustained <= exits_to_work',
  },
  {
    code: 'INCONSISTENT_SURVEY', measures: ['survey_satisfied', 'survey_respondents'], reportOn: 'survey_satisfied',
    holds: 'survey_satisfied <= survey_respondents',
    message: 'survey_satisfied ({survey_satisfied}) is larger than survey_respondents ({survey_respondents}).',
    rule: 'survey_satisfied <= survey_respondents',
  },
  {
    code: 'INCONSISTENT_SCORE_SUM', measures: ['survey_score_sum', 'survey_respondents'], reportOn: 'survey_score_sum',
    holds: `survey_score_sum >= survey_respondents - ${EPS} AND survey_score_sum <= 10 * survey_respondents + ${EPS}`,
    message: 'survey_score_sum ({survey_score_sum}) must lie between 1 and 10 times survey_respondents ({survey_respondents}), as every score is 1 to 10.',
    rule: '1 x survey_respondents <= survey_score_sum <= 10 x survey_respondents (so 0 when there are no respondents)',
  },
  {
    code: 'INCONSISTENT_SCORE_SUMSQ', measures: ['survey_score_sumsq', 'survey_score_sum', 'survey_respondents'], reportOn: 'survey_score_sumsq',
    holds: `CASE WHEN survey_respondents = 0 THEN survey_score_sumsq = 0
      ELSE survey_score_sumsq >= survey_score_sum * survey_score_sum / survey_respondents - ${EPS} * greatest(1, survey_score_sumsq)
       AND survey_score_sumsq <= 10 * survey_score_sum + ${EPS} * greatest(1, survey_score_sumsq) END`,
    message: 'survey_score_sumsq ({survey_score_sumsq}) does not fit survey_score_sum ({survey_score_sum}) and survey_respondents ({survey_respondents}): it must be at least sum x sum / respondents and at most 10 x sum (0 without respondents).',
    rule: 'when survey_respondents = n > 0: survey_score_sum^2 / n <= survey_score_sumsq <= 10 x survey_score_sum; when n = 0: survey_score_sumsq = 0',
  },
  {
    code: 'INCONSISTENT_FIRST_OFFERS', measures: ['days_to_first_offer_sum', 'first_offers'], reportOn: 'days_to_first_offer_sum',
    holds: `first_offers > 0 OR days_to_first_offer_sum = 0`,
    message: 'days_to_first_offer_sum ({days_to_first_offer_sum}) must be 0 when first_offers is 0.',
    rule: 'days_to_first_offer_sum = 0 when first_offers = 0',
  },
];
