"""The activity report of year N, due by 31 March N+1: participation and territorial coverage of each mission and
region, how long participants waited for their report and whether the regional outputs came before their deadline,
and the key results with their trend. A Report like the participants' (HTML, PDF, XLSX) and Markdown to edit."""

import datetime as dt
import unicodedata
from dataclasses import dataclass

import polars as pl

from vigie import french
from vigie.reports.document import COUNT, NUMBER, TEXT, Column, Participant, Report, Section, Table
from vigie.reports.labels import Labels
from vigie.reports.regional import STRATEGY_STATUS_METHOD, target_text

FEEDBACK_KINDS = {"establishment": "Établissements", "laboratory": "Laboratoires de ville",
                  "region": "Régions (CPias et ARS)"}


@dataclass
class ActivityData:
    year: int
    coverage: pl.DataFrame  # marts.mission_coverage, years N-1 and N
    strategy: pl.DataFrame  # national rows of marts.strategy_indicators up to year N
    feedback: pl.DataFrame  # the feedback log (vigie.reports.feedback)
    deliveries: dict[str, dt.datetime | None]  # region -> first regional output of year N
    deadline: dt.datetime | None  # of the regional outputs of year N
    data_received_until: dt.datetime | None
    labels: Labels
    as_of: dt.datetime  # when the report is written: an output not yet due is "to come", not missing


def load(con, year: int, feedback: pl.DataFrame, deliveries: dict, deadline: dt.datetime | None) -> ActivityData:
    coverage = con.sql("SELECT * FROM marts.mission_coverage WHERE year BETWEEN ? AND ? "
                           "ORDER BY mission, geo_level, geo_code", params=[year - 1, year]).pl()
    strategy = con.sql("SELECT * FROM marts.strategy_indicators WHERE geo_level = 'national' AND year <= ? "
                           "ORDER BY framework, indicator_code, year", params=[year]).pl()
    [(received,)] = con.sql("SELECT max(received_at) FROM raw.submissions").fetchall()
    return ActivityData(year, coverage, strategy, feedback, deliveries, deadline, received, Labels.load(con),
                        dt.datetime.now(dt.UTC))


def _by_name(region: tuple[str, str]) -> str:
    """Regions in the order of their names as a reader expects it (Île-de-France among the I)."""
    return unicodedata.normalize("NFD", region[1])


def _coverage(data: ActivityData, year: int, level: str) -> dict[tuple[str, str], dict]:
    rows = data.coverage.filter((pl.col("year") == year) & (pl.col("geo_level") == level)).to_dicts()
    return {(r["mission"], r["geo_code"]): r for r in rows}


def participation(data: ActivityData) -> Section:
    return Section("participation", "Participation et couverture du territoire",
                   "Établissements de santé participant à chaque mission rapportés aux établissements, aux lits et "
                   "aux journées d'hospitalisation de leur territoire ; laboratoires de ville pour PRIMO.",
                   [_national_participation(data), _regional_participation(data)])


def _national_participation(data: ActivityData) -> Table:
    labels, year = data.labels, data.year
    now, before = _coverage(data, year, "national"), _coverage(data, year - 1, "national")
    rows = [[labels.missions[m], before.get((m, "FR"), {}).get("participants"), now[(m, "FR")]["participants"],
             now[(m, "FR")]["pct_establishments"], now[(m, "FR")]["pct_beds"], now[(m, "FR")]["pct_patient_days"]]
            for m in labels.missions if (m, "FR") in now]
    return Table("Participation et couverture nationale par mission",
                 [Column("Mission", TEXT), Column(f"Participants {year - 1}", COUNT, disclosive=False),
                  Column(f"Participants {year}", COUNT, disclosive=False),
                  Column("Établissements du répertoire", NUMBER, 1, "%"), Column("Lits", NUMBER, 1, "%"),
                  Column("Journées d'hospitalisation", NUMBER, 1, "%")], rows, sheet="Participation")


def _regional_participation(data: ActivityData) -> Table:
    """Participants of each mission in each region, and the share of its establishments where there is a registry."""
    regional = _coverage(data, data.year, "region")
    kinds = {mission: row["participant_kind"] for (mission, _), row in regional.items()}
    missions = [m for m in data.labels.missions if m in kinds]
    columns = [Column("Région", TEXT)]
    for mission in missions:
        columns.append(Column(mission, COUNT, disclosive=False, unit="participants"))
        if kinds[mission] == "establishment":
            columns.append(Column(mission, NUMBER, 0, "% des établissements"))
    rows = []
    for code, name in sorted(data.labels.regions.items(), key=_by_name):
        row = [name]
        for mission in missions:
            cell = regional.get((mission, code), {})
            row += [cell.get("participants", 0)] + ([cell.get("pct_establishments")]
                                                    if kinds[mission] == "establishment" else [])
        rows.append(row)
    return Table("Participation par région", columns, rows, sheet="Par région")


def _delays(feedback: pl.DataFrame, year: int) -> pl.DataFrame:
    """One row per participant and version of its data: days from the data to the first report showing them."""
    return (feedback.filter((pl.col("year") == year) & pl.col("data_received_until").is_not_null())
            .group_by("participant_kind", "participant_id", "data_received_until")
            .agg(pl.col("published_at").min())
            .with_columns(days=(pl.col("published_at") - pl.col("data_received_until")).dt.total_seconds() / 86400))


def timeliness(data: ActivityData) -> Section:
    delays = _delays(data.feedback, data.year)
    on_time = int(data.labels.parameters["feedback_on_time_days"])
    rows = []
    for kind, label in FEEDBACK_KINDS.items():
        days = delays.filter(pl.col("participant_kind") == kind)["days"]
        if days.len():
            rows.append([label, days.len(), days.median(), days.quantile(0.9, "linear"), days.max(),
                         100.0 * (days <= on_time).sum() / days.len()])
    feedback = Table(
        "Délai entre la réception des données et le rapport qui les montre",
        [Column("Destinataires", TEXT), Column("Restitutions", COUNT, disclosive=False),
         Column("Délai médian", NUMBER, 1, "jours"), Column("90e percentile", NUMBER, 1, "jours"),
         Column("Délai maximal", NUMBER, 1, "jours"), Column(f"Dans les {on_time} jours", NUMBER, 0, "%")],
        rows, sheet="Délais")
    return Section("timeliness", "Délais de restitution",
                   "Chaque nouvel envoi d'un participant compte une fois : du dernier envoi pris en compte à la "
                   "première publication du rapport qui le montre.", [feedback, _regional_deliveries(data)])


def _regional_deliveries(data: ActivityData) -> Table:
    deadline = data.deadline
    rows = []
    for code, name in sorted(data.labels.regions.items(), key=_by_name):
        delivered = data.deliveries.get(code)
        if deadline is None:
            status = "Publiée" if delivered else "Non publiée"
        elif delivered is None:
            status = "À venir" if data.as_of < deadline else "Absente à l'échéance"
        else:
            status = "Dans les délais" if delivered <= deadline else "En retard"
        rows.append([name, french.paris_time(delivered) if delivered else "–", status])
    due = f" (échéance : {french.date((deadline - dt.timedelta(days=1)).date())})" if deadline else ""
    return Table(f"Sorties régionales de l'année {data.year}{due}",
                 [Column("Région", TEXT), Column("Première publication", TEXT), Column("Statut", TEXT)], rows,
                 sheet="Sorties régionales")


def results(data: ActivityData) -> Section:
    rows = data.strategy.to_dicts()
    years = sorted({r["year"] for r in rows})
    values = {(r["indicator_code"], r["year"]): r["value"] for r in rows}
    current = [r for r in rows if r["year"] == data.year]
    statuses = data.labels.statuses
    table = Table("Indicateurs nationaux de la stratégie et cibles européennes 2030",
                  [Column("Indicateur", TEXT), Column("Unité", TEXT), *[Column(str(y), NUMBER, 2) for y in years],
                   Column("Cible", TEXT), Column("Statut", TEXT)],
                  [[r["label_fr"], r["unit"], *[values.get((r["indicator_code"], y)) for y in years], target_text(r),
                    statuses.get(r["status"], r["status"])] for r in current],
                  sheet="Résultats")
    return Section("results", "Principaux résultats et leur évolution",
                   f"Valeurs nationales de chaque année disponible jusqu'à {data.year}.", [table])


def methods(data: ActivityData) -> list[str]:
    return ["Couverture : le répertoire des établissements (extrait FINESS) donne les établissements et les lits de "
            "chaque territoire ; il ne porte pas d'activité, si bien que la part des journées d'hospitalisation est "
            "celle des journées déclarées par les établissements du territoire à l'une des missions cette année-là.",
            "Délais : journal des publications de la plateforme ; une publication suivante sans nouvelles données "
            "(rapport mis à jour parce que les données des pairs ont changé) ne compte pas.",
            STRATEGY_STATUS_METHOD]


def build(data: ActivityData) -> Report:
    participant = Participant("nation", "FR", "Missions nationales de prévention des IAS et de l'antibiorésistance")
    return Report(participant, data.year, f"Rapport d'activité {data.year}", data.data_received_until,
                  [participation(data), timeliness(data), results(data)], methods(data))
