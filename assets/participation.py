"""Participation per surveillance year: who sent what, from the current data (CPias follow-up)."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from assets.dbt import vigie_dbt_models
from assets.metadata import markdown_table
from orchestration.partitions import held_years
from orchestration.resources import VigieResource
from vigie import protocol as p, warehouse

PARTICIPATION_DDL = """
CREATE TABLE IF NOT EXISTS quality.participation (
    year INTEGER NOT NULL, dataset VARCHAR NOT NULL, participants BIGINT NOT NULL,
    submissions BIGINT NOT NULL, rows BIGINT NOT NULL, computed_at TIMESTAMP NOT NULL
)
"""


def _participant_column(dataset: p.Dataset) -> str:
    return dataset.sender_column or dataset.key[0]


def _year_query(dataset: p.Dataset) -> str:
    return (f"SELECT ?::INTEGER AS year, '{dataset.name}' AS dataset, "
            f"count(DISTINCT {_participant_column(dataset)}) AS participants, "
            f"count(DISTINCT submission_id) AS submissions, count(*) AS rows, now()::TIMESTAMP AS computed_at "
            f"FROM staging.stg_{dataset.name} WHERE surveillance_year = ?")


YEARLY = [d for d in p.DATASETS.values() if d.year_column]


@dg.asset(
    partitions_def=held_years, group_name="follow_up", owners=["team:vigie-data-engineering"],
    kinds={"duckdb"}, pool="warehouse",
    deps=[get_asset_key_for_model([vigie_dbt_models], f"stg_{d.name}") for d in YEARLY],
    description="Participants, submissions and rows per dataset for one surveillance year, from the current "
                "data: what the CPias follow during the collection of year N in N+1. Table `quality.participation`; "
                "a partition per year of which the platform holds data.",
)
def participation(context: dg.AssetExecutionContext, vigie: VigieResource) -> dg.MaterializeResult:
    year = int(context.partition_key)
    with warehouse.connect(vigie.settings().warehouse_path) as con:
        con.execute(PARTICIPATION_DDL)
        with warehouse.transaction(con):
            con.execute("DELETE FROM quality.participation WHERE year = ?", [year])
            for dataset in YEARLY:
                con.execute(f"INSERT INTO quality.participation {_year_query(dataset)}", [year, year])
        table = con.sql("SELECT dataset, participants, submissions, rows FROM quality.participation "
                        "WHERE year = ? ORDER BY dataset", params=[year]).pl()
    context.log.info(f"participation {year}: {int(table['participants'].sum())} participant-datasets")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": table.height,
        "participants_spares": int(table.filter(table["dataset"] == "spares_consumption")["participants"].sum()),
        "preview": dg.MetadataValue.md(markdown_table(table)),
    })
