"""The one place MindPulse reads its environment.

Every layer (extract assets, dbt, ML assets, dashboard) asks this module for paths, names and
modes; nothing else calls ``os.environ``. dbt reads the same variables through ``env_var`` in
``dbt_project/profiles.yml``, whose defaults must agree with the ones below (a test checks it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

# Default locations, relative to the repository root (never to the working directory).
DEFAULT_DUCKDB_PATH = PROJECT_ROOT / "data" / "warehouse" / "mindpulse.duckdb"
DEFAULT_DAGSTER_HOME = PROJECT_ROOT / ".dagster_home"

# Schemas are named identically in every warehouse.
RAW_SCHEMA = "raw"
STAGING_SCHEMA = "staging"
MARTS_SCHEMA = "marts"
ML_SCHEMA = "ml"

WAREHOUSES = ("duckdb", "snowflake")
SOURCE_MODES = ("sample", "live")

# Source name -> environment variable that switches it to `file` mode.
SOURCE_FILE_VARIABLES = {
    "cdc_pulse": "MINDPULSE_CDC_PULSE_FILE",
}

Warehouse = Literal["duckdb", "snowflake"]
SourceMode = Literal["sample", "live", "file"]


class ConfigurationError(ValueError):
    """A MindPulse environment variable has a value we cannot use."""


@dataclass(frozen=True)
class SnowflakeSettings:
    account: str | None
    user: str | None
    role: str | None
    warehouse: str | None
    database: str | None
    private_key_path: str | None


@dataclass(frozen=True)
class Settings:
    warehouse: Warehouse
    duckdb_path: Path
    default_source_mode: Literal["sample", "live"]
    source_files: Mapping[str, Path] = field(default_factory=dict)
    sample_scale: float = 1.0
    cdc_app_token: str | None = None
    snowflake: SnowflakeSettings | None = None
    dagster_home: Path = DEFAULT_DAGSTER_HOME

    @property
    def data_dir(self) -> Path:
        """Folder next to the warehouse file: landing files and the published copy live here."""
        return self.duckdb_path.parent.parent

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def published_duckdb_path(self) -> Path:
        """Copy of the warehouse the dashboard reads; swapped in atomically after a green build."""
        return self.duckdb_path.parent / "published" / self.duckdb_path.name

    def source_mode(self, source: str) -> SourceMode:
        """`file` when a real export is configured for the source, else the default mode."""
        if source in self.source_files:
            return "file"
        return self.default_source_mode

    def source_file(self, source: str) -> Path | None:
        return self.source_files.get(source)


def _path_from_env(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    path = Path(raw).expanduser()
    if not path.is_absolute():
        # dbt resolves paths against dbt_project/ and Dagster against the repository root;
        # only an absolute path means the same file to both.
        raise ConfigurationError(
            f"{name} must be an absolute path, got {raw!r}. "
            f'Use for example: export {name}="$PWD/{raw}"'
        )
    return path


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every MindPulse variable; raise ConfigurationError with the fix."""
    env = os.environ if env is None else env

    warehouse = env.get("MINDPULSE_WAREHOUSE", "duckdb").strip().lower() or "duckdb"
    if warehouse not in WAREHOUSES:
        raise ConfigurationError(
            f"MINDPULSE_WAREHOUSE={warehouse!r} is not supported; use one of {WAREHOUSES}."
        )

    mode = env.get("MINDPULSE_SOURCES", "sample").strip().lower() or "sample"
    if mode not in SOURCE_MODES:
        raise ConfigurationError(
            f"MINDPULSE_SOURCES={mode!r} is not supported; use one of {SOURCE_MODES} "
            "(set MINDPULSE_<SOURCE>_FILE to import a real export instead)."
        )

    raw_scale = env.get("MINDPULSE_SAMPLE_SCALE", "1").strip() or "1"
    try:
        scale = float(raw_scale)
    except ValueError:
        scale = -1.0
    if not scale > 0:
        raise ConfigurationError(
            f"MINDPULSE_SAMPLE_SCALE={raw_scale!r} must be a positive number such as 1 or 10."
        )

    source_files: dict[str, Path] = {}
    for source, variable in SOURCE_FILE_VARIABLES.items():
        value = env.get(variable, "").strip()
        if not value:
            continue
        path = Path(value).expanduser().resolve()
        if not path.is_file():
            raise ConfigurationError(
                f"{variable}={value!r} does not point to a readable file; "
                f"give the path of the {source} export or unset {variable}."
            )
        source_files[source] = path

    snowflake = None
    if warehouse == "snowflake":
        snowflake = SnowflakeSettings(
            account=env.get("SNOWFLAKE_ACCOUNT"),
            user=env.get("SNOWFLAKE_USER"),
            role=env.get("SNOWFLAKE_ROLE"),
            warehouse=env.get("SNOWFLAKE_WAREHOUSE"),
            database=env.get("SNOWFLAKE_DATABASE", "MINDPULSE"),
            private_key_path=env.get("SNOWFLAKE_PRIVATE_KEY_PATH"),
        )

    return Settings(
        warehouse=warehouse,  # type: ignore[arg-type]
        duckdb_path=_path_from_env(env, "MINDPULSE_DUCKDB_PATH", DEFAULT_DUCKDB_PATH),
        default_source_mode=mode,  # type: ignore[arg-type]
        source_files=source_files,
        sample_scale=scale,
        cdc_app_token=env.get("MINDPULSE_CDC_APP_TOKEN") or None,
        snowflake=snowflake,
        dagster_home=_path_from_env(env, "DAGSTER_HOME", DEFAULT_DAGSTER_HOME),
    )
