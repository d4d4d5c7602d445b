"""Fixtures for the dbt project tests (helpers in dbt_harness).

One sample warehouse is built per session and shared; tests that damage data work on copies.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.dbt.dbt_harness import (
    BuiltWarehouse,
    execute,
    load_cross_source_samples,
    load_osmi_fixture,
    load_raw,
    run_dbt,
)
from tests.reddit_fixture import load_fixture


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    """Sample data loaded through the extract API, both batches of the Reddit fixture with
    their sentiment (tests/reddit_fixture.py), both OSMI fixture files
    (tests/osmi_fixture.py) and the news, search-interest and WHO samples, then `dbt build`
    once for the session."""
    root = tmp_path_factory.mktemp("dbt_sample")
    path = root / "warehouse" / "mindpulse.duckdb"
    load_raw(path, root / "landing", "sample")
    load_fixture(path)
    load_osmi_fixture(path, root)
    load_cross_source_samples(path, root)
    build = run_dbt(["build"], duckdb_path=path, work_dir=root)
    execute(path, "checkpoint")  # everything in the main file before it is copied
    pristine = root / "pristine" / "mindpulse.duckdb"
    pristine.parent.mkdir()
    shutil.copyfile(path, pristine)
    return BuiltWarehouse(path=path, pristine_copy=pristine, work_dir=root, build=build)


@pytest.fixture
def green_sample_warehouse(sample_warehouse: BuiltWarehouse) -> BuiltWarehouse:
    """The shared sample warehouse, failing the test at once if its build was not green."""
    assert sample_warehouse.build.returncode == 0, sample_warehouse.build.describe()
    return sample_warehouse


@pytest.fixture(scope="session")
def scratch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One warehouse path and dbt target reused by the damaging tests, one after the other.

    Keeping the same path keeps dbt's profile unchanged between those runs, so dbt can parse
    the project partially instead of from scratch each time.
    """
    return tmp_path_factory.mktemp("dbt_scratch")


@pytest.fixture
def damaged_copy(
    green_sample_warehouse: BuiltWarehouse, scratch_dir: Path
) -> Callable[..., tuple[Path, Path]]:
    """Copy the freshly built sample warehouse, apply SQL to it, return (path, work_dir)."""

    def make(*statements: str) -> tuple[Path, Path]:
        path = scratch_dir / "warehouse" / "mindpulse.duckdb"
        path.parent.mkdir(exist_ok=True)
        shutil.copyfile(green_sample_warehouse.pristine_copy, path)
        execute(path, *statements)
        return path, scratch_dir

    return make


@pytest.fixture
def fresh_scratch(scratch_dir: Path) -> tuple[Path, Path]:
    """No warehouse yet at the scratch path (a test builds its own there), and the scratch
    folder: the same profile as the damaging tests', so dbt parses the project partially."""
    path = scratch_dir / "warehouse" / "mindpulse.duckdb"
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return path, scratch_dir
