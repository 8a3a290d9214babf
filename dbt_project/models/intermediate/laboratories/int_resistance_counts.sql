{{ config(**per_submission_config('isolates')) }}  -- resistance_rates adds these up: a landed file recounts its own
-- The results of the first isolates of each submission, counted per year, setting, source, organism and antibiotic,
-- and outside hospitals per patient's département (where the results count: macro with_region_code).
with first_isolates as (
    select * from {{ pending_submission_rows(ref('int_first_isolates'), 'isolates') }}
),

results as (
    select
        first_isolates.year,
        first_isolates.setting,
        first_isolates.source_id,
        case when first_isolates.setting <> 'HOSP' then first_isolates.department end as department,
        first_isolates.organism,
        tests.antibiotic,
        tests.sir
    from first_isolates
    inner join {{ rows_of_pairs(ref('int_isolate_tests'), 'first_isolates') }} as tests
        using (source_id, year, isolate_id)
)

{{ submission_counts('results', 'first_isolates',
                     ['year', 'setting', 'source_id', 'department', 'organism', 'antibiotic'],
                     "count(*) as n_tested, count(*) filter (where sir = 'R') as n_resistant,
                      count(*) filter (where sir in ('I', 'R')) as n_intermediate_or_resistant") }}
