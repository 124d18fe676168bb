-- Outcomes by site typology (the typology valid in each month), per year and client group, summed over the
-- sites in each category. Association, not effect: see the caveat column.
WITH site_month AS (
  SELECT s.*, t.integration_level, t.phase, t.team_model, t.co_located
  FROM {{ ref('int_unit_month') }} AS s
  JOIN {{ ref('stg_site_typology') }} AS t ON t.site_code = s.unit AND t.valid_from <= s.month AND s.month < t.valid_to
  WHERE s.level = 'site'
),
by_dimension AS (
  SELECT 'integration_level' AS dimension, integration_level AS category, * FROM site_month
  UNION ALL SELECT 'team_model', team_model, * FROM site_month WHERE team_model IS NOT NULL
  UNION ALL SELECT 'phase', phase, * FROM site_month
  UNION ALL SELECT 'co_located', co_located, * FROM site_month
),
site_year AS (
  -- per site first, so the stock (clients_start) is the site's first month in the category that year
  SELECT dimension, category, unit, date_trunc('year', month)::DATE AS year_start, client_group,
    arg_min(clients_start, month) AS clients_start, sum(clients_new) AS clients_new, sum(exits_to_work) AS exits_to_work,
    sum(exits_to_work_sustained) AS exits_to_work_sustained, sum(survey_respondents) AS survey_respondents,
    sum(survey_score_sum) AS survey_score_sum, sum(survey_score_sumsq) AS survey_score_sumsq,
    sum(survey_satisfied) AS survey_satisfied, sum(cost_eur) AS cost_eur,
    sum(days_to_first_offer_sum) AS days_to_first_offer_sum, sum(first_offers) AS first_offers, sum(joint_plans) AS joint_plans
  FROM by_dimension GROUP BY ALL
),
c AS (
  SELECT dimension, category, year_start, client_group, count(DISTINCT unit) AS n_sites,
    sum(clients_start + clients_new) AS served, sum(COLUMNS(* EXCLUDE (dimension, category, year_start, client_group, unit, clients_start, clients_new)))
  FROM site_year GROUP BY ALL
),
inputs AS (
  SELECT *, 'outflow_to_work' AS metric, exits_to_work AS numerator, served AS denominator, NULL::DOUBLE AS sum_squares, exits_to_work AS numerator_count, served AS denominator_count FROM c
  UNION ALL SELECT *, 'sustained_outflow', exits_to_work_sustained, exits_to_work, NULL, exits_to_work_sustained, exits_to_work FROM c
  UNION ALL SELECT *, 'satisfaction_mean', survey_score_sum, survey_respondents, survey_score_sumsq, NULL, survey_respondents FROM c
  UNION ALL SELECT *, 'satisfaction_share', survey_satisfied, survey_respondents, NULL, survey_satisfied, survey_respondents FROM c
  UNION ALL SELECT *, 'cost_per_case', cost_eur, served, NULL, NULL, served FROM c
  UNION ALL SELECT *, 'cost_per_exit_to_work', cost_eur, exits_to_work, NULL, NULL, exits_to_work FROM c
  UNION ALL SELECT *, 'lead_time_days', days_to_first_offer_sum, first_offers, NULL, NULL, first_offers FROM c
  UNION ALL SELECT *, 'joint_plan_share', joint_plans, served, NULL, joint_plans, served FROM c
),
figures AS (
  SELECT i.*, cat.method,
    numerator / nullif(denominator, 0) AS value,
    CASE cat.method WHEN 'wilson' THEN wilson_low(numerator, denominator, z95())
      WHEN 't_mean' THEN t_mean_low(denominator, numerator, sum_squares) END AS ci_low,
    CASE cat.method WHEN 'wilson' THEN wilson_high(numerator, denominator, z95())
      WHEN 't_mean' THEN t_mean_high(denominator, numerator, sum_squares) END AS ci_high,
    CASE
      WHEN n_sites < {{ var('min_typology_sites', 3) }} THEN 'few_units'
      WHEN denominator_count < {{ var('min_denominator', 10) }} THEN 'small_denominator'
      WHEN numerator_count BETWEEN 1 AND {{ var('small_count_max', 4) }} THEN 'small_count'
    END AS suppression_reason
  FROM inputs AS i JOIN {{ ref('stg_metric_catalogue') }} AS cat USING (metric)
)
SELECT metric, dimension, category, 'year' AS grain, strftime(year_start, '%Y') AS period, client_group,
  CASE WHEN suppression_reason IS NULL THEN numerator END AS numerator,
  CASE WHEN suppression_reason IS NULL THEN denominator END AS denominator,
  CASE WHEN suppression_reason IS NULL THEN value END AS value,
  CASE WHEN suppression_reason IS NULL THEN ci_low END AS ci_low,
  CASE WHEN suppression_reason IS NULL THEN ci_high END AS ci_high,
  n_sites,
  suppression_reason IS NOT NULL AS suppressed,
  suppression_reason,
  'Association, not effect: sites with this typology differ in many other ways (clients, labour market, '
    || 'size); this comparison is not an impact evaluation.' AS caveat
FROM figures
