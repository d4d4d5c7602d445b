"""Helpers to run the real Dagster job in-process against a throwaway DuckDB warehouse."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.run_pipeline import run_all


@dataclass
class Workspace:
    root: Path
    progress: io.StringIO | None = None

    @property
    def data_dir(self) -> Path:
        """The workspace's data folder (MINDPULSE_DATA_DIR); every path below derives from it."""
        return self.root / "data"

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse" / "mindpulse.duckdb"

    @property
    def published(self) -> Path:
        return self.data_dir / "warehouse" / "published" / "mindpulse.duckdb"

    @property
    def landing(self) -> Path:
        return self.data_dir / "landing"

    def run(self, **env: str) -> dg.ExecuteInProcessResult:
        """Materialize the whole weekly job with these extra MINDPULSE_* variables."""
        with pytest.MonkeyPatch.context() as mp:
            # Only the data folder is set: the warehouse path is derived from it, as by default.
            mp.setenv("MINDPULSE_DATA_DIR", str(self.data_dir))
            mp.setenv("DAGSTER_HOME", str(self.root / "dagster_home"))
            for name, value in env.items():
                mp.setenv(name, value)
            self.progress = io.StringIO()
            with dg.DagsterInstance.ephemeral() as instance:
                # The code path of `make run`, progress lines included.
                return run_all(instance, out=self.progress)

    def query(self, sql: str, path: Path | None = None) -> list[tuple]:
        with duckdb.connect(str(path or self.warehouse), read_only=True) as conn:
            return conn.execute(sql).fetchall()

    def count(self, table: str, path: Path | None = None) -> int:
        return self.query(f"select count(*) from {table}", path)[0][0]

    def table_digest(self, table: str, order_by: str) -> str:
        rows = self.query(f"select * from {table} order by {order_by}")
        return hashlib.sha256(repr(rows).encode()).hexdigest()

    @staticmethod
    def materialized_keys(result: dg.ExecuteInProcessResult) -> set[str]:
        return {
            event.asset_key.to_user_string()
            for event in result.get_asset_materialization_events()
            if event.asset_key
        }

    @staticmethod
    def failed_checks(result: dg.ExecuteInProcessResult) -> list[str]:
        return [
            f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            for evaluation in result.get_asset_check_evaluations()
            if not evaluation.passed
        ]


@pytest.fixture(scope="module")
def new_workspace(tmp_path_factory) -> Iterator[Callable[[str], Workspace]]:
    """Factory of isolated workspaces: own warehouse file, no MINDPULSE_* leaking in."""
    with pytest.MonkeyPatch.context() as mp:
        for variable in (
            "MINDPULSE_WAREHOUSE",
            "MINDPULSE_SOURCES",
            "MINDPULSE_CDC_PULSE_FILE",
            "MINDPULSE_SAMPLE_SCALE",
            "MINDPULSE_DUCKDB_PATH",
            "MINDPULSE_DATA_DIR",
            "MINDPULSE_LANDING_RETENTION_DAYS",
        ):
            mp.delenv(variable, raising=False)

        def create(name: str) -> Workspace:
            return Workspace(tmp_path_factory.mktemp(name))

        yield create
