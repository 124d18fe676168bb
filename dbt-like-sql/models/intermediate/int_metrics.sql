-- Comparison with the national value for every metric row: by the 95% interval, or for metrics without a
-- sampling interval (costs, lead time) by the inter-quartile range of the units of the same level.
WITH v AS (SELECT * FROM {{ ref('int_metric_values') }}),
distribution AS (
  -- metrics without a sampling interval are compared with the spread of units of the same level
  SELECT metric, level, grain, period, client_group,
    quantile_cont(value, 0.25) AS q1, quantile_cont(value, 0.75) AS q3, count(value) AS units
  FROM v
  WHERE method = 'none' AND level <> 'national' AND denominator_count >= {{ var('min_denominator', 10) }}
  GROUP BY ALL
)
SELECT w.metric, w.level, w.unit, w.grain, w.period, w.period_start, w.period_end, w.client_group,
  w.numerator, w.denominator, w.value, w.ci_low, w.ci_high, w.national_value,
  CASE
    WHEN w.level = 'national' THEN 'not_comparable'
    WHEN w.method = 'none' THEN compare_distribution(
      CASE WHEN w.denominator_count >= {{ var('min_denominator', 10) }} THEN w.value END,
      d.q1, d.q3, coalesce(d.units, 0), {{ var('min_units_for_distribution', 5) }}, w.polarity)
    ELSE compare_interval(w.ci_low, w.ci_high, w.national_value, w.polarity)
  END AS comparison,
  w.funnel95_low, w.funnel95_high, w.funnel998_low, w.funnel998_high,
  w.is_process, w.observed, w.expected, w.ratio, w.ratio_ci_low, w.ratio_ci_high,
  w.sum_squares, w.numerator_count, w.denominator_count
FROM v AS w
LEFT JOIN distribution AS d USING (metric, level, grain, period, client_group)
