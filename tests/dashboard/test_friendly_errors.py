"""A warehouse error reaches the viewer as a short message with what to do; details go to the log.

The errors are real where they can be: publications with a missing table, an older layout or a
broken file. Snowflake cannot run here, so its connection raises an error shaped like the
connector's, from the same place the real one would.
"""

from __future__ import annotations

import logging

import duckdb
import pandas as pd
import pytest

from dashboard import data, warehouse
from tests.dashboard.app_pages import (
    OVERVIEW,
    PAGE_IDS,
    PAGES,
    TRENDS,
    assert_no_exception,
    everything_rendered,
    open_page,
    page_text,
)
from tests.dashboard.dashboard_fixtures import Warehouse
from tests.dashboard.publications import publish

CRISIS_LINE = "988 Suicide & Crisis Lifeline"
# Snowflake's connector puts account, user and host in its messages.
SNOWFLAKE_TEXT = (
    "250001 (08001): Failed to connect to DB: acme-xy12345.snowflakecomputing.com:443. "
    "Incorrect username or password was specified for user MINDPULSE_SVC."
)


class ProgrammingError(Exception):
    """Stands in for snowflake.connector.errors.ProgrammingError (importing it takes seconds)."""


def logged_errors(caplog: pytest.LogCaptureFixture) -> list[BaseException]:
    return [r.exc_info[1] for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]


def assert_explained(app, *phrases: str, hidden: tuple[str, ...]) -> None:
    """One viewer-facing warning with `phrases`, none of the `hidden` text, no traceback."""
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    warnings = [element.value for element in app.warning]
    assert any(all(p in w for p in phrases) for w in warnings), warnings
    rendered = everything_rendered(app)
    for text in ("Traceback", "Error:", *hidden):
        assert text not in rendered, text
    assert CRISIS_LINE in page_text(app)


def test_a_publication_missing_a_table_is_explained(warehouse: Warehouse, caplog) -> None:
    publish(warehouse, then="drop table ml.forecast_metrics")
    app = open_page(TRENDS)
    assert_explained(app, "lacks a table", "make run", hidden=("forecast_metrics", "Catalog"))
    assert any(isinstance(e, duckdb.CatalogException) for e in logged_errors(caplog))


def test_a_publication_from_an_older_layout_is_explained(warehouse: Warehouse, caplog) -> None:
    # A copy published before the confidence interval was part of the mart's contract.
    publish(warehouse, then="alter table marts.fct_signals drop column ci_low")
    app = open_page(TRENDS)
    assert_explained(app, "older version", "make run", hidden=("ci_low", "Binder"))
    [error] = logged_errors(caplog)
    assert isinstance(error, duckdb.BinderException) and "ci_low" in str(error)


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_a_published_file_that_is_not_a_database_is_explained(
    unpublished_warehouse: Warehouse, page: str | None, caplog
) -> None:
    published = unpublished_warehouse.published_path
    published.parent.mkdir(parents=True)
    published.write_bytes(b"not a database " * 1000)
    app = open_page(page)
    assert_explained(app, "could not be opened", "make run", hidden=(str(published),))
    assert any(isinstance(e, duckdb.IOException) for e in logged_errors(caplog))


def test_a_snowflake_error_is_explained_without_its_text(
    monkeypatch: pytest.MonkeyPatch, caplog, tmp_path
) -> None:
    key = tmp_path / "rsa_key.p8"
    key.write_text("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    for name, value in {
        "MINDPULSE_WAREHOUSE": "snowflake",
        "SNOWFLAKE_ACCOUNT": "acme-xy12345",
        "SNOWFLAKE_USER": "MINDPULSE_SVC",
        "SNOWFLAKE_ROLE": "MINDPULSE_READER",
        "SNOWFLAKE_WAREHOUSE": "MINDPULSE_WH",
        "SNOWFLAKE_PRIVATE_KEY_PATH": str(key),
    }.items():
        monkeypatch.setenv(name, value)

    def connection_refused():
        raise ProgrammingError(SNOWFLAKE_TEXT)

    monkeypatch.setattr(warehouse, "snowflake_connection", connection_refused)
    app = open_page(OVERVIEW)
    assert_explained(
        app, "Snowflake did not answer", "SNOWFLAKE_", hidden=("acme-xy12345", "MINDPULSE_SVC")
    )
    assert [str(e) for e in logged_errors(caplog)] == [SNOWFLAKE_TEXT]


def test_a_series_without_periods_is_explained(
    warehouse: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a live warehouse can answer: a series from the cached list, gone since a rebuild.
    def no_periods(*_args, **_kwargs) -> pd.DataFrame:
        columns = ["period_start", "period_end", "cadence", "value", "ci_low", "ci_high", "unit"]
        return pd.DataFrame(columns=columns)

    monkeypatch.setattr(data, "series_history", no_periods)
    app = open_page(TRENDS)
    assert_no_exception(app)
    assert any("no survey periods" in element.value for element in app.info)
    assert CRISIS_LINE in page_text(app)
