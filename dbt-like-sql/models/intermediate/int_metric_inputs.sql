-- One row per metric x level x unit x grain x period x client group with the summed numerator and denominator.
-- numerator_count / denominator_count are the person counts used by disclosure control (NULL when the
-- numerator is not a count of people, e.g. euros or days).
WITH p AS (
  SELECT *, clients_start + clients_new AS served FROM {{ ref('int_unit_period') }}
),
national_group_rate AS (
  -- national outflow rate per client group and period: the standard for indirect standardisation
  SELECT grain, period, client_group, exits_to_work / served AS rate
  FROM p WHERE level = 'national' AND served > 0
),
expected_by_group AS (
  SELECT p.level, p.unit, p.grain, p.period, p.client_group, p.served * r.rate AS expected
  FROM p JOIN national_group_rate AS r USING (grain, period, client_group)
  WHERE p.client_group <> 'all'
),
expected AS (
  SELECT * FROM expected_by_group
  UNION ALL
  SELECT level, unit, grain, period, 'all', sum(expected) FROM expected_by_group GROUP BY ALL
)
SELECT level, unit, grain, period, period_start, period_end, client_group, metric, numerator, denominator,
  sum_squares, numerator_count, denominator_count, observed, expected
FROM (
  SELECT *, 'outflow_to_work' AS metric, exits_to_work AS numerator, served AS denominator, NULL::DOUBLE AS sum_squares,
    exits_to_work AS numerator_count, served AS denominator_count, NULL::DOUBLE AS observed, NULL::DOUBLE AS expected FROM p
  UNION ALL
  SELECT *, 'sustained_outflow', exits_to_work_sustained, exits_to_work, NULL, exits_to_work_sustained, exits_to_work, NULL, NULL FROM p
  UNION ALL
  SELECT *, 'satisfaction_mean', survey_score_sum, survey_respondents, survey_score_sumsq, NULL, survey_respondents, NULL, NULL FROM p
  UNION ALL
  SELECT *, 'satisfaction_share', survey_satisfied, survey_respondents, NULL, survey_satisfied, survey_respondents, NULL, NULL FROM p
  UNION ALL
  SELECT *, 'cost_per_case', cost_eur, served, NULL, NULL, served, NULL, NULL FROM p
  UNION ALL
  SELECT *, 'cost_per_exit_to_work', cost_eur, exits_to_work, NULL, NULL, exits_to_work, NULL, NULL FROM p
  UNION ALL
  SELECT *, 'lead_time_days', days_to_first_offer_sum, first_offers, NULL, NULL, first_offers, NULL, NULL FROM p
  UNION ALL
  SELECT *, 'joint_plan_share', joint_plans, served, NULL, joint_plans, served, NULL, NULL FROM p
  UNION ALL
  -- numerator = observed exits, denominator = expected exits; suppression looks at the people served
  SELECT p.*, 'outflow_to_work_adjusted', p.exits_to_work, e.expected, NULL, p.exits_to_work, p.served, p.exits_to_work, e.expected
  FROM p LEFT JOIN expected AS e USING (level, unit, grain, period, client_group)
)
