-- Every normalised key (code, name, alias, abbreviation) that names exactly one organism of the seeds.
{{ organism_lookup(ref('organisms'), ref('organism_aliases')) }}
