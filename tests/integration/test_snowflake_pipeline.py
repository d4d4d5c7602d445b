"""The whole pipeline on Snowflake: MINDPULSE_WAREHOUSE=snowflake, pointed at a local fakesnow
server (tests/snowflake_stand_in.py), materializes every asset of the weekly job, `make run`'s
code path, with key-pair authentication through dagster-snowflake and dbt-snowflake.

Every source loads RAW through the same load_batch, dbt builds and tests every model in
Snowflake's dialect, every ML asset reads the marts and writes its ML tables through the
connector (Snowpark does not run against fakesnow; the Snowpark writer is tested in Snowpark's
local testing mode), and the dashboard's pages run their queries through
`st.connection("snowflake")`. The same sample as the session's DuckDB build gives the same
tables with the same row counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from extract.reddit.sample import _names  # the sample's made-up usernames
from tests.dashboard.app_pages import (
    OVERVIEW,
    PAGE_IDS,
    PAGES,
    SEGMENTS,
    TRENDS,
    assert_no_exception,
    metric_values,
    open_page,
    page_text,
)
from tests.pipeline_runs import FinishedRun
from tests.privacy_scan import database_texts, find_in_text, scan
from tests.snowflake_stand_in import SCHEMAS, StandIn
from tests.workspace import RunSummary, Workspace

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class SnowflakeRun:
    stand_in: StandIn
    workspace: Workspace
    summary: RunSummary


@pytest.fixture
def green_snowflake_run(snowflake_pipeline_run: FinishedRun) -> SnowflakeRun:
    """The session's sample build on Snowflake (tests/pipeline_runs.py), which must be green."""
    summary = snowflake_pipeline_run.result
    assert summary.success, summary.describe()
    stand_in = snowflake_pipeline_run.facts["stand_in"]
    return SnowflakeRun(stand_in, snowflake_pipeline_run.workspace, summary)


def _duckdb_counts(run: FinishedRun) -> dict[str, int]:
    """Rows of every table and view of the four layers in the DuckDB build."""
    tables = run.workspace.query(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('raw', 'staging', 'marts', 'ml')"
    )
    return {f"{s}.{t}": run.workspace.count(f"{s}.{t}") for s, t in tables}


def _snowflake_tables(stand_in: StandIn) -> set[str]:
    """The tables of the four layers in Snowflake (fakesnow's catalog lists no views)."""
    found = set()
    for schema in SCHEMAS:
        rows = stand_in.query(
            "select table_name from information_schema.tables where table_schema = ?", [schema]
        )
        found |= {f"{schema}.{table}".lower() for (table,) in rows}
    return found


def test_every_asset_materializes_on_snowflake_and_every_check_passes(
    green_snowflake_run: SnowflakeRun, sample_pipeline: FinishedRun
):
    summary = green_snowflake_run.summary
    assert summary.failed_checks == []
    assert summary.materialized == sample_pipeline.result.materialized
    assert "dashboard/mindpulse_dashboard" in summary.materialized
    # Nothing was written to a DuckDB file: the warehouse is Snowflake for every layer.
    assert not green_snowflake_run.workspace.warehouse.exists()
    # dbt built through the Snowflake adapter, as the profile's target follows the switch.
    assert "Registered adapter: snowflake=" in summary.output


def test_every_table_holds_the_same_rows_as_on_duckdb(
    green_snowflake_run: SnowflakeRun, sample_pipeline: FinishedRun
):
    stand_in = green_snowflake_run.stand_in
    on_duckdb = _duckdb_counts(sample_pipeline)
    # Every table and view of the DuckDB build exists in Snowflake (a missing one fails the
    # count) and holds as many rows; Snowflake holds no table DuckDB lacks.
    on_snowflake = {
        name: stand_in.query(f"select count(*) from {name}")[0][0] for name in on_duckdb
    }
    assert _snowflake_tables(stand_in) <= set(on_duckdb)
    differing = {
        table: (on_duckdb[table], on_snowflake[table])
        for table in on_duckdb
        if on_duckdb[table] != on_snowflake[table]
    }
    assert differing == {}
    assert on_snowflake["marts.fct_signals"] > 10_000 and on_snowflake["ml.forecasts"] > 10_000


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_dashboard_page_reads_snowflake(
    green_snowflake_run: SnowflakeRun, page, monkeypatch: pytest.MonkeyPatch
):
    for name, value in green_snowflake_run.stand_in.env.items():
        monkeypatch.setenv(name, value)
    app = open_page(page)
    assert_no_exception(app)
    text = page_text(app)
    assert "did not answer" not in text and "Nothing published" not in text, text[:500]
    assert "988" in text  # crisis resources on every page


@pytest.mark.parametrize(
    "page", [OVERVIEW, TRENDS, SEGMENTS], ids=["overview", "trends", "segments"]
)
def test_pages_show_the_same_figures_as_from_duckdb(
    green_snowflake_run: SnowflakeRun,
    sample_pipeline: FinishedRun,
    page,
    monkeypatch: pytest.MonkeyPatch,
):
    for name, value in green_snowflake_run.stand_in.env.items():
        monkeypatch.setenv(name, value)
    on_snowflake = metric_values(open_page(page))
    for name in green_snowflake_run.stand_in.env:
        monkeypatch.delenv(name)
    monkeypatch.setenv("MINDPULSE_DATA_DIR", str(sample_pipeline.workspace.data_dir))
    on_duckdb = metric_values(open_page(page))
    assert on_snowflake and on_snowflake == on_duckdb


def test_the_signals_mart_is_the_same_row_for_row(
    green_snowflake_run: SnowflakeRun, sample_pipeline: FinishedRun
):
    # What every forecast, relationship and anomaly reads: Snowflake's dialect of the models
    # (cross-database macros) gives the very rows DuckDB's does.
    columns = (
        "signal, source, cadence, group_type, group_value, period_start, period_end, "
        "round(value, 9), round(ci_low, 9), round(ci_high, 9), unit"
    )
    query = f"select {columns} from marts.fct_signals order by {columns}"
    on_snowflake = green_snowflake_run.stand_in.query(query)
    on_duckdb = sample_pipeline.workspace.query(query)
    assert len(on_snowflake) == len(on_duckdb) > 10_000
    assert on_snowflake == on_duckdb


def test_nothing_the_snowflake_run_wrote_holds_an_author_name_an_email_or_a_phone(
    green_snowflake_run: SnowflakeRun,
):
    # The sample plants authors, e-mail addresses and phone numbers in what the extract reads;
    # on Snowflake as on DuckDB none may reach a table or a log.
    # Every name the scale-1 sample draws its authors from (extract/reddit/sample.py).
    names = frozenset(_names(3000))
    stand_in = green_snowflake_run.stand_in
    schemas = ", ".join(f"'{schema}'" for schema in SCHEMAS)
    texts = list(database_texts(stand_in.query, "snowflake", f"table_schema in ({schemas})"))
    # The scan read the tables that hold the posts' text (a scan of nothing finds nothing).
    read = {where for where, _ in texts}
    assert {"snowflake: RAW.REDDIT_POSTS.TITLE", "snowflake: ML.REDDIT_INSIGHTS.EXCERPTS"} <= read
    findings = [finding for where, text in texts for finding in find_in_text(text, where, names)]
    # Logs, dbt's invocation folders, Dagster's storage and the run's output. The landing files
    # are the extract's, the same as with DuckDB; the sample's lands epoch seconds as JSON
    # numbers, which this scan's phone pattern cannot tell from a phone number.
    root = green_snowflake_run.workspace.root
    for folder in (
        root / "data" / "logs",
        root / "data" / "dbt",
        root / "dagster_home",
        root / "runs",
    ):
        findings += scan(folder, names)
    assert findings == [], [str(f) for f in findings[:10]]
