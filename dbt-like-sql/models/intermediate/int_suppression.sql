-- Disclosure control per published cell. Primary suppression here; secondary suppression is applied by the
-- `iterate` statement in the YAML, repeated by the runner until no more cells change.
SELECT
  row_number() OVER () AS cell_id,
  m.metric, m.level, m.unit, m.grain, m.period, m.client_group,
  u.parent_unit,
  coalesce(m.denominator_count, 0) AS size,
  CASE
    WHEN NOT coalesce(u.consent, false) THEN 'no_consent'
    WHEN m.denominator_count IS NULL OR m.denominator_count < {{ var('min_denominator', 10) }} THEN 'small_denominator'
    WHEN m.numerator_count BETWEEN 1 AND {{ var('small_count_max', 4) }} THEN 'small_count'
  END AS primary_reason,
  primary_reason IS NOT NULL AS suppressed
FROM {{ ref('int_metrics') }} AS m
LEFT JOIN {{ ref('int_units') }} AS u USING (level, unit)
