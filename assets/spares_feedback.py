"""Each establishment's SPARES feedback, in French (HTML offline and XLSX), under outputs/feedback/<FINESS>/."""

import os
from pathlib import Path

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from assets.dbt import vigie_dbt_models
from orchestration.resources import VigieResource
from vigie import warehouse
from vigie.reports import spares_data
from vigie.reports.spares_feedback import render_html, render_xlsx

SPARES_MARTS = ["consumption_rates", "consumption_benchmark", "resistance_rates", "resistant_incidence"]


class FeedbackSelection(dg.Config):
    finess: list[str] = []  # empty: every establishment with SPARES data
    year: int | None = None  # default: each establishment's latest year


def _write_atomically(path: Path, content: bytes) -> None:
    partial = path.with_suffix(path.suffix + ".partial")
    partial.write_bytes(content)
    os.replace(partial, path)


@dg.asset(
    group_name="spares", owners=["team:vigie-data-engineering"], kinds={"html", "excel"}, pool="warehouse",
    deps=[get_asset_key_for_model([vigie_dbt_models], name) for name in SPARES_MARTS],
    description="Per-establishment SPARES feedback in French: consumption by sector and ATC group against the "
                "category's distribution (percentile, P25-P75) and its own previous years, AWaRe shares, "
                "resistance and incidence, with charts. HTML that opens offline, and XLSX.",
)
def spares_establishment_feedback(context: dg.AssetExecutionContext, config: FeedbackSelection,
                                  vigie: VigieResource) -> dg.MaterializeResult:
    settings = vigie.settings()
    written = []
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        targets = spares_data.establishments_with_data(con, config.year)
        if config.finess:
            targets = [t for t in targets if t[0] in set(config.finess)]
        for data in spares_data.load_all(con, targets):
            folder = settings.feedback_dir / data.finess
            folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(folder / f"spares_{data.year}.html", render_html(data).encode("utf-8"))
            _write_atomically(folder / f"spares_{data.year}.xlsx", render_xlsx(data))
            written.append(data.finess)
    context.log.info(f"SPARES feedback written for {len(written)} establishments")
    return dg.MaterializeResult(metadata={
        "reports": len(written), "folder": str(settings.feedback_dir),
        "establishments": dg.MetadataValue.json(written[:50]),
    })
