"""Labels in French and disclosure thresholds, read once from the reference tables (the dbt seeds)."""

from dataclasses import dataclass


def _pairs(con, sql: str) -> dict:
    return dict(con.sql(sql).fetchall())


@dataclass
class Labels:
    sectors: dict[str, str]
    categories: dict[str, str]
    organisms: dict[str, str]  # organism code or group -> name
    antibiotics: dict[str, str]
    atc_groups: dict[str, str]
    phenotypes: dict[str, str]  # phenotype -> short label
    definitions: dict[str, str]  # phenotype -> definition
    incidence: dict[str, str]  # incidence code -> label
    thresholds: dict[str, float]
    conventions: list[str]
    targets: dict[str, tuple]  # indicator code -> (label, value, comparison, unit, year, source)

    @classmethod
    def load(cls, con) -> "Labels":
        return cls(
            sectors={"ALL": "Tous secteurs", **_pairs(con, "SELECT code, label_fr FROM reference.protocol_codes "
                                                           "WHERE code_list = 'sector'")},
            categories=_pairs(con, "SELECT code, label_fr FROM reference.protocol_codes WHERE code_list = 'category'"),
            organisms={**_pairs(con, "SELECT organism_code, scientific_name FROM reference.organisms"),
                       **_pairs(con, "SELECT organism_group, label_fr FROM reference.organism_groups")},
            antibiotics=_pairs(con, "SELECT antibiotic_code, label_fr FROM reference.antibiotics"),
            atc_groups=_pairs(con, "SELECT atc_group, label_fr FROM reference.atc_groups"),
            phenotypes=_pairs(con, "SELECT phenotype, short_label_fr FROM reference.resistance_phenotypes"),
            definitions=_pairs(con, "SELECT phenotype, label_fr FROM reference.resistance_phenotypes"),
            incidence=_pairs(con, "SELECT incidence_code, label_fr FROM reference.phenotype_organisms "
                                  "WHERE incidence_code IS NOT NULL"),
            thresholds=_pairs(con, "SELECT threshold, value FROM reference.disclosure_thresholds"),
            conventions=[n for (n,) in con.sql("SELECT DISTINCT note_fr FROM reference.ddd_conventions "
                                               "ORDER BY 1").fetchall()],
            targets={row[0]: row[1:] for row in con.sql(
                "SELECT indicator_code, label_fr, target_value, comparison, unit, target_year, source "
                "FROM reference.indicator_targets").fetchall()},
        )

    def organism(self, code: str) -> str:
        return self.organisms.get(code, code)

    def phenotype(self, phenotype: str) -> str:
        return self.phenotypes.get(phenotype, phenotype)
