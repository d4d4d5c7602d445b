"""AppTest checks of the Global context page against the fixture warehouse.

Expected figures are worked out here from the fixture's WHO rows (tests/dashboard/who_fixtures.py):
the countries with the most recent reported data, each country's combined rate over the rows
whose counts are both known, the gaps where no count is known, and the age bands in age order.
A blank count must never turn into a 0 on the page.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pandas as pd
import pytest

from dashboard.global_data import DEFAULT_COUNTRIES
from tests.dashboard import who_fixtures as who
from tests.dashboard.app_pages import (
    GLOBAL,
    assert_no_exception,
    everything_rendered,
    open_page,
    page_text,
)
from tests.dashboard.dashboard_fixtures import Warehouse
from tests.dashboard.publications import publish

CRISIS_LINE = "988 Suicide & Crisis Lifeline"


def plotted(trace: dict, axis: str) -> list:
    """A trace's values; plotly encodes numeric arrays as base64 typed arrays."""
    values = trace[axis]
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def charts(app) -> tuple[dict, dict]:
    rates, breakdown = (json.loads(chart.proto.spec) for chart in app.get("plotly_chart"))
    return rates, breakdown


def rows() -> pd.DataFrame:
    return who.suicide_rate_rows()


def expected_rates() -> dict[str, dict[int, float | None]]:
    """country -> year -> combined rate over the rows with both counts known (None: none)."""
    frame = rows()
    known = frame[frame["suicides"].notna() & frame["population"].notna()]
    result: dict[str, dict[int, float | None]] = {}
    for country, (first, last, _, _) in who.COUNTRIES.items():
        result[country] = {}
        for year in range(first, last + 1):
            year_rows = known[(known["country"] == country) & (known["year"] == year)]
            population = year_rows["population"].sum()
            result[country][year] = (
                float(year_rows["suicides"].sum()) * 100_000 / float(population)
                if len(year_rows)
                else None
            )
    return result


def expected_defaults() -> list[str]:
    rates = expected_rates()
    known_years = {
        country: [year for year, rate in by_year.items() if rate is not None]
        for country, by_year in rates.items()
    }
    ranked = sorted(
        known_years,
        key=lambda country: (-max(known_years[country]), -len(known_years[country]), country),
    )
    return ranked[:DEFAULT_COUNTRIES]


def shown_rates(app) -> dict[str, dict[int, float | None]]:
    rates, _ = charts(app)
    return {
        trace["name"]: dict(zip(plotted(trace, "x"), plotted(trace, "y"), strict=True))
        for trace in rates["data"]
    }


def assert_never_zero_for_blank(values: dict[int, float | None]) -> None:
    for year, value in values.items():
        assert value is None or (not math.isnan(value) and value > 0), (year, value)


def test_opens_on_the_countries_with_the_most_recent_data(warehouse: Warehouse) -> None:
    app = open_page(GLOBAL)
    assert_no_exception(app)
    defaults = expected_defaults()
    assert app.multiselect(key="global_countries").value == defaults
    assert list(shown_rates(app)) == defaults
    # South Africa has rows up to the newest year, but no counts in them.
    assert who.NO_COUNTS_SINCE[0] not in defaults
    newest_row = max(last for _, last, _, _ in who.COUNTRIES.values())
    assert who.COUNTRIES[who.NO_COUNTS_SINCE[0]][1] == newest_row
    text = page_text(app)
    assert "last loaded **2024-09-30 09:00 UTC** in `sample` mode" in text
    assert "Set `MINDPULSE_WHO_FILE`" in text


def test_each_line_is_the_combined_rate_of_the_known_counts(warehouse: Warehouse) -> None:
    app = open_page(GLOBAL)
    everyone = sorted(who.COUNTRIES)
    app.multiselect(key="global_countries").set_value(everyone).run()
    assert_no_exception(app)
    shown = shown_rates(app)
    assert sorted(shown) == everyone
    for country, by_year in expected_rates().items():
        assert list(shown[country]) == list(by_year), country  # every year, gaps included
        for year, rate in by_year.items():
            if rate is None:
                assert shown[country][year] is None, (country, year)
            else:
                assert shown[country][year] == pytest.approx(rate), (country, year)
        assert_never_zero_for_blank(shown[country])
    # The blank year is a gap, and so are the years without counts at the end of a series.
    assert shown["Netherlands"][2014] is None
    assert shown["South Africa"][2015] is None and shown["South Africa"][2016] is None
    assert shown[who.MISSING_YEAR[0]][who.MISSING_YEAR[1]] is None  # not joined across
    # A blank count is left out, not counted as 0 suicides among a known population.
    japan, year, sex, band = who.BLANK_SUICIDES
    frame = rows()
    same_year = frame[(frame["country"] == japan) & (frame["year"] == year)]
    as_if_zero = same_year["suicides"].fillna(0).sum() * 100_000 / same_year["population"].sum()
    assert shown[japan][year] != pytest.approx(as_if_zero)
    text = page_text(app)
    assert "All ages and both sexes combined" in text
    assert "Netherlands 2014" in text and "South Africa 2015, 2016" in text


def test_breakdown_shows_age_bands_in_order_and_blanks_as_missing(warehouse: Warehouse) -> None:
    japan, year, sex, band = who.BLANK_SUICIDES
    app = open_page(GLOBAL)
    app.selectbox(key="global_country").set_value(japan).run()
    assert_no_exception(app)
    assert app.selectbox(key=f"global_year_{japan}").value == year  # its newest known year
    _, breakdown = charts(app)
    in_age_order = sorted(who.AGE_BANDS, key=lambda name: who.AGE_BANDS[name][0])
    assert in_age_order != sorted(who.AGE_BANDS)  # text order differs: the test can tell
    traces = {trace["name"]: trace for trace in breakdown["data"]}
    assert set(traces) == {"Female", "Male"}
    frame = rows().set_index(["country", "year", "sex", "age_band"])
    for name, trace in traces.items():
        assert plotted(trace, "x") == in_age_order
        for shown, age in zip(plotted(trace, "y"), in_age_order, strict=True):
            row = frame.loc[(japan, year, name.lower(), age)]
            if pd.isna(row["rate_per_100k"]):
                assert shown is None, (name, age)
            else:
                assert shown == pytest.approx(row["rate_per_100k"]), (name, age)
    assert plotted(traces[sex.capitalize()], "y")[in_age_order.index(band)] is None

    [table] = [element.value for element in app.dataframe]
    assert list(dict.fromkeys(table["Age band"])) == in_age_order
    blank = table[(table["Sex"] == sex.capitalize()) & (table["Age band"] == band)].iloc[0]
    assert (blank["Suicides"], blank["Per 100,000"]) == ("—", "—")
    assert blank["Population"] != "—"
    assert f"{sex}, {band} (suicides not reported)" in page_text(app)


def test_a_year_without_counts_shows_nothing_as_zero(warehouse: Warehouse) -> None:
    country, year = who.BLANK_YEAR
    app = open_page(GLOBAL)
    app.selectbox(key="global_country").set_value(country).run()
    app.selectbox(key=f"global_year_{country}").set_value(year).run()
    assert_no_exception(app)
    _, breakdown = charts(app)
    for trace in breakdown["data"]:
        assert plotted(trace, "y") == [None] * len(who.AGE_BANDS)
    [table] = [element.value for element in app.dataframe]
    assert set(table["Suicides"]) == {"—"} and set(table["Per 100,000"]) == {"—"}
    assert "—" not in set(table["Population"])  # the populations are known and shown
    groups = len(who.AGE_BANDS) * len(who.SEX_FACTOR)
    assert page_text(app).count("(suicides not reported)") == groups  # every group, in words
    assert f"No rate for {country} in {year}" in page_text(app)


def test_the_page_says_what_the_figures_are(warehouse: Warehouse) -> None:
    text = page_text(open_page(GLOBAL))
    for phrase in (
        "WHO mortality database",
        "coverage thins in the latest years",
        "never as zero",
        "Rates compare populations, not individuals",
        CRISIS_LINE,
    ):
        assert phrase in text, phrase


def test_empty_statistics_say_how_to_get_them(warehouse: Warehouse) -> None:
    publish(warehouse, then="delete from marts.fct_suicide_rates")
    app = open_page(GLOBAL)
    assert_no_exception(app)
    assert not app.warning and not app.error
    assert any("No WHO suicide statistics published yet" in e.value for e in app.info)
    assert not app.get("plotly_chart")
    assert CRISIS_LINE in page_text(app)


def test_a_publication_without_the_table_is_explained(warehouse: Warehouse) -> None:
    publish(warehouse, then="drop table marts.fct_suicide_rates")  # published before issue 10
    app = open_page(GLOBAL)
    assert_no_exception(app)
    warnings = [element.value for element in app.warning]
    assert any("lacks a table" in w and "make run" in w for w in warnings), warnings
    rendered = everything_rendered(app)
    for hidden in ("Traceback", "fct_suicide_rates", "Catalog"):
        assert hidden not in rendered, hidden
    assert CRISIS_LINE in page_text(app)
