"""The integration tests' pipeline runs (see tests/pipeline_runs.py and tests/conftest.py).

Tests that only read use the session's shared sample build (`sample_pipeline`); the runs below
change a warehouse, so each has its own workspace.
"""

from __future__ import annotations

import pytest

from tests.fault_runs import FaultChain
from tests.pipeline_runs import FinishedRun


@pytest.fixture(scope="session")
def second_pipeline_run(pipeline_runs) -> FinishedRun:
    """A copy of the sample build, materialized again unchanged."""
    return pipeline_runs.result("second")


@pytest.fixture(scope="session")
def blocked_pipeline_run(pipeline_runs) -> FinishedRun:
    """A copy of the sample build, then a run on an export with a national value of 150 %."""
    return pipeline_runs.result("blocked")


@pytest.fixture
def real_pipeline_run(real_cdc_export, pipeline_runs) -> FinishedRun:
    """The real CDC export end to end in its own workspace (skips when the file is absent)."""
    return pipeline_runs.result("real")


@pytest.fixture
def truncated_pipeline_run(real_cdc_export, pipeline_runs) -> FinishedRun:
    """A copy of the real build, then its export cut short: refused, then accepted."""
    return pipeline_runs.result("truncated")


@pytest.fixture(scope="session")
def fault_chain(pipeline_runs) -> FaultChain:
    """A copy of the sample build killed with SIGKILL at four points, run again after each."""
    return pipeline_runs.result("faults")


@pytest.fixture(scope="session")
def reddit_pipeline_run(pipeline_runs) -> FinishedRun:
    """A copy of the sample build, then the Reddit fixture's two batches, one run each, and a
    run with nothing new."""
    return pipeline_runs.result("reddit")


@pytest.fixture(scope="session")
def snowflake_pipeline_run(pipeline_runs) -> FinishedRun:
    """The sample build on Snowflake: a local fakesnow server (facts["stand_in"], up until the
    session ends) selected by MINDPULSE_WAREHOUSE=snowflake."""
    return pipeline_runs.result("snowflake")
