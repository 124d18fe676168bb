-- Additive components per level (site, municipality, region, national) x unit x month x client group,
-- including client_group 'all'. Regions are the current municipality's labour-market region.
WITH cells AS (
  SELECT c.*, m.region_code
  FROM {{ ref('int_cells_month') }} AS c
  JOIN {{ ref('stg_municipalities') }} AS m ON m.code = c.municipality_code
),
by_unit AS (
  SELECT 'site' AS level, site_code AS unit, month, client_group,
    sum(COLUMNS(* EXCLUDE (site_code, municipality_code, month, client_group, region_code)))
  FROM cells GROUP BY GROUPING SETS ((site_code, month, client_group), (site_code, month))
  UNION ALL
  SELECT 'municipality', municipality_code, month, client_group,
    sum(COLUMNS(* EXCLUDE (site_code, municipality_code, month, client_group, region_code)))
  FROM cells GROUP BY GROUPING SETS ((municipality_code, month, client_group), (municipality_code, month))
  UNION ALL
  SELECT 'region', region_code, month, client_group,
    sum(COLUMNS(* EXCLUDE (site_code, municipality_code, month, client_group, region_code)))
  FROM cells GROUP BY GROUPING SETS ((region_code, month, client_group), (region_code, month))
  UNION ALL
  SELECT 'national', 'NL', month, client_group,
    sum(COLUMNS(* EXCLUDE (site_code, municipality_code, month, client_group, region_code)))
  FROM cells GROUP BY GROUPING SETS ((month, client_group), (month))
)
SELECT * REPLACE (coalesce(client_group, 'all') AS client_group) FROM by_unit
