-- Internal mart: every metric x level x unit x grain x period x client group with the full figures and the
-- disclosure-control status that mart_metrics_public applies. Year rows carry the year-on-year change
-- (computed in int_metric_values); previous_suppressed is the status of the previous year's cell.
SELECT v.metric, v.level, v.unit, v.unit_name, v.grain, v.period, v.period_start, v.period_end, v.client_group,
  v.numerator, v.denominator, v.value, v.ci_low, v.ci_high, v.national_value, v.comparison,
  v.funnel95_low, v.funnel95_high, v.funnel998_low, v.funnel998_high,
  v.is_process, s.suppressed, coalesce(v.primary_reason, CASE WHEN s.suppressed THEN 'secondary' END) AS suppression_reason,
  v.region_code,
  v.observed, v.expected, v.ratio, v.ratio_ci_low, v.ratio_ci_high,
  v.previous_value, v.change, v.change_significant, prev.suppressed AS previous_suppressed,
  v.numerator_count, v.denominator_count
FROM {{ ref('int_metric_values') }} AS v
JOIN {{ ref('int_suppression') }} AS s ON s.cell_id = v.cell_id
LEFT JOIN (SELECT cell_id, suppressed FROM {{ ref('int_suppression') }} WHERE grain = 'year') AS prev ON prev.cell_id = v.prev_cell_id
