{{ config(**per_submission_config('isolates')) }}  -- community_resistance and laboratory_comparisons add these up
-- The results of each submission's urinary first isolates in the community and in nursing homes, counted per year,
-- setting, age group, sex, patient's département and region, laboratory, organism and antibiotic.
with first_isolates as (
    select * from {{ pending_submission_rows(ref('int_community_urinary_first_isolates'), 'isolates') }}
),

results as (
    select
        first_isolates.year, first_isolates.setting, first_isolates.age_group, first_isolates.sex,
        first_isolates.department, first_isolates.region_code, first_isolates.source_id, first_isolates.organism,
        tests.antibiotic, tests.sir
    from first_isolates
    inner join {{ rows_of_pairs(ref('int_isolate_tests'), 'first_isolates') }} as tests
        using (source_id, year, isolate_id)
)

{{ submission_counts('results', 'first_isolates',
                     ['year', 'setting', 'age_group', 'sex', 'department', 'region_code', 'source_id', 'organism',
                      'antibiotic'],
                     "count(*) as n_tested, count(*) filter (where sir = 'R') as n_resistant") }}
