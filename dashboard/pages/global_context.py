"""Global context: suicide rates per 100,000 people by country and year (WHO mortality
database), and one country-year by age band and sex.

Careful by design: rates describe populations, never individuals; a count the WHO data leaves
blank is shown as missing, never as zero. The crisis resources follow on every page (app.py).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components, data
from dashboard import global_data as world
from dashboard.global_charts import breakdown_figure, rates_figure
from dashboard.labels import SourceText

NOTE = (
    "**About these figures.** Deaths by suicide per 100,000 people, by country and year, as "
    "reported to the WHO. They describe populations, not any one person. If this topic is "
    "difficult for you right now, the support lines at the bottom of the page are there for you."
)
DATA_NOTE = (
    "Source: WHO mortality database (suicide statistics by country, year, sex and age band). "
    "Countries report on their own schedules, so coverage thins in the latest years and a "
    "country's newest year may be missing. Counts that were not reported are shown as missing "
    "(a gap in a line, a dash in the table), never as zero. Rates compare populations, not "
    "individuals; differences between countries also reflect how deaths are recorded."
)
NO_DATA = (
    "**No WHO suicide statistics published yet.** Set `MINDPULSE_WHO_FILE` to the WHO suicide "
    "statistics CSV, or run `make run` to build everything on sample data, then reload this page."
)
WHO_TEXT = SourceText(
    modes={
        "sample": "generated sample figures (illustrative, not real WHO statistics)",
        "file": "a WHO suicide statistics file",
    },
    period="year",
    sample_hint=(
        "These figures come from the built-in sample generator. Set `MINDPULSE_WHO_FILE` to "
        "the WHO suicide statistics CSV to see the real ones."
    ),
)
MISSING = "—"


def trend_section(rates: pd.DataFrame) -> list[str]:
    """The countries picked and their combined rates over the years; returns the countries."""
    st.subheader("Suicide rates over the years")
    countries = st.multiselect(
        "Countries",
        sorted(rates["country"].unique()),
        default=world.default_countries(rates),
        key="global_countries",
        help="Opens on the countries with the most recent reported data.",
    )
    if not countries:
        st.info("Choose at least one country to see its rates.", icon=":material/info:")
        return countries
    st.plotly_chart(
        rates_figure(rates, countries),
        width="stretch",
        config={"displaylogo": False},
        key="global_rates",
    )
    st.caption(
        "All ages and both sexes combined: the sum of suicides divided by the sum of the "
        "population, times 100,000, over the age bands and sexes where both counts are "
        "reported (hover for how many were). A year without reported counts is a gap in the "
        "line, not a zero."
    )
    chosen = rates[rates["country"].isin(countries)]
    gaps = chosen[chosen["rate_per_100k"].isna()]
    if not gaps.empty:
        listed = "; ".join(
            f"{components.markdown_escaped(country)} {', '.join(str(y) for y in rows['year'])}"
            for country, rows in gaps.groupby("country", sort=True)
        )
        st.caption(f"Years without reported counts (gaps in the lines): {listed}.")
    return countries


def _count(value: object) -> str:
    return MISSING if pd.isna(value) else f"{int(value):,}"


def breakdown_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The breakdown as text: a missing count or rate is a dash, never 0."""
    return pd.DataFrame(
        {
            "Age band": frame["age_band"],
            "Sex": frame["sex"].str.capitalize(),
            "Suicides": [_count(value) for value in frame["suicides"]],
            "Population": [_count(value) for value in frame["population"]],
            "Per 100,000": [
                MISSING if pd.isna(rate) else f"{rate:.1f}" for rate in frame["rate_per_100k"]
            ],
        }
    )


def missing_groups(frame: pd.DataFrame) -> list[str]:
    """'male, 75+ years (suicides not reported)' for every row without a rate."""
    notes = []
    for row in frame[frame["rate_per_100k"].isna()].itertuples():
        unknown = [name for name in ("suicides", "population") if pd.isna(getattr(row, name))]
        what = " and ".join(unknown) + " not reported" if unknown else "population of 0"
        notes.append(f"{row.sex}, {row.age_band} ({what})")
    return notes


def breakdown_section(rates: pd.DataFrame, countries: list[str]) -> None:
    st.subheader("By age band and sex")
    columns = st.columns(2)
    country = columns[0].selectbox(
        "Country", countries or sorted(rates["country"].unique()), key="global_country"
    )
    years = rates[rates["country"] == country].sort_values("year", ascending=False)
    known = years[years["rate_per_100k"].notna()]
    default = known.iloc[0]["year"] if not known.empty else years.iloc[0]["year"]
    options = [int(year) for year in years["year"]]
    year = columns[1].selectbox(
        "Year", options, index=options.index(int(default)), key=f"global_year_{country}"
    )
    frame = world.breakdown(country, year)
    if frame.empty:
        st.info(f"The WHO data has no rows for {country} in {year}.", icon=":material/info:")
        return
    bands = world.age_bands(frame)
    st.plotly_chart(
        breakdown_figure(frame, bands),
        width="stretch",
        config={"displaylogo": False},
        key="global_breakdown",
    )
    st.dataframe(breakdown_table(frame), hide_index=True, width="stretch", key="global_table")
    missing = missing_groups(frame)
    if missing:
        st.caption(
            f"No rate for {components.markdown_escaped(country)} in {year}: "
            + "; ".join(missing)
            + ". These are left out of the chart rather than drawn as zero."
        )


def main() -> None:
    st.title("Global context")
    st.caption(
        "Suicide rates by country over the years, from the WHO mortality database: the wider "
        "picture behind the other pages' signals."
    )
    st.info(NOTE, icon=":material/public:")

    totals = world.yearly_totals()
    if totals.empty:
        st.info(NO_DATA, icon=":material/info:")
        return
    rates = world.combined_rates(totals)
    components.freshness_badge(data.latest_load(world.SOURCE), None, WHO_TEXT)
    newest = rates.loc[rates["rate_per_100k"].notna(), "year"].max()
    if pd.notna(newest):
        st.caption(f"Newest year with reported counts: **{int(newest)}**.")

    countries = trend_section(rates)
    breakdown_section(rates, countries)
    st.caption(DATA_NOTE)


main()
