"""SPICMI sections of an establishment's report: its surgical site infections per procedure, and its standardised
infection ratio (observed over expected from the national NNIS-stratum rates) against its peers."""

from vigie.reports import comparisons
from vigie.reports.comparisons import COMPARISONS, interval, position, position_columns, remark
from vigie.reports.document import COUNT, INTERVAL, NUMBER, TEXT, Column, Section, Table
from vigie.reports.labels import Labels
from vigie.reports.mechanism import Contribution, ParticipantData, Source

RATES = Source("spicmi_rates", """
SELECT t.participant_id, t.year, r.procedure_code, r.n_procedures, r.n_ssi, r.pct_ssi, r.ci_low, r.ci_high,
       n.pct_ssi AS national_pct_ssi
FROM marts.ssi_rates r
JOIN report_targets t ON t.participant_id = r.geo_code AND t.year = r.year
LEFT JOIN marts.ssi_rates n ON n.geo_level = 'national' AND n.year = r.year AND n.procedure_code = r.procedure_code
     AND n.nnis_index = 'ALL'
WHERE r.geo_level = 'establishment' AND r.nnis_index = 'ALL'
""")


def sections(data: ParticipantData) -> list[Section]:
    labels = data.labels
    rates = {r["procedure_code"]: r for r in data.frames[RATES.name].to_dicts()}
    if not rates:
        return []
    order = ["ALL", *labels.procedures]
    name = {"ALL": "Toutes interventions", **labels.procedures}
    sirs = sorted(comparisons.rows(data, "ssi_sir"), key=lambda r: order.index(r["stratum_1"]))
    rate_table = Table(
        "Infections du site opératoire (ISO) par intervention",
        [Column("Intervention", TEXT), Column("Interventions", COUNT), Column("ISO", COUNT),
         Column("Taux d'ISO", NUMBER, 2, "%"), Column("IC 95 %", INTERVAL, 2, "%"), Column("France", NUMBER, 2, "%")],
        [[name[code], r["n_procedures"], r["n_ssi"], r["pct_ssi"], interval(r), r["national_pct_ssi"]]
         for code in order if (r := rates.get(code))], sheet="ISO")
    sir_table = Table(
        "Ratio standardisé d'infection (ISO observées / ISO attendues selon l'indice de risque NNIS)",
        [Column("Intervention", TEXT), Column("ISO observées", COUNT), Column("ISO attendues", NUMBER, 2),
         Column("Ratio standardisé", NUMBER, 2), Column("IC 95 %", INTERVAL, 2), *position_columns("", 2)],
        [[name.get(r["stratum_1"], r["stratum_1"]), r["numerator"], r["denominator"], r["value"], interval(r),
          *position(r)] for r in sirs],
        [remark(r, "moins d'une ISO attendue", previous=False) for r in sirs], sheet="Ratio standardisé")
    return [Section("spicmi", "Infections du site opératoire (SPICMI)",
                    "Un ratio standardisé supérieur à 1 signale plus d'infections que n'en prévoient, pour vos "
                    "patients, les taux nationaux de chaque intervention et de chaque classe de risque NNIS.",
                    [rate_table, sir_table])]


def methods(labels: Labels) -> list[str]:
    return ["ISO : indice de risque NNIS de 0 à 3 (un point pour un score ASA d'au moins 3, une classe de contamination "
            "d'au moins 3, une durée au-delà du 75e percentile national de l'intervention pour l'année) ; ISO "
            "attendues : somme des taux nationaux de l'intervention et de la classe de risque de chaque patient ; "
            "intervalle de confiance exact de Poisson sur les ISO observées."]


SPICMI = Contribution(sources=(COMPARISONS, RATES), sections=sections, methods=methods)
