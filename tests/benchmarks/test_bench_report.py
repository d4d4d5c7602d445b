"""The benchmark's pure helpers: stages of a measured run, peaks, limits and the budget."""

from __future__ import annotations

from tests.benchmarks import bench_report as br
from tests.benchmarks.bench_measure import MeasuredProcess, peak_mb

MB = 2**20
T0 = 1_000_000.0  # an epoch second; only differences matter


def measured(samples: list[tuple[float, int]], seconds: float = 30.0) -> MeasuredProcess:
    return MeasuredProcess(0, T0, T0 + seconds, [(T0 + at, mb * MB) for at, mb in samples])


STEPS = {
    # Deliberately not in start order: stages follow the order steps started in.
    "mindpulse_dbt": {
        "status": "ok",
        "started_at": T0 + 7.0,
        "ended_at": T0 + 15.0,
        "rows": {"marts/fct_signals": 7_990},
    },
    "cdc_pulse_indicators": {
        "status": "ok",
        "started_at": T0 + 5.0,
        "ended_at": T0 + 6.0,
        "rows": {"raw/cdc_pulse_indicators": 8_802},
    },
}


def test_peak_is_taken_within_the_window_only():
    samples = [(T0 + 1, 100 * MB), (T0 + 2, 900 * MB), (T0 + 3, 300 * MB)]
    assert peak_mb(samples, T0 + 2.5, T0 + 3.5) == 300.0
    assert peak_mb(samples, T0, T0 + 10) == 900.0
    assert peak_mb(samples, T0 + 20, T0 + 30) == 0.0


def test_stages_are_startup_steps_in_start_order_and_shutdown():
    run = measured([(1, 150), (5.5, 200), (10, 700), (20, 250)], seconds=21.0)
    stages = br.run_stages(run, STEPS)
    assert [s["stage"] for s in stages] == [
        "startup",
        "cdc_pulse_indicators",
        "mindpulse_dbt",
        "shutdown",
    ]
    assert [s["seconds"] for s in stages] == [5.0, 1.0, 8.0, 6.0]
    assert [s["peak_rss_mb"] for s in stages] == [150.0, 200.0, 700.0, 250.0]
    assert stages[2]["rows"] == {"marts/fct_signals": 7_990}
    assert br.dbt_stage(stages)["stage"] == "mindpulse_dbt"
    assert br.between_steps_seconds(21.0, stages) == 1.0  # 6.0 -> 7.0


def test_the_step_running_when_the_bench_stopped_the_run_is_marked_stopped():
    stopped = MeasuredProcess(None, T0, T0 + 703.0, [], stopped_at=T0 + 700.0)
    steps = {
        "mindpulse_dbt": {"status": "ok", "started_at": T0 + 4.0, "ended_at": T0 + 9.0},
        # Interrupted, the step still ends (as a failure) a little after the stop.
        "signal_forecasts": {"status": "FAILED", "started_at": T0 + 9.0, "ended_at": T0 + 701},
    }
    stages = br.run_stages(stopped, steps)
    assert [(s["stage"], s.get("status")) for s in stages] == [
        ("startup", None),
        ("mindpulse_dbt", "ok"),
        ("signal_forecasts", "stopped"),
        ("shutdown", None),
    ]
    assert stages[2]["seconds"] == 692.0
    # A step the kill cut off before it could end runs until the process ended.
    cut = br.run_stages(stopped, {"signal_forecasts": {"started_at": T0 + 9.0}})
    assert cut[1]["seconds"] == 694.0 and cut[1]["status"] == "stopped"


def test_the_wall_limit_names_the_stage_running_when_it_was_passed():
    stages = br.run_stages(measured([(3, 5000)], seconds=700.0), STEPS)
    findings = br.limit_findings(stages, 700.0, limit_seconds=10.0, limit_rss_mb=4096.0)
    assert findings == [
        {"limit": "wall", "stage": "mindpulse_dbt", "seconds": 700.0, "max": 10.0},
        {"limit": "peak_rss", "stage": "startup", "mb": 5000.0, "max": 4096.0},
    ]
    assert br.limit_findings(stages, 21.0) == [
        {"limit": "peak_rss", "stage": "startup", "mb": 5000.0, "max": 4096.0}
    ]


def test_second_run_budget_is_four_imports_plus_four_seconds():
    assert br.second_run_budget(2.5) == 14.0
    assert br.ratio(30.0, 0.5) == 60.0
    assert br.ratio(None, 0.5) is None
