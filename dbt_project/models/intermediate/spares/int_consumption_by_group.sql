-- DDD per establishment, year, sector and ATC group of the atc_groups seed: ALL (the SPARES scope), the ATC
-- prefixes, and the AWaRe categories of J01.
{{ by_atc_group(ref('int_consumption_ddd'), ['finess', 'year', 'sector'], {'ddd': 'n_ddd'}) }}
