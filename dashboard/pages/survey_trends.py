"""Survey trends: one indicator for one group, its history, forecast and backtest."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, components, data
from dashboard.labels import (
    INDICATOR_EXPLANATION,
    cadence_label,
    group_type_label,
    ordered_group_types,
    ordered_signals,
    signal_label,
)
from ml_assets.series import series_key

CHART_LEGEND = (
    "Dots: survey collection windows (irregularly spaced, with pauses between phases). "
    "Shaded blue: the survey's 95% confidence interval."
)
FORECAST_LEGEND = (
    " Dashed orange: the forecast, with its uncertainty interval shaded. The survey ended in "
    "September 2024, so the forecast runs past the last collected data and cannot be checked "
    "against new survey results."
)
NO_FORECAST = " No forecast for this series: it has too few survey periods to model."


def select_series(catalog: pd.DataFrame) -> tuple[str, str, str]:
    """Indicator, group type and group pickers; national estimate by default."""
    signal_column, group_type_column, group_value_column = st.columns(3)
    signal = signal_column.selectbox(
        "Indicator",
        ordered_signals(catalog["signal"].unique().tolist()),
        format_func=signal_label,
        key="trends_signal",
    )
    of_signal = catalog[catalog["signal"] == signal]
    group_types = ordered_group_types(of_signal["group_type"].unique().tolist())
    group_type = group_type_column.selectbox(
        "Group type",
        group_types,
        index=group_types.index("national") if "national" in group_types else 0,
        format_func=group_type_label,
        key="trends_group_type",
    )
    group_values = sorted(of_signal.loc[of_signal["group_type"] == group_type, "group_value"])
    group_value = group_value_column.selectbox(
        "Group",
        group_values,
        key=f"trends_group_value_{group_type}",  # one remembered choice per group type
        disabled=len(group_values) == 1,
    )
    return signal, group_type, group_value


def headline(history: pd.DataFrame) -> None:
    """The newest estimate, its change, its interval and its collection window."""
    latest = history.iloc[-1]
    previous = history.iloc[-2]["value"] if len(history) > 1 else None
    columns = st.columns(3)
    components.change_metric(
        columns[0],
        "Latest estimate",
        latest["value"],
        previous,
        suffix="",
        help="Change in percentage points (pp) since the previous survey period.",
    )
    ci_text = "—"
    if pd.notna(latest["ci_low"]) and pd.notna(latest["ci_high"]):
        ci_text = f"{latest['ci_low']:.1f}% – {latest['ci_high']:.1f}%"
    columns[1].metric("95% confidence interval", ci_text)
    columns[2].metric(
        "Latest survey period ended",
        f"{latest['period_end']:%b %d, %Y}",
        help=(
            f"Collected {latest['period_start']:%b %d} – {latest['period_end']:%b %d, %Y} "
            f"({cadence_label(latest['cadence'])}); {len(history)} periods in this series."
        ),
    )


def main() -> None:
    st.title("Survey trends")
    st.caption(INDICATOR_EXPLANATION)

    catalog = data.signal_catalog()
    if catalog.empty:
        st.info("marts.fct_signals holds no survey series yet. Run `make run` to build them.")
        return

    signal, group_type, group_value = select_series(catalog)
    history = data.series_history(signal, group_type, group_value)
    if history.empty:
        # One publication never lists a series without periods, but Snowflake is live: its
        # cached series list can name a series that a rebuild has since removed.
        st.info(
            "This series has no survey periods in the current data. Pick another series, or "
            "reload the page to refresh the list.",
            icon=":material/info:",
        )
        return
    key = series_key(data.SOURCE, signal, group_type, group_value)
    forecast = data.series_forecast(key)
    metrics = data.series_metrics(key)

    headline(history)

    title = f"{signal_label(signal)} — {group_type_label(group_type)}"
    if group_type != "national":
        title += f": {group_value}"
    chart_column, metrics_column = st.columns([5, 2], gap="large")
    with chart_column:
        show_fit = st.toggle(
            "Show the model's in-sample fit",
            value=False,
            disabled=forecast.empty,
            key="trends_show_fit",
        )
        st.plotly_chart(
            charts.trend_figure(history, forecast, title=title, show_fit=show_fit),
            width="stretch",
            config={"displaylogo": False},
        )
        st.caption(CHART_LEGEND + (NO_FORECAST if forecast.empty else FORECAST_LEGEND))
        components.cadence_note(metrics)
    with metrics_column:
        components.metrics_panel(metrics)

    components.freshness_badge(data.latest_load(), data.latest_period_end())

    with st.expander("Data for this series"):
        st.dataframe(
            history.assign(
                period_start=history["period_start"].dt.date,
                period_end=history["period_end"].dt.date,
            ),
            hide_index=True,
            width="stretch",
        )


main()
