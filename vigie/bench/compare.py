"""The kernel's marts against the platform's, every row, joined on each mart's grain."""

import polars as pl

from vigie.bench.kernel import MARTS

GRAINS = {
    "consumption_rates": ("year", "geo_level", "geo_code", "sector", "atc_group"),
    "resistance_rates": ("year", "geo_level", "geo_code", "setting", "organism", "antibiotic"),
    "resistant_incidence": ("year", "geo_level", "geo_code", "sector", "phenotype"),
}

REL_TOLERANCE, ABS_TOLERANCE = 1e-9, 1e-12
SHOWN = 10


def differences(kernel: dict[str, pl.DataFrame], con) -> dict[str, list[str]]:
    """Every row of each mart of `con` against the kernel's, joined on the mart's grain: the first differences in
    words, and how many rows either side lacks; empty lists when equal."""
    return {name: _differences(kernel[name], con.sql(f"SELECT * FROM marts.{name}").pl(), GRAINS[name])
            for name in MARTS}


def _differences(kernel: pl.DataFrame, mart: pl.DataFrame, grain: tuple[str, ...]) -> list[str]:
    if set(kernel.columns) != set(mart.columns):
        return [f"columns differ: kernel {sorted(kernel.columns)}, mart {sorted(mart.columns)}"]
    found = [f"{side} has {frame.height - frame.select(grain).n_unique()} duplicated grain rows"
             for side, frame in (("kernel", kernel), ("mart", mart)) if frame.select(grain).is_duplicated().any()]
    kernel, mart = (frame.with_columns(pl.col("year").cast(pl.Int64)) for frame in (kernel, mart))
    joined = mart.with_columns(pl.lit(True).alias("_in_mart")).join(
        kernel.with_columns(pl.lit(True).alias("_in_kernel")), on=list(grain), how="full", coalesce=True,
        nulls_equal=True, suffix="_kernel",
    )
    return found + _value_differences(joined, mart.schema, grain) + _missing_rows(joined, grain)


def _value_differences(joined: pl.DataFrame, schema: pl.Schema, grain: tuple[str, ...]) -> list[str]:
    values = [c for c in schema if c not in grain]
    flags = [(~_equal(pl.col(c), pl.col(f"{c}_kernel"), schema[c])).alias(f"_differs__{c}") for c in values]
    unequal = (joined.filter(pl.col("_in_mart") & pl.col("_in_kernel")).with_columns(flags)
               .filter(pl.any_horizontal(pl.col("^_differs__.*$"))))
    found = []
    for row in unequal.head(SHOWN).iter_rows(named=True):
        cells = ", ".join(f"{c}: kernel {row[c + '_kernel']!r}, mart {row[c]!r}"
                          for c in values if row[f"_differs__{c}"])
        found.append(f"{_where(row, grain)}: {cells}")
    if unequal.height > SHOWN:
        found.append(f"... {unequal.height} rows differ in all")
    return found


def _missing_rows(joined: pl.DataFrame, grain: tuple[str, ...]) -> list[str]:
    found = []
    for side, absent, marker in (("mart", "kernel", "_in_kernel"), ("kernel", "mart", "_in_mart")):
        lacking = joined.filter(pl.col(marker).is_null())
        if lacking.height:
            examples = "; ".join(_where(row, grain) for row in lacking.head(3).iter_rows(named=True))
            found.append(f"{lacking.height} rows of the {side} missing from the {absent}, e.g. {examples}")
    return found


def _equal(mart: pl.Expr, kernel: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """NULLs equal NULLs; floats equal within 1e-9 relative or 1e-12 absolute."""
    both_null = mart.is_null() & kernel.is_null()
    if dtype.is_float():
        close = ((mart - kernel).abs() <= pl.max_horizontal(
            pl.lit(ABS_TOLERANCE), REL_TOLERANCE * pl.max_horizontal(mart.abs(), kernel.abs())))
        same = close | (mart.is_nan() & kernel.is_nan())
    else:
        same = mart == kernel.cast(dtype)
    return both_null | same.fill_null(False)


def _where(row: dict, grain: tuple[str, ...]) -> str:
    return " ".join(f"{c}={row[c]}" for c in grain)
