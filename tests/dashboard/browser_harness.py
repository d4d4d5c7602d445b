"""Real servers and real headless Chromium for the browser tests.

Servers run as subprocesses on free local ports (127.0.0.1 only) and are always stopped.
Screenshots go to artifacts/screenshots/ (git-ignored) so a person can look at the pages.
"""

from __future__ import annotations

import os
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

from tests.dashboard.dashboard_fixtures import REPO_ROOT

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


@contextmanager
def streamlit_dashboard(env: dict[str, str], log: Path) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on a free port; yields its URL once it answers."""
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
    url = f"http://127.0.0.1:{port}"
    with server(command, env, log) as process:
        wait_for_http(f"{url}/_stcore/health", process, log, 60)
        yield url
