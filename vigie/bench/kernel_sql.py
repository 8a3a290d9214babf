"""The raw kernel's SQL: how a cell is parsed (as the platform's reader and parser do), the dating spill of isolates,
and the three marts with their lineage restated (see `vigie.bench.kernel`)."""

# How a cell is read (PROTOCOL.md): text, code (upper case, inner spaces collapsed), S/I/R, integer, decimal, date.
TEXT, CODE, SIR, INT, YEAR, DECIMAL, DATE = "text", "code", "sir", "int", "year", "decimal", "date"

# Unicode White_Space, what the platform's reader trims and its parser treats as a space (RE2's \s is ASCII only).
WHITESPACE_RE = r"[\t-\r \x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"

# How each kind of cell is parsed, exactly as the platform's reader and parser do (trimmed of any Unicode space,
# empty is missing); applied to distinct values only.
PARSE = {
    TEXT: "k_cell({0})", CODE: "k_code(k_cell({0}))", SIR: "k_sir(k_code(k_cell({0})))",
    INT: "k_int(k_int_text(k_cell({0})))", YEAR: "try_cast(k_int(k_int_text(k_cell({0}))) AS INTEGER)",
    DECIMAL: "k_decimal(k_decimal_text(k_cell({0})))", DATE: "k_date(left(k_cell({0}), 10))",
}

MACROS = [
    f"CREATE MACRO k_cell(x) AS CASE WHEN regexp_matches(x, '^{WHITESPACE_RE}|{WHITESPACE_RE}$') "
    f"THEN nullif(regexp_replace(x, '^{WHITESPACE_RE}+|{WHITESPACE_RE}+$', '', 'g'), '') ELSE nullif(x, '') END",
    # upper() maps one letter to one (ß stays one letter, where the platform writes SS): no code has such a letter.
    f"CREATE MACRO k_code(cell) AS regexp_replace(upper(cell), '{WHITESPACE_RE}+', ' ', 'g')",
    "CREATE MACRO k_sir(code) AS CASE code WHEN 'SFP' THEN 'I' ELSE code END",  # SFP is the French name of I
    # An integer may end in .0 or ,0 (spreadsheets) and hold spaces between thousands; a decimal takes a comma.
    f"CREATE MACRO k_int_text(cell) AS regexp_replace(regexp_replace(cell, '{WHITESPACE_RE}', '', 'g'), '[.,]0+$', '')",
    "CREATE MACRO k_int(text) AS CASE WHEN regexp_full_match(text, '[+-]?[0-9]+') THEN try_cast(text AS BIGINT) END",
    f"CREATE MACRO k_decimal_text(cell) AS regexp_replace(regexp_replace(cell, '{WHITESPACE_RE}', '', 'g'), ',', '.')",
    "CREATE MACRO k_decimal(text) AS CASE WHEN regexp_full_match(text, "
    r"'[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?') THEN try_cast(text AS DOUBLE) END",
    # A date is its first 10 characters (spreadsheets and Parquet may add a time), ISO or French.
    "CREATE MACRO k_date(head) AS CASE "
    "WHEN regexp_full_match(head, '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN try_cast(head AS DATE) "
    "WHEN regexp_full_match(head, '[0-9]{2}/[0-9]{2}/[0-9]{4}') THEN try_strptime(head, '%d/%m/%Y')::DATE END",
    # Wilson 95 % bound in percent, exactly as the marts write it (macros/wilson.sql).
    """CREATE MACRO k_wilson(successes, trials, sign) AS
    case
        when sign < 0 and successes = 0 then 0.0
        when sign > 0 and successes = trials then 100.0
        else greatest(0.0, least(100.0, 100.0 * (
            (successes::DOUBLE / trials + 1.959963984540054 ^ 2 / (2 * trials))
            + (sign) * 1.959963984540054 * sqrt(
                (successes::DOUBLE / trials) * (1 - successes::DOUBLE / trials) / trials
                + 1.959963984540054 ^ 2 / (4 * trials ^ 2))
        ) / (1 + 1.959963984540054 ^ 2 / trials)))
    end""",
    # The organism key: upper case, no accents, any run of other characters a single space (macros/organisms.sql).
    "CREATE MACRO k_organism_key(x) AS "
    "trim(regexp_replace(upper(strip_accents(coalesce(x, ''))), '[^A-Z0-9]+', ' ', 'g'))",
]


# The (file, source, year) keys of isolates that are not a dating spill: a year under the share of a file's rows
# for its source, when the file's other rows for that source all belong to one year.
SPILL_KEYS = """
    WITH counts AS (SELECT _seq, {source}, _year, count(*) AS n FROM isolates_rows GROUP BY ALL),
    shares AS (SELECT *, n / sum(n) OVER (PARTITION BY _seq, {source}) AS share FROM counts),
    flagged AS (
        SELECT *, count(_year) FILTER (WHERE share >= {share}) OVER (PARTITION BY _seq, {source}) AS main_years
        FROM shares
    )
    SELECT _seq, {source}, _year FROM flagged WHERE NOT (share < {share} AND main_years = 1)
"""


# The marts (dbt_project/models/marts/spares/consumption_rates.sql, marts/laboratories/resistance_rates.sql and
# resistant_incidence.py, with their lineage). Geographic fan-outs are grouping sets; a level whose code is null
# (an establishment missing from the registry has no region) is left out of that level only.

PREPARATION = [
    # Each establishment of the registry with its region.
    """CREATE TEMP TABLE k_establishments AS
    SELECT e.finess, e.category, r.region_code
    FROM establishments_current AS e
    LEFT JOIN seed_regions_departments AS r ON r.department_code = e.department""",

    # One row per isolate (source, sample year, number), its organism resolved from whatever the laboratory wrote:
    # the whole name, else its first two words; a positive ESBL or carbapenemase result on any row wins.
    """CREATE TEMP TABLE k_isolates AS
    WITH names AS (
        SELECT organism_code, organism_code AS name FROM seed_organisms
        UNION ALL SELECT organism_code, scientific_name FROM seed_organisms
        UNION ALL SELECT organism_code, alias FROM seed_organism_aliases
    ),
    keys AS (
        SELECT organism_code, k_organism_key(name) AS organism_key FROM names
        UNION ALL
        SELECT organism_code, regexp_replace(k_organism_key(name), '^([A-Z])[A-Z0-9]* ', '\\1 ') FROM names
        WHERE k_organism_key(name) LIKE '% %'
    ),
    lookup AS (
        SELECT organism_key, min(organism_code) AS organism_code FROM keys
        GROUP BY organism_key HAVING count(DISTINCT organism_code) = 1
    ),
    resolved AS (
        SELECT sent.organism_as_sent, coalesce(whole.organism_code, binomial.organism_code) AS organism_code
        FROM (SELECT DISTINCT organism AS organism_as_sent FROM isolates_current) AS sent
        LEFT JOIN lookup AS whole ON whole.organism_key = k_organism_key(sent.organism_as_sent)
        LEFT JOIN lookup AS binomial
            ON binomial.organism_key = regexp_extract(k_organism_key(sent.organism_as_sent), '^[A-Z0-9]+ [A-Z0-9]+')
    ),
    isolates AS (
        SELECT
            source_id, _year AS year, isolate_id,
            any_value(setting) AS setting, any_value(patient_id) AS patient_id,
            any_value(sample_date) AS sample_date, any_value(specimen) AS specimen, any_value(sector) AS sector,
            any_value(department) AS department, any_value(organism) AS organism_as_sent,
            CASE WHEN bool_or(esbl = 'POS') THEN 'POS' WHEN bool_or(esbl = 'NEG') THEN 'NEG' END AS esbl,
            coalesce(min(carbapenemase) FILTER (WHERE carbapenemase <> 'NEG'), max(carbapenemase)) AS carbapenemase
        FROM isolates_current
        GROUP BY source_id, _year, isolate_id
    )
    SELECT
        isolates.* EXCLUDE (organism_as_sent),
        resolved.organism_code IS NOT NULL AS organism_known,
        coalesce(resolved.organism_code, isolates.organism_as_sent) AS organism,
        organisms.organism_group,
        isolates.specimen = 'SCREEN' AS is_screening,
        CASE WHEN isolates.setting = 'HOSP' THEN establishments.region_code ELSE patient_regions.region_code END
            AS region_code
    FROM isolates
    LEFT JOIN resolved USING (organism_as_sent)
    LEFT JOIN seed_organisms AS organisms ON organisms.organism_code = resolved.organism_code
    LEFT JOIN k_establishments AS establishments
        ON isolates.setting = 'HOSP' AND establishments.finess = isolates.source_id
    LEFT JOIN seed_regions_departments AS patient_regions
        ON isolates.setting <> 'HOSP' AND patient_regions.department_code = isolates.department""",

    # Results for the antibiotics of the reference list.
    """CREATE TEMP TABLE k_tests AS
    SELECT t.source_id, t._year AS year, t.isolate_id, t.antibiotic, t.sir
    FROM isolates_current AS t
    JOIN seed_antibiotics AS a ON a.antibiotic_code = t.antibiotic
    WHERE t.sir IN ('S', 'I', 'R')""",

    # Phenotypes of the diagnostic isolates (seeds resistance_phenotypes and phenotype_organisms): only whether
    # positive, and only for hospital isolates, which is all the incidence reads.
    """CREATE TEMP TABLE k_phenotypes AS
    WITH isolates AS (SELECT * FROM k_isolates WHERE organism_known AND NOT is_screening AND setting = 'HOSP'),
    definitions AS (SELECT *, string_split(antibiotics, '|') AS antibiotic_list FROM seed_resistance_phenotypes),
    applicable AS (
        SELECT DISTINCT
            isolates.source_id, isolates.year, isolates.isolate_id, isolates.esbl, isolates.carbapenemase,
            definitions.phenotype, definitions.rule, definitions.antibiotic_list
        FROM isolates
        JOIN seed_phenotype_organisms AS scopes ON scopes.organism_scope IN (isolates.organism, isolates.organism_group)
        JOIN definitions ON definitions.phenotype = scopes.phenotype
    ),
    phenotype_antibiotics AS (  -- the list unnested, so that results join on their antibiotic
        SELECT phenotype, unnest(antibiotic_list) AS antibiotic, generate_subscripts(antibiotic_list, 1) AS position
        FROM definitions
    ),
    tested AS (
        SELECT
            applicable.source_id, applicable.year, applicable.isolate_id, applicable.phenotype,
            bool_or(tests.sir = 'R') AS any_resistant,
            arg_min(tests.sir, listed.position) AS first_tested_sir
        FROM applicable
        JOIN phenotype_antibiotics AS listed USING (phenotype)
        JOIN k_tests AS tests
            ON tests.source_id = applicable.source_id AND tests.year = applicable.year
            AND tests.isolate_id = applicable.isolate_id AND tests.antibiotic = listed.antibiotic
        GROUP BY applicable.source_id, applicable.year, applicable.isolate_id, applicable.phenotype
    )
    SELECT
        applicable.source_id, applicable.year, applicable.isolate_id, applicable.phenotype,
        CASE applicable.rule
            WHEN 'any_resistant' THEN coalesce(tested.any_resistant, false)
            WHEN 'first_tested_resistant' THEN coalesce(tested.first_tested_sir = 'R', false)
            WHEN 'esbl_positive' THEN coalesce(applicable.esbl = 'POS', false)
            WHEN 'carbapenemase_positive' THEN coalesce(applicable.carbapenemase <> 'NEG', false)
        END AS is_positive
    FROM applicable
    LEFT JOIN tested USING (source_id, year, isolate_id, phenotype)""",
]


CONSUMPTION_RATES = """
WITH ddd_reference AS (  -- the WHO DDD, unless a project convention gives its own
    SELECT
        coalesce(who.atc_code, conventions.atc_code) AS atc_code,
        coalesce(who.route, conventions.route) AS route,
        coalesce(conventions.ddd, who.ddd) AS ddd,
        CASE WHEN conventions.ddd IS NOT NULL THEN conventions.unit ELSE who.unit END AS unit
    FROM seed_who_atc_ddd AS who
    FULL OUTER JOIN seed_ddd_conventions AS conventions
        ON conventions.atc_code = who.atc_code AND conventions.route = who.route
),
products AS (  -- DDD per establishment, sector, ATC code and route: the quantity in the DDD's unit over the DDD
    SELECT
        c.finess, c.year, c.sector, c.atc_code, c.route,
        sum(CASE
            WHEN upper(c.unit) = upper(d.unit) THEN c.quantity
            WHEN upper(c.unit) = 'MG' AND upper(d.unit) = 'G' THEN c.quantity / 1000
            WHEN upper(c.unit) = 'G' AND upper(d.unit) = 'MG' THEN c.quantity * 1000
        END / d.ddd) AS n_ddd
    FROM spares_consumption_current AS c
    LEFT JOIN ddd_reference AS d USING (atc_code, route)
    GROUP BY ALL
),
scoped AS (
    SELECT * FROM products
    WHERE EXISTS (SELECT 1 FROM seed_spares_scope AS s WHERE starts_with(products.atc_code, s.atc_prefix))
),
aware AS (  -- per route where WHO splits a molecule (fosfomycin, minocycline)
    SELECT
        atc_code,
        CASE WHEN antibiotic LIKE '%\\_IV' ESCAPE '\\' THEN 'P' WHEN antibiotic LIKE '%\\_oral' ESCAPE '\\' THEN 'O' END
            AS route,
        upper(aware_category) AS aware_category
    FROM seed_who_aware_2023
    WHERE atc_code LIKE 'J01%'
),
memberships AS (
    SELECT scoped.*, g.atc_group FROM scoped JOIN seed_atc_groups AS g ON g.kind = 'scope'
    UNION ALL
    SELECT scoped.*, g.atc_group FROM scoped
    JOIN seed_atc_groups AS g ON g.kind = 'atc' AND starts_with(scoped.atc_code, g.atc_prefix)
    UNION ALL
    SELECT scoped.*, g.atc_group FROM scoped
    JOIN aware ON aware.atc_code = scoped.atc_code AND (aware.route IS NULL OR aware.route = scoped.route)
    JOIN seed_atc_groups AS g ON g.kind = 'aware' AND g.atc_group = aware.aware_category
),
by_group AS (SELECT finess, year, sector, atc_group, sum(n_ddd) AS ddd FROM memberships GROUP BY ALL),
numerators AS (
    SELECT * FROM by_group
    UNION ALL
    SELECT finess, year, 'ALL', atc_group, sum(ddd) FROM by_group GROUP BY ALL
),
activity AS (
    SELECT finess, year, sector, sum(patient_days)::BIGINT AS patient_days
    FROM spares_activity_current GROUP BY ALL
),
by_sector AS (  -- establishments that sent both consumption and patient-days for the year
    SELECT activity.* FROM activity
    SEMI JOIN (SELECT DISTINCT finess, year FROM spares_consumption_current) AS participants USING (finess, year)
),
denominators AS (
    SELECT * FROM by_sector
    UNION ALL
    SELECT finess, year, 'ALL', sum(patient_days)::BIGINT FROM by_sector GROUP BY ALL
),
rates AS (  -- every establishment and ATC group, zero DDD included
    SELECT d.finess, d.year, d.sector, e.category, e.region_code, g.atc_group,
           coalesce(n.ddd, 0) AS ddd, d.patient_days
    FROM denominators AS d
    LEFT JOIN k_establishments AS e USING (finess)
    CROSS JOIN seed_atc_groups AS g
    LEFT JOIN numerators AS n
        ON n.finess = d.finess AND n.year = d.year AND n.sector = d.sector AND n.atc_group = g.atc_group
)
SELECT
    year,
    CASE WHEN grouping(finess) = 0 THEN 'establishment' WHEN grouping(category) = 0 THEN 'category'
         WHEN grouping(region_code) = 0 THEN 'region' ELSE 'national' END AS geo_level,
    coalesce(finess, category, region_code, 'FR') AS geo_code,
    sector,
    atc_group,
    sum(ddd) AS ddd,
    sum(patient_days)::BIGINT AS patient_days,
    CASE WHEN sum(patient_days) > 0 THEN sum(ddd) / sum(patient_days) * 1000 END AS ddd_per_1000_patient_days,
    count(DISTINCT finess) AS n_establishments
FROM rates
GROUP BY GROUPING SETS (
    (year, sector, atc_group, finess), (year, sector, atc_group, category),
    (year, sector, atc_group, region_code), (year, sector, atc_group)
)
HAVING NOT (grouping(category) = 0 AND category IS NULL) AND NOT (grouping(region_code) = 0 AND region_code IS NULL)
"""

RESISTANCE_RATES = """
WITH results AS (  -- CLSI M39 first isolates (diagnostic, known organism) and their results
    SELECT first_isolates.year, first_isolates.setting, first_isolates.source_id, first_isolates.region_code,
           first_isolates.organism, tests.antibiotic, tests.sir
    FROM (
        SELECT * FROM k_isolates WHERE organism_known AND NOT is_screening
        QUALIFY row_number() OVER (
            PARTITION BY source_id, patient_id, organism, year ORDER BY sample_date, isolate_id) = 1
    ) AS first_isolates
    JOIN k_tests AS tests USING (source_id, year, isolate_id)
),
counts AS (
    SELECT
        year,
        CASE WHEN grouping(source_id) = 0 THEN 'establishment' WHEN grouping(region_code) = 0 THEN 'region'
             ELSE 'national' END AS geo_level,
        coalesce(source_id, region_code, 'FR') AS geo_code,
        setting, organism, antibiotic,
        count(*) AS n_tested,
        count(*) FILTER (WHERE sir = 'R') AS n_resistant,
        count(*) FILTER (WHERE sir IN ('I', 'R')) AS n_intermediate_or_resistant
    FROM results
    GROUP BY GROUPING SETS (
        (year, setting, organism, antibiotic), (year, setting, organism, antibiotic, region_code),
        (year, setting, organism, antibiotic, source_id)
    )
    HAVING NOT (grouping(region_code) = 0 AND region_code IS NULL)
)
SELECT
    year, geo_level, geo_code, setting, organism, antibiotic, n_tested, n_resistant,
    100.0 * n_resistant / n_tested AS pct_resistant,
    k_wilson(n_resistant, n_tested, -1) AS ci_low,
    k_wilson(n_resistant, n_tested, 1) AS ci_high,
    n_tested < (SELECT value FROM seed_disclosure_thresholds WHERE threshold = 'min_isolates_resistance') AS low_count,
    n_intermediate_or_resistant,
    100.0 * n_intermediate_or_resistant / n_tested AS pct_intermediate_or_resistant
FROM counts
"""

RESISTANT_COUNTS = """
WITH hospital_isolates AS (SELECT * FROM k_isolates WHERE setting = 'HOSP'),
eligible AS (  -- establishments that sent both hospital isolates and patient-days for the year
    SELECT DISTINCT h.source_id AS finess, h.year
    FROM hospital_isolates AS h
    JOIN spares_activity_current AS a ON a.finess = h.source_id AND a.year = h.year
),
days AS (
    SELECT a.finess, a.year, a.sector, sum(a.patient_days)::BIGINT AS patient_days
    FROM spares_activity_current AS a JOIN eligible USING (finess, year)
    GROUP BY ALL
),
days_with_all AS (
    SELECT * FROM days
    UNION ALL
    SELECT finess, year, 'ALL', sum(patient_days)::BIGINT FROM days GROUP BY ALL
),
incidence_phenotypes AS (SELECT * FROM seed_phenotype_organisms WHERE incidence_code IS NOT NULL),
cells AS (
    SELECT days_with_all.*, e.region_code, p.incidence_code AS phenotype
    FROM days_with_all
    LEFT JOIN k_establishments AS e USING (finess)
    CROSS JOIN (SELECT DISTINCT incidence_code FROM incidence_phenotypes) AS p
),
cases AS (
    SELECT DISTINCT i.source_id AS finess, i.year, i.sector, i.patient_id, p.incidence_code AS phenotype
    FROM k_phenotypes AS phenotypes
    JOIN hospital_isolates AS i USING (source_id, year, isolate_id)
    JOIN incidence_phenotypes AS p
        ON p.phenotype = phenotypes.phenotype AND p.organism_scope IN (i.organism, i.organism_group)
    JOIN eligible ON eligible.finess = i.source_id AND eligible.year = i.year
    WHERE phenotypes.is_positive
),
cases_with_all AS (
    SELECT cases.*, e.region_code
    FROM (
        SELECT * FROM cases WHERE sector IS NOT NULL
        UNION ALL
        SELECT finess, year, 'ALL', patient_id, phenotype FROM cases
    ) AS cases
    LEFT JOIN k_establishments AS e USING (finess)
),
patients AS (
    SELECT
        year,
        CASE WHEN grouping(finess) = 0 THEN 'establishment' WHEN grouping(region_code) = 0 THEN 'region'
             ELSE 'national' END AS geo_level,
        coalesce(finess, region_code, 'FR') AS geo_code,
        sector, phenotype,
        count(DISTINCT (finess, patient_id)) AS n_patients
    FROM cases_with_all
    GROUP BY GROUPING SETS (
        (year, sector, phenotype), (year, sector, phenotype, region_code), (year, sector, phenotype, finess)
    )
    HAVING NOT (grouping(region_code) = 0 AND region_code IS NULL)
),
denominators AS (
    SELECT
        year,
        CASE WHEN grouping(finess) = 0 THEN 'establishment' WHEN grouping(region_code) = 0 THEN 'region'
             ELSE 'national' END AS geo_level,
        coalesce(finess, region_code, 'FR') AS geo_code,
        sector, phenotype,
        sum(patient_days)::BIGINT AS patient_days,
        count(DISTINCT finess) AS n_establishments
    FROM cells
    GROUP BY GROUPING SETS (
        (year, sector, phenotype), (year, sector, phenotype, region_code), (year, sector, phenotype, finess)
    )
    HAVING NOT (grouping(region_code) = 0 AND region_code IS NULL)
)
SELECT
    d.year, d.geo_level, d.geo_code, d.sector, d.phenotype,
    coalesce(p.n_patients, 0) AS n_patients,
    d.patient_days,
    coalesce(p.n_patients, 0) < (
        SELECT value FROM seed_disclosure_thresholds WHERE threshold = 'min_patients_incidence') AS low_count,
    d.n_establishments
FROM denominators AS d
LEFT JOIN patients AS p USING (year, geo_level, geo_code, sector, phenotype)
"""

MART_SQL = {"consumption_rates": CONSUMPTION_RATES, "resistance_rates": RESISTANCE_RATES,
            "resistant_incidence": RESISTANT_COUNTS}
