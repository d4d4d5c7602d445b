"""Fixtures shared by every test folder, and the session's whole-pipeline runs.

The pipeline runs (tests/pipeline_runs.py) start in the background as soon as the session
starts; the tests that wait for them are moved to the end of the session (those waiting for
later runs later), so everything else runs meanwhile.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pipeline_runs import RUN_ORDER, PipelineRuns, module_ranks, runs_needed
from tests.real_data import CDC_EXPORT, require


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


@pytest.fixture(scope="session", autouse=True)
def pipeline_runs(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator:
    """Start, in the background, every pipeline run the selected tests will wait for."""
    runs = PipelineRuns(tmp_path_factory.mktemp("pipeline_runs"))
    request.config.stash[PIPELINE_RUNS] = runs
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


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """How long each background pipeline run took (its tests only show the wait for it)."""
    runs = config.stash.get(PIPELINE_RUNS, None)
    finished = runs.finished() if runs else {}
    if finished:
        described = [
            f"{name} {run.seconds:.1f}s (pipeline {'succeeded' if run.success else 'failed'})"
            for name, run in finished.items()
        ]
        terminalreporter.write_line("pipeline runs in the background: " + ", ".join(described))
