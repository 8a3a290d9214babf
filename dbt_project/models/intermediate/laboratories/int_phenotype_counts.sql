{{ config(**per_submission_config('isolates')) }}  -- resistance_phenotype_rates adds these up
-- The first isolates of each submission tested for each phenotype, and those positive, per year, setting, source,
-- phenotype and heading (macro phenotype_headings), and outside hospitals per patient's département (where they
-- count: macro with_region_code).
with first_isolates as (
    select * from {{ pending_submission_rows(ref('int_first_isolates'), 'isolates') }}
),

isolates as (
    select
        source_id, year, isolate_id, setting, organism, organism_group,
        case when setting <> 'HOSP' then department end as department
    from first_isolates
),

headings as (
    {{ phenotype_headings('isolates') }}
)

{{ submission_counts('headings', 'first_isolates',
                     ['year', 'setting', 'source_id', 'department', 'phenotype', 'heading'],
                     "count(*) as n_tested, count(*) filter (where is_positive) as n_resistant") }}
