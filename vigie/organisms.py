"""Organisms as laboratories write them, resolved by the very SQL the dbt models use.

The macros of `dbt_project/macros/organisms.sql` are rendered here with plain Jinja and run by an in-memory
DuckDB over the seeds, so that validation warns about exactly the names the marts will not recognise.
"""

from functools import lru_cache

import duckdb
import polars as pl

from vigie.dbt_macros import macros
from vigie.settings import SEEDS_DIR


def _seed(name: str) -> str:
    return f"read_csv('{SEEDS_DIR / name}.csv', all_varchar = true, header = true)"


@lru_cache(maxsize=1)
def _lookup() -> pl.DataFrame:
    with duckdb.connect() as con:
        return con.sql(str(macros("organisms").organism_lookup(_seed("organisms"), _seed("organism_aliases")))).pl()


def resolve(names: pl.Series) -> pl.Series:
    """The organism code of each name (null when unknown), in the order of `names`."""
    distinct = pl.DataFrame({"organism_as_sent": names.drop_nulls().unique()})
    with duckdb.connect() as con:
        con.register("names_sent", distinct)
        con.register("organism_lookup", _lookup())
        resolved = con.sql(str(macros("organisms").organism_resolution("names_sent", "organism_lookup"))).pl()
    codes = dict(zip(resolved["organism_as_sent"], resolved["organism_code"]))
    return names.replace_strict(codes, default=None, return_dtype=pl.String)
