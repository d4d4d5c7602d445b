"""Plotly figures of the Global context page: suicide rates per 100,000 by country and year,
and one country-year by age band and sex. A missing rate stays missing (None): a gap in a
line, no bar; never a 0. Plain functions, DataFrames in, figures out (no Streamlit here)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts import COMMUNITY_COLOURS

SEX_COLOURS = {"female": "#8e5ea2", "male": "#2a9d8f"}
RATE_TITLE = "Suicides per 100,000 people"


def _missing_as_none(values: pd.Series) -> list:
    return [None if pd.isna(value) else float(value) for value in values]


def _reported_words(reported: float, groups: float) -> str:
    if pd.isna(reported) or not reported:
        return "no counts reported"
    return f"{int(reported)} of {int(groups)} age and sex groups reported"


def rates_figure(rates: pd.DataFrame, countries: list[str]) -> go.Figure:
    """One line per country over its years (``rates``: combined_rates); a year without a
    rate breaks the line, and markers show years that stand alone between gaps."""
    figure = go.Figure()
    for index, country in enumerate(countries):
        rows = rates[rates["country"] == country].sort_values("year")
        reported = [
            _reported_words(n, total)
            for n, total in zip(rows["groups_reported"], rows["groups"], strict=True)
        ]
        figure.add_trace(
            go.Scatter(
                x=list(rows["year"]),
                y=_missing_as_none(rows["rate_per_100k"]),
                mode="lines+markers",
                connectgaps=False,
                name=country,
                line={"color": COMMUNITY_COLOURS[index % len(COMMUNITY_COLOURS)], "width": 2},
                marker={"size": 5},
                customdata=reported,
                hovertemplate="%{x}: %{y:.1f} per 100,000 (%{customdata})"
                f"<extra>{country}</extra>",
            )
        )
    figure.update_layout(
        template="plotly_white",
        hovermode="closest",
        height=420,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        yaxis={"title": RATE_TITLE, "rangemode": "tozero"},
        xaxis={"title": "Year", "tickformat": "d"},
    )
    return figure


def breakdown_figure(frame: pd.DataFrame, bands: list[str]) -> go.Figure:
    """Rates by age band (x, in ``bands`` order) and sex (one bar per sex in each band)."""
    figure = go.Figure()
    for sex in sorted(frame["sex"].unique()):
        rows = frame[frame["sex"] == sex].set_index("age_band").reindex(bands)
        figure.add_trace(
            go.Bar(
                x=bands,
                y=_missing_as_none(rows["rate_per_100k"]),
                name=sex.capitalize(),
                marker={"color": SEX_COLOURS.get(sex)},
                hovertemplate="%{x}: %{y:.1f} per 100,000<extra>" + sex.capitalize() + "</extra>",
            )
        )
    figure.update_layout(
        template="plotly_white",
        barmode="group",
        height=380,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        yaxis={"title": RATE_TITLE, "rangemode": "tozero"},
        xaxis={"title": "Age band", "categoryorder": "array", "categoryarray": bands},
    )
    return figure
