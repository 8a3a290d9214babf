{{ config(materialized='table') }}  -- read by its test and by bloodstream_resistance: computed once
-- First blood isolate per source, patient, species and year (the first-isolate rule, among blood cultures only, as
-- EARS-Net counts bloodstream infections), then, per phenotype and heading (the organism scope of
-- phenotype_organisms and, for a group, each species: the headings of resistance_phenotype_rates), year and area
-- (nation, region): how many were tested and how many were positive, the share positive, and the inhabitants of the
-- area. Hospital isolates count in their establishment's region, others in the region of the patient's département.
with blood as (
    select isolates.*, geography.region_code
    from {{ ref('int_isolates') }} as isolates
    left join {{ ref('int_isolate_geography') }} as geography using (source_id, year, isolate_id)
    where isolates.specimen = 'BLOOD' and isolates.organism_known and not isolates.is_screening
),

first_blood as (
    {{ first_isolates('blood') }}
),

results as (
    {{ phenotype_headings('first_blood') }}
),

areas as (
    {{ geo_fan_out('results', [['national', "'FR'"], ['region', 'region_code']]) }}
),

counts as (
    select
        year,
        geo_level,
        geo_code,
        phenotype,
        heading as organism,
        count(*) as n_tested,
        count(*) filter (where is_positive) as n_resistant
    from areas
    group by year, geo_level, geo_code, phenotype, heading
)

select
    counts.*,
    {{ proportion_columns('counts.n_resistant', 'counts.n_tested', 'pct') }},
    population.population
from counts
left join {{ ref('int_area_population') }} as population using (year, geo_level, geo_code)
