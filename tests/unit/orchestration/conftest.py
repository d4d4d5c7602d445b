"""A Dagster home per test, copied from one whose databases were created once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration.run_pipeline import INSTANCE_CONFIG


@pytest.fixture(scope="session")
def blank_dagster_home(tmp_path_factory) -> Path:
    """The project's instance settings (pool limit 1), storage created and migrated."""
    home = tmp_path_factory.mktemp("blank_dagster_home")
    shutil.copyfile(INSTANCE_CONFIG, home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)):
        pass
    return home


@pytest.fixture
def dagster_home(tmp_path, blank_dagster_home) -> Path:
    """An empty Dagster home of this test's own (a copy costs a tenth of creating one)."""
    return Path(shutil.copytree(blank_dagster_home, tmp_path / "dagster_home"))
