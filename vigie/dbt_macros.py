"""The macros of a file of `dbt_project/macros/`, rendered with plain Jinja, for Python to run the very SQL the
models run (the macros rendered this way use no dbt function)."""

from functools import lru_cache

import jinja2

from vigie.settings import DBT_PROJECT_DIR


@lru_cache(maxsize=None)
def macros(file_stem: str):
    """The module of `dbt_project/macros/<file_stem>.sql`: its macros as attributes."""
    text = (DBT_PROJECT_DIR / "macros" / f"{file_stem}.sql").read_text(encoding="utf-8")
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(text).module
