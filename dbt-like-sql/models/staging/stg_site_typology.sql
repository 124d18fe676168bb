-- Dated typology of a site; a month belongs to the typology with valid_from <= month < valid_to (open end = today).
SELECT
  site_code,
  valid_from,
  coalesce(valid_to, DATE '9999-12-31') AS valid_to,
  integration_level,
  CAST(phase AS VARCHAR) AS phase,
  team_model,
  CASE WHEN co_located THEN 'yes' ELSE 'no' END AS co_located
FROM {{ source('ref_site_typology') }}
