-- Researcher download: facts per site x current municipality x quarter x client group x measure.
-- Flows are summed over the quarter; clients_start (a stock) is the value of the first reported month.
-- Disclosure control as in int_facts_suppression; rows of a site or municipality without consent are left out.
SELECT site_code, municipality_code,
  strftime(period_start, '%Y') || '-Q' || quarter(period_start) AS period,
  period_start, (period_start + INTERVAL 3 MONTH - INTERVAL 1 DAY)::DATE AS period_end,
  client_group, measure,
  CASE WHEN NOT suppressed THEN value END AS value,
  suppressed,
  CASE WHEN suppressed THEN coalesce(primary_reason, 'secondary') END AS suppression_reason
FROM {{ ref('int_facts_suppression') }}
WHERE consent
