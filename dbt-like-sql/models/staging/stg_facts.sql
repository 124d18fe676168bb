-- Current (not superseded) facts, with merged municipalities mapped onto today's municipality.
SELECT
  f.site_code,
  m.current_code AS municipality_code,
  date_trunc('month', f.period)::DATE AS month,
  f.client_group,
  f.measure,
  f.value
FROM {{ source('facts_current') }} AS f
JOIN {{ source('ref_municipalities') }} AS m ON m.code = f.municipality_code
