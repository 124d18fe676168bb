-- Every metric x level x unit x grain x period x client group in one pass: summed numerator and denominator,
-- value, 95% interval, national value, comparison, funnel limits, year-on-year change (year rows) and the
-- primary disclosure-control reason. Methods: docs/metrics.md; formulas: dbt-like-sql/macros/stats.sql.
-- Everything that needs a lookup (national values, expected exits, the quartiles of the units, the previous
-- year, the unit's consent and parent) is joined once per unit-period row (int_unit_period) and only then
-- spread over the nine metrics, so no join runs on the long table. Integer ids link the cells for
-- int_suppression and mart_metrics: cell_id = unit-period row x 16 + metric number.
WITH p0 AS (
  -- ids in a fixed order, so the tie-breaks of secondary suppression are the same in every build
  SELECT row_number() OVER (ORDER BY level, unit, client_group, grain, period) AS p_id,
    dense_rank() OVER (ORDER BY level, unit, client_group) AS series_no,
    *, clients_start + clients_new AS served FROM {{ ref('int_unit_period') }}
),
national_group_rate AS (
  -- national outflow rate per client group and period: the standard for indirect standardisation
  SELECT grain, period, client_group, exits_to_work / served AS rate
  FROM p0 WHERE level = 'national' AND served > 0
),
expected_by_group AS (
  SELECT p0.p_id, p0.level, p0.unit, p0.grain, p0.period, p0.served * r.rate AS expected
  FROM p0 JOIN national_group_rate AS r USING (grain, period, client_group)
  WHERE p0.client_group <> 'all'
),
expected AS (
  SELECT p_id, expected FROM expected_by_group
  UNION ALL
  SELECT a.p_id, e.expected
  FROM (SELECT level, unit, grain, period, sum(expected) AS expected FROM expected_by_group GROUP BY ALL) AS e
  JOIN p0 AS a ON a.level = e.level AND a.unit = e.unit AND a.grain = e.grain AND a.period = e.period AND a.client_group = 'all'
),
national AS (
  SELECT grain, period, client_group, served AS n_served, exits_to_work AS n_exits_to_work,
    exits_to_work_sustained AS n_exits_to_work_sustained, survey_respondents AS n_survey_respondents,
    survey_score_sum AS n_survey_score_sum, survey_score_sumsq AS n_survey_score_sumsq, survey_satisfied AS n_survey_satisfied,
    cost_eur AS n_cost_eur, days_to_first_offer_sum AS n_days_to_first_offer_sum, first_offers AS n_first_offers,
    joint_plans AS n_joint_plans, client_months AS n_client_months
  FROM p0 WHERE level = 'national'
),
distribution AS (
  -- metrics without a sampling interval are compared with the spread of units of the same level
  -- (units with a denominator of at least min_denominator)
  SELECT level, grain, period, client_group,
    quantile_cont(cost_eur / nullif(served, 0), 0.25) FILTER (WHERE served >= {{ var('min_denominator', 10) }}) AS cpc_q1,
    quantile_cont(cost_eur / nullif(served, 0), 0.75) FILTER (WHERE served >= {{ var('min_denominator', 10) }}) AS cpc_q3,
    count(cost_eur / nullif(served, 0)) FILTER (WHERE served >= {{ var('min_denominator', 10) }}) AS cpc_units,
    quantile_cont(cost_eur / nullif(exits_to_work, 0), 0.25) FILTER (WHERE exits_to_work >= {{ var('min_denominator', 10) }}) AS cpe_q1,
    quantile_cont(cost_eur / nullif(exits_to_work, 0), 0.75) FILTER (WHERE exits_to_work >= {{ var('min_denominator', 10) }}) AS cpe_q3,
    count(cost_eur / nullif(exits_to_work, 0)) FILTER (WHERE exits_to_work >= {{ var('min_denominator', 10) }}) AS cpe_units,
    quantile_cont(days_to_first_offer_sum / nullif(first_offers, 0), 0.25) FILTER (WHERE first_offers >= {{ var('min_denominator', 10) }}) AS lt_q1,
    quantile_cont(days_to_first_offer_sum / nullif(first_offers, 0), 0.75) FILTER (WHERE first_offers >= {{ var('min_denominator', 10) }}) AS lt_q3,
    count(days_to_first_offer_sum / nullif(first_offers, 0)) FILTER (WHERE first_offers >= {{ var('min_denominator', 10) }}) AS lt_units
  FROM p0 WHERE level <> 'national'
  GROUP BY ALL
),
t_975 AS (
  -- t(0.975, n - 1) once per distinct number of respondents instead of once per row
  SELECT df, t975(df) AS t
  FROM (SELECT DISTINCT survey_respondents - 1 AS df FROM p0 WHERE survey_respondents >= 2)
),
pe AS (
  SELECT p0.*, e.expected, n.* EXCLUDE (grain, period, client_group), d.* EXCLUDE (level, grain, period, client_group),
    t.t AS t_975, u.unit_name, u.region_code, u.parent_unit, u.consent,
    a.p_id AS all_p_id, tot.p_id AS total_p_id, tt.p_id AS time_total_p_id
  FROM p0
  LEFT JOIN expected AS e ON e.p_id = p0.p_id
  LEFT JOIN national AS n ON n.grain = p0.grain AND n.period = p0.period AND n.client_group = p0.client_group
  LEFT JOIN distribution AS d ON d.level = p0.level AND d.grain = p0.grain AND d.period = p0.period AND d.client_group = p0.client_group
  LEFT JOIN t_975 AS t ON t.df = p0.survey_respondents - 1
  LEFT JOIN {{ ref('int_units') }} AS u ON u.level = p0.level AND u.unit = p0.unit
  -- the client-group family of the cell (the unit's 'all' row) and the total of its family of units (the parent)
  LEFT JOIN p0 AS a ON a.level = p0.level AND a.unit = p0.unit AND a.grain = p0.grain AND a.period = p0.period AND a.client_group = 'all'
  LEFT JOIN p0 AS tot ON tot.level = (CASE p0.level WHEN 'region' THEN 'national' WHEN 'national' THEN NULL ELSE 'region' END)
    AND tot.unit = u.parent_unit AND tot.grain = p0.grain AND tot.period = p0.period AND tot.client_group = p0.client_group
  -- the period the cell adds up into: a month's quarter, a quarter's year
  LEFT JOIN p0 AS tt ON tt.level = p0.level AND tt.unit = p0.unit AND tt.client_group = p0.client_group
    AND tt.grain = (CASE p0.grain WHEN 'month' THEN 'quarter' WHEN 'quarter' THEN 'year' END)
    AND tt.period_start = (CASE p0.grain WHEN 'month' THEN date_trunc('quarter', p0.period_start) ELSE date_trunc('year', p0.period_start) END)::DATE
),
pp AS (
  -- year rows get the previous calendar year of the same unit and client group (equi-join only: grain = grain)
  SELECT pe.*, prev.p_id AS prev_p_id, prev.served AS pv_served, prev.exits_to_work AS pv_exits_to_work,
    prev.exits_to_work_sustained AS pv_exits_to_work_sustained, prev.survey_respondents AS pv_survey_respondents,
    prev.survey_score_sum AS pv_survey_score_sum, prev.survey_score_sumsq AS pv_survey_score_sumsq,
    prev.survey_satisfied AS pv_survey_satisfied, prev.cost_eur AS pv_cost_eur,
    prev.days_to_first_offer_sum AS pv_days_to_first_offer_sum, prev.first_offers AS pv_first_offers,
    prev.joint_plans AS pv_joint_plans, prev.client_months AS pv_client_months, prev.expected AS pv_expected,
    prev.n_exits_to_work / nullif(prev.n_served, 0) AS pv_national_rate
  FROM pe
  LEFT JOIN (SELECT * FROM pe WHERE grain = 'year') AS prev
    ON prev.level = pe.level AND prev.unit = pe.unit AND prev.client_group = pe.client_group AND prev.grain = pe.grain
   AND prev.period_start = (pe.period_start - INTERVAL 1 YEAR)::DATE
),
long AS (
  -- one row per metric; x0/n0/ss0/o0/e0/nat0 are the previous year's inputs (year rows only)
  SELECT *, 0 AS metric_no, 'outflow_to_work' AS metric, exits_to_work AS numerator, served AS denominator, NULL::DOUBLE AS sum_squares,
    exits_to_work AS numerator_count, served AS denominator_count, NULL::DOUBLE AS observed, NULL::DOUBLE AS expected_,
    n_exits_to_work / nullif(n_served, 0) AS national_value, NULL::DOUBLE AS national_sd,
    NULL::DOUBLE AS q1, NULL::DOUBLE AS q3, NULL::BIGINT AS units,
    pv_exits_to_work AS x0, pv_served AS n0, NULL::DOUBLE AS ss0, NULL::DOUBLE AS o0, NULL::DOUBLE AS e0, NULL::DOUBLE AS nat0 FROM pp
  UNION ALL
  SELECT *, 1, 'outflow_to_work_adjusted', exits_to_work, expected, NULL, exits_to_work, served, exits_to_work, expected,
    -- national rate behind the adjusted metric: observed / people served, the crude national rate
    n_exits_to_work / nullif(n_served, 0), NULL, NULL, NULL, NULL,
    pv_exits_to_work, pv_expected, NULL, pv_exits_to_work, pv_expected, pv_national_rate FROM pp
  UNION ALL
  SELECT *, 2, 'sustained_outflow', exits_to_work_sustained, exits_to_work, NULL, exits_to_work_sustained, exits_to_work, NULL, NULL,
    n_exits_to_work_sustained / nullif(n_exits_to_work, 0), NULL, NULL, NULL, NULL,
    pv_exits_to_work_sustained, pv_exits_to_work, NULL, NULL, NULL, NULL FROM pp
  UNION ALL
  SELECT *, 3, 'satisfaction_mean', survey_score_sum, survey_respondents, survey_score_sumsq, NULL, survey_respondents, NULL, NULL,
    n_survey_score_sum / nullif(n_survey_respondents, 0), sqrt(variance_from_sums(n_survey_respondents, n_survey_score_sum, n_survey_score_sumsq)),
    NULL, NULL, NULL,
    pv_survey_score_sum, pv_survey_respondents, pv_survey_score_sumsq, NULL, NULL, NULL FROM pp
  UNION ALL
  SELECT *, 4, 'satisfaction_share', survey_satisfied, survey_respondents, NULL, survey_satisfied, survey_respondents, NULL, NULL,
    n_survey_satisfied / nullif(n_survey_respondents, 0), NULL, NULL, NULL, NULL,
    pv_survey_satisfied, pv_survey_respondents, NULL, NULL, NULL, NULL FROM pp
  UNION ALL
  SELECT *, 5, 'cost_per_case', cost_eur, served, NULL, NULL, served, NULL, NULL,
    n_cost_eur / nullif(n_served, 0), NULL, cpc_q1, cpc_q3, cpc_units,
    pv_cost_eur, pv_served, NULL, NULL, NULL, NULL FROM pp
  UNION ALL
  SELECT *, 6, 'cost_per_exit_to_work', cost_eur, exits_to_work, NULL, NULL, exits_to_work, NULL, NULL,
    n_cost_eur / nullif(n_exits_to_work, 0), NULL, cpe_q1, cpe_q3, cpe_units,
    pv_cost_eur, pv_exits_to_work, NULL, NULL, NULL, NULL FROM pp
  UNION ALL
  SELECT *, 7, 'lead_time_days', days_to_first_offer_sum, first_offers, NULL, NULL, first_offers, NULL, NULL,
    n_days_to_first_offer_sum / nullif(n_first_offers, 0), NULL, lt_q1, lt_q3, lt_units,
    pv_days_to_first_offer_sum, pv_first_offers, NULL, NULL, NULL, NULL FROM pp
  UNION ALL
  SELECT *, 8, 'joint_plan_share', joint_plans, client_months, NULL, joint_plans, served, NULL, NULL,
    n_joint_plans / nullif(n_client_months, 0), NULL, NULL, NULL, NULL,
    pv_joint_plans, pv_client_months, NULL, NULL, NULL, NULL FROM pp
),
valued AS (
  SELECT l.p_id * 16 + l.metric_no AS cell_id, l.all_p_id * 16 + l.metric_no AS group_family,
    l.total_p_id * 16 + l.metric_no AS total_cell, l.prev_p_id * 16 + l.metric_no AS prev_cell_id,
    l.time_total_p_id * 16 + l.metric_no AS time_total_cell, l.series_no * 16 + l.metric_no AS series_id,
    l.metric, l.level, l.unit, l.unit_name, l.region_code, l.parent_unit, l.consent, l.grain, l.period, l.period_start, l.period_end,
    l.client_group, l.numerator, l.denominator, l.sum_squares, l.numerator_count, l.denominator_count, l.observed,
    l.expected_ AS expected, l.national_value, l.national_sd, l.t_975, l.q1, l.q3, l.units, l.x0, l.n0, l.ss0, l.o0, l.e0, l.nat0,
    c.polarity, c.method, c.is_process,
    CASE WHEN c.method = 'byar_ratio' THEN l.observed / nullif(l.expected_, 0) END AS ratio,
    CASE WHEN c.method = 'byar_ratio' THEN byar_ratio_low(l.observed, l.expected_, z95()) END AS ratio_ci_low,
    CASE WHEN c.method = 'byar_ratio' THEN byar_ratio_high(l.observed, l.expected_, z95()) END AS ratio_ci_high,
    CASE WHEN c.method = 'byar_ratio' THEN l.o0 / nullif(l.e0, 0) * l.nat0 ELSE l.x0 / nullif(l.n0, 0) END AS value_0
  FROM long AS l JOIN {{ ref('stg_metric_catalogue') }} AS c USING (metric)
),
with_ci AS (
  SELECT *,
    CASE WHEN method = 'byar_ratio' THEN ratio * national_value ELSE numerator / nullif(denominator, 0) END AS value,
    CASE method
      WHEN 'wilson' THEN wilson_low(numerator, denominator, z95())
      WHEN 't_mean' THEN numerator / denominator - t_mean_half(denominator, numerator, sum_squares, t_975)
      WHEN 'byar_ratio' THEN ratio_ci_low * national_value END AS ci_low,
    CASE method
      WHEN 'wilson' THEN wilson_high(numerator, denominator, z95())
      WHEN 't_mean' THEN numerator / denominator + t_mean_half(denominator, numerator, sum_squares, t_975)
      WHEN 'byar_ratio' THEN ratio_ci_high * national_value END AS ci_high,
    CASE method
      WHEN 'wilson' THEN funnel_prop_low(national_value, denominator, z95())
      WHEN 't_mean' THEN funnel_mean_low(national_value, national_sd, denominator, z95())
      WHEN 'byar_ratio' THEN funnel_ratio_low(expected, z95()) * national_value END AS funnel95_low,
    CASE method
      WHEN 'wilson' THEN funnel_prop_high(national_value, denominator, z95())
      WHEN 't_mean' THEN funnel_mean_high(national_value, national_sd, denominator, z95())
      WHEN 'byar_ratio' THEN funnel_ratio_high(expected, z95()) * national_value END AS funnel95_high,
    CASE method
      WHEN 'wilson' THEN funnel_prop_low(national_value, denominator, z998())
      WHEN 't_mean' THEN funnel_mean_low(national_value, national_sd, denominator, z998())
      WHEN 'byar_ratio' THEN funnel_ratio_low(expected, z998()) * national_value END AS funnel998_low,
    CASE method
      WHEN 'wilson' THEN funnel_prop_high(national_value, denominator, z998())
      WHEN 't_mean' THEN funnel_mean_high(national_value, national_sd, denominator, z998())
      WHEN 'byar_ratio' THEN funnel_ratio_high(expected, z998()) * national_value END AS funnel998_high,
    -- Welch statistic and df as columns first: passing welch_df into t975 inline would copy it many times
    CASE WHEN method = 't_mean' THEN welch_t(denominator, numerator, sum_squares, n0, x0, ss0) END AS welch_stat,
    CASE WHEN method = 't_mean' THEN welch_df(denominator, numerator, sum_squares, n0, x0, ss0) END AS welch_dof
  FROM valued
)
SELECT cell_id, group_family, total_cell, prev_cell_id, time_total_cell, series_id,
  metric, level, unit, unit_name, region_code, parent_unit, grain, period, period_start, period_end, client_group,
  numerator, denominator, value, ci_low, ci_high, national_value,
  CASE
    WHEN level = 'national' THEN 'not_comparable'
    WHEN method = 'none' THEN compare_distribution(
      CASE WHEN denominator_count >= {{ var('min_denominator', 10) }} THEN value END,
      q1, q3, coalesce(units, 0), {{ var('min_units_for_distribution', 5) }}, polarity)
    ELSE compare_interval(ci_low, ci_high, national_value, polarity)
  END AS comparison,
  funnel95_low, funnel95_high, funnel998_low, funnel998_high,
  is_process, observed, expected, ratio, ratio_ci_low, ratio_ci_high,
  -- year-on-year change (year rows with a previous year only)
  value_0 AS previous_value,
  value - value_0 AS change,
  CASE method
    WHEN 'wilson' THEN abs(two_prop_z(numerator, denominator, x0, n0)) > z95()
    WHEN 't_mean' THEN abs(welch_stat) > t975(welch_dof)
    WHEN 'byar_ratio' THEN abs(ratio_change_z(value, observed, value_0, o0)) > z95()
  END AS change_significant,
  sum_squares, numerator_count, denominator_count,
  CASE
    WHEN NOT coalesce(consent, false) THEN 'no_consent'
    WHEN denominator_count IS NULL OR denominator_count < {{ var('min_denominator', 10) }} THEN 'small_denominator'
    WHEN numerator_count BETWEEN 1 AND {{ var('small_count_max', 4) }} THEN 'small_count'
  END AS primary_reason
FROM with_ci
