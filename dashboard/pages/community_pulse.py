"""Community pulse: weekly activity, tone, a volume forecast and the themes of Reddit
mental-health communities. Aggregates and scrubbed theme text only, never a person."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, components, data, themes
from dashboard.labels import (
    CONTENT_NOTE,
    REDDIT_TEXT,
    SENTIMENT_EXPLANATION,
    community_label,
    reddit_signal_label,
)
from ml_assets.series import series_key

VOLUME = "posts_per_week"
NEGATIVE_SHARE = "negative_post_share"
# Engagement tabs next to the volume chart: signal, axis suffix, decimals.
ACTIVITY = ((VOLUME, "", 0), ("comments_per_post", "", 1), ("median_score", "", 0))
PERCENT_UNITS = {"percent", "%", "pct"}
POSTS_STYLE = charts.SeriesStyle(
    name="Posts per week", y_title="Posts per week", suffix="", digits=0, end_label="latest week"
)
POSTS_UNIT = components.ForecastUnit(
    suffix="",  # the column is narrow; the unit is in each metric's help
    words="posts per week",
    no_backtest="No backtest for this community: it has too few weeks for a forecast.",
)
NO_REDDIT = (
    "**No Reddit data published yet: set MINDPULSE_REDDIT_FILE or run on sample data.** "
    "Point `MINDPULSE_REDDIT_FILE` at a Reddit export (CSV or JSON lines), or run "
    "`make run` to build everything on generated sample posts, then reload this page."
)


def as_percent(frame: pd.DataFrame) -> pd.DataFrame:
    """Shares stored as fractions (unit 'share') shown in percent; percent stays as it is."""
    in_percent = frame["unit"].str.lower().isin(PERCENT_UNITS)
    return frame.assign(value=frame["value"].where(in_percent, frame["value"] * 100))


def activity_section() -> None:
    st.subheader("Weekly activity by community")
    tabs = st.tabs([reddit_signal_label(signal) for signal, _, _ in ACTIVITY])
    for tab, (signal, suffix, digits) in zip(tabs, ACTIVITY, strict=True):
        with tab:
            frame = data.community_signal(signal)
            if frame.empty:
                st.info(f"No {reddit_signal_label(signal).lower()} series published yet.")
                continue
            label = reddit_signal_label(signal)
            st.plotly_chart(
                charts.community_figure(frame, y_title=label, suffix=suffix, digits=digits),
                width="stretch",
                config={"displaylogo": False},
                key=f"pulse_activity_{signal}",
            )


def tone_section() -> None:
    st.subheader("Tone of posts")
    frame = data.community_signal(NEGATIVE_SHARE)
    if frame.empty:
        st.info("No tone series published yet.", icon=":material/info:")
        return
    st.plotly_chart(
        charts.community_figure(
            as_percent(frame), y_title="% of posts with negative tone", suffix="%", digits=1
        ),
        width="stretch",
        config={"displaylogo": False},
        key="pulse_tone",
    )
    st.caption(
        f"{reddit_signal_label(NEGATIVE_SHARE)}, week by week. {SENTIMENT_EXPLANATION} A "
        "change in tone describes what is being written, not anyone's health."
    )


def forecast_section(subreddit: str) -> None:
    st.subheader(f"Forecast of weekly posts in {community_label(subreddit)}")
    history = data.community_history(VOLUME, subreddit)
    if history.empty:
        st.info("This community has no weeks in the current data; reload the page.")
        return
    key = series_key(data.REDDIT, VOLUME, data.SUBREDDIT, subreddit)
    forecast = data.series_forecast(key)
    metrics = data.series_metrics(key)
    chart_column, metrics_column = st.columns([5, 2], gap="large")
    with chart_column:
        title = f"{reddit_signal_label(VOLUME)} — {community_label(subreddit)}"
        st.plotly_chart(
            charts.trend_figure(history, forecast, title=title, style=POSTS_STYLE),
            width="stretch",
            config={"displaylogo": False},
            key="pulse_forecast",
        )
        if forecast.empty:
            st.caption("No forecast for this community: it has too few weeks to model.")
        else:
            st.caption(
                "Blue: posts per week. Dashed orange: the forecast, with its uncertainty "
                "interval shaded."
            )
        components.cadence_note(metrics)
    with metrics_column:
        components.metrics_panel(metrics, POSTS_UNIT)


def main() -> None:
    st.title("Community pulse")
    st.caption(
        "Weekly activity, tone and discussion themes in Reddit mental-health communities, "
        "counted and summarized from public posts."
    )
    st.info(CONTENT_NOTE, icon=":material/volunteer_activism:")

    communities = data.reddit_communities(VOLUME)
    if communities.empty:
        st.info(NO_REDDIT, icon=":material/info:")
        return
    components.freshness_badge(
        data.latest_load(data.REDDIT), data.latest_period_end(data.REDDIT), REDDIT_TEXT
    )

    activity_section()
    tone_section()

    st.divider()
    subreddit = st.selectbox(
        "Community",
        list(communities["subreddit"]),
        format_func=community_label,
        key="pulse_community",
        help="The community for the forecast and the themes below.",
    )
    forecast_section(subreddit)

    st.subheader(f"What posts in {community_label(subreddit)} discuss")
    themes.themes_section(subreddit)


main()
