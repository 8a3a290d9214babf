-- The results (S, I or R) of each isolate for the antibiotics of the reference list; rows with an antibiotic code
-- unknown to the list stay in raw (the sender was warned) and reach no mart.
select
    tests.source_id,
    tests.surveillance_year as year,
    tests.isolate_id,
    tests.submission_id,
    tests.submission_key,
    tests.antibiotic,
    tests.sir
from {{ ref('stg_isolates') }} as tests
inner join {{ ref('antibiotics') }} as antibiotics on antibiotics.antibiotic_code = tests.antibiotic
where tests.sir in ('S', 'I', 'R')
