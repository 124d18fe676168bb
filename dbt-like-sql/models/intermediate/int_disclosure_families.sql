-- The families of published cells that add up to a published total, for secondary suppression: one row per
-- (family, member cell). family_id = the total's cell_id x 8 + kind; the total itself is a member (is_total).
-- Kinds: 0 client groups of a unit (total 'all'), 1 sites in their region, 2 municipalities in their region,
-- 3 regions in the country, 4 months in their quarter, 5 quarters in their year, 6 the four quarters of a
-- rolling 12-month window. Numerators are flows, so each family is one equation: total = sum of parts.
WITH c AS (
  SELECT cell_id, group_family, total_cell, time_total_cell, series_id, level, grain, period_start, period_end
  FROM {{ ref('int_metric_values') }}
),
parts AS (
  SELECT group_family * 8 AS family_id, cell_id, cell_id = group_family AS is_total FROM c WHERE group_family IS NOT NULL
  UNION ALL
  SELECT total_cell * 8 + CASE level WHEN 'site' THEN 1 WHEN 'municipality' THEN 2 ELSE 3 END, cell_id, false
  FROM c WHERE total_cell IS NOT NULL AND level IN ('site', 'municipality', 'region')
  UNION ALL
  SELECT time_total_cell * 8 + CASE grain WHEN 'month' THEN 4 ELSE 5 END, cell_id, false
  FROM c WHERE time_total_cell IS NOT NULL AND grain IN ('month', 'quarter')
  UNION ALL
  SELECT r.cell_id * 8 + 6, q.cell_id, false
  FROM (SELECT * FROM c WHERE grain = 'rolling12') AS r
  JOIN (SELECT * FROM c WHERE grain = 'quarter') AS q
    ON q.series_id = r.series_id AND q.period_start >= r.period_start AND q.period_end <= r.period_end
)
SELECT family_id, cell_id, is_total FROM parts
UNION ALL
-- totals of the families whose total is not one of its parts' rows (all but the client-group families)
SELECT DISTINCT family_id, family_id // 8 AS cell_id, true FROM parts WHERE family_id % 8 <> 0
