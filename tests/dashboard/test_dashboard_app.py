"""AppTest checks of the dashboard against a small published warehouse (see conftest)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

from tests.dashboard.app_pages import (
    NATIONAL,
    OVERVIEW,
    PAGE_IDS,
    PAGES,
    PAGES_WITHOUT_CHART,
    TRENDS,
    assert_no_exception,
    metric_values,
    open_page,
    page_text,
)
from tests.dashboard.dashboard_fixtures import CADENCE_NOTE, METRICS, Warehouse, latest_value
from tests.dashboard.publications import publish


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_every_page_renders_without_exception(warehouse: Warehouse, page: str | None) -> None:
    app = open_page(page)
    assert_no_exception(app)
    if page in PAGES_WITHOUT_CHART:
        assert app.get("form"), "a page without a chart shows its form"
    else:
        assert app.get("plotly_chart"), "each page shows at least one plotly chart"


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_crisis_resources_footer_on_every_page(warehouse: Warehouse, page: str | None) -> None:
    text = page_text(open_page(page))
    assert "988 Suicide & Crisis Lifeline" in text
    assert "text **HOME** to **741741**" in text
    assert "1-800-662-4357" in text
    assert "Outside the US: contact your local emergency services." in text


def test_overview_shows_latest_national_values(warehouse: Warehouse) -> None:
    app = open_page(OVERVIEW)
    values = metric_values(app)
    expected = latest_value("anxiety_or_depression", NATIONAL)
    assert values["Symptoms of anxiety or depressive disorder"] == f"{expected:.1f}%"
    assert values["Symptoms of depressive disorder"] == (
        f"{latest_value('depression', NATIONAL):.1f}%"
    )
    assert any(link.label.startswith("Survey trends") for link in app.get("page_link"))


def test_trends_page_shows_backtest_metrics_and_cadence_note(warehouse: Warehouse) -> None:
    app = open_page(TRENDS)
    assert_no_exception(app)
    values = metric_values(app)
    national = METRICS[("anxiety_or_depression", *NATIONAL)]
    assert values["MASE"] == f"{national['mase']:.2f}"
    assert values["MAE"] == f"{1.5 * national['mase']:.2f} pp"
    assert values["Error vs naive"] == f"{national['mase']:.2f}×"
    assert values["Interval coverage"] == "75%"
    text = page_text(app)
    assert "**Model:** Exponential smoothing (AutoETS)" in text
    assert "Prophet" in text and "Theta method (AutoTheta)" in text  # the candidates tried
    assert values["Latest estimate"] == f"{latest_value('anxiety_or_depression', NATIONAL):.1f}%"
    assert CADENCE_NOTE in [element.value for element in app.info]
    assert any("Beats the naive" in element.value for element in app.success)


def test_trends_page_shows_freshness(warehouse: Warehouse) -> None:
    text = page_text(open_page(TRENDS))
    assert "last loaded **2024-10-01 12:34 UTC** in `sample` mode" in text  # newest batch
    assert "latest survey period ends **Aug 19, 2024**" in text


def test_selectors_change_the_series(warehouse: Warehouse) -> None:
    app = open_page(TRENDS)
    assert app.selectbox(key="trends_group_type").value == "national"

    app.selectbox(key="trends_group_type").set_value("age").run()
    assert_no_exception(app)
    assert app.selectbox(key="trends_group_value_age").value == "18 - 29 years"
    values = metric_values(app)
    age = ("age", "18 - 29 years")
    assert values["MASE"] == f"{METRICS[('anxiety_or_depression', *age)]['mase']:.2f}"
    assert values["Latest estimate"] == f"{latest_value('anxiety_or_depression', age):.1f}%"
    chart_spec = app.get("plotly_chart")[0].proto.spec
    assert "Age: 18 - 29 years" in chart_spec

    app.selectbox(key="trends_group_value_age").set_value("30 - 39 years").run()
    assert_no_exception(app)
    assert "MASE" not in metric_values(app)
    assert any("No backtest for this series" in element.value for element in app.info)

    app.selectbox(key="trends_group_type").set_value("national").run()
    app.selectbox(key="trends_signal").set_value("depression").run()
    assert_no_exception(app)
    assert metric_values(app)["MASE"] == f"{METRICS[('depression', *NATIONAL)]['mase']:.2f}"
    assert any("Does not beat the naive" in element.value for element in app.warning)


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_nothing_published_yet_is_explained(
    unpublished_warehouse: Warehouse, page: str | None
) -> None:
    app = open_page(page)
    assert_no_exception(app)
    assert not unpublished_warehouse.published_path.exists()
    text = page_text(app)
    assert "Nothing has been published yet" in text
    assert "make run" in text
    assert "988 Suicide & Crisis Lifeline" in text


def test_a_new_publication_shows_up_on_the_next_run(warehouse: Warehouse) -> None:
    app = open_page(TRENDS)
    before = metric_values(app)["Latest estimate"]

    publish(warehouse, value_offset=5.0)
    app.run()

    after = metric_values(app)["Latest estimate"]
    expected = latest_value("anxiety_or_depression", NATIONAL, value_offset=5.0)
    assert after == f"{expected:.1f}%"
    assert after != before


HOLD_WRITE_LOCK = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("create table if not exists pipeline_marker as select 1 as running")
    print("holding", flush=True)
    time.sleep(120)
    """
)


def test_dashboard_reads_while_the_pipeline_holds_its_working_file(
    warehouse: Warehouse,
) -> None:
    writer = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(warehouse.working_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "holding", writer.stderr.read()
        # The lock is real: nobody else can open the working file, not even read-only.
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(warehouse.working_path), read_only=True)

        for page in PAGES:
            app = open_page(page)
            assert_no_exception(app)
            assert "Nothing has been published" not in page_text(app)
            assert app.get("form" if page in PAGES_WITHOUT_CHART else "plotly_chart")
    finally:
        writer.kill()
        writer.wait(timeout=30)
