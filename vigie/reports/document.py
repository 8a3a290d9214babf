"""What a report is made of, independent of its format: HTML, PDF and XLSX are all rendered from these objects,
so that no format can show a figure another suppresses."""

import datetime as dt
from dataclasses import dataclass, field

TEXT, NUMBER, COUNT, INTERVAL, QUARTILES = "text", "number", "count", "interval", "quartiles"


@dataclass(frozen=True)
class Column:
    header: str  # in French
    kind: str = NUMBER  # INTERVAL cells are (low, high), QUARTILES cells (p25, median, p75)
    digits: int = 1
    unit: str = ""  # shown under the header, and beside it in a workbook
    disclosive: bool = True  # a COUNT that is masked under the published-count threshold beyond the region
    depends_on: tuple[int, ...] = ()  # indexes of the COUNT columns this figure derives from: masked with them

    @property
    def parts(self) -> list[str]:
        """The headers of its columns in a workbook, where intervals and quartiles take one column per figure."""
        unit = f" ({self.unit})" if self.unit else ""
        if self.kind == INTERVAL:
            return [f"{self.header} – borne basse{unit}", f"{self.header} – borne haute{unit}"]
        if self.kind == QUARTILES:
            return [f"{self.header} – P25{unit}", f"{self.header} – médiane{unit}", f"{self.header} – P75{unit}"]
        return [f"{self.header}{unit}"]


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list]  # cells: None, a string, a number, or a tuple for an interval or quartiles
    remarks: list[str] = field(default_factory=list)  # one per row, "" when none: small counts and the like
    sheet: str = ""  # name of its XLSX worksheet (31 characters at most)
    totals: dict[int, tuple[int, ...]] = field(default_factory=dict)  # row -> the rows its COUNT cells add up
    restricted: bool = False  # names establishments: shown to the region's CPias and ARS only

    def __post_init__(self):
        if not self.remarks:
            self.remarks = [""] * len(self.rows)


@dataclass(frozen=True)
class Masked:
    """A cell masked by disclosure control: `primary` under the threshold, otherwise masked to protect one."""
    primary: bool
    threshold: int

    def __str__(self) -> str:
        return f"< {self.threshold}" if self.primary else "s"


@dataclass
class Chart:
    spec: dict  # a Vega-Lite specification (built with Altair)
    description: str  # what the chart shows, in words (alternative text)


@dataclass
class Section:
    key: str
    title: str
    intro: str = ""
    blocks: list = field(default_factory=list)  # Table, Chart or str (a paragraph)
    restricted: bool = False  # shown to the region's CPias and ARS only, never in an edition published beyond


@dataclass
class Participant:
    kind: str  # establishment, laboratory, region, ...
    identifier: str  # FINESS, laboratory or region code
    name: str
    details: list[tuple[str, str]] = field(default_factory=list)  # ("Catégorie", "Centre hospitalier"), ...


@dataclass
class Report:
    participant: Participant
    year: int
    title: str
    data_received_until: dt.datetime | None
    sections: list[Section]
    methods: list[str] = field(default_factory=list)  # paragraphs, said once at the end

    @property
    def tables(self) -> list[Table]:
        return [block for section in self.sections for block in section.blocks if isinstance(block, Table)]
