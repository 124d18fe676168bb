-- "Similar municipalities": the k nearest neighbours of every municipality on standardised features of the
-- latest 12 months: log(1 + clients served) and the share of each of the six client groups in clients served.
-- Euclidean distance, all seven features weighted equally; ties broken by code. Municipalities without
-- publication consent or without data take no part.
WITH latest AS (
  SELECT max(period_end) AS period_end FROM {{ ref('int_unit_period') }} WHERE level = 'municipality' AND grain = 'rolling12'
),
served AS (
  SELECT unit AS code, client_group, clients_start + clients_new AS served
  FROM {{ ref('int_unit_period') }}
  WHERE level = 'municipality' AND grain = 'rolling12' AND period_end = (SELECT period_end FROM latest)
),
features AS (
  SELECT code,
    ln(1 + max(served) FILTER (WHERE client_group = 'all')) AS log_served,
    coalesce(sum(served) FILTER (WHERE client_group = 'jongeren'), 0) / max(served) FILTER (WHERE client_group = 'all') AS s_jongeren,
    coalesce(sum(served) FILTER (WHERE client_group = 'ww'), 0) / max(served) FILTER (WHERE client_group = 'all') AS s_ww,
    coalesce(sum(served) FILTER (WHERE client_group = 'bijstand_kort'), 0) / max(served) FILTER (WHERE client_group = 'all') AS s_bijstand_kort,
    coalesce(sum(served) FILTER (WHERE client_group = 'bijstand_lang'), 0) / max(served) FILTER (WHERE client_group = 'all') AS s_bijstand_lang,
    coalesce(sum(served) FILTER (WHERE client_group = 'arbeidsbeperking'), 0) / max(served) FILTER (WHERE client_group = 'all') AS s_arbeidsbeperking,
    coalesce(sum(served) FILTER (WHERE client_group = 'overig'), 0) / max(served) FILTER (WHERE client_group = 'all') AS s_overig
  FROM served
  GROUP BY code
  HAVING max(served) FILTER (WHERE client_group = 'all') > 0
),
eligible AS (
  SELECT f.* FROM features AS f JOIN {{ ref('stg_municipalities') }} AS m ON m.code = f.code WHERE m.publication_consent
),
z AS (
  -- standardised: (x - mean) / population SD over the eligible municipalities; a constant feature counts 0
  SELECT code,
    coalesce((log_served - avg(log_served) OVER ()) / nullif(stddev_pop(log_served) OVER (), 0), 0) AS z_size,
    coalesce((s_jongeren - avg(s_jongeren) OVER ()) / nullif(stddev_pop(s_jongeren) OVER (), 0), 0) AS z1,
    coalesce((s_ww - avg(s_ww) OVER ()) / nullif(stddev_pop(s_ww) OVER (), 0), 0) AS z2,
    coalesce((s_bijstand_kort - avg(s_bijstand_kort) OVER ()) / nullif(stddev_pop(s_bijstand_kort) OVER (), 0), 0) AS z3,
    coalesce((s_bijstand_lang - avg(s_bijstand_lang) OVER ()) / nullif(stddev_pop(s_bijstand_lang) OVER (), 0), 0) AS z4,
    coalesce((s_arbeidsbeperking - avg(s_arbeidsbeperking) OVER ()) / nullif(stddev_pop(s_arbeidsbeperking) OVER (), 0), 0) AS z5,
    coalesce((s_overig - avg(s_overig) OVER ()) / nullif(stddev_pop(s_overig) OVER (), 0), 0) AS z6
  FROM eligible
),
pairs AS (
  SELECT a.code AS municipality_code, b.code AS peer_code,
    sqrt(pow(a.z_size - b.z_size, 2) + pow(a.z1 - b.z1, 2) + pow(a.z2 - b.z2, 2) + pow(a.z3 - b.z3, 2)
       + pow(a.z4 - b.z4, 2) + pow(a.z5 - b.z5, 2) + pow(a.z6 - b.z6, 2)) AS distance
  FROM z AS a JOIN z AS b ON a.code <> b.code
)
SELECT municipality_code, peer_code, rank, distance
FROM (SELECT *, row_number() OVER (PARTITION BY municipality_code ORDER BY distance, peer_code) AS rank FROM pairs)
WHERE rank <= {{ var('peer_k', 10) }}
