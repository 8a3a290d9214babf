"""FINESS numbers: format, Luhn key and département prefix."""

import polars as pl

from vigie.reference import code_lists

FINESS_PATTERN = r"^(\d{2}|2A|2B)\d{7}$"


def luhn_valid(finess: str) -> bool:
    """Luhn mod-10 over the 9 characters, Corsica's 2A/2B read as 20."""
    digits = finess[:2].replace("2A", "20").replace("2B", "20") + finess[2:]
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def department_of(finess: str) -> str:
    """Overseas FINESS numbers start with 97 and the third digit completes the département (971-976)."""
    return finess[:3] if finess.startswith("97") else finess[:2]


def _mapped(column: str, function) -> pl.Expr:
    return pl.col(column).map_batches(
        lambda s: s.replace_strict(
            {v: function(v) for v in s.drop_nulls().unique().to_list()}, default=None, return_dtype=pl.Boolean
        ),
        return_dtype=pl.Boolean,
    )


def luhn_flag(column: str) -> pl.Expr:
    return _mapped(column, luhn_valid)


def known_department_flag(column: str) -> pl.Expr:
    departments = code_lists()["department"]
    return _mapped(column, lambda f: department_of(f) in departments)


def prefix_department(column: str) -> pl.Expr:
    return pl.when(pl.col(column).str.starts_with("97")).then(pl.col(column).str.slice(0, 3)).otherwise(
        pl.col(column).str.slice(0, 2)
    )
