-- Resistance phenotypes of each diagnostic isolate, from the rules of the resistance_phenotypes seed:
-- any_resistant (R to one of the antibiotics), first_tested_resistant (the first antibiotic of the list
-- that was tested decides: cefoxitin prevails over oxacillin), esbl_positive, carbapenemase_positive.
with isolates as (
    select * from {{ ref('int_isolates') }} where not is_screening
),

phenotypes as (
    select *, string_split(antibiotics, '|') as antibiotic_list
    from {{ ref('resistance_phenotypes') }}
),

candidates as (
    select isolates.source_id, isolates.isolate_id, isolates.esbl, isolates.carbapenemase, phenotypes.*
    from isolates
    inner join phenotypes
        on phenotypes.organism = isolates.organism or phenotypes.organism_group = isolates.organism_group
),

tested as (
    select
        candidates.source_id, candidates.isolate_id, candidates.phenotype,
        bool_or(tests.sir = 'R') as any_resistant,
        arg_min(tests.sir, list_position(candidates.antibiotic_list, tests.antibiotic)) as first_tested_sir
    from candidates
    inner join {{ ref('stg_isolates') }} as tests
        on tests.source_id = candidates.source_id and tests.isolate_id = candidates.isolate_id
        and list_contains(candidates.antibiotic_list, tests.antibiotic)
        and tests.sir in ('S', 'I', 'R')
    group by all
)

select candidates.source_id, candidates.isolate_id, candidates.phenotype
from candidates
left join tested using (source_id, isolate_id, phenotype)
where case candidates.rule
    when 'any_resistant' then coalesce(tested.any_resistant, false)
    when 'first_tested_resistant' then coalesce(tested.first_tested_sir = 'R', false)
    when 'esbl_positive' then candidates.esbl = 'POS'
    when 'carbapenemase_positive' then coalesce(candidates.carbapenemase, 'NEG') <> 'NEG'
end
