-- Internal mart: every metric x level x unit x grain x period x client group with the full figures and the
-- disclosure-control status that mart_metrics_public applies. Year rows carry the year-on-year change.
WITH m AS (
  SELECT m.*, s.suppressed,
    coalesce(s.primary_reason, CASE WHEN s.suppressed THEN 'secondary' END) AS suppression_reason, u.unit_name, u.region_code, c.method
  FROM {{ ref('int_metrics') }} AS m
  JOIN {{ ref('int_suppression') }} AS s USING (metric, level, unit, grain, period, client_group)
  JOIN {{ ref('stg_metric_catalogue') }} AS c USING (metric)
  LEFT JOIN {{ ref('int_units') }} AS u USING (level, unit)
),
years AS (SELECT * FROM m WHERE grain = 'year'),
pairs AS (
  SELECT cur.metric, cur.level, cur.unit, cur.period, cur.client_group, cur.method,
    cur.value AS value_1, prev.value AS value_0, cur.numerator AS x1, cur.denominator AS n1, cur.sum_squares AS ss1,
    prev.numerator AS x0, prev.denominator AS n0, prev.sum_squares AS ss0, cur.observed AS o1, prev.observed AS o0,
    prev.suppressed AS previous_suppressed
  FROM years AS cur
  JOIN years AS prev
    ON prev.metric = cur.metric AND prev.level = cur.level AND prev.unit = cur.unit
   AND prev.client_group = cur.client_group AND prev.period_start = (cur.period_start - INTERVAL 1 YEAR)::DATE
),
welch AS (
  -- Welch statistic and df as columns first: passing welch_df into t975 inline would copy it many times
  SELECT *,
    CASE WHEN method = 't_mean' THEN welch_t(n1, x1, ss1, n0, x0, ss0) END AS welch_stat,
    CASE WHEN method = 't_mean' THEN welch_df(n1, x1, ss1, n0, x0, ss0) END AS welch_dof
  FROM pairs
),
yoy AS (
  SELECT metric, level, unit, period, client_group,
    value_0 AS previous_value,
    value_1 - value_0 AS change,
    CASE method
      WHEN 'wilson' THEN abs(two_prop_z(x1, n1, x0, n0)) > z95()
      WHEN 't_mean' THEN abs(welch_stat) > t975(welch_dof)
      WHEN 'byar_ratio' THEN abs(ratio_change_z(value_1, o1, value_0, o0)) > z95()
    END AS change_significant,
    previous_suppressed
  FROM welch
)
SELECT m.metric, m.level, m.unit, m.unit_name, m.grain, m.period, m.period_start, m.period_end, m.client_group,
  m.numerator, m.denominator, m.value, m.ci_low, m.ci_high, m.national_value, m.comparison,
  m.funnel95_low, m.funnel95_high, m.funnel998_low, m.funnel998_high,
  m.is_process, m.suppressed, m.suppression_reason, m.region_code,
  m.observed, m.expected, m.ratio, m.ratio_ci_low, m.ratio_ci_high,
  y.previous_value, y.change, y.change_significant, y.previous_suppressed,
  m.numerator_count, m.denominator_count
FROM m
-- equi-join only (a condition on m alone would turn this into a nested-loop join); year period codes
-- ('2025') never equal those of other grains, so only year rows match
LEFT JOIN yoy AS y ON y.metric = m.metric AND y.level = m.level AND y.unit = m.unit
  AND y.period = m.period AND y.client_group = m.client_group
