"""MATIS section of an establishment's report: its hand-hygiene indicator (ICSHA) and class, against its peers and
the nation."""

from vigie.reports import comparisons
from vigie.reports.comparisons import COMPARISONS, position, position_columns
from vigie.reports.document import NUMBER, TEXT, Column, Section, Table
from vigie.reports.labels import Labels
from vigie.reports.mechanism import Contribution, ParticipantData, Source

CLASSES = Source("icsha_classes", """
SELECT t.participant_id, t.year, r.icsha_class, n.icsha_class AS class, n.pct_establishments
FROM marts.icsha_results r
JOIN report_targets t ON t.participant_id = r.finess AND t.year = r.year
JOIN marts.icsha_class_distribution n ON n.geo_level = 'national' AND n.year = r.year
ORDER BY n.icsha_class
""")


def sections(data: ParticipantData) -> list[Section]:
    labels = data.labels
    rows = comparisons.rows(data, "icsha")
    if not rows:
        return []
    [row] = rows
    classes = data.frames[CLASSES.name].to_dicts()
    own_class = classes[0]["icsha_class"] if classes else None
    table = Table(
        "Indicateur de consommation de produits hydro-alcooliques (ICSHA)",
        [Column("Consommé", NUMBER, 1, "litres"), Column("Objectif", NUMBER, 1, "litres"),
         Column("ICSHA", NUMBER, 1, "% de l'objectif"), Column("Classe", TEXT), *position_columns("%"),
         Column("Année précédente", NUMBER, 1, "%"), Column("France", NUMBER, 1, "%")],
        [[row["numerator"], row["denominator"], row["value"], own_class, *position(row), row["previous_value"],
          row["national_value"]]], sheet="ICSHA")
    spread = Table("Répartition des établissements de France par classe",
                   [Column("Classe", TEXT), Column("Définition", TEXT), Column("Établissements", NUMBER, 1, "%")],
                   [[c["class"], labels.icsha_classes.get(c["class"], ""), c["pct_establishments"]] for c in classes],
                   sheet="Classes ICSHA")
    return [Section("matis", "Hygiène des mains (MATIS)", "", [table, spread])]


def methods(labels: Labels) -> list[str]:
    return ["ICSHA : volume de produits hydro-alcooliques consommé rapporté au volume minimal attendu (volume "
            "d'activité de chaque secteur × nombre minimal de frictions × 3 mL)."]


MATIS = Contribution(sources=(COMPARISONS, CLASSES), sections=sections, methods=methods)
