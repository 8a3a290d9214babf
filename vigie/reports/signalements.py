"""The follow-up of IAS reports for a region's CPias (art. R1413-83): its reports per month, by criterion and by
resistance, against the nation, and the reports still open long after their declaration."""

from vigie import french
from vigie.reports.document import COUNT, NUMBER, TEXT, Column, Section, Table
from vigie.reports.labels import Labels
from vigie.reports.mechanism import Contribution, ParticipantData, Source

FOLLOWUP = Source("signalement_followup", """
SELECT t.participant_id, t.year, f.* EXCLUDE (year, geo_level, geo_code), n.n_reports AS national_reports,
       n.median_delay_days AS national_median_delay_days
FROM marts.signalement_followup f
JOIN report_targets t ON t.participant_id = f.geo_code AND t.year = f.year
LEFT JOIN marts.signalement_followup n ON n.geo_level = 'national' AND n.year = f.year AND n.month = f.month
     AND n.breakdown = f.breakdown AND n.code = f.code
WHERE f.geo_level = 'region'
ORDER BY f.breakdown, f.code, f.month
""")
OPEN = Source("signalements_open", """
SELECT t.participant_id, t.year, o.*
FROM marts.signalements_open o
JOIN report_targets t ON t.participant_id = o.region_code AND year(o.declared_on) <= t.year
ORDER BY o.open_age_days DESC
""")
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
COLUMNS = [Column("Signalements", COUNT), Column("Cas", COUNT), Column("Décès", COUNT),
           Column("Appui du CPias demandé", COUNT, unit="signalements"),
           Column("Appui du CPias demandé", NUMBER, 0, "%", depends_on=(1, 4)),
           Column("Délai médian 1er cas → signalement", NUMBER, 0, "jours", depends_on=(1,)),
           Column("Délai médian de clôture", NUMBER, 0, "jours", depends_on=(1,)), Column("Encore ouverts", COUNT),
           Column("France : signalements", COUNT)]


def _figures(row: dict) -> list:
    return [row["n_reports"], row["n_cases"], row["n_deaths"], row["n_cpias_support"], row["pct_cpias_support"],
            row["median_delay_days"], row["median_closure_days"], row["n_open"], row["national_reports"]]


def sections(data: ParticipantData) -> list[Section]:
    labels = data.labels
    rows = data.frames[FOLLOWUP.name].to_dicts()
    if not rows:
        return []
    overall = [r for r in rows if r["breakdown"] == "ALL"]
    months = sorted((r for r in overall if r["month"] != "ALL"), key=lambda r: r["month"])
    year_total = [["Année", *_figures(r)] for r in overall if r["month"] == "ALL"]
    by_month = Table("Signalements par mois de déclaration", [Column("Mois", TEXT), *COLUMNS],
                     [[MONTHS[int(r["month"]) - 1], *_figures(r)] for r in months] + year_total, sheet="Par mois",
                     totals={len(months): tuple(range(len(months)))} if year_total else {})
    year_rows = [r for r in rows if r["month"] == "ALL" and r["breakdown"] != "ALL"]
    names = {"criterion": labels.criteria, "resistance": labels.resistances}
    by_kind = Table("Signalements de l'année par critère et par résistance",
                    [Column("Critère ou résistance", TEXT), *COLUMNS],
                    [[_kind_label(r, names), *_figures(r)] for r in year_rows],
                    sheet="Par critère")
    still_open = data.frames[OPEN.name].to_dicts()
    days = int(labels.parameters["signalement_open_alert_days"])
    open_table = Table(
        "Signalements encore ouverts longtemps après leur déclaration",
        [Column("Signalement", TEXT), Column("Établissement", TEXT), Column("Déclaré le", TEXT),
         Column("Ouvert depuis", COUNT, unit="jours"), Column("Critères", TEXT), Column("Résistance", TEXT),
         Column("Cas", COUNT), Column("Décès", COUNT)],
        [[r["signal_id"], f"{r['name'] or r['finess']} ({r['finess']})", french.date(r["declared_on"]),
          r["open_age_days"], r["criteria"], labels.resistances.get(r["resistance"], r["resistance"]), r["cases"],
          r["deaths"]] for r in still_open], sheet="Encore ouverts", restricted=True)
    as_of = french.date(still_open[0]["as_of_date"]) if still_open else None
    note = (f"Signalements ouverts depuis au moins {days} jours à la date de la dernière extraction e-SIN"
            + (f" ({as_of})." if as_of else " : aucun."))
    return [Section("signalements", "Suivi des signalements d'infections associées aux soins", "",
                    [by_month, by_kind, note, *([open_table] if still_open else [])])]


def _kind_label(row: dict, names: dict[str, dict]) -> str:
    label = names[row["breakdown"]].get(row["code"], row["code"])
    return f"Critère {row['code']} : {label}" if row["breakdown"] == "criterion" else f"Résistance : {label}"



def methods(labels: Labels) -> list[str]:
    return ["Signalements : dernière version de chaque signalement e-SIN ; un signalement à plusieurs critères compte "
            "sous chacun ; délais en jours calendaires ; âge des signalements ouverts à la date de la dernière "
            "extraction reçue."]


SIGNALEMENTS = Contribution(sources=(FOLLOWUP, OPEN), sections=sections, methods=methods)
