-- DDD and prescriptions per département, year and ATC group (the groups of SPARES).
{{ by_atc_group(ref('int_community_consumption_ddd'), ['department', 'year'],
                {'ddd': 'n_ddd', 'prescriptions': 'prescriptions'}) }}
