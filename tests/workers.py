"""How the session's tests are shared between pytest-xdist's worker processes.

The pipeline runs (tests/pipeline_runs.py) work in background threads of one worker, the
pipeline worker, from the session's start; every test that waits for them lives in
tests/integration/ and goes to that worker, after everything else it takes on, so that it
waits as little as possible. The other tests are shared out a module at a time (module
fixtures are set up once), except tests/dbt/, one unit: its modules share a warehouse built
once per session.

With `pytest -n 0` the one process is the pipeline worker.
"""

from __future__ import annotations

import os

from xdist.scheduler import LoadScopeScheduling

PIPELINE_WORKER = "gw0"
RUN_TESTS = "tests/integration/"  # the tests that wait for pipeline runs, and only they
SHARED_UNITS = ("tests/dbt/",)  # units of their own: every module under each


def is_pipeline_worker() -> bool:
    """Whether this process runs the pipeline runs (and the tests that wait for them)."""
    return os.environ.get("PYTEST_XDIST_WORKER", PIPELINE_WORKER) == PIPELINE_WORKER


def unit_of(node_id: str) -> str:
    path = node_id.split("::")[0]
    return next((shared for shared in SHARED_UNITS if path.startswith(shared)), path)


class PipelineWorkerScheduling(LoadScopeScheduling):
    """xdist's module-at-a-time scheduling, with tests/integration/ kept for the pipeline
    worker and handed to it only once nothing else is left for it."""

    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid)

    def _next_unit(self, node) -> str | None:
        """The first waiting unit this node may take: any but the run tests' for the others,
        the run tests' last for the pipeline worker. The shared units are the largest:
        started first, they leave the small ones to even out the workers' ends."""
        units = sorted(self.workqueue, key=lambda unit: unit not in SHARED_UNITS)
        others = [unit for unit in units if not unit.startswith(RUN_TESTS)]
        pipeline_worker_gone = PIPELINE_WORKER not in {n.gateway.id for n in self.nodes}
        if node.gateway.id != PIPELINE_WORKER and not pipeline_worker_gone:
            return others[0] if others else None
        return (others or units or [None])[0]

    def _assign_work_unit(self, node) -> None:
        unit = self._next_unit(node)
        if unit is None:
            return
        work_unit = self.workqueue.pop(unit)
        self.assigned_work.setdefault(node, {})[unit] = work_unit
        collection = self.registered_collections[node]
        node.send_runtest_some(
            [collection.index(node_id) for node_id, done in work_unit.items() if not done]
        )

    def _reschedule(self, node) -> None:
        if node.shutting_down:
            return
        if self._next_unit(node) is None:
            node.shutdown()  # it finishes what it was sent, then stops
            return
        if self._pending_of(self.assigned_work.get(node, {})) > 2:
            return
        self._assign_work_unit(node)
