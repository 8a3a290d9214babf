"""PRIMO sections of a community laboratory's report: its urinary resistance in the community and in nursing homes,
against its département, region or the nation (the first that pools enough laboratories: marts.laboratory_comparisons,
disclosure-controlled)."""

from vigie import french
from vigie.reports.comparisons import interval, remark
from vigie.reports.document import COUNT, INTERVAL, NUMBER, TEXT, Column, Section, Table
from vigie.reports.labels import Labels
from vigie.reports.mechanism import Contribution, ParticipantData, Source

RESULTS = Source("laboratory_comparisons", """
SELECT c.source_id AS participant_id, c.* EXCLUDE (source_id), k.sort_order
FROM marts.laboratory_comparisons c
JOIN report_targets t ON t.participant_id = c.source_id AND t.year = c.year
JOIN reference.key_resistances k ON k.participant_kind = 'laboratory' AND k.organism = c.organism
     AND k.antibiotic = c.antibiotic
ORDER BY c.setting, k.sort_order
""")
SETTINGS = {"COMM": "Patients de ville", "EHPAD": "Résidents d'EHPAD"}


def _area(row: dict) -> str:
    if row["area_level"] is None:
        return "aucune (moins de laboratoires qu'il n'en faut pour la publier)"
    code = "" if row["area_level"] == "national" else f" {row['area_code']}"
    return f"{row['area_label']}{code}, {french.number(row['area_laboratories'], 0)} laboratoires"


def sections(data: ParticipantData) -> list[Section]:
    labels = data.labels
    small = f"moins de {int(labels.thresholds['min_isolates_resistance'])} souches testées"
    sections = []
    for setting, title in SETTINGS.items():
        rows = [r for r in data.frames[RESULTS.name].to_dicts() if r["setting"] == setting]
        if not rows:
            continue
        table = Table(
            f"{title} : résistance des premières souches urinaires",
            [Column("Bactérie", TEXT), Column("Antibiotique", TEXT), Column("Souches testées", COUNT),
             Column("Résistantes", NUMBER, 1, "% R"), Column("IC 95 %", INTERVAL, 1, "% R"),
             Column("Zone de comparaison", TEXT), Column("Zone", NUMBER, 1, "% R"),
             Column("Année précédente", NUMBER, 1, "% R"), Column("France", NUMBER, 1, "% R")],
            [[labels.organism(r["organism"]), labels.antibiotics.get(r["antibiotic"], r["antibiotic"]), r["n_tested"],
              r["pct_resistant"], interval(r), _area(r), r["area_pct_resistant"], r["previous_pct_resistant"],
              r["national_pct_resistant"]] for r in rows],
            [remark(r, small) for r in rows], sheet=f"Urines {setting}")
        sections.append(Section(f"primo_{setting.lower()}", f"Résistance en {'ville' if setting == 'COMM' else 'EHPAD'} "
                                f"(PRIMO)", "Première souche urinaire par patient, espèce et année.", [table]))
    return sections


def methods(labels: Labels) -> list[str]:
    minimum = int(labels.thresholds["min_establishments_per_distribution"])
    return [
        f"Zone de comparaison : votre département s'il réunit au moins {minimum} laboratoires, sinon votre région, "
        "sinon la France ; un chiffre de zone sur moins de laboratoires permettrait de déduire celui d'un confrère.",
        "Résistance : première souche urinaire par patient, espèce et année ; intervalle de confiance à 95 % de Wilson.",
    ]


PRIMO = Contribution(sources=(RESULTS,), sections=sections, methods=methods)
