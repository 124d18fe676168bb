-- Municipalities that exist today (merged predecessors are folded into these by stg_facts).
SELECT code, name, region_code, province_code, publication_consent
FROM {{ source('ref_municipalities') }}
WHERE code = current_code
