-- Every unit that can appear in the marts, with its display name, region and publication consent.
SELECT 'site' AS level, code AS unit, name AS unit_name, region_code, region_code AS parent_unit, publication_consent AS consent
FROM {{ ref('stg_sites') }}
UNION ALL
SELECT 'municipality', code, name, region_code, region_code, publication_consent FROM {{ ref('stg_municipalities') }}
UNION ALL
SELECT 'region', code, name, code, 'NL', true FROM {{ ref('stg_regions') }}
UNION ALL
SELECT 'national', 'NL', 'Nederland', NULL, NULL, true
