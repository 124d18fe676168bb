-- Disclosure control per published cell. Primary suppression comes from int_metric_values. Secondary
-- suppression: the first round is computed here in one pass from the primary status (the same rule as the
-- `iterate` statement in the YAML); the runner then repeats the iterate statement until no more cells change.
-- `round` records when a cell was hidden (0 = primary), so each round only re-checks the families of the
-- cells hidden in the round before (nothing else can have changed).
WITH c AS (
  SELECT cell_id, metric, level, unit, grain, period, client_group, parent_unit,
    group_family,  -- the client groups of one unit/metric/period (cell_id of its 'all' cell)
    CASE WHEN level IN ('site', 'municipality', 'region') THEN total_cell END AS total_cell,  -- the parent's cell
    coalesce(denominator_count, 0) AS size,
    primary_reason,
    primary_reason IS NOT NULL AS hidden
  FROM {{ ref('int_metric_values') }}
),
groups AS (
  -- client groups within one unit: one hidden group and a published 'all' -> hide the smallest other
  -- group (by people, then name), or 'all' itself when no other group is published
  SELECT CASE WHEN visible > 0 THEN smallest_visible ELSE total_cell END AS cell_id FROM (
    SELECT
      count(*) FILTER (WHERE client_group <> 'all' AND hidden AND size > 0) AS hidden,
      count(*) FILTER (WHERE client_group <> 'all' AND NOT hidden) AS visible,
      bool_or(client_group = 'all' AND NOT hidden) AS total_published,
      arg_min(cell_id, {'size': size, 'name': client_group}) FILTER (WHERE client_group <> 'all' AND NOT hidden) AS smallest_visible,
      max(cell_id) FILTER (WHERE client_group = 'all') AS total_cell
    FROM c WHERE group_family IS NOT NULL
    GROUP BY group_family
  ) WHERE hidden = 1 AND total_published
),
units AS (
  -- units within their parent (sites and municipalities in a region, regions in the country): same rule
  SELECT CASE WHEN f.visible > 0 THEN f.smallest_visible ELSE f.total_cell END AS cell_id FROM (
    SELECT total_cell, level,
      count(*) FILTER (WHERE hidden AND size > 0) AS hidden,
      count(*) FILTER (WHERE NOT hidden) AS visible,
      arg_min(cell_id, {'size': size, 'name': unit}) FILTER (WHERE NOT hidden) AS smallest_visible
    FROM c WHERE total_cell IS NOT NULL
    GROUP BY total_cell, level
  ) AS f
  JOIN c AS total ON total.cell_id = f.total_cell AND NOT total.hidden
  WHERE f.hidden = 1
),
first_round AS (SELECT DISTINCT cell_id FROM (SELECT cell_id FROM groups UNION ALL SELECT cell_id FROM units))
SELECT c.* EXCLUDE (hidden),
  c.hidden OR r.cell_id IS NOT NULL AS suppressed,
  CASE WHEN c.hidden THEN 0 WHEN r.cell_id IS NOT NULL THEN 1 END AS round
FROM c LEFT JOIN first_round AS r ON r.cell_id = c.cell_id
