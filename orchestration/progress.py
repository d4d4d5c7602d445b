"""make run's progress lines: one per finished step, starting with `ok` or `FAILED`.

A logging handler attached to the run's "progress" logger turns Dagster's step events (and the
executor's notices: a recovered run, a wait for the writer slot) into lines a person and the
tests read: status, step, seconds, rows per asset, checks, and notes such as quarantined
records, reused forecasts or the root cause of a failure.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, field

import dagster as dg

from orchestration.dbt_reuse import REUSED_FROM_KEY
from orchestration.executor import PROGRESS_NOTICE


@dataclass
class StepProgress:
    started: float = 0.0
    seconds: float = 0.0
    status: str | None = None
    assets: dict[str, int | None] = field(default_factory=dict)
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    # Failed checks of severity WARN (e.g. a file dump's unknown community): reported, and
    # blocking nothing.
    checks_warned: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _format_line(step: str, progress: StepProgress) -> str:
    rows = ", ".join(
        f"{key} {count:,} rows" if count is not None else key
        for key, count in progress.assets.items()
    )
    checks = ""
    if progress.checks_passed or progress.checks_failed or progress.checks_warned:
        checks = f"checks {progress.checks_passed} passed, {len(progress.checks_failed)} failed"
        if progress.checks_warned:
            checks += f", {len(progress.checks_warned)} warned"
    details = "; ".join(part for part in (rows, checks, *progress.notes) if part)
    return f"  {progress.status:<7} {step:<32} {progress.seconds:6.1f} s  {details}"


_OWN_ERROR_PREFIX = re.compile(r"^(extract|orchestration|ml_assets)\.[\w.]+: ")


def _root_message(error) -> str:
    """The innermost cause of a step failure: the part that says what went wrong."""
    if error is None:
        return "step failed"
    while error.cause is not None:
        error = error.cause
    # MindPulse's own errors are written for people; their class path is noise in front.
    return _OWN_ERROR_PREFIX.sub("", error.message.strip())


def _notes(metadata) -> list[str]:
    """What a progress line says besides rows: quarantined records, reused forecasts,
    sentiment scores and insight cells."""
    notes = []
    landing = metadata.get("landing")
    if landing is not None and landing.value == "replayed":
        notes.append(f"replayed {metadata['batch_id'].value}")
    guard = metadata.get("completeness_guard")
    if guard is not None and guard.value == "shrink accepted":
        notes.append(f"shrink accepted: {metadata['previous_rows'].value:,} rows before")
    quarantined = metadata.get("rows_quarantined")
    if quarantined is not None and quarantined.value:
        notes.append(f"{quarantined.value} records quarantined")
    if metadata.get(REUSED_FROM_KEY) is not None:
        notes.append(f"dbt not run: unchanged since run {metadata[REUSED_FROM_KEY].value[:8]}")
    reused, fitted = metadata.get("series_reused"), metadata.get("series_fitted")
    if reused is not None and fitted is not None:
        notes.append(f"series: {reused.value} reused, {fitted.value} fitted")
    scored, kept = metadata.get("posts_scored"), metadata.get("posts_reused")
    if scored is not None and kept is not None:
        notes.append(f"posts: {scored.value} scored, {kept.value} reused")
    reused, computed = metadata.get("cells_reused"), metadata.get("cells_computed")
    if reused is not None and computed is not None:
        notes.append(f"cells: {reused.value} reused, {computed.value} computed")
    segments, stability = metadata.get("n_segments"), metadata.get("stability_ari_mean")
    if segments is not None and stability is not None:
        notes.append(f"{segments.value} segments, stability {stability.value:.2f}")
    if "reused" in metadata and metadata["reused"].value:
        notes.append("unchanged: stored results kept")
    return notes


STEP_END_STATUS = {"STEP_SUCCESS": "ok", "STEP_FAILURE": "FAILED", "STEP_SKIPPED": "skipped"}


def dagster_event(record: logging.LogRecord):
    """The Dagster step event a log record carries, or None."""
    event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
    return event if event is not None and event.step_key else None


class ProgressHandler(logging.Handler):
    """Turns Dagster step events into one line per finished step."""

    def __init__(self, out=sys.stdout):
        super().__init__()
        self.out = out
        self.steps: dict[str, StepProgress] = {}
        self.failed = False

    def emit(self, record: logging.LogRecord) -> None:
        notice = getattr(record, PROGRESS_NOTICE, None)
        if notice is not None:
            self._print_notice(notice)
            return
        event = dagster_event(record)
        if event is None:
            return
        progress = self.steps.setdefault(event.step_key, StepProgress())
        kind = event.event_type_value
        if kind == "STEP_START":
            progress.started = record.created
        elif kind == "ASSET_MATERIALIZATION":
            materialization = event.event_specific_data.materialization
            row_count = materialization.metadata.get("dagster/row_count")
            progress.assets[materialization.asset_key.to_user_string()] = (
                row_count.value if row_count is not None else None
            )
            for note in _notes(materialization.metadata):
                if note not in progress.notes:  # multi-assets repeat step-wide figures
                    progress.notes.append(note)
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if evaluation.passed:
                progress.checks_passed += 1
            elif evaluation.severity == dg.AssetCheckSeverity.WARN:
                progress.checks_warned.append(evaluation.check_name)
            else:
                progress.checks_failed.append(evaluation.check_name)
        elif kind in STEP_END_STATUS:
            progress.status = STEP_END_STATUS[kind]
            progress.seconds = record.created - progress.started if progress.started else 0.0
            if kind == "STEP_FAILURE":
                self.failed = True
                progress.notes.append(_root_message(event.event_specific_data.error))
            if progress.checks_failed:
                progress.notes.append("failed checks: " + ", ".join(progress.checks_failed))
            if progress.checks_warned:
                progress.notes.append("warnings: " + ", ".join(progress.checks_warned))
            print(_format_line(event.step_key, progress), file=self.out)
            self.out.flush()

    def _print_notice(self, notice: dict) -> None:
        """A line from the executor: a recovered run, a wait for the writer slot, or a step that
        failed waiting (it never started, so no step event reports it)."""
        if notice["failed"]:
            self.failed = True
            progress = StepProgress(
                status="FAILED", assets=dict.fromkeys(notice["assets"]), notes=[notice["text"]]
            )
            line = _format_line(notice["step"], progress)
        else:
            line = f"  {notice['text']}"
        print(line, file=self.out)
        self.out.flush()
