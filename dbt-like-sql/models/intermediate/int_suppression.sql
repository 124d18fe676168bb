-- Disclosure control per published cell. Primary suppression comes from int_metric_values. Secondary
-- suppression works on the families of int_disclosure_families (total = sum of parts): a family with exactly
-- one hidden cell would give it away by subtraction, so the smallest published part (by people, ties by
-- cell id, which follows the names) is hidden too, or the total when no part with people is left. In a
-- rolling window any hidden quarter hides the window (windows overlap, so a window is published only when
-- all its quarters are). Cells without people (size 0) reveal nothing and do not count as hidden.
-- The first round is computed here in one pass from the primary status (the same rule as the `iterate`
-- statement in the YAML); the runner then repeats the iterate statement until no more cells change.
-- `round` records when a cell was hidden (0 = primary), so each round only re-checks the families of the
-- cells hidden in the round before (nothing else can have changed).
WITH c AS (
  SELECT cell_id, metric, level, unit, grain, period, client_group,
    -- people behind the cell; the numerator too, in case a stock reported as 0 sits beside exits
    greatest(coalesce(denominator_count, 0), coalesce(numerator_count, 0)) AS size,
    primary_reason,
    primary_reason IS NOT NULL AS hidden
  FROM {{ ref('int_metric_values') }}
),
families AS (
  SELECT f.family_id, any_value(f.family_id % 8) AS kind,
    count(*) FILTER (WHERE c.hidden AND c.size > 0) AS hidden,
    count(*) FILTER (WHERE c.hidden AND c.size > 0 AND NOT f.is_total) AS hidden_parts,
    bool_or(f.is_total AND NOT c.hidden) AS total_published,
    arg_min(f.cell_id, {'size': c.size, 'id': f.cell_id}) FILTER (WHERE NOT c.hidden AND NOT f.is_total AND c.size > 0) AS smallest_part,
    any_value(f.family_id // 8) AS total_cell
  FROM {{ ref('int_disclosure_families') }} AS f JOIN c USING (cell_id)
  GROUP BY f.family_id
),
first_round AS (
  SELECT DISTINCT cell_id FROM (
    SELECT CASE
      WHEN kind = 6 AND hidden_parts > 0 THEN CASE WHEN total_published THEN total_cell END
      WHEN hidden = 1 THEN coalesce(smallest_part, CASE WHEN total_published THEN total_cell END)
    END AS cell_id
    FROM families
  ) WHERE cell_id IS NOT NULL
)
SELECT c.* EXCLUDE (hidden),
  c.hidden OR r.cell_id IS NOT NULL AS suppressed,
  CASE WHEN c.hidden THEN 0 WHEN r.cell_id IS NOT NULL THEN 1 END AS round
FROM c LEFT JOIN first_round AS r ON r.cell_id = c.cell_id
