-- The finest grain, one wide row per site x current municipality x month x client group (measures as columns).
-- Wide rather than long keeps this, the biggest slice, lean: one row instead of fifteen.
SELECT
  site_code,
  municipality_code,
  month,
  client_group,
  coalesce(sum(value) FILTER (WHERE measure = 'clients_start'), 0) AS clients_start,
  coalesce(sum(value) FILTER (WHERE measure = 'clients_new'), 0) AS clients_new,
  coalesce(sum(value) FILTER (WHERE measure = 'exits_total'), 0) AS exits_total,
  coalesce(sum(value) FILTER (WHERE measure = 'exits_to_work'), 0) AS exits_to_work,
  coalesce(sum(value) FILTER (WHERE measure = 'exits_to_work_sustained'), 0) AS exits_to_work_sustained,
  coalesce(sum(value) FILTER (WHERE measure = 'survey_respondents'), 0) AS survey_respondents,
  coalesce(sum(value) FILTER (WHERE measure = 'survey_score_sum'), 0) AS survey_score_sum,
  coalesce(sum(value) FILTER (WHERE measure = 'survey_score_sumsq'), 0) AS survey_score_sumsq,
  coalesce(sum(value) FILTER (WHERE measure = 'survey_satisfied'), 0) AS survey_satisfied,
  coalesce(sum(value) FILTER (WHERE measure IN ('cost_personnel_eur', 'cost_instruments_eur', 'cost_overhead_eur')), 0) AS cost_eur,
  coalesce(sum(value) FILTER (WHERE measure = 'days_to_first_offer_sum'), 0) AS days_to_first_offer_sum,
  coalesce(sum(value) FILTER (WHERE measure = 'first_offers'), 0) AS first_offers,
  coalesce(sum(value) FILTER (WHERE measure = 'joint_plans'), 0) AS joint_plans
FROM {{ ref('stg_facts') }}
GROUP BY site_code, municipality_code, month, client_group
