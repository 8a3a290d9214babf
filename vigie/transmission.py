"""The yearly transmission to Santé publique France: the current data of each dataset (patient identifiers
pseudonymised, as stored) and every mart, as Parquet; a data dictionary generated from the dbt documentation; and a
manifest of every file with its rows and SHA-256, against which `verify_package` checks a package received.
"""

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from vigie import inert, protocol as p

MANIFEST = "manifest.json"
DICTIONARY = "data_dictionary.csv"
DICTIONARY_COLUMNS = ["file", "relation", "column", "type", "description"]


@dataclass(frozen=True)
class Extract:
    file: str  # path inside the package
    relation: str  # schema.table of the warehouse
    year_filter: str | None  # the column holding the year, when the relation spans several years


def extracts(con: duckdb.DuckDBPyConnection) -> list[Extract]:
    """What a package holds: each dataset's current rows (staging) and each mart, for one year where they have one."""
    data = [Extract(f"data/{d.name}.parquet", f"staging.stg_{d.name}", "surveillance_year" if d.year_column else None)
            for d in p.DATASETS.values()]
    marts = con.sql("SELECT table_name, list(column_name) FROM information_schema.columns "
                    "WHERE table_schema = 'marts' GROUP BY table_name ORDER BY table_name").fetchall()
    return data + [Extract(f"marts/{name}.parquet", f"marts.{name}", "year" if "year" in columns else None)
                   for name, columns in marts]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _parquet_rows(path: Path) -> int:
    [(rows,)] = duckdb.sql("SELECT count(*) FROM read_parquet(?)", params=[str(path)]).fetchall()
    return rows


def _dictionary(con: duckdb.DuckDBPyConnection, items: list[Extract], dbt_manifest: dict) -> str:
    """One row per column of every file: its type in the warehouse and its description in the dbt documentation."""
    described = {}
    for node in dbt_manifest["nodes"].values():
        for column, properties in node.get("columns", {}).items():
            described[(node["schema"], node["name"], column)] = properties.get("description", "")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DICTIONARY_COLUMNS)
    for item in items:
        schema, table = item.relation.split(".")
        columns = con.sql("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = ? "
                          "AND table_name = ? ORDER BY ordinal_position", params=[schema, table]).fetchall()
        for column, data_type in columns:
            writer.writerow(inert.row([item.file, item.relation, column, data_type,
                                       described.get((schema, table, column), "")]))
    return out.getvalue()


def write_package(con: duckdb.DuckDBPyConnection, year: int, folder: Path, dbt_manifest: dict) -> dict:
    """Writes the package of `year` into `folder` (empty) and returns its manifest."""
    items = extracts(con)
    for item in items:
        target = folder / item.file
        target.parent.mkdir(parents=True, exist_ok=True)
        if item.year_filter:
            rows = con.sql(f"SELECT * FROM {item.relation} WHERE {item.year_filter} = ?", params=[year])
        else:
            rows = con.sql(f"SELECT * FROM {item.relation}")
        rows.to_parquet(str(target), compression="zstd")
    (folder / DICTIONARY).write_text(_dictionary(con, items, dbt_manifest), encoding="utf-8")
    files = [{"path": item.file, "relation": item.relation, "rows": _parquet_rows(folder / item.file),
              "bytes": (folder / item.file).stat().st_size, "sha256": sha256(folder / item.file)} for item in items]
    dictionary = folder / DICTIONARY
    files.append({"path": DICTIONARY, "relation": None, "rows": len(dictionary.read_text(encoding="utf-8")
                                                                    .splitlines()) - 1,
                  "bytes": dictionary.stat().st_size, "sha256": sha256(dictionary)})
    manifest = {"year": year, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "producer": "Vigie", "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def verify_package(folder: Path) -> list[str]:
    """What differs between a package and its manifest: a missing, extra or altered file, or a changed row count.
    An empty list means the package is whole."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    problems = []
    listed = {entry["path"] for entry in manifest["files"]}
    present = {str(f.relative_to(folder)) for f in folder.rglob("*") if f.is_file() and f.name != MANIFEST}
    problems += [f"{path}: not listed in the manifest" for path in sorted(present - listed)]
    for entry in manifest["files"]:
        path = folder / entry["path"]
        if not path.is_file():
            problems.append(f"{entry['path']}: missing")
        elif sha256(path) != entry["sha256"]:
            problems.append(f"{entry['path']}: SHA-256 differs from the manifest (altered or truncated)")
        elif path.suffix == ".parquet" and _parquet_rows(path) != entry["rows"]:
            problems.append(f"{entry['path']}: {_parquet_rows(path)} rows, the manifest says {entry['rows']}")
    return problems
