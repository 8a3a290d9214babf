"""The submission file contract of PROTOCOL.md, as data: datasets, columns, types, code lists and keys.

Validation rules, canonical schemas, keys and supersession all derive from these declarations,
so a dataset is added or changed here and nowhere else.
"""

from dataclasses import dataclass, field

import polars as pl

ROW_YEAR = "_year"  # the year of a row: its year column, or the year of its date column

# Column kinds: how a cell is parsed from text.
TEXT, CODE, CODES, INT, DECIMAL, DATE, YEAR, FINESS = (
    "text", "code", "codes", "int", "decimal", "date", "year", "finess",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = True
    code_list: str | None = None  # a code_list of seeds/protocol_codes.csv
    minimum: float | None = None
    maximum: float | None = None
    min_exclusive: bool = False
    pseudonymised: bool = False  # a patient identifier: hashed at ingestion, never stored in clear
    description: str = ""


@dataclass(frozen=True)
class Dataset:
    name: str
    mission: str  # the Dagster asset group
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # supersession key; ROW_YEAR is the year of the row (year column or sample date)
    unique_rows: tuple[str, ...] = ()  # columns unique within one submission (ROW_YEAR allowed)
    sender_column: str | None = None
    default_sender: str = "inconnu"
    year_column: str | None = "year"  # the year of a row: this column, or the year of this date column
    extra_rules: tuple[str, ...] = field(default=())  # cross-field rules of quality/rules.py
    spill_share: float | None = None  # a year under this share of a file's rows (for its key) is a dating spill

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def row_year(dataset: Dataset) -> pl.Expr:
    """The year of each row of a typed frame: its year column, or the year of its date column."""
    if dataset.year_column is None:
        return pl.lit(None, pl.Int32)
    column = pl.col(dataset.year_column)
    # A year too large for a year (an identifier in the wrong column) is no year: its range rule rejects the row.
    return (column.dt.year() if dataset.column(dataset.year_column).kind == DATE else column).cast(pl.Int32, strict=False)


def _finess(name="finess", required=True, description="FINESS géographique of the establishment"):
    return Column(name, FINESS, required, description=description)


def _year():
    return Column("year", YEAR, description="Surveillance year")


def _sector(required=True):
    return Column("sector", CODE, required, code_list="sector", description="Sector of activity")


def _count(name, required=True, description=""):
    return Column(name, INT, required, minimum=0, description=description)


def _patient():
    return Column("patient_id", TEXT, pseudonymised=True, description="Patient identifier (pseudonymised)")


def _organism(required=True):
    return Column("organism", TEXT, required, description="ECDC pathogen code or scientific name")


DATASETS: dict[str, Dataset] = {}


def _register(dataset: Dataset) -> None:
    DATASETS[dataset.name] = dataset


_register(Dataset(
    name="establishments", mission="registry",
    description="Registry of establishments (FINESS extract), one row per site.",
    columns=(
        _finess(),
        _finess("finess_ej", required=False, description="FINESS juridique (legal entity)"),
        Column("name", TEXT, description="Name of the establishment"),
        Column("department", CODE, code_list="department", description="Département code (INSEE)"),
        Column("category", CODE, code_list="category", description="Establishment category"),
        _count("beds", description="Number of beds"),
    ),
    key=("finess",), unique_rows=("finess",), year_column=None, default_sender="registre_finess",
    extra_rules=("department_matches_finess",),
))

_register(Dataset(
    name="population", mission="registry",
    description="Population per département and year (INSEE), denominators of community rates.",
    columns=(
        Column("department", CODE, code_list="department", description="Département code (INSEE)"),
        _year(),
        Column("population", INT, minimum=0, min_exclusive=True, description="Inhabitants"),
        Column("age_group", TEXT, required=False, description="Age group, when given by age"),
    ),
    key=("department", "year"), unique_rows=("department", "year", "age_group"), default_sender="insee",
))

_register(Dataset(
    name="spares_activity", mission="spares",
    description="SPARES patient-days per establishment, year and sector.",
    columns=(
        _finess(), _year(), _sector(),
        _count("patient_days", description="Patient-days (full and weekly hospitalisation)"),
        _count("admissions", required=False, description="Admissions"),
    ),
    key=("finess", "year"), unique_rows=("finess", "year", "sector"), sender_column="finess",
))

_register(Dataset(
    name="spares_consumption", mission="spares",
    description="SPARES antibiotics dispensed by the hospital pharmacy, per sector, ATC code and route.",
    columns=(
        _finess(), _year(), _sector(),
        Column("atc_code", CODE, description="ATC level 5 code"),
        Column("route", CODE, code_list="route", description="Route of administration"),
        Column("quantity", DECIMAL, minimum=0, description="Quantity dispensed, in unit"),
        Column("unit", CODE, code_list="unit", description="Unit of quantity"),
    ),
    key=("finess", "year"), sender_column="finess",
    extra_rules=("atc_code_format", "ddd_exists", "unit_convertible"),
))

_register(Dataset(
    name="isolates", mission="laboratories",
    description="Laboratory results, one row per isolate and antibiotic tested (SPARES and PRIMO).",
    columns=(
        Column("source_id", CODE, description="FINESS of the hospital or identifier of the community lab"),
        Column("setting", CODE, code_list="setting", description="HOSP, COMM or EHPAD"),
        Column("isolate_id", TEXT, description="Isolate identifier within source_id and the year of its sample"),
        _patient(),
        Column("sex", CODE, code_list="sex", description="Sex"),
        Column("age", INT, minimum=0, maximum=120, description="Age in years"),
        Column("sample_date", DATE, description="Date of the sample"),
        Column("specimen", CODE, code_list="specimen", description="Specimen type"),
        Column("sector", CODE, required=False, code_list="sector", description="Sector of the ward (hospital)"),
        Column("department", CODE, required=False, code_list="department",
               description="Patient's département (community and EHPAD)"),
        _organism(),
        Column("antibiotic", CODE, description="3-letter EARS-Net/WHONET antibiotic code"),
        Column("sir", CODE, code_list="sir", description="S, I or R (SFP read as I)"),
        Column("mic", TEXT, required=False, description="Minimum inhibitory concentration, as written"),
        Column("esbl", CODE, required=False, code_list="esbl", description="ESBL flag"),
        Column("carbapenemase", CODE, required=False, code_list="carbapenemase",
               description="Carbapenemase result"),
    ),
    key=("source_id", ROW_YEAR), unique_rows=("source_id", ROW_YEAR, "isolate_id", "antibiotic"),
    sender_column="source_id", year_column="sample_date", spill_share=0.05,
    extra_rules=("sample_date_not_future", "isolate_consistent", "sector_when_hospital", "department_when_community",
                 "organism_known", "antibiotic_format", "antibiotic_known", "dating_spill"),
))

_register(Dataset(
    name="spiadi_bacteremia", mission="spiadi",
    description="SPIADI bacteraemia episodes.",
    columns=(
        _finess(), _year(),
        Column("episode_id", TEXT, description="Episode identifier"),
        _patient(),
        Column("sample_date", DATE, description="Date of the positive blood culture"),
        _sector(), _organism(),
        Column("portal", CODE, code_list="portal", description="Portal of entry"),
        Column("device_associated", CODE, code_list="yes_no", description="Linked to a device"),
        Column("acquisition", CODE, code_list="acquisition", description="Place of acquisition"),
    ),
    key=("finess", "year"), unique_rows=("finess", "episode_id"), sender_column="finess",
    extra_rules=("sample_date_in_year", "organism_known"),
))

_register(Dataset(
    name="spiadi_exposure", mission="spiadi",
    description="SPIADI denominators: patient-days and device-days per sector.",
    columns=(
        _finess(), _year(), _sector(),
        _count("patient_days", description="Patient-days"),
        _count("cvc_days", description="Central venous catheter-days"),
        _count("picc_days", description="PICC-days"),
        _count("port_days", description="Implanted port-days"),
        _count("pvc_days", description="Peripheral venous catheter-days"),
    ),
    key=("finess", "year"), unique_rows=("finess", "year", "sector"), sender_column="finess",
))

_register(Dataset(
    name="spicmi_procedures", mission="spicmi",
    description="SPICMI surgical procedures with risk factors and outcome.",
    columns=(
        _finess(), _year(),
        Column("procedure_id", TEXT, description="Procedure identifier"),
        _patient(),
        Column("procedure_code", CODE, code_list="procedure_code", description="Procedure"),
        Column("procedure_date", DATE, description="Date of the procedure"),
        Column("asa", INT, minimum=1, maximum=5, description="ASA score"),
        Column("wound_class", INT, minimum=1, maximum=4, description="Altemeier wound class"),
        Column("duration_min", INT, minimum=0, min_exclusive=True, description="Duration in minutes"),
        Column("implant", CODE, code_list="yes_no", description="Implant placed"),
        Column("ssi", CODE, code_list="yes_no", description="Surgical site infection"),
        Column("ssi_depth", CODE, required=False, code_list="ssi_depth", description="Depth of the SSI"),
        Column("ssi_date", DATE, required=False, description="Date of the SSI"),
        _count("followup_days", description="Days of follow-up"),
    ),
    key=("finess", "year"), unique_rows=("finess", "procedure_id"), sender_column="finess",
    extra_rules=("procedure_date_in_year", "ssi_depth_when_ssi", "ssi_date_when_ssi",
                 "ssi_date_within_followup", "followup_complete"),
))

_register(Dataset(
    name="icsha", mission="matis",
    description="MATIS hand-rub consumption and activity volumes (ICSHA).",
    columns=(
        _finess(), _year(),
        Column("activity", CODE, code_list="icsha_activity", description="Activity"),
        Column("activity_volume", DECIMAL, required=False, minimum=0,
               description="Patient-days, passages, interventions or sessions (empty on a TOTAL row)"),
        Column("hand_rub_liters", DECIMAL, required=False, minimum=0,
               description="Hand rub consumed by the ES in litres: the total, on each row or on a TOTAL row"),
    ),
    key=("finess", "year"), unique_rows=("finess", "year", "activity"), sender_column="finess",
    extra_rules=("activity_volume_given", "hand_rub_total_consistent"),
))

_register(Dataset(
    name="signalements", mission="signalements",
    description="IAS reports (e-SIN extraction); a later row for the same signal_id updates it.",
    columns=(
        Column("signal_id", TEXT, description="Report identifier"),
        _finess(),
        Column("declared_on", DATE, description="Date of the report"),
        Column("first_case_on", DATE, description="Date of the first case"),
        Column("criteria", CODES, code_list="ias_criterion", description="Criteria, separated by |"),
        _organism(required=False),
        Column("resistance", CODE, code_list="ias_resistance", description="Resistance"),
        Column("cases", INT, minimum=1, description="Cases"),
        _count("deaths", description="Deaths"),
        Column("cpias_support", CODE, code_list="yes_no", description="CPias support requested"),
        Column("status", CODE, code_list="signal_status", description="OPEN or CLOSED"),
        Column("closed_on", DATE, required=False, description="Date of closure"),
    ),
    key=("signal_id",), default_sender="e-sin", year_column="declared_on",
    extra_rules=("first_case_before_declared", "deaths_within_cases", "closed_on_when_closed",
                 "closed_after_declared", "declared_not_future"),
))

_register(Dataset(
    name="community_consumption", mission="primo",
    description="PRIMO community antibiotic consumption per département (reimbursement data).",
    columns=(
        Column("department", CODE, code_list="department", description="Département code (INSEE)"),
        _year(),
        Column("atc_code", CODE, description="ATC level 5 code"),
        Column("route", CODE, code_list="route", description="Route of administration"),
        Column("quantity", DECIMAL, minimum=0, description="Quantity dispensed, in unit"),
        Column("unit", CODE, code_list="unit", description="Unit of quantity"),
        _count("prescriptions", required=False, description="Prescriptions containing this ATC"),
    ),
    key=("department", "year"), default_sender="assurance_maladie",
    extra_rules=("atc_code_format", "ddd_exists", "unit_convertible"),
))
