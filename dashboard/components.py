"""Shared Streamlit pieces: crisis resources, freshness, backtest metrics, status messages."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.errors import DataUnavailable, NothingPublished
from dashboard.labels import CDC_TEXT, SourceText, model_label

CRISIS_RESOURCES_MARKDOWN = """
**If you or someone you know is struggling, help is available now.**

- **988 Suicide & Crisis Lifeline** — call or text **988** (U.S.)
- **Crisis Text Line** — text **HOME** to **741741**
- **SAMHSA National Helpline** — **1-800-662-4357** (free, confidential, 24/7, English and Spanish)

Outside the US: contact your local emergency services.
"""

# (column in ml.forecast_metrics, upper-cased; unit shown; explanation). MAE and RMSE are in
# the series' own unit (ForecastUnit); MAPE is stored in percent already
# (ml_assets.backtest.mape: 5.0 means 5 %).
BACKTEST_METRICS = (
    ("MAE", None, "Mean absolute error, in {words}."),
    ("RMSE", None, "Root mean squared error, in {words}."),
    ("MAPE", "%", "Mean absolute percentage error."),
    (
        "MASE",
        "",
        "Mean absolute scaled error: each error divided by the typical period-to-period "
        "change in the training data (Hyndman). Lower is better; compare it with the naive "
        "forecast's MASE.",
    ),
)


@dataclass(frozen=True)
class ForecastUnit:
    """The unit of a forecast series' errors, and what to say when it has no backtest."""

    suffix: str = " pp"
    words: str = "percentage points"
    no_backtest: str = "No backtest for this series: it has too few survey periods for a forecast."


PERCENTAGE_POINTS = ForecastUnit()


def crisis_footer() -> None:
    """Crisis resources; app.py renders this after every page, so no page can forget it."""
    st.divider()
    with st.container(border=True):
        st.markdown(CRISIS_RESOURCES_MARKDOWN)


def nothing_published(error: NothingPublished) -> None:
    st.info(
        "**Nothing has been published yet.** The dashboard reads the copy of the warehouse "
        "that the pipeline publishes after a successful build, and there is none yet.\n\n"
        "Run `make run` from the repository root (it builds everything on sample data), "
        "then reload this page.",
        icon=":material/info:",
    )
    st.caption(f"Looked for: `{error.path}`")


def data_unavailable(error: DataUnavailable) -> None:
    st.warning(f"**The data cannot be read right now.** {error}", icon=":material/warning:")


def freshness_badge(
    load: dict[str, Any] | None,
    last_period_end: pd.Timestamp | None,
    text: SourceText = CDC_TEXT,
) -> None:
    """One line: when the source was last loaded, from what, and its newest period."""
    parts = []
    if load is None:
        parts.append("No load of this source is recorded in raw.load_batches.")
    else:
        loaded_at = pd.Timestamp(load["loaded_at"]).strftime("%Y-%m-%d %H:%M UTC")
        mode = load["source_mode"]
        parts.append(
            f"last loaded **{loaded_at}** in `{mode}` mode, from {text.modes.get(mode, mode)}"
        )
    if last_period_end is not None:
        parts.append(f"latest {text.period} ends **{last_period_end:%b %d, %Y}**")
    st.caption(":material/schedule: Data freshness — " + " · ".join(parts))
    if load is not None and load["source_mode"] == "sample":
        st.caption(text.sample_hint)


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _format(value: float | None, unit: str = "", digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}{unit}"


def metrics_panel(metrics: dict[str, Any] | None, unit: ForecastUnit = PERCENTAGE_POINTS) -> None:
    """The chosen model and its backtest next to the forecast, against the naive baseline."""
    st.markdown("#### How good is this forecast?")
    if metrics is None:
        st.info(unit.no_backtest, icon=":material/info:")
        return

    model = metrics.get("model_name")
    if model:
        st.markdown(f"**Model:** {model_label(model)}")
        st.caption(
            "Chosen for this series by its backtest, among: "
            + ", ".join(model_label(name.strip()) for name in str(metrics["candidates"]).split(","))
            + "."
        )
    relative = _number(metrics.get("relative_mae"))
    coverage = _number(metrics.get("interval_coverage_80"))
    top = st.columns(2)
    top[0].metric(
        "Error vs naive",
        "—" if relative is None else f"{relative:.2f}×",
        help="Mean absolute error relative to the naive last-value forecast on the same "
        "backtest periods: below 1 means fewer errors than carrying the last value forward.",
    )
    top[1].metric(
        "Interval coverage",
        "—" if coverage is None else f"{coverage:.0%}",
        help="Share of backtest values inside the forecast's 80% interval; close "
        "to 80% means the shaded band is honest about the uncertainty.",
    )
    columns = st.columns(2)
    for index, (label, suffix, help_text) in enumerate(BACKTEST_METRICS):
        suffix = unit.suffix if suffix is None else suffix
        value = _number(metrics.get(label.lower()))
        naive = _number(metrics.get(f"naive_{label.lower()}"))
        delta = None if value is None or naive is None else f"{value - naive:+.2f} vs naive"
        columns[index % 2].metric(
            label,
            _format(value, suffix),
            delta=delta,
            delta_color="inverse",  # lower error than the baseline is the good direction
            help=f"{help_text.format(words=unit.words)} Naive baseline: {_format(naive, suffix)}.",
        )

    beats = metrics.get("beats_naive")
    scored = _number(metrics.get("n_scored_folds"))
    folds_text = (
        f"{int(scored)} backtest folds that did not choose the model" if scored else "the backtest"
    )
    if beats is None or pd.isna(beats):
        st.caption(f"Compared with the naive last-value forecast over {folds_text}.")
    elif bool(beats):
        st.success(
            f"Beats the naive last-value forecast over {folds_text}.",
            icon=":material/check_circle:",
        )
    else:
        st.warning(
            f"Does not beat the naive last-value forecast over {folds_text}; "
            "treat the forecast with caution.",
            icon=":material/warning:",
        )

    details = []
    if _number(metrics.get("horizon_periods")):
        details.append(f"horizon {int(metrics['horizon_periods'])} periods")
    if metrics.get("train_start") is not None and metrics.get("train_end") is not None:
        details.append(
            f"trained on {pd.Timestamp(metrics['train_start']):%b %Y} – "
            f"{pd.Timestamp(metrics['train_end']):%b %Y}"
        )
    if _number(metrics.get("n_obs")):
        details.append(f"{int(metrics['n_obs'])} observations")
    if metrics.get("model_version"):
        details.append(f"model {metrics['model_version']}")
    if details:
        st.caption("Backtest: " + " · ".join(details) + ".")
    if metrics.get("backtest_note"):
        with st.expander("How the backtest was done"):
            st.write(metrics["backtest_note"])


def cadence_note(metrics: dict[str, Any] | None) -> None:
    """The model's own note on irregular periods and the survey's end, shown verbatim."""
    note = None if metrics is None else metrics.get("cadence_note")
    if note:
        st.info(note, icon=":material/event_note:")


def change_metric(
    container: Any, label: str, value: float, previous: float | None, *, help: str, suffix: str
) -> None:
    """A percent value with its change since the previous period, coloured neither way: a
    change in a population indicator is information, not a verdict."""
    delta, arrow = None, "auto"
    if previous is not None and not pd.isna(previous):
        change = round(value - previous, 1)
        delta = f"{change:+.1f} pp{suffix}" if change else f"no change{suffix}"
        arrow = "auto" if change else "off"
    container.metric(
        label, f"{value:.1f}%", delta=delta, delta_color="off", delta_arrow=arrow, help=help
    )


# Markdown that would format, link or run a Streamlit directive (':material/...:', '$math$').
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$:])")


def markdown_escaped(text: object) -> str:
    """``text`` from the warehouse, escaped so that st.markdown shows it exactly as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
