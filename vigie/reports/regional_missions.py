"""Each mission's results of the region against the nation, for the regional output: antibiotic consumption and
resistance in hospitals (SPARES), bacteraemia (SPIADI), surgical site infections (SPICMI), hand-rub consumption
classes (MATIS) and urinary E. coli resistance in the community and nursing homes (PRIMO). Every count is a
COUNT column and every figure says which counts it derives from, so the public edition can mask them."""

from vigie.reports.document import COUNT, NUMBER, TEXT, Column, Section, Table
from vigie.reports.labels import Labels
from vigie.reports.mechanism import Contribution, ParticipantData, Source
from vigie.reports.primo import SETTINGS

PER_DAYS = "pour 1000 JH"


def _region_vs_nation(name: str, mart: str, keys: list[str], figures: list[str], national: str,
                      where: str = "true", columns: str = "", joins: str = "") -> Source:
    """The region's rows of `mart` for its report's year, with the nation's `national` figure beside each (and the
    `columns` of reference tables that `joins` adds)."""
    same = " AND ".join(f"n.{key} = r.{key}" for key in keys)
    return Source(name, f"""
SELECT t.participant_id, t.year, {", ".join(f"r.{c}" for c in keys + figures)}, n.{national} AS national_value
       {columns}
FROM marts.{mart} r
JOIN report_targets t ON t.participant_id = r.geo_code AND t.year = r.year
LEFT JOIN marts.{mart} n ON n.geo_level = 'national' AND n.geo_code = 'FR' AND n.year = r.year AND {same}
{joins}
WHERE r.geo_level = 'region' AND {where}
ORDER BY {", ".join(f"r.{key}" for key in keys)}
""")


CONSUMPTION = _region_vs_nation("region_consumption", "consumption_rates", ["sector", "atc_group"],
                                ["n_establishments", "patient_days", "ddd_per_1000_patient_days"],
                                "ddd_per_1000_patient_days", "r.sector = 'ALL'")
RESISTANCE = _region_vs_nation(
    "region_resistance", "resistance_phenotype_rates", ["setting", "phenotype", "organism"],
    ["n_tested", "n_resistant", "pct"], "pct", "r.setting = 'HOSP'",
    columns=", species.organism_group AS species_group, groups.organism_group IS NOT NULL AS is_group",
    joins="LEFT JOIN reference.organisms species ON species.organism_code = r.organism "
          "LEFT JOIN reference.organism_groups groups ON groups.organism_group = r.organism")
BACTERAEMIA = _region_vs_nation("region_bacteraemia", "bacteremia_rates", ["sector"],
                                ["n_establishments", "n_episodes", "patient_days", "per_1000_patient_days"],
                                "per_1000_patient_days")
SSI = _region_vs_nation("region_ssi", "ssi_rates", ["procedure_code", "nnis_index"],
                        ["n_establishments", "n_procedures", "n_ssi", "pct_ssi"], "pct_ssi", "r.nnis_index = 'ALL'")
ICSHA = _region_vs_nation("region_icsha", "icsha_class_distribution", ["icsha_class"],
                          ["n_establishments", "pct_establishments"], "pct_establishments")
COMMUNITY = _region_vs_nation(
    "region_community", "community_resistance", ["setting", "age_group", "sex", "organism", "antibiotic"],
    ["n_laboratories", "n_tested", "n_resistant", "pct_resistant"], "pct_resistant",
    "r.age_group = 'ALL' AND r.sex = 'ALL' AND (r.organism, r.antibiotic) IN "
    "(SELECT (organism, antibiotic) FROM reference.key_resistances WHERE participant_kind = 'laboratory')")
ESTABLISHMENTS = Column("Établissements", COUNT)


def _ordered(rows: list[dict], key: str, order: dict) -> list[dict]:
    rank = {code: i for i, code in enumerate(order)}
    return sorted(rows, key=lambda r: rank.get(r[key], len(rank)))


def _consumption(data: ParticipantData, labels: Labels) -> Table | None:
    rows = _ordered(data.frames[CONSUMPTION.name].to_dicts(), "atc_group", labels.atc_groups)
    return Table("Consommation d'antibiotiques en établissement de santé (SPARES, tous secteurs)",
                 [Column("Classe", TEXT), ESTABLISHMENTS, Column("Journées", COUNT, disclosive=False, depends_on=(1,)),
                  Column("Région", NUMBER, 1, "DDJ pour 1000 JH", depends_on=(1,)),
                  Column("France", NUMBER, 1, "DDJ pour 1000 JH")],
                 [[labels.atc_groups.get(r["atc_group"], r["atc_group"]), r["n_establishments"], r["patient_days"],
                   r["ddd_per_1000_patient_days"], r["national_value"]] for r in rows],
                 sheet="Consommation") if rows else None


def _group_totals(rows: list[dict]) -> dict[int, tuple[int, ...]]:
    """Each organism group's row adds up the rows of its species with the same resistance."""
    return {g: tuple(i for i, r in enumerate(rows) if r["phenotype"] == group["phenotype"]
                     and r["species_group"] == group["organism"])
            for g, group in enumerate(rows) if group["is_group"]}


def _rest(rows: list[dict], key: str, code: str) -> dict[int, tuple[int, ...]]:
    """The row whose `key` is `code` (all sectors, all procedures) adds up the others."""
    totals = [i for i, r in enumerate(rows) if r[key] == code]
    return {totals[0]: tuple(i for i in range(len(rows)) if i != totals[0])} if totals else {}


def _resistance(data: ParticipantData, labels: Labels) -> Table | None:
    rows = sorted(data.frames[RESISTANCE.name].to_dicts(), key=lambda r: (r["phenotype"], r["is_group"], r["organism"]))
    return Table("Résistances clés en établissement de santé (SPARES, premières souches)",
                 [Column("Résistance", TEXT), Column("Espèce ou groupe", TEXT), Column("Souches testées", COUNT),
                  Column("Souches résistantes", COUNT), Column("Région", NUMBER, 1, "%", depends_on=(3,)),
                  Column("France", NUMBER, 1, "%")],
                 [[labels.phenotype(r["phenotype"]), labels.organism(r["organism"]), r["n_tested"], r["n_resistant"],
                   r["pct"], r["national_value"]] for r in rows], sheet="Résistance",
                 totals=_group_totals(rows)) if rows else None


def _bacteraemia(data: ParticipantData, labels: Labels) -> Table | None:
    rows = _ordered(data.frames[BACTERAEMIA.name].to_dicts(), "sector", labels.sectors)
    return Table("Bactériémies acquises dans l'établissement (SPIADI)",
                 [Column("Secteur", TEXT), ESTABLISHMENTS, Column("Épisodes", COUNT),
                  Column("Journées", COUNT, disclosive=False, depends_on=(1,)),
                  Column("Région", NUMBER, 2, PER_DAYS, depends_on=(1, 2)), Column("France", NUMBER, 2, PER_DAYS)],
                 [[labels.sectors.get(r["sector"], r["sector"]), r["n_establishments"], r["n_episodes"],
                   r["patient_days"], r["per_1000_patient_days"], r["national_value"]] for r in rows],
                 sheet="Bactériémies", totals=_rest(rows, "sector", "ALL")) if rows else None


def _ssi(data: ParticipantData, labels: Labels) -> Table | None:
    rows = _ordered(data.frames[SSI.name].to_dicts(), "procedure_code", {"ALL": 0, **labels.procedures})
    names = {"ALL": "Toutes interventions", **labels.procedures}
    return Table("Infections du site opératoire (SPICMI, tous indices de risque)",
                 [Column("Intervention", TEXT), ESTABLISHMENTS, Column("Interventions", COUNT), Column("ISO", COUNT),
                  Column("Région", NUMBER, 2, "%", depends_on=(1, 3)), Column("France", NUMBER, 2, "%")],
                 [[names.get(r["procedure_code"], r["procedure_code"]), r["n_establishments"], r["n_procedures"],
                   r["n_ssi"], r["pct_ssi"], r["national_value"]] for r in rows], sheet="ISO",
                 totals=_rest(rows, "procedure_code", "ALL")) if rows else None


def _icsha(data: ParticipantData, labels: Labels) -> Table | None:
    rows = _ordered(data.frames[ICSHA.name].to_dicts(), "icsha_class", labels.icsha_classes)
    if not rows:
        return None
    body = [[f"Classe {r['icsha_class']}", r["n_establishments"], r["pct_establishments"], r["national_value"]]
            for r in rows]
    total = ["Total", sum(r["n_establishments"] for r in rows), 100.0, 100.0]
    return Table("Établissements par classe de l'indicateur ICSHA (MATIS)",
                 [Column("Classe", TEXT), ESTABLISHMENTS, Column("Région", NUMBER, 1, "%", depends_on=(1,)),
                  Column("France", NUMBER, 1, "%")], [*body, total], sheet="ICSHA",
                 totals={len(body): tuple(range(len(body)))})


def _community(data: ParticipantData, labels: Labels) -> Table | None:
    rows = data.frames[COMMUNITY.name].to_dicts()
    return Table("Résistance des souches urinaires en ville et en EHPAD (PRIMO)",
                 [Column("Patients", TEXT), Column("Espèce", TEXT), Column("Antibiotique", TEXT),
                  Column("Laboratoires", COUNT), Column("Souches testées", COUNT), Column("Souches résistantes", COUNT),
                  Column("Région", NUMBER, 1, "%", depends_on=(3, 5)), Column("France", NUMBER, 1, "%")],
                 [[SETTINGS.get(r["setting"], r["setting"]), labels.organism(r["organism"]),
                   labels.antibiotics.get(r["antibiotic"], r["antibiotic"]), r["n_laboratories"], r["n_tested"],
                   r["n_resistant"], r["pct_resistant"], r["national_value"]] for r in rows],
                 sheet="PRIMO") if rows else None


def sections(data: ParticipantData) -> list[Section]:
    labels = data.labels
    tables = [t for t in (build(data, labels) for build in (_consumption, _resistance, _bacteraemia, _ssi, _icsha,
                                                            _community)) if t is not None]
    if not tables:
        return []
    return [Section("regional_missions", "Résultats des missions dans la région",
                    "Chaque valeur de la région face à la valeur nationale de la même année.", tables)]


REGIONAL_MISSIONS = Contribution(sources=(CONSUMPTION, RESISTANCE, BACTERAEMIA, SSI, ICSHA, COMMUNITY),
                                 sections=sections)
