"""The one report mechanism: every participant's yearly report is assembled from the contributions of the missions
that concern it, with data loaded once for all participants, from built tables only (marts and reference)."""

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from vigie.reports.document import Participant, Report, Section
from vigie.reports.labels import Labels


@dataclass(frozen=True)
class Source:
    """A query on built tables for every participant at once. `report_targets` (participant_id, year) is there to
    join; the result carries participant_id and year, the target's year."""
    name: str
    query: str


@dataclass
class ParticipantData:
    row: dict  # the participant's row of marts.report_participants
    frames: dict[str, pl.DataFrame]  # its rows of each source
    labels: Labels

    @property
    def year(self) -> int:
        return self.row["year"]


@dataclass(frozen=True)
class Contribution:
    """What a mission adds to a kind of report: its sources, its sections, and what its methods say."""
    sources: tuple[Source, ...]
    sections: Callable[[ParticipantData], list[Section]]
    methods: Callable[[Labels], list[str]] = lambda labels: []


@dataclass(frozen=True)
class Edition:
    """One edition of a report: for its participant alone, or published beyond it (restricted parts left out,
    small counts masked, see suppression.py)."""
    suffix: str = ""  # added to the file names
    public: bool = False


@dataclass(frozen=True)
class ReportKind:
    participant_kind: str  # as in marts.report_participants
    title: str  # with {year}
    contributions: list[Contribution] = field(default_factory=list)
    methods: Callable[[Labels], list[str]] = lambda labels: []  # said once, before the contributions' own
    folder: str = "reports"  # under outputs/: <folder>/<participant>/<year>/
    stem: str = "rapport"  # file names: <stem>_<participant>_<year><edition suffix>.html|pdf|xlsx
    editions: tuple[Edition, ...] = (Edition(),)


def peer_methods(labels: Labels) -> list[str]:
    """How an establishment is compared with its peers: said once in every establishment's report."""
    minimum = int(labels.thresholds["min_establishments_per_distribution"])
    return [
        "Percentile : votre position parmi les établissements du groupe de comparaison. Au 75e percentile, 75 % des "
        "autres établissements du groupe ont une valeur inférieure à la vôtre ; au 50e, vous êtes au milieu du groupe.",
        "Groupe de comparaison : les établissements de même catégorie en France ; à défaut d'au moins "
        f"{minimum} établissements, tous ceux de votre région, puis tous ceux de France. Le groupe retenu est nommé "
        "sur chaque ligne. Les quartiles (P25, médiane, P75) sont estimés par la méthode de Harrell-Davis, qui pondère "
        "toutes les valeurs du groupe : aucun ne reproduit la valeur d'un établissement, et aucune valeur d'un autre "
        "établissement ne peut être déduite de ce rapport.",
        "Les valeurs de votre établissement reposant sur de petits effectifs sont signalées dans la colonne "
        "« Remarque » : à interpréter avec prudence.",
    ]


def _participant(row: dict) -> Participant:
    details = [(label, row[column]) for label, column in (("Catégorie", "category_label"), ("Région", "region_name"))
               if row[column]]
    return Participant(row["participant_kind"], row["participant_id"], row["name"], details)


def _partitions(con, source: Source) -> tuple[dict, pl.DataFrame]:
    frame = con.sql(source.query).pl()
    return frame.partition_by(["participant_id", "year"], as_dict=True), frame.clear()


def load(con, kind: ReportKind, targets: list[tuple[str, int]]) -> list[ParticipantData]:
    """The data of the reports of `targets` (participant, year): each query runs once for all of them."""
    labels = Labels.load(con)
    con.register("report_targets", pl.DataFrame(targets, schema={"participant_id": pl.String, "year": pl.Int32},
                                                orient="row"))
    try:
        participants = con.sql(
            "SELECT p.* FROM marts.report_participants p JOIN report_targets t USING (participant_id, year) "
            "WHERE p.participant_kind = ? ORDER BY p.participant_id, p.year", params=[kind.participant_kind]).pl()
        sources = {s.name: _partitions(con, s) for c in kind.contributions for s in c.sources}
    finally:
        con.unregister("report_targets")
    loaded = []
    for row in participants.iter_rows(named=True):
        key = (row["participant_id"], row["year"])
        loaded.append(ParticipantData(row, {name: parts.get(key, empty) for name, (parts, empty) in sources.items()},
                                      labels))
    return loaded


def assemble(kind: ReportKind, data: ParticipantData) -> Report:
    """One participant's report: the sections and methods of every contribution of its kind."""
    labels = data.labels
    sections = [s for c in kind.contributions for s in c.sections(data)]
    methods = kind.methods(labels) + [m for c in kind.contributions for m in c.methods(labels)]
    return Report(_participant(data.row), data.year, kind.title.format(year=data.year),
                  data.row["data_received_until"], sections, methods)


def participants_with_data(con, kind: ReportKind, year: int) -> list[tuple[str, int]]:
    return con.sql("SELECT participant_id, year FROM marts.report_participants WHERE participant_kind = ? "
                   "AND year = ? ORDER BY participant_id", params=[kind.participant_kind, year]).fetchall()


def number_or_none(value):
    """Nulls and NaN alike become None (NaN cannot be written to a workbook)."""
    return None if value is None or value != value else value


