"""Fixtures pointing the dashboard at a small published warehouse (see dashboard_fixtures)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dashboard.dashboard_fixtures import Warehouse
from tests.dashboard.publications import publish
from tests.dashboard.survey_fixtures import dashboard_reading, publish_survey


def _point_settings_at(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> Warehouse:
    target = Warehouse(data_dir)
    for name, value in target.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MINDPULSE_DUCKDB_PATH", raising=False)
    return target


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """A published warehouse (and a working file) that the dashboard is pointed at."""
    target = _point_settings_at(monkeypatch, tmp_path / "data")
    publish(target)
    return target


@pytest.fixture
def unpublished_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Warehouse:
    """Settings pointing at a location where nothing has been published yet."""
    return _point_settings_at(monkeypatch, tmp_path / "data")


@pytest.fixture(scope="module")
def survey_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    """One published warehouse with the survey tables, shared by a module's tests."""
    with dashboard_reading(tmp_path_factory.mktemp("survey") / "data") as target:
        publish_survey(target)
        yield target
