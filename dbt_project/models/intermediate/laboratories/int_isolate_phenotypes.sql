{{ config(**per_submission_config('isolates')) }}  -- read by several models: computed once, per submission
-- For each diagnostic isolate and each resistance phenotype that applies to its organism (phenotype_organisms),
-- whether it was tested and whether it is positive, by the rule of the resistance_phenotypes seed:
-- any_resistant (R to one of the antibiotics, among isolates tested for at least one), first_tested_resistant
-- (the first antibiotic of the list that was tested decides: cefoxitin prevails over oxacillin), esbl_positive
-- and carbapenemase_positive (tested when the laboratory gave a result).
with isolates as (
    select * from {{ pending_submission_rows(ref('int_isolates'), 'isolates') }} where organism_known and not is_screening
),

definitions as (
    select *, string_split(antibiotics, '|') as antibiotic_list
    from {{ ref('resistance_phenotypes') }}
),

organism_phenotypes as (
    -- each organism once per phenotype, whether the phenotype names the organism itself or its group
    select distinct organisms.organism_code as organism, scopes.phenotype
    from {{ ref('organisms') }} as organisms
    inner join {{ ref('phenotype_organisms') }} as scopes
        on scopes.organism_scope in (organisms.organism_code, organisms.organism_group)
),

applicable as (
    select
        isolates.source_id, isolates.year, isolates.isolate_id, isolates.esbl, isolates.carbapenemase,
        definitions.phenotype, definitions.rule, definitions.antibiotic_list
    from isolates
    inner join organism_phenotypes using (organism)
    inner join definitions using (phenotype)
),

tested as (
    select
        wanted.source_id, wanted.year, wanted.isolate_id, wanted.phenotype,
        bool_or(tests.sir = 'R') as any_resistant,
        arg_min(tests.sir, list_position(wanted.antibiotic_list, tests.antibiotic)) as first_tested_sir
    from (select *, unnest(antibiotic_list) as antibiotic from applicable) as wanted
    inner join (
        -- the results that some phenotype reads, before the join
        select * from {{ pending_submission_rows(ref('int_isolate_tests'), 'isolates') }}
        where antibiotic in (select unnest(antibiotic_list) from definitions)
    ) as tests
        on tests.source_id = wanted.source_id and tests.year = wanted.year
        and tests.isolate_id = wanted.isolate_id and tests.antibiotic = wanted.antibiotic
    group by wanted.source_id, wanted.year, wanted.isolate_id, wanted.phenotype
)

select
    applicable.source_id,
    applicable.year,
    applicable.isolate_id,
    isolates.submission_id,
    isolates.submission_key,
    applicable.phenotype,
    case applicable.rule
        when 'any_resistant' then tested.any_resistant is not null
        when 'first_tested_resistant' then tested.first_tested_sir is not null
        when 'esbl_positive' then applicable.esbl is not null
        when 'carbapenemase_positive' then applicable.carbapenemase is not null
    end as is_tested,
    case applicable.rule
        when 'any_resistant' then coalesce(tested.any_resistant, false)
        when 'first_tested_resistant' then coalesce(tested.first_tested_sir = 'R', false)
        when 'esbl_positive' then coalesce(applicable.esbl = 'POS', false)
        when 'carbapenemase_positive' then coalesce(applicable.carbapenemase <> 'NEG', false)
    end as is_positive
from applicable
left join tested using (source_id, year, isolate_id, phenotype)
-- the submission last: carried through the joins above, it would make them spill
inner join isolates using (source_id, year, isolate_id)
