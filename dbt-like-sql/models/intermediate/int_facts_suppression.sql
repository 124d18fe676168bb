-- Disclosure control for the researcher download (mart_facts_public): facts per site x current municipality x
-- quarter x client group x measure. Primary: counts of people from 1 to 4, and every measure whose metric
-- cell of the site or of the municipality (same quarter and client group) is suppressed in int_suppression,
-- so the facts never give back a hidden metric (a site-municipality pair is a part of both). Secondary: each cell lies in three
-- families whose totals are published or derivable from mart_metrics (the municipalities of a site, the sites
-- of a municipality, the client groups of a site-municipality pair, all within one quarter and measure); a
-- family with exactly one hidden cell hides its smallest published cell as well (preferring one above zero,
-- ties by id). The first round is computed here; the YAML `iterate` repeats the rule to a fixed point.
WITH q AS (
  SELECT site_code, municipality_code, date_trunc('quarter', month)::DATE AS period_start, client_group, measure,
    CASE WHEN measure = 'clients_start' THEN arg_min(value, month) ELSE sum(value) END AS value
  FROM (
    SELECT site_code, municipality_code, month, client_group, measure, sum(value) AS value
    FROM {{ ref('stg_facts') }} GROUP BY ALL
  )
  GROUP BY site_code, municipality_code, date_trunc('quarter', month), client_group, measure
),
metric_of_measure AS (
  SELECT * FROM (VALUES ('clients_start', 'outflow_to_work'), ('clients_new', 'outflow_to_work'), ('exits_total', 'outflow_to_work'),
    ('exits_to_work', 'outflow_to_work'), ('exits_to_work_sustained', 'sustained_outflow'), ('survey_respondents', 'satisfaction_share'),
    ('survey_satisfied', 'satisfaction_share'), ('survey_score_sum', 'satisfaction_mean'), ('survey_score_sumsq', 'satisfaction_mean'),
    ('cost_personnel_eur', 'cost_per_case'), ('cost_instruments_eur', 'cost_per_case'), ('cost_overhead_eur', 'cost_per_case'),
    ('days_to_first_offer_sum', 'lead_time_days'), ('first_offers', 'lead_time_days'), ('joint_plans', 'joint_plan_share')) AS t(measure, metric)
),
hidden_metric AS (
  SELECT metric, level, unit, period, client_group FROM {{ ref('int_suppression') }} WHERE grain = 'quarter' AND suppressed
),
counts AS (
  SELECT * FROM (VALUES ('clients_start'), ('clients_new'), ('exits_total'), ('exits_to_work'), ('exits_to_work_sustained'),
    ('survey_respondents'), ('survey_satisfied'), ('first_offers'), ('joint_plans')) AS t(measure)
),
cells AS (
  SELECT row_number() OVER (ORDER BY q.site_code, q.municipality_code, q.period_start, q.client_group, q.measure) AS fact_id,
    dense_rank() OVER (ORDER BY q.site_code, q.period_start, q.client_group, q.measure) AS site_family,
    dense_rank() OVER (ORDER BY q.municipality_code, q.period_start, q.client_group, q.measure) AS municipality_family,
    dense_rank() OVER (ORDER BY q.site_code, q.municipality_code, q.period_start, q.measure) AS group_family,
    q.*, q.measure IN (SELECT measure FROM counts) AS is_count,
    s.publication_consent AND m.publication_consent AS consent,
    q.measure IN (SELECT measure FROM counts) AND q.value BETWEEN 1 AND {{ var('small_count_max', 4) }} AS small,
    hs.metric IS NOT NULL OR hm.metric IS NOT NULL AS metric_hidden
  FROM q
  JOIN {{ ref('stg_sites') }} AS s ON s.code = q.site_code
  JOIN {{ ref('stg_municipalities') }} AS m ON m.code = q.municipality_code
  LEFT JOIN metric_of_measure AS mm ON mm.measure = q.measure
  LEFT JOIN hidden_metric AS hs ON hs.metric = mm.metric AND hs.level = 'site' AND hs.unit = q.site_code
    AND hs.period = strftime(q.period_start, '%Y') || '-Q' || quarter(q.period_start) AND hs.client_group = q.client_group
  LEFT JOIN hidden_metric AS hm ON hm.metric = mm.metric AND hm.level = 'municipality' AND hm.unit = q.municipality_code
    AND hm.period = strftime(q.period_start, '%Y') || '-Q' || quarter(q.period_start) AND hm.client_group = q.client_group
),
-- cells of units without consent are never published, so they count as hidden in their families
hidden AS (SELECT *, small OR metric_hidden OR NOT consent AS hidden FROM cells),
picks AS (
  SELECT arg_min(fact_id, {'zero': value = 0, 'value': value, 'id': fact_id}) FILTER (WHERE NOT hidden) AS fact_id
  FROM (
    SELECT 1 AS kind, site_family AS family, * FROM hidden WHERE is_count
    UNION ALL SELECT 2, municipality_family, * FROM hidden WHERE is_count
    UNION ALL SELECT 3, group_family, * FROM hidden WHERE is_count
  )
  GROUP BY kind, family HAVING count(*) FILTER (WHERE hidden) = 1
)
SELECT h.* EXCLUDE (hidden, small, metric_hidden),
  CASE WHEN NOT h.consent THEN 'no_consent' WHEN h.small THEN 'small_count' END AS primary_reason,  -- hidden with its metric: 'secondary' in the mart
  h.hidden OR p.fact_id IS NOT NULL AS suppressed,
  CASE WHEN h.hidden THEN 0 WHEN p.fact_id IS NOT NULL THEN 1 END AS round
FROM hidden AS h LEFT JOIN (SELECT DISTINCT fact_id FROM picks WHERE fact_id IS NOT NULL) AS p USING (fact_id)
