"""The scheduling helpers of tests/pipeline_runs.py (no pipeline runs here)."""

from __future__ import annotations

from tests.pipeline_runs import module_ranks, runs_needed


def test_fixtures_announce_the_runs_they_wait_for_in_run_order():
    assert runs_needed({"tmp_path", "monkeypatch"}, real_export_present=True) == []
    assert runs_needed({"sample_build", "sample_pipeline"}, real_export_present=True) == ["sample"]
    # A copy waits for the build it copies; the real export only runs when its file is there.
    assert runs_needed(
        {"second_pipeline_run", "real_pipeline_run", "blocked_pipeline_run"},
        real_export_present=True,
    ) == ["sample", "real", "blocked", "second"]
    assert runs_needed({"real_pipeline_run"}, real_export_present=False) == []


def test_whole_modules_move_behind_the_last_run_they_wait_for():
    ranks = module_ranks(
        [
            ("tests/unit/test_a.py::test_one", []),
            ("tests/integration/test_p.py::test_reads", ["sample"]),
            ("tests/integration/test_p.py::test_second", ["sample", "second"]),
            ("tests/integration/test_p.py::test_plain", []),
            ("tests/integration/test_b.py::test_bad", ["sample", "blocked"]),
        ]
    )
    assert ranks == {
        "tests/unit/test_a.py": 0,
        "tests/integration/test_p.py": 5,
        "tests/integration/test_b.py": 4,
    }
