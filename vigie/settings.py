"""Configuration read from the environment, with the folders of the data directory."""

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from vigie.limits import Limits, limits_from_environment

DEMO_PSEUDONYM_KEY = "vigie-demo-key-not-for-production"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
TEMPLATES_DIR = PROJECT_ROOT / "vigie" / "templates"


class DemoKeyWarning(UserWarning):
    """The demo pseudonym key is in use outside the demo."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    pseudonym_key: bytes
    uses_demo_key: bool
    limits: Limits = Limits()  # how large a submitted file may be (VIGIE_MAX_*)

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def quarantine_dir(self) -> Path:
        return self.data_dir / "quarantine"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"

    @property
    def outputs_dir(self) -> Path:
        return self.data_dir / "outputs"

    @property
    def receipts_dir(self) -> Path:
        """The receipt of each submission, per sender."""
        return self.outputs_dir / "receipts"

    @property
    def reports_dir(self) -> Path:
        """The yearly reports of each participant."""
        return self.outputs_dir / "reports"

    @property
    def analysts_dir(self) -> Path:
        """The analysts' copy: `current/` holds the DuckDB file, its Parquet files and the dbt documentation."""
        return self.outputs_dir / "analysts"

    @property
    def transmissions_dir(self) -> Path:
        """Packages sent on: `spf/<year>/` for Santé publique France."""
        return self.outputs_dir / "transmissions"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    def ensure_dirs(self) -> None:
        for folder in (self.landing_dir, self.quarantine_dir, self.archive_dir, self.receipts_dir, self.reports_dir):
            folder.mkdir(parents=True, exist_ok=True)


def load_settings(demo: bool = False) -> Settings:
    """Reads VIGIE_DATA_DIR, VIGIE_PSEUDONYM_KEY and the limits (VIGIE_MAX_*); warns when the demo key serves real
    data."""
    data_dir = Path(os.environ.get("VIGIE_DATA_DIR", "data")).resolve()
    key = os.environ.get("VIGIE_PSEUDONYM_KEY", "")
    uses_demo_key = key in ("", DEMO_PSEUDONYM_KEY)
    if uses_demo_key and not demo and os.environ.get("VIGIE_ENV", "dev") != "demo":
        warnings.warn(
            "VIGIE_PSEUDONYM_KEY is not set: patient pseudonyms use the PUBLIC demo key. "
            "Set a secret key (e.g. `openssl rand -hex 32`) before ingesting real data.",
            DemoKeyWarning,
            stacklevel=2,
        )
    return Settings(
        data_dir=data_dir,
        pseudonym_key=(key or DEMO_PSEUDONYM_KEY).encode(),
        uses_demo_key=uses_demo_key,
        limits=limits_from_environment(),
    )
