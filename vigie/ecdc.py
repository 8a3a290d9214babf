"""The ECDC exports of one year: EARS-Net (TESSy/EpiPulse record type AMRTEST) and ESAC-Net (AMCLIGHT, hospital and
community sectors) as CSV files with the protocols' variable names, plus the report of the EARS-Net records that
cannot be coded (in French). Each export is validated against its own expectation suite before anything is written:
`prepare` reads and validates (raises `ExportInvalid`), `write` writes what `prepare` returned.

The rows, codes and constants come from the dbt models (`ecdc.ears_net_amrtest`, `ecdc.ears_net_uncodable`,
`marts.esac_net_*`) and their seeds; the suites below restate the protocols' code lists independently, so that a
wrong mapping seed is caught here rather than by ECDC.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
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


@dataclass(frozen=True)
class Prepared:
    year: int
    frames: dict  # export name -> pandas frame, validated
    uncodable: object  # pandas frame of the report

    @property
    def rows(self) -> dict[str, int]:
        counts = {export.file: len(self.frames[export.name]) for export in EXPORTS}
        return counts | {UNCODABLE_REPORT: len(self.uncodable)}


def read_exports(con: duckdb.DuckDBPyConnection, year: int) -> dict:
    """Each export's rows of `year`, without the technical `year` column."""
    return {export.name: con.sql(f"SELECT * EXCLUDE (year) FROM {export.relation} WHERE year = ? ORDER BY RecordId",
                                 params=[year]).df()
            for export in EXPORTS}


def read_uncodable(con: duckdb.DuckDBPyConnection, year: int):
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


def failures(export: Export, frame) -> list[str]:
    """What the frame breaks of its suite: one line per failed expectation."""
    _, batch_definition = _context()
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite_for(export))
    return [f"{r.expectation_config.meta['rule_id']}: {r.result.get('unexpected_count', r.exception_info)} "
            f"unexpected, e.g. {r.result.get('partial_unexpected_list', [])[:3]}"
            for r in result.results if not r.success]


def validate(frames: dict) -> None:
    problems = {export.file: failures(export, frames[export.name]) for export in EXPORTS}
    problems = {file: found for file, found in problems.items() if found}
    if problems:
        raise ExportInvalid(f"ECDC exports fail their expectation suites, nothing written: {problems}")


def prepare(con: duckdb.DuckDBPyConnection, year: int) -> Prepared:
    """Reads the exports of `year` and validates each against its suite (raises `ExportInvalid`)."""
    frames = read_exports(con, year)
    validate(frames)
    return Prepared(year, frames, read_uncodable(con, year))


def write(prepared: Prepared, folder: Path) -> None:
    """Writes the validated exports and the report of uncodable records into `folder`."""
    for export in EXPORTS:
        _write_csv(prepared.frames[export.name], folder / export.file)
    _write_csv(prepared.uncodable, folder / UNCODABLE_REPORT)


def _write_csv(frame, path: Path) -> None:
    """Identifiers, file names and values as sent are the senders' text: inert in a spreadsheet (vigie/inert.py)."""
    # UTF-8, comma-separated, the variable names as header: what TESSy/EpiPulse reads. (polars writes what pandas
    # wrote, byte for byte, ten times faster.)
    pl.from_pandas(inert.frame(frame), nan_to_null=True).write_csv(
        path, date_format=DATE_FORMAT, datetime_format=DATE_FORMAT, line_terminator="\n")
