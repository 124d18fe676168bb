SELECT code, name, kind, region_code, start_date, end_date, publication_consent
FROM {{ source('ref_sites') }}
