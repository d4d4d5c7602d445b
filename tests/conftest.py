"""Fixtures shared by every test folder, and the session's whole-pipeline runs.

The pipeline runs (tests/pipeline_runs.py) start in the background as soon as the session
starts; the tests that wait for them are moved to the end of the session (those waiting for
later runs later), so everything else runs meanwhile. The tests run in two pytest-xdist worker
processes; tests/workers.py says which runs what.
"""

import functools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.components.v2 import manifest_scanner

from tests.memory_tmp import memory_basetemp
from tests.pipeline_runs import RUN_ORDER, PipelineRuns, module_ranks, runs_needed
from tests.real_data import CDC_EXPORT, require
from tests.workers import RUN_TESTS, PipelineWorkerScheduling, is_pipeline_worker


def _scan_component_manifests_once() -> None:
    """Every new Streamlit AppTest scans the metadata of every installed package for components
    (about a tenth of a second; a hundred AppTests a session). The installed packages do not
    change during the session: the first scan serves every AppTest after it."""
    scan = manifest_scanner.scan_component_manifests
    if hasattr(scan, "first_scan"):
        return
    first_scan = functools.cache(scan)

    def scan_once(max_workers: int | None = None) -> list:
        return list(first_scan(max_workers))

    scan_once.first_scan = first_scan
    manifest_scanner.scan_component_manifests = scan_once


_scan_component_manifests_once()


@pytest.fixture
def real_cdc_export() -> Path:
    """The real CDC Household Pulse export from ../shared (skips when absent)."""
    return require(CDC_EXPORT)


PIPELINE_RUNS = pytest.StashKey[PipelineRuns]()


def _runs_waited_for(item: pytest.Item) -> list[str]:
    return runs_needed(set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run modules that wait for a pipeline run last, those waiting for later runs later.

    Whole modules move, so module-scoped fixtures are still set up once.
    """
    ranks = module_ranks([(item.nodeid, _runs_waited_for(item)) for item in items])
    items.sort(key=lambda item: ranks[item.nodeid.split("::")[0]])


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test that waits for a pipeline run belongs in tests/integration/ (tests/workers.py)."""
    if _runs_waited_for(item) and not item.nodeid.startswith(RUN_TESTS):
        pytest.fail(
            f"{item.nodeid} waits for a pipeline run: move it to {RUN_TESTS}, where the worker "
            "that runs the pipeline runs takes it (tests/workers.py)",
            pytrace=False,
        )


@pytest.fixture(scope="session", autouse=True)
def pipeline_runs(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator:
    """Start, in the background, every pipeline run the selected tests will wait for (in the
    pipeline worker; the others never wait for one)."""
    runs = PipelineRuns(tmp_path_factory.mktemp("pipeline_runs"))
    request.config.stash[PIPELINE_RUNS] = runs
    needed = set()
    if is_pipeline_worker():
        needed = {run for item in request.session.items for run in _runs_waited_for(item)}
    for run in RUN_ORDER:
        if run in needed:
            runs.start(run)
    yield runs
    runs.close()


@pytest.fixture(scope="session")
def sample_pipeline(pipeline_runs):
    """The session's one pipeline build on sample data (scale 1); read it, never change it."""
    return pipeline_runs.result("sample")


@pytest.fixture
def sample_build(sample_pipeline):
    """The shared sample build's workspace, failing the test at once if the build was not green."""
    assert sample_pipeline.result.success, sample_pipeline.result.describe()
    return sample_pipeline.workspace


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log) -> PipelineWorkerScheduling:
    return PipelineWorkerScheduling(config, log)


RUNS_SUMMARY = "pipeline_runs_summary"
SUMMARIES = pytest.StashKey[list[str]]()
MEMORY_BASETEMP = pytest.StashKey[Path]()
FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Temporary files on /dev/shm when it has room (tests/memory_tmp.py), unless --basetemp is
    given. Before pytest's own configuration reads the option; workers get theirs from here."""
    if config.option.basetemp is None and not hasattr(config, "workerinput"):
        basetemp = memory_basetemp()
        if basetemp is not None:
            config.option.basetemp = str(basetemp)
            config.stash[MEMORY_BASETEMP] = basetemp


def pytest_unconfigure(config: pytest.Config) -> None:
    """Free the memory the session's files took, unless it failed (then they stay to look at)."""
    basetemp = config.stash.get(MEMORY_BASETEMP, None)
    if basetemp is not None and not config.stash.get(FAILED, False):
        shutil.rmtree(basetemp, ignore_errors=True)


def _runs_summary(config: pytest.Config) -> str:
    """How long each background pipeline run took (its tests only show the wait for it)."""
    runs = config.stash.get(PIPELINE_RUNS, None)
    finished = runs.finished() if runs else {}
    described = [
        f"{name} {run.seconds:.1f}s (pipeline {'succeeded' if run.success else 'failed'})"
        for name, run in finished.items()
    ]
    return "pipeline runs in the background: " + ", ".join(described) if described else ""


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A worker hands its summary to the controlling process, which prints the report."""
    session.config.stash[FAILED] = exitstatus != 0
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput[RUNS_SUMMARY] = _runs_summary(session.config)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    summary = getattr(node, "workeroutput", {}).get(RUNS_SUMMARY)
    if summary:
        node.config.stash.setdefault(SUMMARIES, []).append(summary)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    for summary in [_runs_summary(config), *config.stash.get(SUMMARIES, [])]:
        if summary:
            terminalreporter.write_line(summary)
    basetemp = config.stash.get(MEMORY_BASETEMP, None)
    if basetemp is not None and config.stash.get(FAILED, False):
        terminalreporter.write_line(f"temporary files kept for a look: {basetemp}")
