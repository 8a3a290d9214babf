"""The ECDC exports of one year: EARS-Net (TESSy/EpiPulse record type AMRTEST) and ESAC-Net (AMCLIGHT, hospital and
community sectors) as CSV files with the protocols' variable names, plus the report of the EARS-Net records that
cannot be coded (in French). Each export is validated against its own expectation suite, a chunk at a time, before
the chunk is written; `write` raises `ExportInvalid` when any chunk fails, and its folder is then never published.

The rows, codes and constants come from the dbt models (`ecdc.ears_net_amrtest`, `ecdc.ears_net_uncodable`,
`marts.esac_net_*`) and their seeds; the suites below restate the protocols' code lists independently, so that a
wrong mapping seed is caught here rather than by ECDC.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import duckdb
import pandas as pd
import polars as pl

from quality.rules import CRITICAL, Rule
from quality.suites import _context, _expectation
from vigie import inert

DATE_FORMAT = "%Y-%m-%d"
UNCODABLE_REPORT = "ears_net_non_codables.csv"

# Code lists of the AMR reporting protocol (TESSy, EARS-Net), as DOMAIN.md §10 gives them.
PATHOGENS = ["ESCCOL", "KLEPNE", "PSEAER", "ACISPP", "STAAUR", "STRPNE", "ENCFAE", "ENCFAI"]
GENDERS = ["M", "F", "O", "UNK"]
PATIENT_TYPES = ["INPAT", "OUTPAT", "O", "UNK"]
HOSPITAL_UNIT_TYPES = ["ED", "ICU", "INFECT", "INTMED", "OBGYN", "ONCOL", "OTH", "PEDS", "PEDSICU", "PHC", "SURG",
                       "URO", "UNK"]
RESULTS = ["POS", "NEG", "UNK"]

# The report of uncodable records is read by people: French headers.
UNCODABLE_HEADERS = {"year": "annee", "source_id": "source", "isolate_id": "isolat", "sample_date": "date_prelevement",
                     "pathogen": "pathogene", "field": "variable_ears_net", "value_as_sent": "valeur_envoyee",
                     "reason_fr": "motif", "file_name": "fichier", "first_line": "premiere_ligne"}


class ExportInvalid(RuntimeError):
    """An export failed its expectation suite: nothing may be written."""


@dataclass(frozen=True)
class Export:
    name: str
    file: str
    relation: str
    rules: tuple[Rule, ...]


def _rule(column: str, check: str, **params) -> Rule:
    return Rule(f"{column}.{check}", (column,), CRITICAL, check, f"{column}: {check}", params)


def _in_set(column: str, values: list) -> Rule:
    return _rule(column, "in_set", value_set=values)


def _required(*columns: str) -> tuple[Rule, ...]:
    return tuple(_rule(column, "not_null") for column in columns)


def _tessy_header(record_type: str) -> tuple[Rule, ...]:
    return (*_required("RecordId", "RecordType", "RecordTypeVersion", "Subject", "Status", "DataSource",
                       "ReportingCountry", "DateUsedForStatistics"),
            # RecordType is constant: RecordId unique with it is RecordId unique (GX's compound check takes two).
            _rule("RecordId", "unique", column_list=["RecordId", "RecordType"]),
            _in_set("RecordType", [record_type]), _in_set("Status", ["NEW/UPDATE"]),
            _in_set("ReportingCountry", ["FR"]))


def _esac_net(sector: str) -> tuple[Rule, ...]:
    return (*_tessy_header("AMCLIGHT"), *_required("Sector", "ATCCode", "Route", "NumberOfDDD"),
            _in_set("Sector", [sector]), _rule("DateUsedForStatistics", "regex", regex=r"^\d{4}$"),
            _rule("ATCCode", "regex", regex=r"^[A-Z]\d{2}[A-Z]{2}\d{2}$"), _in_set("Route", ["O", "P", "R"]),
            _rule("NumberOfDDD", "between", min_value=0))


EARS_NET = Export("ears_net_amrtest", "ears_net_amrtest.csv", "ecdc.ears_net_amrtest", (
    *_tessy_header("AMRTEST"),
    *_required("LaboratoryCode", "PatientCounter", "Gender", "Age", "PatientType", "IsolateId", "Specimen",
               "Pathogen", "Antibiotic", "SIR"),
    # A pseudonym is a keyed hash (32 hex digits): anything else could be a clear identifier.
    _rule("PatientCounter", "regex", regex=r"^[0-9a-f]{32}$"),
    _in_set("Gender", GENDERS), _in_set("PatientType", PATIENT_TYPES),
    _in_set("HospitalUnitType", HOSPITAL_UNIT_TYPES), _in_set("Specimen", ["BLOOD", "CSF"]),
    _in_set("Pathogen", PATHOGENS), _rule("Antibiotic", "regex", regex=r"^[A-Z]{3}$"),
    _in_set("SIR", ["S", "I", "R"]), _in_set("ESBL", RESULTS), _in_set("ResultCarbapenemases", RESULTS),
    _in_set("ResultPCRmec", RESULTS), _rule("Age", "between", min_value=0, max_value=120),
))
ESAC_NET_HOSPITAL = Export("esac_net_hospital", "esac_net_hospital_consumption.csv",
                           "marts.esac_net_hospital_consumption", _esac_net("HC"))
ESAC_NET_COMMUNITY = Export("esac_net_community", "esac_net_community_consumption.csv",
                            "marts.esac_net_community_consumption",
                            (*_esac_net("AC"), *_required("Population", "DID"), _rule("DID", "between", min_value=0),
                             _rule("Population", "between", min_value=0, strict_min=True)))
EXPORTS = (EARS_NET, ESAC_NET_HOSPITAL, ESAC_NET_COMMUNITY)


CHUNK_VECTORS = 122  # DuckDB vectors of 2 048 rows: a quarter of a million rows validated and written at a time


def _query(export: Export) -> str:
    return f"SELECT * EXCLUDE (year) FROM {export.relation} WHERE year = ? ORDER BY RecordId"


def _chunks(con: duckdb.DuckDBPyConnection, export: Export, year: int) -> Iterator[pd.DataFrame]:
    """The export's rows of `year` (without the technical `year` column) as pandas frames of CHUNK_VECTORS vectors,
    the first one even when empty (it carries the header)."""
    result = con.execute(_query(export), [year])
    yield (frame := result.fetch_df_chunk(CHUNK_VECTORS))
    while not frame.empty:
        if not (frame := result.fetch_df_chunk(CHUNK_VECTORS)).empty:
            yield frame


def whole_records(frames: Iterable[pd.DataFrame], key: str = "RecordId") -> Iterator[pd.DataFrame]:
    """Frames sorted on `key`, regrouped so that no value of `key` is split between two frames: each frame's
    uniqueness check then sees every row of its records. An empty first frame is passed on as it is."""
    carried = None
    for frame in frames:
        if carried is not None:
            frame = pd.concat([carried, frame], ignore_index=True)
        elif frame.empty:
            yield frame
            continue
        last = frame[key].iloc[-1]
        tail = frame[key].isna() if pd.isna(last) else frame[key].eq(last)
        split = len(frame) - int(tail.iloc[::-1].cummin().sum())
        if split:
            yield frame.iloc[:split]
        carried = frame.iloc[split:]
    if carried is not None and not carried.empty:
        yield carried


class Failures:
    """What an export's chunks break of its suite, each expectation's unexpected rows counted over every chunk."""

    def __init__(self):
        self.counts: dict[str, int] = {}
        self.examples: dict[str, list] = {}

    def add(self, export: Export, frame: pd.DataFrame) -> None:
        _, batch_definition = _context()
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        for result in batch.validate(suite_for(export)).results:
            if not result.success:
                rule_id = result.expectation_config.meta["rule_id"]
                found = result.result.get("unexpected_count")
                self.counts[rule_id] = self.counts.get(rule_id, 0) + (found if found is not None else 1)
                examples = result.result.get("partial_unexpected_list") or [result.exception_info]
                self.examples[rule_id] = (self.examples.get(rule_id, []) + list(examples))[:3]

    def lines(self) -> list[str]:
        return [f"{rule}: {count} unexpected, e.g. {self.examples[rule]}" for rule, count in self.counts.items()]


def read_uncodable(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    frame = con.sql("SELECT * FROM ecdc.ears_net_uncodable WHERE year = ? ORDER BY source_id, isolate_id, field",
                    params=[year]).df()
    return frame[list(UNCODABLE_HEADERS)].rename(columns=UNCODABLE_HEADERS)


@lru_cache(maxsize=None)
def suite_for(export: Export):
    """The export's own expectation suite, in the ephemeral context that submissions use."""
    import great_expectations as gx

    context, _ = _context()
    suite = gx.ExpectationSuite(name=f"vigie_ecdc_{export.name}")
    for rule in export.rules:
        suite.add_expectation(_expectation(rule))
    return context.suites.add(suite)


def write(con: duckdb.DuckDBPyConnection, year: int, folder: Path) -> dict[str, int]:
    """Writes each export of `year` into `folder` a chunk at a time, each chunk validated against the export's suite
    before it is written (memory bounded by the chunk, not by the year), then the report of uncodable records.
    Raises `ExportInvalid`, naming every expectation that any chunk of any export failed: `folder` is then not to be
    published. Returns the rows of each file."""
    rows, problems = {}, {}
    for export in EXPORTS:
        failures, rows[export.file] = Failures(), 0
        with open(folder / export.file, "wb") as handle:
            for number, frame in enumerate(whole_records(_chunks(con, export, year))):
                failures.add(export, frame)
                if not failures.counts:
                    _write_csv(frame, handle, header=number == 0)
                rows[export.file] += len(frame)
        if failures.counts:
            problems[export.file] = failures.lines()
    if problems:
        raise ExportInvalid(f"ECDC exports fail their expectation suites, nothing written: {problems}")
    uncodable = read_uncodable(con, year)
    with open(folder / UNCODABLE_REPORT, "wb") as handle:
        _write_csv(uncodable, handle)
    return rows | {UNCODABLE_REPORT: len(uncodable)}


def _write_csv(frame: pd.DataFrame, handle: BinaryIO, header: bool = True) -> None:
    """Identifiers, file names and values as sent are the senders' text: inert in a spreadsheet (vigie/inert.py)."""
    # UTF-8, comma-separated, the variable names as header: what TESSy/EpiPulse reads. (polars writes what pandas
    # wrote, byte for byte, ten times faster.)
    pl.from_pandas(inert.frame(frame), nan_to_null=True).write_csv(
        handle, include_header=header, date_format=DATE_FORMAT, datetime_format=DATE_FORMAT, line_terminator="\n")
