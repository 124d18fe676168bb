SELECT code, name FROM {{ source('ref_regions') }}
