"""Real-browser smoke tests: headless Chromium opens the dashboard and the Dagster UI.

Both servers run as subprocesses on free local ports (127.0.0.1 only) and are always stopped.
Screenshots go to artifacts/screenshots/ (git-ignored) so a person can look at the pages.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.dashboard.dashboard_fixtures import REPO_ROOT, Warehouse

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
DAGSTER_MODULE = "orchestration.definitions"
FCT_SIGNALS_KEY = "marts/fct_signals"
DBT_MANIFEST = REPO_ROOT / "dbt_project" / "target" / "manifest.json"
BIN_DIR = Path(sys.executable).parent
VIEWPORT = {"width": 1440, "height": 1000}


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM}; install it with "
            "`apt-get update && apt-get install -y chromium` (that is what .ci/run does)."
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    """Poll ``url`` until it answers 200; fail with the server's log if it dies or stalls."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {timeout:.0f}s:\n{log.read_text()[-4000:]}")


@contextmanager
def server(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """Run a server subprocess for the duration of the block, then stop it for sure."""
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so children stop with it
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, 15)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, 9)
                    process.wait(timeout=20)


@contextmanager
def chromium_page(viewport: dict[str, int] = VIEWPORT) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport=viewport)
            yield page
        finally:
            browser.close()


def screenshot(page, name: str) -> Path:
    """Save the whole page. Streamlit scrolls inside its main container, not the document, so
    the viewport is first made as tall as that content (a full_page shot alone would crop)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(
        "() => Math.max(document.body.scrollHeight, ...Array.from("
        "document.querySelectorAll('[data-testid=\"stMain\"], section.main'), "
        "e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": page.viewport_size["width"], "height": min(height, 6000)})
    page.wait_for_timeout(500)  # let plotly re-layout to the new size
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_streamlit_exception(page) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()


def wait_for_plotly(page) -> None:
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=60_000)


def test_dashboard_in_chromium(warehouse: Warehouse, tmp_path: Path) -> None:
    require_chromium()
    port = free_port()
    command = [
        str(BIN_DIR / "streamlit"),
        "run",
        "dashboard/app.py",
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
    ]
    env = {**os.environ, **warehouse.env()}
    url = f"http://127.0.0.1:{port}"
    with server(command, env, tmp_path / "streamlit.log") as process:
        wait_for_http(f"{url}/_stcore/health", process, tmp_path / "streamlit.log", 60)
        with chromium_page() as page:
            page.goto(url)
            page.get_by_text("Latest national estimates").wait_for(timeout=60_000)
            wait_for_plotly(page)
            page.get_by_text("988 Suicide & Crisis Lifeline").wait_for(timeout=60_000)
            assert page.get_by_text("Symptoms of anxiety or depressive disorder").count() > 0
            assert_no_streamlit_exception(page)
            screenshot(page, "dashboard_overview.png")
            page.set_viewport_size(VIEWPORT)

            page.locator('[data-testid="stSidebarNav"] a', has_text="Survey trends").click()
            page.get_by_text("How good is this forecast?").wait_for(timeout=60_000)
            wait_for_plotly(page)
            page.get_by_text("MASE").first.wait_for()
            # The footer is rendered last, after the page: waiting for it means the run is done.
            page.get_by_text("988 Suicide & Crisis Lifeline").wait_for(timeout=60_000)
            assert page.get_by_text("Survey periods are irregular").count() == 1
            assert_no_streamlit_exception(page)
            assert page.url.endswith("/survey-trends")
            screenshot(page, "dashboard_survey_trends.png")


def dagster_code_location_problem(env: dict[str, str]) -> str | None:
    """Why the Dagster UI cannot be tested here, or None when it can."""
    if not DBT_MANIFEST.exists():
        return f"dbt manifest missing at {DBT_MANIFEST}; run `make run` (or `make dev`) first"
    probe = subprocess.run(
        [sys.executable, "-c", f"import {DAGSTER_MODULE}"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if probe.returncode != 0:
        return f"{DAGSTER_MODULE} is not importable: {probe.stderr.strip()[-1500:]}"
    return None


def dismiss_dagster_welcome(page) -> None:
    """Close the first-visit "Join the Dagster community" dialog if it shows."""
    skip = page.get_by_role("button", name="Skip")
    try:
        skip.wait_for(timeout=5_000)
    except PlaywrightTimeout:
        return
    skip.click()


def test_dagster_asset_graph_in_chromium(warehouse: Warehouse, tmp_path: Path) -> None:
    require_chromium()
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    env = {**os.environ, **warehouse.env(), "DAGSTER_HOME": str(dagster_home)}
    problem = dagster_code_location_problem(env)
    if problem:
        pytest.skip(problem)
    webserver = BIN_DIR / "dagster-webserver"
    if not shutil.which(str(webserver)):
        pytest.skip(f"{webserver} not found; install the project with `make run` first")

    port = free_port()
    command = [str(webserver), "-m", DAGSTER_MODULE, "-h", "127.0.0.1", "-p", str(port)]
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "dagster-webserver.log"
    with server(command, env, log) as process:
        wait_for_http(f"{url}/server_info", process, log, 180)
        with chromium_page() as page:
            # The asset's lineage view: the graph around marts/fct_signals. (The global
            # lineage collapses asset groups, so a node name is not always visible there.)
            page.goto(f"{url}/assets/{FCT_SIGNALS_KEY}?view=lineage")
            page.get_by_text("fct_signals").first.wait_for(timeout=120_000)
            dismiss_dagster_welcome(page)
            page.locator("svg foreignObject, [data-testid='asset-node']").filter(
                has_text="fct_signals"
            ).first.wait_for(timeout=60_000)
            page.wait_for_timeout(2000)  # let the nodes finish loading before judging
            body = page.locator("body").inner_text()
            for error in ("Error loading", "Unexpected GraphQL error", "could not be loaded"):
                assert error not in body, body[:2000]
            screenshot(page, "dagster_asset_graph.png")
