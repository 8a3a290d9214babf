"""The uniqueness test of the models (macros/duplicate_rows.sql) finds every repeated key, and only those."""

import duckdb

from vigie.dbt_macros import macros


def _duplicates(con, relation: str, columns: list[str]) -> list[tuple]:
    sql = str(macros("duplicate_rows").duplicate_rows(relation, columns))
    return sorted(con.execute(sql).fetchall(), key=str)


def test_repeated_keys_are_reported_with_their_count_nulls_alike():
    with duckdb.connect() as con:
        con.execute("""create table results as select * from (values
            ('LAB1', 2025, 'X1', 'CTX', 'R'), ('LAB1', 2025, 'X1', 'CTX', 'S'), ('LAB1', 2025, 'X1', 'CIP', 'S'),
            ('LAB1', 2024, 'X1', 'CTX', 'S'), ('LAB2', 2025, 'X1', 'CTX', 'S'),
            ('LAB3', 2025, null, 'AMX', 'S'), ('LAB3', 2025, null, 'AMX', 'R'), ('LAB3', 2025, null, 'AMX', 'I'))
            as t(source_id, year, isolate_id, antibiotic, sir)""")
        assert _duplicates(con, "results", ["source_id", "year", "isolate_id", "antibiotic"]) == [
            ("LAB1", 2025, "X1", "CTX", 2), ("LAB3", 2025, None, "AMX", 3)]
        assert _duplicates(con, "results", ["source_id", "year", "isolate_id", "antibiotic", "sir"]) == []


def test_many_distinct_keys_give_no_duplicate():
    with duckdb.connect() as con:
        con.execute("create table keys as select i as id, i % 7 as part from range(300000) as t(i)")
        assert _duplicates(con, "keys", ["id", "part"]) == []
        assert _duplicates(con, "keys", ["part"]) == [(p, len(range(p, 300000, 7))) for p in range(7)]
