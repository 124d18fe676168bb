-- Values, 95% intervals, national values and funnel limits for every metric row (no disclosure control yet).
-- Methods: docs/metrics.md; formulas: dbt-like-sql/macros/stats.sql.
WITH i AS (
  SELECT i.*, c.polarity, c.method, c.is_process
  FROM {{ ref('int_metric_inputs') }} AS i JOIN {{ ref('stg_metric_catalogue') }} AS c USING (metric)
),
national AS (
  SELECT metric, grain, period, client_group,
    numerator / nullif(denominator, 0) AS national_value,
    -- national rate behind the adjusted metric: observed / people served, the crude national rate
    numerator / nullif(denominator_count, 0) AS national_rate,
    sqrt(variance_from_sums(denominator, numerator, sum_squares)) AS national_sd
  FROM i WHERE level = 'national'
),
t_975 AS (
  -- t(0.975, n - 1) once per distinct number of respondents instead of once per row
  SELECT df, t975(df) AS t
  FROM (SELECT DISTINCT denominator - 1 AS df FROM i WHERE method = 't_mean' AND denominator >= 2)
),
valued AS (
  SELECT i.*, n.national_sd, t.t AS t_975,
    CASE WHEN i.method = 'byar_ratio' THEN n.national_rate ELSE n.national_value END AS national_value,
    CASE WHEN i.method = 'byar_ratio' THEN i.observed / nullif(i.expected, 0) END AS ratio,
    CASE WHEN i.method = 'byar_ratio' THEN byar_ratio_low(i.observed, i.expected, z95()) END AS ratio_ci_low,
    CASE WHEN i.method = 'byar_ratio' THEN byar_ratio_high(i.observed, i.expected, z95()) END AS ratio_ci_high
  FROM i LEFT JOIN national AS n USING (metric, grain, period, client_group)
  LEFT JOIN t_975 AS t ON t.df = i.denominator - 1  -- plain equi-join (only read for t_mean rows)
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
      WHEN 'byar_ratio' THEN funnel_ratio_high(expected, z998()) * national_value END AS funnel998_high
  FROM valued
)
SELECT * EXCLUDE (t_975, national_sd) FROM with_ci
