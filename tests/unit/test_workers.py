"""The session's tests shared between two xdist workers (tests/workers.py), on a made-up
collection, with stand-ins for xdist's worker controllers."""

from __future__ import annotations

from types import SimpleNamespace

from tests.workers import PIPELINE_WORKER, PipelineWorkerScheduling, unit_of

COLLECTION = [
    "tests/dashboard/test_app.py::test_a",
    "tests/dashboard/test_app.py::test_b",
    "tests/dbt/test_build.py::test_a",
    "tests/dbt/test_reddit.py::test_a",
    "tests/dbt/test_reddit.py::test_b",
    "tests/unit/test_one.py::test_a",
    "tests/unit/test_two.py::test_a",
    "tests/unit/test_three.py::test_a",
    "tests/integration/test_pipeline.py::test_a",  # waits for the first runs
    "tests/integration/test_pipeline.py::test_b",
    "tests/integration/test_reddit.py::test_a",  # waits for a later run
]


class Worker:
    def __init__(self, name: str):
        self.gateway = SimpleNamespace(id=name)
        self.shutting_down = False
        self.queue: list[int] = []  # sent, not yet reported done
        self.ran: list[str] = []

    def send_runtest_some(self, indexes: list[int]) -> None:
        self.queue.extend(indexes)

    def shutdown(self) -> None:
        self.shutting_down = True


def run_session(worker_names: list[str]) -> dict[str, Worker]:
    config = SimpleNamespace(
        getvalue=lambda name: [f"{len(worker_names)}*popen"] if name == "tx" else None,
        option=SimpleNamespace(loadscopereorder=False),
    )
    scheduling = PipelineWorkerScheduling(config)
    workers = {name: Worker(name) for name in worker_names}
    for worker in workers.values():
        scheduling.add_node(worker)
        scheduling.add_node_collection(worker, COLLECTION)
    scheduling.schedule()
    # Each worker reports its next test done in turn, until none has any left.
    while any(worker.queue for worker in workers.values()):
        for worker in workers.values():
            if worker.queue:
                index = worker.queue.pop(0)
                worker.ran.append(COLLECTION[index])
                scheduling.mark_test_complete(worker, index)
    assert not scheduling.workqueue
    return workers


def test_run_tests_go_to_the_pipeline_worker_after_everything_else_it_takes():
    workers = run_session([PIPELINE_WORKER, "gw1"])
    pipeline, other = workers[PIPELINE_WORKER].ran, workers["gw1"].ran
    assert sorted(pipeline + other) == sorted(COLLECTION)  # every test once
    waiting = [test for test in COLLECTION if test.startswith("tests/integration/")]
    assert pipeline[-len(waiting) :] == waiting  # last, and in the collection's order
    assert not any(test.startswith("tests/integration/") for test in other)
    assert workers["gw1"].shutting_down and workers[PIPELINE_WORKER].shutting_down


def test_the_dbt_tests_stay_together_and_start_a_worker():
    workers = run_session([PIPELINE_WORKER, "gw1"])
    dbt = [test for test in COLLECTION if test.startswith("tests/dbt/")]
    assert [worker.ran[: len(dbt)] == dbt for worker in workers.values()].count(True) == 1
    assert {unit_of(test) for test in dbt} == {"tests/dbt/"}
    assert unit_of("tests/unit/test_one.py::test_a") == "tests/unit/test_one.py"


def test_one_worker_runs_everything_and_the_run_tests_last():
    ran = run_session([PIPELINE_WORKER])[PIPELINE_WORKER].ran
    assert sorted(ran) == sorted(COLLECTION)
    assert ran[-3:] == COLLECTION[-3:]
