"""The questions the Global context page asks of marts.fct_suicide_rates (WHO), as SQL, and
the combined rates it draws.

A blank count in the WHO data is unknown, never zero: the mart keeps it null, every sum here
counts only the rows where both the suicides and the population are known, and a year with
no such row has no rate (a gap in the chart, not a 0). How the SQL reaches the warehouse lives
in dashboard/warehouse.py.
"""

from __future__ import annotations

import pandas as pd

from dashboard.warehouse import run_query

SOURCE = "who_suicide"  # raw.load_batches.source of the WHO loads
# The countries the chart opens with: this many, those with the most recent data.
DEFAULT_COUNTRIES = 5
PER = 100_000


def yearly_totals() -> pd.DataFrame:
    """Per country and year: the sums over the rows where both counts are known, how many
    such rows (age bands × sexes) there are, and how many rows the year has in all."""
    return run_query(
        """
        select country, year,
               sum(case when suicides is not null and population is not null
                        then suicides end) as suicides,
               sum(case when suicides is not null and population is not null
                        then population end) as population,
               sum(case when suicides is not null and population is not null
                        then 1 else 0 end) as groups_reported,
               count(*) as groups
        from marts.fct_suicide_rates
        group by country, year
        order by country, year
        """
    )


def combined_rates(totals: pd.DataFrame) -> pd.DataFrame:
    """All ages and both sexes combined: rate_per_100k = sum of suicides / sum of population
    x 100,000 over the rows where both are known. Every year from a country's first to its
    last is present: a year without known counts (or without rows) has a null rate."""
    frames = []
    for country, rows in totals.groupby("country", sort=True):
        years = pd.RangeIndex(int(rows["year"].min()), int(rows["year"].max()) + 1, name="year")
        full = rows.set_index("year").reindex(years).reset_index()
        full["country"] = country
        frames.append(full)
    if not frames:
        return totals.assign(rate_per_100k=pd.Series(dtype=float))
    rates = pd.concat(frames, ignore_index=True)
    known = rates["population"].notna() & (rates["population"] > 0) & rates["suicides"].notna()
    rates["rate_per_100k"] = (
        (rates["suicides"].astype(float) / rates["population"].astype(float) * PER)
        .where(known)
        .astype(float)
    )
    return rates


def default_countries(rates: pd.DataFrame, count: int = DEFAULT_COUNTRIES) -> list[str]:
    """The ``count`` countries whose newest known rate is the most recent (ties: the one with
    the most years of known rates, then by name)."""
    known = rates[rates["rate_per_100k"].notna()]
    ranking = (
        known.groupby("country")["year"]
        .agg(newest="max", years="count")
        .reset_index()
        .sort_values(["newest", "years", "country"], ascending=[False, False, True])
    )
    return list(ranking["country"].head(count))


def breakdown(country: str, year: int) -> pd.DataFrame:
    """One country-year by age band (in age_band_order) and sex, counts null where blank."""
    return run_query(
        """
        select age_band, age_band_order, sex, suicides, population, rate_per_100k
        from marts.fct_suicide_rates
        where country = ? and year = ?
        order by case when age_band_order is null then 1 else 0 end, age_band_order,
                 age_band, sex
        """,
        [country, int(year)],
    )


def age_bands(frame: pd.DataFrame) -> list[str]:
    """The age bands of a breakdown in their order (the query sorted them)."""
    return list(dict.fromkeys(frame["age_band"]))
