-- Additive components per unit, client group and period for every grain (month, quarter, year, rolling12).
-- Flows are summed over the months of the period; clients_start is a stock, so the period takes the value of
-- its first reported month (clients served in a period = in service at its start + new during it).
-- joint_plans counts the clients served in a month who have a joint plan, so over a longer period it is
-- set against client_months (the clients served summed over the months), not against the clients served.
-- Rolling 12 months end at a quarter end and need all 12 months of the unit: windows stepping by a month (or
-- shorter ones) would reveal single months by subtraction (disclosure control, docs/metrics.md section 6).
WITH m AS (SELECT * FROM {{ ref('int_unit_month') }}),
months AS (
  SELECT level, unit, client_group, 'month' AS grain, strftime(month, '%Y-%m') AS period,
    month AS period_start, last_day(month) AS period_end,
    clients_start, clients_new, exits_total, exits_to_work, exits_to_work_sustained, survey_respondents,
    survey_score_sum, survey_score_sumsq, survey_satisfied, cost_eur, days_to_first_offer_sum, first_offers, joint_plans,
    clients_start + clients_new AS client_months
  FROM m
),
calendar AS (
  SELECT level, unit, client_group, grain,
    CASE grain WHEN 'year' THEN strftime(p, '%Y') ELSE strftime(p, '%Y') || '-Q' || quarter(p) END AS period,
    p AS period_start,
    (p + CASE grain WHEN 'year' THEN INTERVAL 12 MONTH ELSE INTERVAL 3 MONTH END - INTERVAL 1 DAY)::DATE AS period_end,
    arg_min(clients_start, month) AS clients_start,
    sum(clients_new) AS clients_new, sum(exits_total) AS exits_total, sum(exits_to_work) AS exits_to_work,
    sum(exits_to_work_sustained) AS exits_to_work_sustained, sum(survey_respondents) AS survey_respondents,
    sum(survey_score_sum) AS survey_score_sum, sum(survey_score_sumsq) AS survey_score_sumsq,
    sum(survey_satisfied) AS survey_satisfied, sum(cost_eur) AS cost_eur,
    sum(days_to_first_offer_sum) AS days_to_first_offer_sum, sum(first_offers) AS first_offers, sum(joint_plans) AS joint_plans,
    sum(clients_start + clients_new) AS client_months
  FROM (
    SELECT *, 'quarter' AS grain, date_trunc('quarter', month)::DATE AS p FROM m
    UNION ALL
    SELECT *, 'year' AS grain, date_trunc('year', month)::DATE AS p FROM m
  )
  GROUP BY level, unit, client_group, grain, p
),
rolling AS (
  SELECT level, unit, client_group, 'rolling12' AS grain, 'R12-' || strftime(month, '%Y-%m') AS period,
    (month - INTERVAL 11 MONTH)::DATE AS period_start, last_day(month) AS period_end,
    first_value(clients_start) OVER w AS clients_start,
    sum(clients_new) OVER w AS clients_new, sum(exits_total) OVER w AS exits_total, sum(exits_to_work) OVER w AS exits_to_work,
    sum(exits_to_work_sustained) OVER w AS exits_to_work_sustained, sum(survey_respondents) OVER w AS survey_respondents,
    sum(survey_score_sum) OVER w AS survey_score_sum, sum(survey_score_sumsq) OVER w AS survey_score_sumsq,
    sum(survey_satisfied) OVER w AS survey_satisfied, sum(cost_eur) OVER w AS cost_eur,
    sum(days_to_first_offer_sum) OVER w AS days_to_first_offer_sum, sum(first_offers) OVER w AS first_offers,
    sum(joint_plans) OVER w AS joint_plans, sum(clients_start + clients_new) OVER w AS client_months,
    month, count(*) OVER w AS months_in_window
  FROM m
  WINDOW w AS (PARTITION BY level, unit, client_group ORDER BY month RANGE BETWEEN INTERVAL 11 MONTH PRECEDING AND CURRENT ROW)
)
SELECT * FROM months
UNION ALL BY NAME SELECT * FROM calendar
UNION ALL BY NAME SELECT * EXCLUDE (month, months_in_window) FROM rolling
  WHERE month(month) % 3 = 0 AND months_in_window = 12
