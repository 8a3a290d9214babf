{{ config(**per_submission_config('isolates')) }}  -- community_phenotype_rates adds these up
-- Each submission's urinary first isolates in the community and in nursing homes tested for each phenotype, and
-- those positive, per year, setting, age group, sex, patient's département and region, laboratory, phenotype and
-- heading (macro phenotype_headings).
with first_isolates as (
    select * from {{ pending_submission_rows(ref('int_community_urinary_first_isolates'), 'isolates') }}
),

isolates as (
    select
        source_id, year, isolate_id, setting, organism, organism_group, age_group, sex, department, region_code
    from first_isolates
),

headings as (
    {{ phenotype_headings('isolates') }}
)

{{ submission_counts('headings', 'first_isolates',
                     ['year', 'setting', 'age_group', 'sex', 'department', 'region_code', 'source_id', 'phenotype',
                      'heading'],
                     "count(*) as n_tested, count(*) filter (where is_positive) as n_resistant") }}
