"""The raw kernel of the performance benchmark: three marts computed straight from the accepted landing files.

`consumption_rates`, `resistance_rates` and `resistant_incidence` are computed here the fastest way DuckDB allows:
one in-memory connection, every CSV of a dialect read by one parallel `read_csv`, Parquet by `read_parquet`, XLSX
through polars, then plain SQL. No validation, no orchestration, no dbt and none of the platform's own reading or
parsing code: the kernel restates the protocol (PROTOCOL.md) and the dbt lineage of those marts on its own, so that
it is both the speed the platform is measured against and an independent check of its results (`differences`).

What it reproduces of the platform: the normalisation of cells (trimmed, codes upper-cased with inner spaces
collapsed, SFP read as I, decimal comma, French dates, whitespace inside numbers), case-insensitive headers, the
supersession of a key by the latest accepted submission, and the dating spill of isolates. Patients are grouped by
their clear (source, patient) pair, which groups exactly as the platform's keyed pseudonym of that pair.
"""

import codecs
import csv
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from scipy.special import gammaincinv

from vigie.bench.kernel_sql import (
    CODE, DATE, DECIMAL, INT, MACROS, MART_SQL, PARSE, PREPARATION, SIR, SPILL_KEYS, TEXT, YEAR,
)

SEEDS_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds"
MARTS = ("consumption_rates", "resistance_rates", "resistant_incidence")
ACCEPTED = ("accepted", "accepted_with_warnings")
SPILL_SHARE = 0.05  # PROTOCOL.md, isolates: a year under 5 % of a file's rows for a source is a dating spill
HEAD_BYTES = 1 << 16



# The columns each dataset contributes to the three marts, and its supersession key (`_year`: the row's year).
COLUMNS = {
    "establishments": {"finess": CODE, "department": CODE, "category": CODE},
    "spares_activity": {"finess": CODE, "year": YEAR, "sector": CODE, "patient_days": INT},
    "spares_consumption": {"finess": CODE, "year": YEAR, "sector": CODE, "atc_code": CODE, "route": CODE,
                           "quantity": DECIMAL, "unit": CODE},
    "isolates": {"source_id": CODE, "setting": CODE, "isolate_id": TEXT, "patient_id": TEXT, "sample_date": DATE,
                 "specimen": CODE, "sector": CODE, "department": CODE, "organism": TEXT, "antibiotic": CODE,
                 "sir": SIR, "esbl": CODE, "carbapenemase": CODE},
}
KEYS = {
    "establishments": ("finess",),
    "spares_activity": ("finess", "year"),
    "spares_consumption": ("finess", "year"),
    "isolates": ("source_id", "_year"),
}
ROW_YEAR = {"spares_activity": "year", "spares_consumption": "year", "isolates": "year(sample_date)"}
SEEDS = {
    "who_atc_ddd": {"ddd": "DOUBLE"}, "ddd_conventions": {"ddd": "DOUBLE"}, "who_aware_2023": {},
    "atc_groups": {}, "spares_scope": {}, "regions_departments": {}, "organisms": {}, "organism_aliases": {},
    "antibiotics": {}, "resistance_phenotypes": {}, "phenotype_organisms": {},
    "disclosure_thresholds": {"value": "DOUBLE"},
}




@dataclass(frozen=True)
class AcceptedFile:
    dataset: str      # protocol dataset name, e.g. "spares_consumption"
    path: Path        # the file as it was landed (the platform keeps it under archive/)
    ingest_seq: int   # order of arrival: later supersedes earlier, key by key


def accepted_files(con) -> list[AcceptedFile]:
    """The accepted submissions of a platform warehouse that the three marts read, in ingest order."""
    rows = con.execute(f"""
        SELECT dataset, stored_path, ingest_seq FROM raw.submissions
        WHERE status IN {ACCEPTED} AND dataset IN {tuple(COLUMNS)}
        ORDER BY ingest_seq
    """).fetchall()
    return [AcceptedFile(dataset, Path(path), seq) for dataset, path, seq in rows]


def compute(files: list[AcceptedFile], seeds_dir: Path = SEEDS_DIR,
            threads: int | None = None) -> dict[str, pl.DataFrame]:
    """The three marts, from the accepted files (in any order: `ingest_seq` decides supersession)."""
    con = duckdb.connect(config={"threads": threads} if threads else {})
    try:
        _create_macros(con)
        _load_seeds(con, Path(seeds_dir))
        with tempfile.TemporaryDirectory(prefix="vigie-kernel-") as scratch:
            for dataset in COLUMNS:
                _load_dataset(con, dataset, [f for f in files if f.dataset == dataset], Path(scratch))
                _keep_current(con, dataset)
        for statement in PREPARATION:
            con.execute(statement)
        marts = {name: con.sql(MART_SQL[name]).pl() for name in MARTS}
    finally:
        con.close()
    marts["resistant_incidence"] = _with_poisson_interval(marts["resistant_incidence"])
    return marts


# ---------------------------------------------------------------------------------------------------------------
# Reading the files


@dataclass(frozen=True)
class _CsvDialect:
    encoding: str            # utf-8 or cp1252 (Windows-1252)
    delimiter: str
    header: tuple[str, ...]  # the file's column names, normalised


def _normalised(name: str) -> str:
    return str(name).strip().lstrip("\ufeff").lower()


def _sniff_csv(path: Path, full: bool = False) -> _CsvDialect:
    """Encoding, separator and header from the first bytes; `full` checks the whole file for UTF-8 instead."""
    with path.open("rb") as handle:
        head = handle.read() if full else handle.read(HEAD_BYTES)
        complete = full or len(head) < HEAD_BYTES
    if head.startswith(codecs.BOM_UTF8):
        encoding, text = "utf-8", head[3:].decode("utf-8", errors="replace")
    else:
        try:
            encoding, text = "utf-8", codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        except UnicodeDecodeError:
            encoding, text = "cp1252", head.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    if first == text and not complete:
        return _sniff_csv(path, full=True)
    header_line = first.splitlines()[0] if first.strip() else ""
    # Whichever of ; and , splits the header into more fields (quotes respected); ; on a tie.
    fields = {sep: next(csv.reader([header_line], delimiter=sep), []) for sep in (";", ",")}
    delimiter = ";" if len(fields[";"]) >= len(fields[","]) else ","
    return _CsvDialect(encoding, delimiter, tuple(_normalised(n) for n in fields[delimiter]))


def _utf8_copy(path: Path, scratch: Path, number: int) -> Path:
    """A Windows-1252 file re-encoded in UTF-8, which DuckDB reads natively (its Latin-1 refuses 0x80-0x9F)."""
    copy = scratch / f"{number}.csv"
    copy.write_bytes(path.read_bytes().decode("cp1252").encode("utf-8"))
    return copy


def _csv_group_sql(delimiter: str, header: tuple[str, ...], paths: list[str], wanted: dict[str, str]) -> str:
    """One parallel read of the UTF-8 CSV files of a separator and header, projected on the wanted columns."""
    names = {f"c{i}": "VARCHAR" for i in range(len(header))}
    position = {name: f"c{i}" for i, name in reversed(list(enumerate(header)))}
    cells = [f"{position[c]} AS {c}" if c in position else f"NULL::VARCHAR AS {c}" for c in wanted]
    return f"""
        SELECT {', '.join(cells)}, seqs._seq
        FROM read_csv({_sql_list(paths)}, delim = {_literal(delimiter)}, quote = '"', escape = '"',
                      header = true, auto_detect = false, columns = {_struct(names)}, null_padding = true,
                      encoding = 'utf-8', filename = true) AS cells
        JOIN file_seqs AS seqs ON seqs.path = cells.filename"""


def _parquet_groups(con, paths: list[str]) -> dict[str, list[str]]:
    """Parquet files grouped by schema, so that no column is widened to a type another file gave it."""
    schemas = defaultdict(list)
    rows = con.execute(f"""
        SELECT file_name, string_agg(concat_ws(':', name, type, logical_type, converted_type), ',' ORDER BY name)
        FROM parquet_schema({_sql_list(paths)}) GROUP BY file_name
    """).fetchall()
    for path, schema in rows:
        schemas[schema].append(path)
    return schemas


def _parquet_group_sql(con, paths: list[str], wanted: dict[str, str]) -> str:
    source = f"read_parquet({_sql_list(paths)}, filename = true)"
    relation = con.sql(f"SELECT * FROM {source} LIMIT 0")
    types = dict(zip(relation.columns, relation.types))
    position = {_normalised(name): name for name in relation.columns if name != "filename"}
    cells = []
    for column in wanted:
        name = position.get(column)
        if name is None:
            cells.append(f"NULL::VARCHAR AS {column}")
        elif str(types[name]).startswith(("DATE", "TIMESTAMP")):
            cells.append(f"strftime({_identifier(name)}, '%Y-%m-%d') AS {column}")
        else:
            cells.append(f"{_identifier(name)}::VARCHAR AS {column}")
    return f"""
        SELECT {', '.join(cells)}, seqs._seq
        FROM {source} AS cells JOIN file_seqs AS seqs ON seqs.path = cells.filename"""


def _xlsx_frame(files: list[AcceptedFile], wanted: dict[str, str]) -> pl.DataFrame:
    """The first sheet of each workbook as text, read as the platform reads it (calamine through polars)."""
    frames = []
    for file in files:
        sheet = pl.read_excel(file.path, sheet_id=1, engine="calamine", infer_schema_length=0)
        sheet = sheet.rename({name: _normalised(name) for name in sheet.columns})
        frames.append(sheet.select(
            [(pl.col(c).cast(pl.String) if c in sheet.columns else pl.lit(None, pl.String)).alias(c) for c in wanted]
            + [pl.lit(file.ingest_seq, pl.Int64).alias("_seq")]
        ))
    return pl.concat(frames)


def _load_dataset(con, dataset: str, files: list[AcceptedFile], scratch: Path) -> None:
    """Table `<dataset>_rows`: the typed wanted columns of every file, with `_seq` and `_year`."""
    by_format = defaultdict(list)
    for file in files:
        by_format[file.path.suffix.lower()].append(file)
    csv_files = by_format[".csv"]
    dialects = [_sniff_csv(f.path) for f in csv_files]
    try:
        _create_text(con, dataset, by_format, dialects, scratch)
    except duckdb.InvalidInputException as error:
        if "unicode" not in str(error).lower():
            raise
        # UTF-8 in its first bytes, Windows-1252 further on: the whole file decides, as for the platform.
        _create_text(con, dataset, by_format, [_sniff_csv(f.path, full=True) for f in csv_files], scratch)
    _create_typed(con, dataset)


def _create_text(con, dataset: str, by_format: dict[str, list[AcceptedFile]], dialects: list[_CsvDialect],
                 scratch: Path) -> None:
    """Table `<dataset>_text`: the wanted cells as written, from every file, with the file's `_seq`."""
    wanted = COLUMNS[dataset]
    csv_files, parquet = by_format[".csv"], by_format[".parquet"]
    read_as = [f.path if d.encoding == "utf-8" else _utf8_copy(f.path, scratch, f.ingest_seq)
               for f, d in zip(csv_files, dialects)]
    seqs = [(str(p), f.ingest_seq) for p, f in zip(read_as, csv_files)] + [(str(f.path), f.ingest_seq) for f in parquet]
    con.register("file_seqs", pl.DataFrame(seqs, schema={"path": pl.String, "_seq": pl.Int64}, orient="row").to_arrow())
    groups = defaultdict(list)
    for path, dialect in zip(read_as, dialects):
        groups[dialect.delimiter, dialect.header].append(str(path))
    parts = [_csv_group_sql(delimiter, header, paths, wanted) for (delimiter, header), paths in groups.items()]
    parts += [_parquet_group_sql(con, group, wanted)
              for group in (_parquet_groups(con, [str(f.path) for f in parquet]).values() if parquet else [])]
    if by_format[".xlsx"]:
        con.register(f"{dataset}_xlsx", _xlsx_frame(by_format[".xlsx"], wanted).to_arrow())
        parts.append(f"SELECT * FROM {dataset}_xlsx")
    union = " UNION ALL ".join(parts) if parts else (
        "SELECT " + ", ".join(f"NULL::VARCHAR AS {c}" for c in wanted) + ", NULL::BIGINT AS _seq WHERE false")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {dataset}_text AS {union}")


def _create_typed(con, dataset: str) -> None:
    """View `<dataset>_rows`, the cells typed. Each distinct cell is parsed once (a column holds few distinct
    values next to its rows), and a text column whose every value is already normal is taken as it is."""
    selected, joins = [], []
    for column, kind in COLUMNS[dataset].items():
        values = f"{dataset}__{column}"
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {values} AS
            SELECT raw, {PARSE[kind].format('raw')} AS value
            FROM (SELECT DISTINCT {column} AS raw FROM {dataset}_text WHERE {column} IS NOT NULL)
        """)
        if kind in (TEXT, CODE, SIR) and _already_normal(con, values):
            selected.append(f"t.{column}")
        else:
            selected.append(f"{values}.value AS {column}")
            joins.append(f"LEFT JOIN {values} ON {values}.raw = t.{column}")
    year = ROW_YEAR.get(dataset, "NULL")
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW {dataset}_rows AS
        SELECT *, ({year})::INTEGER AS _year
        FROM (SELECT t._seq, {', '.join(selected)} FROM {dataset}_text AS t {' '.join(joins)})
    """)


def _already_normal(con, values: str) -> bool:
    [(normal,)] = con.execute(f"SELECT bool_and(value IS NOT DISTINCT FROM raw) FROM {values}").fetchall()
    return normal is not False


# ---------------------------------------------------------------------------------------------------------------
# Supersession


def _keep_current(con, dataset: str) -> None:
    """Table `<dataset>_current`: the rows of the latest accepted submission of each key; for isolates, a dating
    spill neither counts as its file's rows nor supersedes its year."""
    key = KEYS[dataset]
    listed = ", ".join(key)
    same_key = " AND ".join(f"r.{k} IS NOT DISTINCT FROM c.{k}" for k in key)
    kept = SPILL_KEYS.format(source=key[0], share=f"{SPILL_SHARE!r}::DOUBLE") if dataset == "isolates" else (
        f"SELECT DISTINCT _seq, {listed} FROM {dataset}_rows")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {dataset}_current AS
        WITH kept AS ({kept}),
        current_keys AS (SELECT {listed}, max(_seq) AS _seq FROM kept GROUP BY ALL)
        SELECT r.* FROM {dataset}_rows AS r
        SEMI JOIN current_keys AS c ON r._seq = c._seq AND {same_key}
    """)


# ---------------------------------------------------------------------------------------------------------------
# Macros, seeds and statistics


def _create_macros(con) -> None:
    for statement in MACROS:
        con.execute(statement)


def _load_seeds(con, seeds_dir: Path) -> None:
    """The seeds as dbt loads them: text, but for the numbers the project declares (dbt_project.yml)."""
    for seed, types in SEEDS.items():
        numbers = f" REPLACE ({', '.join(f'{c}::{t} AS {c}' for c, t in types.items())})" if types else ""
        con.execute(f"CREATE TEMP TABLE seed_{seed} AS SELECT *{numbers} FROM read_csv("
                    f"{_literal(str(seeds_dir / f'{seed}.csv'))}, header = true, all_varchar = true)")


def _with_poisson_interval(counts: pl.DataFrame) -> pl.DataFrame:
    """Rate per 1000 patient-days with its exact (Garwood) 95 % interval, chi2(2.5 %, 2k) / 2 and
    chi2(97.5 %, 2k + 2) / 2 over the exposure; empty where there is no exposure. chi2.ppf(q, 2k) / 2 is the
    inverse regularised gamma P^-1(k, q), bit for bit, and scipy.special imports in a fraction of scipy.stats' time."""
    n = counts["n_patients"].to_numpy().astype(float)
    days = counts["patient_days"].to_numpy().astype(float)
    scale = 1000 / np.where(days > 0, days, np.nan)
    low = np.where(n > 0, gammaincinv(np.where(n > 0, n, 1), 0.025), 0.0)
    high = gammaincinv(n + 1, 0.975)
    rates = pl.DataFrame({"per_1000_patient_days": n * scale, "ci_low": low * scale, "ci_high": high * scale})
    return counts.with_columns(rates.select(pl.all().fill_nan(None))).select(
        "year", "geo_level", "geo_code", "sector", "phenotype", "n_patients", "patient_days",
        "per_1000_patient_days", "ci_low", "ci_high", "low_count", "n_establishments",
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_list(paths: list[str]) -> str:
    return "[" + ", ".join(_literal(p) for p in paths) + "]"


def _struct(types: dict[str, str]) -> str:
    return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in types.items()) + "}"


