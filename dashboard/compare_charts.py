"""Plotly figures of the Compare signals page: two signals overlaid as z-scores with their
unusual weeks marked, and the correlation at each lag against the significance threshold.
Plain functions, DataFrames in, figures out (no Streamlit here)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

FIRST_COLOUR = "#1f5f8b"
SECOND_COLOUR = "#d9822b"
BAR_COLOUR = "#9bb7cc"
SIGNIFICANT_BAR_COLOUR = "#1f5f8b"
THRESHOLD_COLOUR = "#c0392b"
Z_AXIS_TITLE = "Standard deviations from its average over the weeks shown (z-score)"
THRESHOLD_NAME = "Significance threshold (±)"


@dataclass(frozen=True)
class ShownSeries:
    """One signal of the overlay: ``frame`` has period_start, value and z (zscored);
    ``anomalies`` has period_start, value and words (the flagged periods of this series)."""

    label: str
    unit: str
    frame: pd.DataFrame
    anomalies: pd.DataFrame


def comparison_figure(first: ShownSeries, second: ShownSeries) -> go.Figure:
    """Both signals as z-scores on one axis, each flagged week circled in its colour."""
    figure = go.Figure()
    for shown, colour in ((first, FIRST_COLOUR), (second, SECOND_COLOUR)):
        frame = shown.frame
        figure.add_trace(
            go.Scatter(
                x=frame["period_start"],
                y=frame["z"],
                mode="lines+markers",
                name=shown.label,
                line={"color": colour, "width": 2},
                marker={"size": 4},
                customdata=frame["value"],
                hovertemplate=f"%{{customdata:,.1f}} {shown.unit} (z %{{y:.2f}})"
                f"<extra>{shown.label}</extra>",
            )
        )
        marked = shown.anomalies.merge(frame[["period_start", "z"]], on="period_start")
        if marked.empty:
            continue
        figure.add_trace(
            go.Scatter(
                x=marked["period_start"],
                y=marked["z"],
                mode="markers",
                name=f"Unusual week — {shown.label}",
                marker={
                    "color": "rgba(0,0,0,0)",
                    "size": 15,
                    "line": {"color": colour, "width": 2.5},
                    "symbol": "circle",
                },
                customdata=marked["words"],
                hovertemplate="%{customdata}<extra>Unusual week</extra>",
            )
        )
    figure.update_layout(
        template="plotly_white",
        hovermode="x unified",
        height=440,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        yaxis={"title": Z_AXIS_TITLE, "zeroline": True},
        xaxis={"title": "Week starting"},
    )
    return figure


def lag_figure(profile: pd.DataFrame, best_lag: int | None) -> go.Figure:
    """One bar per lag (``profile``: lag, correlation, threshold, n_pairs in the picked
    orientation); bars past the threshold are dark, the best lag is outlined."""
    profile = profile.sort_values("lag").reset_index(drop=True)
    significant = profile["correlation"].abs() >= profile["threshold"]
    figure = go.Figure(
        go.Bar(
            x=profile["lag"],
            y=profile["correlation"],
            name="Correlation at this lag",
            marker={
                "color": [SIGNIFICANT_BAR_COLOUR if s else BAR_COLOUR for s in significant],
                "line": {
                    "color": [
                        "#000000" if lag == best_lag else "rgba(0,0,0,0)" for lag in profile["lag"]
                    ],
                    "width": 2,
                },
            },  # fmt: skip
            customdata=profile["n_pairs"],
            hovertemplate="Lag %{x} weeks: correlation %{y:.2f} over %{customdata} weeks"
            "<extra></extra>",
        )
    )
    for sign in (1, -1):
        figure.add_trace(
            go.Scatter(
                x=profile["lag"],
                y=sign * profile["threshold"],
                mode="lines",
                name=THRESHOLD_NAME,
                legendgroup="threshold",
                showlegend=sign == 1,
                line={"color": THRESHOLD_COLOUR, "width": 1.5, "dash": "dash", "shape": "hvh"},
                hovertemplate=f"{'+' if sign == 1 else '−'}%{{y:.2f}} needed<extra></extra>",
            )
        )
    figure.update_layout(
        template="plotly_white",
        height=340,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.2, "x": 0},
        yaxis={"title": "Correlation", "range": [-1, 1], "zeroline": True},
        xaxis={
            "title": "Weeks the first signal moves before the second (negative: after)",
            "dtick": 1,
        },
        bargap=0.25,
    )
    return figure
