"""Overview: what MindPulse is and the latest national estimate of each indicator."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, components, data
from dashboard.labels import INDICATOR_EXPLANATION, ordered_signals, signal_label

st.title("MindPulse")
st.markdown(
    "MindPulse is an open data platform that tracks mental-health trends in public data: "
    "the **CDC / Census Bureau Household Pulse Survey** (April 2020 – September 2024), "
    "activity in mental-health communities on Reddit, news coverage, search interest, the "
    "OSMI workplace survey and WHO suicide statistics. Each signal comes with a forecast and "
    "an honest check of how good it is; the signals are compared with each other, never "
    "read as causes."
)

latest = data.latest_national_values()
components.freshness_badge(data.latest_load(), data.latest_period_end())

st.subheader("Latest national estimates")
st.caption(INDICATOR_EXPLANATION)
if latest.empty:
    st.info("marts.fct_signals holds no national estimates yet.")
else:
    by_signal = latest.set_index("signal")
    columns = st.columns(len(by_signal))
    for column, signal in zip(columns, ordered_signals(list(by_signal.index)), strict=True):
        row = by_signal.loc[signal]
        components.change_metric(
            column,
            signal_label(signal),
            row["value"],
            row["previous_value"],
            suffix=" vs previous period",
            help="Share of adults; change in percentage points (pp) since the previous period.",
        )
        column.caption(f"{row['period_start']:%b %d} – {row['period_end']:%b %d, %Y}")

    st.plotly_chart(
        charts.national_overview_figure(data.national_history()),
        width="stretch",
        config={"displaylogo": False},
    )
    st.caption(
        "Breaks in comparability: the questions changed with phase 3.2 (July 2021) and the "
        "survey was redesigned for phase 4.0 (January 2024), when all estimates dropped at "
        "once. Compare levels within these stretches rather than across them."
    )

st.subheader("Explore")
st.page_link(
    "pages/survey_trends.py",
    label="Survey trends — history, groups, forecast and its backtest",
    icon=":material/show_chart:",
)
st.page_link(
    "pages/community_pulse.py",
    label="Community pulse — weekly activity, tone and themes of Reddit communities",
    icon=":material/forum:",
)
st.page_link(
    "pages/compare_signals.py",
    label="Compare signals — which signals move together, and which tend to move first",
    icon=":material/compare_arrows:",
)
st.page_link(
    "pages/global_context.py",
    label="Global context — suicide rates by country and year (WHO)",
    icon=":material/public:",
)
st.page_link(
    "pages/workplace_segments.py",
    label="Workplace segments — how employers support mental health (OSMI survey)",
    icon=":material/groups:",
)
st.page_link(
    "pages/find_resources.py",
    label="Find resources — support that fits your workplace",
    icon=":material/support:",
)
