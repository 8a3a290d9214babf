"""Labels in French and disclosure thresholds, read once from the reference tables (the dbt seeds)."""

from dataclasses import dataclass


def _pairs(con, sql: str) -> dict:
    return dict(con.sql(sql).fetchall())


def _codes(con, code_list: str) -> dict:
    """A code list of the protocol with its French labels, in the seed's order."""
    return dict(con.execute("SELECT code, label_fr FROM reference.protocol_codes WHERE code_list = ?",
                            [code_list]).fetchall())


def _computed_codes(con, code_list: str) -> dict:
    """Labels of codes the marts compute (report_labels seed)."""
    return dict(con.execute("SELECT code, label_fr FROM reference.report_labels WHERE code_list = ?",
                            [code_list]).fetchall())


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
    procedures: dict[str, str]
    devices: dict[str, str]
    portals: dict[str, str]  # ECDC portal code -> label
    icsha_classes: dict[str, str]
    criteria: dict[str, str]
    resistances: dict[str, str]  # resistance of IAS reports
    regions: dict[str, str]
    thresholds: dict[str, float]
    parameters: dict[str, float]
    conventions: list[str]
    targets: dict[str, tuple]  # indicator code -> (label, value, comparison, unit, year, source)
    statuses: dict[str, str]  # status of a strategy indicator -> label
    funnel_positions: dict[str, str]
    missions: dict[str, str]

    @classmethod
    def load(cls, con) -> "Labels":
        return cls(
            sectors={"ALL": "Tous secteurs", **_codes(con, "sector")},
            categories=_codes(con, "category"),
            organisms={**_pairs(con, "SELECT organism_code, scientific_name FROM reference.organisms"),
                       **_pairs(con, "SELECT organism_group, label_fr FROM reference.organism_groups")},
            antibiotics=_pairs(con, "SELECT antibiotic_code, label_fr FROM reference.antibiotics"),
            atc_groups=_pairs(con, "SELECT atc_group, label_fr FROM reference.atc_groups"),
            phenotypes=_pairs(con, "SELECT phenotype, short_label_fr FROM reference.resistance_phenotypes"),
            definitions=_pairs(con, "SELECT phenotype, label_fr FROM reference.resistance_phenotypes"),
            incidence=_pairs(con, "SELECT incidence_code, label_fr FROM reference.phenotype_organisms "
                                  "WHERE incidence_code IS NOT NULL"),
            procedures=_codes(con, "procedure_code"),
            devices=_pairs(con, "SELECT device, label_fr FROM reference.portal_codes WHERE device IS NOT NULL"),
            portals=_pairs(con, "SELECT ecdc_code, label_fr FROM reference.ecdc_portal_codes"),
            icsha_classes=_pairs(con, "SELECT icsha_class, label_fr FROM reference.icsha_classes ORDER BY icsha_class"),
            criteria=_codes(con, "ias_criterion"),
            resistances=_codes(con, "ias_resistance"),
            regions=_pairs(con, "SELECT DISTINCT region_code, region_name FROM reference.regions_departments"),
            thresholds=_pairs(con, "SELECT threshold, value FROM reference.disclosure_thresholds"),
            parameters=_pairs(con, "SELECT parameter, value FROM reference.surveillance_parameters"),
            conventions=[n for (n,) in con.sql("SELECT DISTINCT note_fr FROM reference.ddd_conventions "
                                               "ORDER BY 1").fetchall()],
            targets={row[0]: row[1:] for row in con.sql(
                "SELECT indicator_code, label_fr, target_value, comparison, unit, target_year, source "
                "FROM reference.indicator_targets").fetchall()},
            statuses=_computed_codes(con, "strategy_status"),
            funnel_positions=_computed_codes(con, "funnel_position"),
            missions=_computed_codes(con, "mission"),
        )

    def organism(self, code: str) -> str:
        return self.organisms.get(code, code)

    def phenotype(self, phenotype: str) -> str:
        return self.phenotypes.get(phenotype, phenotype)
