-- Public mart: mart_metrics with disclosure control applied. Units without publication consent are dropped
-- at site and municipality level (they still count in region and national rows); suppressed cells keep
-- their key and reason but every figure that could reveal them is NULL.
WITH national AS (
  SELECT metric, grain, period, client_group, suppressed AS national_suppressed
  FROM {{ ref('mart_metrics') }} WHERE level = 'national'
)
SELECT m.metric, m.level, m.unit, m.unit_name, m.grain, m.period, m.period_start, m.period_end, m.client_group,
  CASE WHEN NOT m.suppressed THEN m.numerator END AS numerator,
  CASE WHEN NOT m.suppressed THEN m.denominator END AS denominator,
  CASE WHEN NOT m.suppressed THEN m.value END AS value,
  CASE WHEN NOT m.suppressed THEN m.ci_low END AS ci_low,
  CASE WHEN NOT m.suppressed THEN m.ci_high END AS ci_high,
  CASE WHEN NOT coalesce(n.national_suppressed, true) THEN m.national_value END AS national_value,
  CASE WHEN m.suppressed THEN 'not_comparable' ELSE m.comparison END AS comparison,
  CASE WHEN NOT m.suppressed THEN m.funnel95_low END AS funnel95_low,
  CASE WHEN NOT m.suppressed THEN m.funnel95_high END AS funnel95_high,
  CASE WHEN NOT m.suppressed THEN m.funnel998_low END AS funnel998_low,
  CASE WHEN NOT m.suppressed THEN m.funnel998_high END AS funnel998_high,
  m.is_process, m.suppressed, m.suppression_reason, m.region_code,
  CASE WHEN NOT m.suppressed THEN m.observed END AS observed,
  CASE WHEN NOT m.suppressed THEN m.expected END AS expected,
  CASE WHEN NOT m.suppressed THEN m.ratio END AS ratio,
  CASE WHEN NOT m.suppressed THEN m.ratio_ci_low END AS ratio_ci_low,
  CASE WHEN NOT m.suppressed THEN m.ratio_ci_high END AS ratio_ci_high,
  CASE WHEN NOT m.suppressed AND NOT m.previous_suppressed THEN m.previous_value END AS previous_value,
  CASE WHEN NOT m.suppressed AND NOT m.previous_suppressed THEN m.change END AS change,
  CASE WHEN NOT m.suppressed AND NOT m.previous_suppressed THEN m.change_significant END AS change_significant
FROM {{ ref('mart_metrics') }} AS m
LEFT JOIN national AS n USING (metric, grain, period, client_group)
-- IS NOT DISTINCT FROM: a row with no suppression reason (NULL) must stay
WHERE NOT (m.level IN ('site', 'municipality') AND m.suppression_reason IS NOT DISTINCT FROM 'no_consent')
