"""Pure helpers of the benchmark: stages of a measured run, limits, budget, the printed table.

A run's stages are `startup` (interpreter start, imports, loading the definitions, up to the
first step starting), one stage per Dagster step in the order they started, and `shutdown`
(last step end to process exit). Whatever falls between steps is reported as `between_steps`.
"""

from __future__ import annotations

from collections.abc import Iterable

from tests.benchmarks.bench_measure import MeasuredProcess, peak_mb
from tests.benchmarks.row_diff import format_diff

# The promise for scale 100 on the reference machine, checked at every scale.
LIMIT_SECONDS = 600.0
LIMIT_PEAK_RSS_MB = 4096.0
# An unchanged second run: at most 15 s on the reference machine, and on any machine at most
# 4 x the bare import time of dagster, dagster-dbt, duckdb and pandas, plus 4 s.
REFERENCE_SECOND_RUN_SECONDS = 15.0
IMPORT_FACTOR = 4.0
IMPORT_ALLOWANCE_SECONDS = 4.0


def run_stages(measured: MeasuredProcess, steps: dict[str, dict]) -> list[dict]:
    """Startup, the steps, shutdown: seconds and peak RSS of each, from one measured process."""
    timed = sorted(
        ((name, step) for name, step in steps.items() if "started_at" in step),
        key=lambda item: item[1]["started_at"],
    )
    first_start = timed[0][1]["started_at"] if timed else measured.ended_at
    last_end = max((step.get("ended_at", measured.ended_at) for _, step in timed), default=None)
    stages = [_stage("startup", measured, measured.started_at, first_start)]
    for name, step in timed:
        end = step.get("ended_at", measured.ended_at)  # a step cut off by a kill has no end
        stage = _stage(name, measured, step["started_at"], end)
        stopped_here = measured.stopped_at is not None and end >= measured.stopped_at
        status = "stopped" if stopped_here else step.get("status") or "unfinished"
        stage.update(status=status, rows=step.get("rows", {}))
        if step.get("metadata"):
            stage["metadata"] = step["metadata"]
        stages.append(stage)
    if last_end is not None:
        stages.append(_stage("shutdown", measured, last_end, measured.ended_at))
    return stages


def _stage(name: str, measured: MeasuredProcess, start: float, end: float) -> dict:
    return {
        "stage": name,
        "started_after_seconds": round(start - measured.started_at, 2),
        "seconds": round(max(0.0, end - start), 2),
        "peak_rss_mb": peak_mb(measured.samples, start, end),
    }


def between_steps_seconds(total_seconds: float, stages: Iterable[dict]) -> float:
    return round(max(0.0, total_seconds - sum(stage["seconds"] for stage in stages)), 2)


def limit_findings(
    stages: list[dict],
    total_seconds: float,
    limit_seconds: float = LIMIT_SECONDS,
    limit_rss_mb: float = LIMIT_PEAK_RSS_MB,
) -> list[dict]:
    """Each limit a run exceeded, with the stage responsible.

    The wall-time limit is charged to the stage that was running when the run passed it (or to
    the time after the last stage); the memory limit to every stage whose peak passed it.
    """
    findings = []
    if total_seconds > limit_seconds:
        running = next(
            (
                stage["stage"]
                for stage in stages
                if stage["started_after_seconds"] + stage["seconds"] > limit_seconds
            ),
            "between steps",
        )
        findings.append(
            {"limit": "wall", "stage": running, "seconds": total_seconds, "max": limit_seconds}
        )
    for stage in stages:
        if stage["peak_rss_mb"] > limit_rss_mb:
            findings.append(
                {
                    "limit": "peak_rss",
                    "stage": stage["stage"],
                    "mb": stage["peak_rss_mb"],
                    "max": limit_rss_mb,
                }
            )
    return findings


def second_run_budget(import_seconds: float) -> float:
    return round(IMPORT_FACTOR * import_seconds + IMPORT_ALLOWANCE_SECONDS, 2)


def dbt_stage(stages: list[dict]) -> dict | None:
    """The stage that materialized marts/fct_signals (the dbt build)."""
    return next((s for s in stages if "marts/fct_signals" in s.get("rows", {})), None)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 1)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _rows(stage: dict) -> str:
    rows = ", ".join(f"{key} {n:,}" for key, n in stage.get("rows", {}).items() if n is not None)
    status = stage.get("status")
    return rows if status in (None, "ok") else f"[{status}] {rows}"


def _outcome(run: dict) -> str:
    if run["stopped_after_seconds"] is not None:
        return f"STOPPED after {run['stopped_after_seconds']:.0f} s"
    return "ok" if run["success"] else "FAILED"


def forecast_metadata(stages: list[dict]) -> dict:
    """The forecast asset's reuse counters and per-candidate seconds, when it reports them."""
    for stage in stages:
        extra = stage.get("metadata", {}).get("ml/forecast_metrics", {})
        if {"series_reused", "series_fitted", "seconds_by_candidate"} & set(extra):
            return extra
    return {}


def _forecast_lines(runs: dict[str, dict | None]) -> list[str]:
    lines = []
    for label, run in runs.items():
        extra = forecast_metadata(run["stages"]) if run else {}
        if not extra:
            continue
        line = (
            f"  forecasts, {label}: series reused {extra.get('series_reused', '?')}, "
            f"fitted {extra.get('series_fitted', '?')}"
        )
        by_candidate = extra.get("seconds_by_candidate")
        if isinstance(by_candidate, dict) and by_candidate:
            line += "; seconds by candidate " + ", ".join(
                f"{name} {float(seconds):.1f}" for name, seconds in by_candidate.items()
            )
        lines.append(line)
    return lines


def _limit_lines(runs: dict[str, dict | None]) -> list[str]:
    limits = f"limits ({LIMIT_SECONDS:.0f} s, {LIMIT_PEAK_RSS_MB:.0f} MB)"
    lines = []
    for label, run in runs.items():
        for finding in run["limits"]["exceeded"] if run else []:
            measured = (
                f"{finding['seconds']:.0f} s" if "seconds" in finding else f"{finding['mb']} MB"
            )
            lines.append(
                f"  {limits}, {label}: OVER, {finding['limit']} {measured} "
                f"in stage {finding['stage']}"
            )
    return lines or [f"  {limits}: within"]


def asset_metadata(stages: list[dict], asset: str) -> dict:
    """The reported metadata of one asset (as `schema/table`) in a run, empty if none."""
    for stage in stages:
        if asset in stage.get("metadata", {}):
            return stage["metadata"][asset]
    return {}


def _reddit_lines(runs: dict[str, dict | None]) -> list[str]:
    """Per run: what the Reddit assets loaded, expired, scored and computed, as they say it."""
    lines = []
    for label, run in runs.items():
        if not run:
            continue
        raw = asset_metadata(run["stages"], "raw/reddit_posts")
        scored = asset_metadata(run["stages"], "ml/post_sentiment")
        cells = asset_metadata(run["stages"], "ml/reddit_insights")
        said = [
            f"{name} {raw[name]:,}" for name in ("rows_loaded", "bodies_expired") if name in raw
        ]
        said += [
            f"{name} {scored[name]:,}"
            for name in ("posts_scored", "posts_reused")
            if name in scored
        ]
        said += [f"{name} {value:,}" for name, value in cells.items() if name.startswith("cells_")]
        if said:
            lines.append(f"  reddit, {label}: " + ", ".join(said))
    return lines


def _row_diff_lines(run: dict) -> list[str]:
    lines = []
    for key, title in (
        ("second_run_rows", "rows, run 2 (unchanged) against run 1"),
        ("week_later_rows", f"rows, run 3 (as of {run.get('week_later_as_of')}) against run 2"),
    ):
        if run.get(key):
            lines.append(f"  {title}:")
            lines += [f"    {format_diff(table, diff)}" for table, diff in run[key].items()]
    return lines


def format_scale(run: dict) -> list[str]:
    """The compact table of one scale: the three runs side by side, then what each Reddit
    table's rows went through, floor, budget, limits."""
    first, second, later = run["first_run"], run.get("second_run"), run.get("week_later_run")
    again = {s["stage"]: s for s in (second or {}).get("stages", [])}
    week = {s["stage"]: s for s in (later or {}).get("stages", [])}
    lines = [
        f"scale {run['scale']:g}, sample as of {run.get('sample_as_of', 'today')}",
        f"  {'stage':<30} {'run 1 s':>8} {'peak MB':>8} {'run 2 s':>8} {'peak MB':>8} "
        f"{'week+1 s':>8} {'peak MB':>8}  rows (run 1)",
    ]
    for stage in first["stages"]:
        twin, next_week = again.get(stage["stage"], {}), week.get(stage["stage"], {})
        lines.append(
            f"  {stage['stage']:<30} {stage['seconds']:8.1f} {stage['peak_rss_mb']:8.0f} "
            f"{_seconds(twin.get('seconds')):>8} {_mb(twin.get('peak_rss_mb')):>8} "
            f"{_seconds(next_week.get('seconds')):>8} {_mb(next_week.get('peak_rss_mb')):>8}  "
            f"{_rows(stage)}"
        )
    second, later = second or {}, later or {}
    outcomes = f"run 1 {_outcome(first)}"
    outcomes += f", run 2 {_outcome(second)}" if second else ""
    outcomes += f", run 3 {_outcome(later)}" if later else ""
    lines += [
        f"  {'between steps':<30} {first['between_steps_seconds']:8.1f} {'':>8} "
        f"{_seconds(second.get('between_steps_seconds')):>8} {'':>8} "
        f"{_seconds(later.get('between_steps_seconds')):>8}",
        f"  {'total':<30} {first['total_seconds']:8.1f} {first['peak_rss_mb']:8.0f} "
        f"{_seconds(second.get('total_seconds')):>8} {_mb(second.get('peak_rss_mb')):>8} "
        f"{_seconds(later.get('total_seconds')):>8} {_mb(later.get('peak_rss_mb')):>8}  "
        + outcomes,
    ]
    runs = {"run 1": first, "run 2": second or None, "run 3": later or None}
    lines += _forecast_lines(runs) + _reddit_lines(runs) + _row_diff_lines(run)
    floor = run.get("floor")
    if floor:
        lines.append(
            f"  floor (bare DuckDB, {floor['rows']:,} rows): {floor['seconds']:.2f} s; "
            f"run 1 total = {_seconds(floor['total_ratio'])}x floor, "
            f"dbt stage = {_seconds(floor['dbt_ratio'])}x floor"
        )
    budget = run.get("second_run_budget")
    if budget:
        lines.append(
            f"  second run {_seconds(budget['seconds'])} s; budget 4 x "
            f"{budget['import_seconds']:.1f} s import + 4 s = {budget['budget_seconds']:.1f} s: "
            f"{budget['verdict']} (reference machine: <= {REFERENCE_SECOND_RUN_SECONDS:.0f} s)"
        )
    return [line.rstrip() for line in lines + _limit_lines(runs)]
