"""Configuration read from the environment, with the folders of the data directory."""

import os
from dataclasses import dataclass
from pathlib import Path

from vigie.limits import Limits, limits_from_environment

DEMO_PSEUDONYM_KEY = "vigie-demo-key-not-for-production"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"
TEMPLATES_DIR = PROJECT_ROOT / "vigie" / "templates"
NEW_KEY_HINT = "generate one with `openssl rand -hex 32` and keep it outside the repository"


class PseudonymKeyError(RuntimeError):
    """Ingestion refuses to pseudonymise patients with this key; the message tells the operator what to do."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    pseudonym_key: bytes  # empty when VIGIE_PSEUDONYM_KEY is not set
    demo: bool = False  # synthetic data only: the public demo key is allowed
    limits: Limits = Limits()  # how large a submitted file may be (VIGIE_MAX_*)

    @property
    def uses_demo_key(self) -> bool:
        return self.pseudonym_key == DEMO_PSEUDONYM_KEY.encode()

    def ingestion_key(self) -> bytes:
        """The key of patient pseudonyms. Outside the demo a secret one: anyone can recompute the demo key's
        pseudonyms from a patient's identifier."""
        if not self.demo and not self.pseudonym_key:
            raise PseudonymKeyError(f"VIGIE_PSEUDONYM_KEY is not set: ingestion needs the secret key of patient "
                                    f"pseudonyms. Set it ({NEW_KEY_HINT}) and run again.")
        if not self.demo and self.uses_demo_key:
            raise PseudonymKeyError(f"VIGIE_PSEUDONYM_KEY is the public demo key, which is for `vigie demo` alone: "
                                    f"set a secret key ({NEW_KEY_HINT}) and run again.")
        return self.pseudonym_key

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
        """The yearly reports of each establishment (each kind of report has its folder: vigie/reports/kinds.py)."""
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
    """Reads VIGIE_DATA_DIR, VIGIE_PSEUDONYM_KEY and the limits (VIGIE_MAX_*). The demo (`demo`, or VIGIE_ENV=demo) uses the demo key."""
    data_dir = Path(os.environ.get("VIGIE_DATA_DIR", "data")).resolve()
    demo = demo or os.environ.get("VIGIE_ENV") == "demo"
    key = DEMO_PSEUDONYM_KEY if demo else os.environ.get("VIGIE_PSEUDONYM_KEY", "")
    return Settings(data_dir=data_dir, pseudonym_key=key.encode(), demo=demo, limits=limits_from_environment())
