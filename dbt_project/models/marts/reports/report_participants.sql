-- Who gets a report of a year, and the date of the latest submission its figures include: each establishment with
-- data of a hospital mission (SPARES, SPIADI, SPICMI, MATIS; hospital isolates of a registered establishment), each
-- community laboratory (PRIMO), and each region (its CPias and ARS) for the regional output: the region's indicators,
-- its establishments on funnel plots and the IAS reports of its establishments.
with establishment_years as (
    select finess, year from {{ ref('stg_spares_activity') }}
    union
    select finess, year from {{ ref('stg_spares_consumption') }}
    union
    select finess, year from {{ ref('stg_spiadi_exposure') }}
    union
    select finess, year from {{ ref('stg_spicmi_procedures') }}
    union
    select finess, year from {{ ref('stg_icsha') }}
    union
    select isolates.source_id, isolates.year
    from {{ ref('int_isolates') }} as isolates
    inner join {{ ref('int_establishments') }} as establishments on establishments.finess = isolates.source_id
    where isolates.setting = 'HOSP'
),

current_submissions as (
    select keys.dataset, keys.key_value, submissions.received_at
    from {{ source('raw', 'submission_keys') }} as keys
    inner join {{ source('raw', 'submissions') }} as submissions using (submission_id)
    where keys.superseded_by is null
),

establishments as (
    select
        'establishment' as participant_kind,
        years.finess as participant_id,
        years.year,
        coalesce(registry.name, years.finess) as name,
        registry.category,
        categories.label_fr as category_label,
        registry.region_code,
        registry.region_name,
        max(current_submissions.received_at) as data_received_until
    from establishment_years as years
    left join {{ ref('int_establishments') }} as registry using (finess)
    left join {{ ref('protocol_codes') }} as categories
        on categories.code_list = 'category' and categories.code = registry.category
    left join current_submissions on current_submissions.key_value = years.finess || '|' || years.year
    group by all
),

laboratories as (
    select
        'laboratory' as participant_kind,
        years.source_id,
        years.year,
        years.source_id as name,
        null as category,
        null as category_label,
        years.region_code,
        years.region_name,
        max(current_submissions.received_at) as data_received_until
    from {{ ref('int_laboratories') }} as years
    left join current_submissions
        on current_submissions.dataset = 'isolates' and current_submissions.key_value = years.source_id || '|' || years.year
    group by all
),

-- A region's output covers all its data of the year: its establishments, laboratories and IAS reports.
region_years as (
    select region_code, year from establishments where region_code is not null
    union
    select region_code, year from laboratories where region_code is not null
    union
    select region_code, year from {{ ref('int_signalements') }} where region_code is not null
),

regions as (
    select
        'region' as participant_kind,
        reports.region_code,
        reports.year,
        'CPias ' || regions.region_name as name,
        null as category,
        null as category_label,
        reports.region_code,
        regions.region_name,
        max(current_submissions.received_at) as data_received_until
    from region_years as reports
    inner join (select distinct region_code, region_name from {{ ref('regions_departments') }}) as regions using (region_code)
    cross join current_submissions
    group by all
)

select * from establishments
union all
select * from laboratories
union all
select * from regions
