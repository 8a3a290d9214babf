"""Sums of doubles in the marts are the same to the last bit however DuckDB orders the additions."""

import math
import random

import duckdb
import pytest

from vigie.dbt_macros import macros


def _exact_sum(*args, **kwargs) -> str:
    return str(macros("exact_sum").exact_sum(*args, **kwargs))


# In doubles (0.1 + 0.2) + 0.3 is 0.6000000000000001 and 0.1 + (0.2 + 0.3) is 0.6.
TENTHS = "select * from (values (1, 0.1::double), (2, 0.2), (3, 0.3), (4, -0.5)) as t(id, x)"


def _one(con, sql):
    return con.execute(sql).fetchone()[0]


def test_the_order_of_the_additions_changes_a_plain_sum_not_the_exact_one():
    with duckdb.connect() as con:
        con.execute("set threads = 1")
        plain, exact = set(), set()
        for order in ("id", "id desc"):
            rows = f"select x from ({TENTHS}) where id < 4 order by {order}"
            plain.add(_one(con, f"select sum(x) from ({rows})"))
            exact.add(_one(con, f"select {_exact_sum('x')} from ({rows})"))
    assert plain == {0.6000000000000001, 0.6}
    assert exact == {0.6}


def test_a_parallel_sum_is_the_same_on_every_run_and_right_to_a_double_s_precision():
    rng = random.Random(20261207)
    values = [rng.uniform(0, 1000) * 10 ** rng.randint(-3, 4) for _ in range(400_000)]
    with duckdb.connect() as con:
        con.execute("set threads = 4")
        con.execute("create table v as select unnest($1::double[]) as x", [values])
        runs = {_one(con, f"select {_exact_sum('x')} from v") for _ in range(5)}
    assert len(runs) == 1
    assert runs.pop() == pytest.approx(math.fsum(values), rel=1e-15)


def test_filter_and_window_clauses_belong_to_the_sum():
    with duckdb.connect() as con:
        assert _one(con, f"select {_exact_sum('x', filter='x > 0')} from ({TENTHS})") == 0.6
        windowed = f"select id, {_exact_sum('x', over='(partition by id > 2)')} from ({TENTHS}) order by id"
        assert con.execute(windowed).fetchall() == [(1, 0.3), (2, 0.3), (3, -0.2), (4, -0.2)]
