-- Researcher download: facts per site x current municipality x quarter x client group x measure.
-- Flows are summed over the quarter; clients_start (a stock) is the value of the first reported month.
-- Counts of 1-4 are suppressed; rows of a site or municipality without publication consent are left out.
WITH q AS (
  SELECT site_code, municipality_code, date_trunc('quarter', month)::DATE AS period_start, client_group, measure,
    CASE WHEN measure = 'clients_start' THEN arg_min(value, month) ELSE sum(value) END AS value
  FROM (
    SELECT site_code, municipality_code, month, client_group, measure, sum(value) AS value
    FROM {{ ref('stg_facts') }} GROUP BY ALL
  )
  GROUP BY site_code, municipality_code, date_trunc('quarter', month), client_group, measure
),
counts AS (
  SELECT * FROM (VALUES ('clients_start'), ('clients_new'), ('exits_total'), ('exits_to_work'), ('exits_to_work_sustained'),
    ('survey_respondents'), ('survey_satisfied'), ('first_offers'), ('joint_plans')) AS t(measure)
)
SELECT q.site_code, q.municipality_code,
  strftime(q.period_start, '%Y') || '-Q' || quarter(q.period_start) AS period,
  q.period_start, (q.period_start + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE AS period_end,
  q.client_group, q.measure,
  CASE WHEN small.measure IS NULL THEN q.value END AS value,
  small.measure IS NOT NULL AS suppressed,
  CASE WHEN small.measure IS NOT NULL THEN 'small_count' END AS suppression_reason
FROM q
JOIN {{ ref('stg_sites') }} AS s ON s.code = q.site_code AND s.publication_consent
JOIN {{ ref('stg_municipalities') }} AS m ON m.code = q.municipality_code AND m.publication_consent
LEFT JOIN counts AS small ON small.measure = q.measure AND q.value BETWEEN 1 AND {{ var('small_count_max', 4) }}
