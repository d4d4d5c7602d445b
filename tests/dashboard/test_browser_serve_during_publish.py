"""A real Streamlit server keeps serving clean pages while the pipeline publishes again and again.

A background thread publishes exactly as the pipeline's dashboard asset does (the working file
replaced by one of two builds with visibly different contents, then publish_warehouse), while
headless Chromium reloads both pages. Every load must render without an error and show one
publication throughout: its survey values, backtest and load record all from the same build.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from orchestration.publish import publish_warehouse
from orchestration.settings import Settings, load_settings
from tests.dashboard.browser_harness import (
    assert_no_streamlit_exception,
    chromium_page,
    require_chromium,
    streamlit_dashboard,
    wait_for_plotly,
)
from tests.dashboard.dashboard_fixtures import METRICS, Warehouse, build_warehouse, latest_value
from tests.dashboard.publications import ALSO_CHANGED

pytestmark = pytest.mark.browser

CRISIS_LINE = "988 Suicide & Crisis Lifeline"
NATIONAL = ("national", "United States")
SERIES = ("anxiety_or_depression", *NATIONAL)
ROUNDS = 3
# What each build shows: (latest national estimate, MASE of the national series, load date).
BUILDS = {
    "first": (f"{latest_value(SERIES[0], NATIONAL):.1f}%", f"{METRICS[SERIES]['mase']:.2f}",
              "2024-10-01"),
    "second": (f"{latest_value(SERIES[0], NATIONAL, 10.0):.1f}%",
               f"{METRICS[SERIES]['mase'] + 1:.2f}", "2024-10-02"),
}  # fmt: skip


@contextmanager
def publishing_continuously(settings: Settings, builds: list[Path]) -> Iterator[list[Path]]:
    """Publish the builds in turn until the block ends; yields the list of what was published."""
    published: list[Path] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def keep_publishing() -> None:
        try:
            while not stop.is_set():
                build = builds[len(published) % len(builds)]
                # What a dbt build does to the working file, then the dashboard asset's call.
                next_file = settings.duckdb_path.with_name("next.duckdb")
                next_file.write_bytes(build.read_bytes())
                os.replace(next_file, settings.duckdb_path)
                publish_warehouse(settings.duckdb_path, settings.published_duckdb_path)
                published.append(build)
                stop.wait(0.05)
        except BaseException as exc:  # reported by the test, not lost in the thread
            failures.append(exc)

    thread = threading.Thread(target=keep_publishing, daemon=True)
    thread.start()
    try:
        yield published
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not failures, failures


def metrics_shown(page) -> dict[str, str]:
    metrics = page.locator('[data-testid="stMetric"]')
    return {
        metrics.nth(i).locator('[data-testid="stMetricLabel"]').inner_text().strip(): metrics.nth(i)
        .locator('[data-testid="stMetricValue"]')
        .inner_text()
        .strip()
        for i in range(metrics.count())
    }


def load(page, url: str, ready: str) -> str:
    """Open `url`, wait until its script run has finished, check it is clean; return its text."""
    page.goto(url)
    page.get_by_text(ready).first.wait_for(timeout=60_000)
    wait_for_plotly(page)
    # The footer is rendered last, after the page: waiting for it means the run is done.
    page.get_by_text(CRISIS_LINE).wait_for(timeout=60_000)
    assert_no_streamlit_exception(page)
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    text = page.locator("body").inner_text()
    for problem in ("Traceback", "cannot be read right now", "Nothing has been published"):
        assert problem not in text, text[:3000]
    return text


def build_of(latest: str, mase: str | None, text: str) -> str:
    """Which build a page showed, checking that all it showed comes from that one build."""
    loaded = re.search(r"last loaded (\d{4}-\d{2}-\d{2})", text)
    assert loaded, text[:3000]
    shown = (latest, mase, loaded.group(1))
    for name, (build_latest, build_mase, build_loaded) in BUILDS.items():
        if shown == (build_latest, mase and build_mase, build_loaded):
            return name
    raise AssertionError(f"{shown} mixes publications: {BUILDS}")


def test_pages_stay_clean_and_consistent_while_publications_land(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    require_chromium()
    builds = [tmp_path / "first.duckdb", tmp_path / "second.duckdb"]
    build_warehouse(builds[0])
    build_warehouse(builds[1], 10.0, then=ALSO_CHANGED)
    settings = load_settings()  # the warehouse fixture points it at the test's data folder
    env = {**os.environ, **warehouse.env()}
    shown = []
    with (
        streamlit_dashboard(env, tmp_path / "streamlit.log") as url,
        chromium_page() as page,
        publishing_continuously(settings, builds) as published,
    ):
        for _ in range(ROUNDS):
            text = load(page, url, "Latest national estimates")
            latest = metrics_shown(page)["Symptoms of anxiety or depressive disorder"]
            shown.append(build_of(latest, None, text))

            text = load(page, f"{url}/survey-trends", "How good is this forecast?")
            metrics = metrics_shown(page)
            shown.append(build_of(metrics["Latest estimate"], metrics["MASE"], text))
        publications = len(published)
    assert publications > 2 * ROUNDS, "the pages were loaded while publications landed"
    print(f"{publications} publications during {len(shown)} page loads; pages showed {shown}")
