"""Plotly figure builders: plain functions, DataFrames in, figures out (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard.labels import community_label, ordered_signals, signal_label

HISTORY_COLOUR = "#1f5f8b"
HISTORY_BAND = "rgba(31, 95, 139, 0.18)"
FORECAST_COLOUR = "#d9822b"
FORECAST_BAND = "rgba(217, 130, 43, 0.22)"
FIT_COLOUR = "#7a7a7a"
SIGNAL_COLOURS = {
    "anxiety_or_depression": "#1f5f8b",
    "anxiety": "#2a9d8f",
    "depression": "#8e5ea2",
}
COMMUNITY_COLOURS = ("#1f5f8b", "#2a9d8f", "#8e5ea2", "#d9822b", "#c0392b", "#6c757d")


@dataclass(frozen=True)
class SeriesStyle:
    """How a series' values are named and formatted in the trend chart."""

    name: str = "Survey estimate"
    y_title: str = "% of adults"
    suffix: str = "%"  # after every value, on the axis and in the hover
    digits: int = 1
    end_label: str = "last survey data"


SURVEY = SeriesStyle()


def _band(
    x: pd.Series,
    low: pd.Series,
    high: pd.Series,
    *,
    name: str,
    colour: str,
) -> list:
    """Two traces drawing a filled band between ``low`` and ``high``."""
    upper = go.Scatter(
        x=x,
        y=high,
        mode="lines",
        line={"width": 0},
        hoverinfo="skip",
        showlegend=False,
        legendgroup=name,
    )
    lower = go.Scatter(
        x=x,
        y=low,
        mode="lines",
        line={"width": 0},
        fill="tonexty",
        fillcolor=colour,
        name=name,
        hoverinfo="skip",
        legendgroup=name,
    )
    return [upper, lower]


def trend_figure(
    history: pd.DataFrame,
    forecast: pd.DataFrame | None = None,
    *,
    title: str,
    show_fit: bool = False,
    style: SeriesStyle = SURVEY,
) -> go.Figure:
    """Observed values with their confidence band (if any), plus the forecast and its interval.

    ``history`` has period_start, period_end, value, ci_low, ci_high (marts.fct_signals);
    ``forecast`` has ds, yhat, yhat_lower, yhat_upper, is_forecast (ml.forecasts).
    """
    figure = go.Figure()
    value = f"%{{y:.{style.digits}f}}{style.suffix}"
    history = history.sort_values("period_start").reset_index(drop=True)
    ci = history[history[["ci_low", "ci_high"]].notna().all(axis=1)]
    if not ci.empty:
        figure.add_traces(
            _band(
                ci["period_start"],
                ci["ci_low"],
                ci["ci_high"],
                name="95% confidence interval",
                colour=HISTORY_BAND,
            )
        )
    # Markers show the actual collection windows; the line only guides the eye across the
    # irregular spacing and pauses between survey phases (the cadence note explains them).
    period_text = (
        history["period_start"].dt.strftime("%b %d, %Y")
        + " – "
        + history["period_end"].dt.strftime("%b %d, %Y")
    )
    figure.add_trace(
        go.Scatter(
            x=history["period_start"],
            y=history["value"],
            mode="lines+markers",
            name=style.name,
            line={"color": HISTORY_COLOUR, "width": 2},
            marker={"size": 5},
            customdata=period_text,
            hovertemplate=f"%{{customdata}}<br>{value}<extra>{style.name}</extra>",
        )
    )

    if forecast is not None and not forecast.empty:
        forecast = forecast.sort_values("ds")
        future = forecast[forecast["is_forecast"].astype(bool)]
        fitted = forecast[~forecast["is_forecast"].astype(bool)]
        if show_fit and not fitted.empty:
            figure.add_trace(
                go.Scatter(
                    x=fitted["ds"],
                    y=fitted["yhat"],
                    mode="lines",
                    name="Model fit (in-sample)",
                    line={"color": FIT_COLOUR, "width": 1.5, "dash": "dot"},
                    hovertemplate=f"{value}<extra>Model fit</extra>",
                )
            )
        if not future.empty:
            figure.add_traces(
                _band(
                    future["ds"],
                    future["yhat_lower"],
                    future["yhat_upper"],
                    name="Forecast interval",
                    colour=FORECAST_BAND,
                )
            )
            # Start the dashed line at the last estimate so the eye follows on from the data.
            last = history.iloc[-1]
            line_x = pd.concat([pd.Series([last["period_start"]]), future["ds"]])
            line_y = pd.concat([pd.Series([last["value"]]), future["yhat"]])
            figure.add_trace(
                go.Scatter(
                    x=line_x,
                    y=line_y,
                    mode="lines+markers",
                    name="Forecast",
                    line={"color": FORECAST_COLOUR, "width": 2, "dash": "dash"},
                    marker={"size": 5, "symbol": "diamond"},
                    hovertemplate=f"{value}<extra>Forecast</extra>",
                )
            )
            _mark_end_of_data(figure, history["period_end"].max(), style.end_label)

    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        template="plotly_white",
        hovermode="x unified",
        height=460,
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.1, "x": 0},
        yaxis={"title": style.y_title, "ticksuffix": style.suffix},
        xaxis={"title": None},
    )
    return figure


def _mark_end_of_data(figure: go.Figure, when: pd.Timestamp, label: str) -> None:
    # A shape plus an annotation rather than add_vline: add_vline's annotation breaks on dates.
    figure.add_shape(
        type="line",
        x0=when,
        x1=when,
        y0=0,
        y1=1,
        yref="paper",
        line={"color": "#999999", "width": 1, "dash": "dot"},
    )
    figure.add_annotation(
        x=when,
        y=1,
        yref="paper",
        text=label,
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
        font={"size": 11, "color": "#666666"},
    )


def national_overview_figure(history: pd.DataFrame) -> go.Figure:
    """One line per signal: the national estimates over the whole survey."""
    figure = go.Figure()
    for signal in ordered_signals(history["signal"].unique().tolist()):
        rows = history[history["signal"] == signal].sort_values("period_start")
        figure.add_trace(
            go.Scatter(
                x=rows["period_start"],
                y=rows["value"],
                mode="lines",
                name=signal_label(signal),
                line={"color": SIGNAL_COLOURS.get(signal), "width": 2},
                hovertemplate="%{y:.1f}%",
            )
        )
    figure.update_layout(
        template="plotly_white",
        hovermode="x unified",
        height=380,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.1, "x": 0},
        yaxis={"title": "% of adults", "ticksuffix": "%"},
    )
    return figure


def community_figure(
    frame: pd.DataFrame, *, y_title: str, suffix: str = "", digits: int = 0
) -> go.Figure:
    """One line per community: ``frame`` has subreddit, period_start, value (weekly)."""
    figure = go.Figure()
    for index, subreddit in enumerate(sorted(frame["subreddit"].unique())):
        rows = frame[frame["subreddit"] == subreddit].sort_values("period_start")
        figure.add_trace(
            go.Scatter(
                x=rows["period_start"],
                y=rows["value"],
                mode="lines",
                name=community_label(subreddit),
                line={"color": COMMUNITY_COLOURS[index % len(COMMUNITY_COLOURS)], "width": 2},
                hovertemplate=f"%{{y:.{digits}f}}{suffix}",
            )
        )
    figure.update_layout(
        template="plotly_white",
        hovermode="x unified",
        height=360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.1, "x": 0},
        yaxis={"title": y_title, "ticksuffix": suffix, "rangemode": "tozero"},
        xaxis={"title": "Week starting"},
    )
    return figure


NO_CLEAR_GROUP_COLOUR = "#b0b0b0"


def segment_sizes_figure(sizes: pd.DataFrame) -> go.Figure:
    """One horizontal bar per segment: its share of respondents, "no clear group" in grey.

    ``sizes`` has label, share (0..1), respondents and is_noise, in the order to show (top
    first).
    """
    colours = [NO_CLEAR_GROUP_COLOUR if noise else HISTORY_COLOUR for noise in sizes["is_noise"]]
    figure = go.Figure(
        go.Bar(
            x=sizes["share"] * 100,
            y=sizes["label"],
            orientation="h",
            marker={"color": colours},
            text=[
                f"{share:.0%} ({n:,})"
                for share, n in zip(sizes["share"], sizes["respondents"], strict=True)
            ],
            textposition="auto",
            customdata=sizes["respondents"],
            hovertemplate="%{y}<br>%{x:.1f}% of respondents (%{customdata:,})<extra></extra>",
        )
    )
    figure.update_layout(
        template="plotly_white",
        height=max(220, 70 * len(sizes) + 80),
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"title": "% of respondents", "ticksuffix": "%", "rangemode": "tozero"},
        yaxis={"title": None, "autorange": "reversed"},  # the first row on top
        showlegend=False,
    )
    return figure
