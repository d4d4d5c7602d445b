"""WHO suicide statistics for the fixture warehouse: marts.fct_suicide_rates (issue 10's
contract) as the Global context page reads it, and the source's raw.load_batches row.

Seven countries over different year spans, with the real data's quirks (see
/work/shared/data/real/who_suicide_statistics/SOURCE.md): a whole year whose suicide counts are
blank while the population is known (the Netherlands in 2014), a single blank count (Japan's
men of 75+ in 2015), a blank population (Brazil's girls of 5-14 in 2012), a country whose
newest rows carry no counts at all (South Africa since 2015), and a year without any row
(Iceland in 2011). Rows are written with the age
bands in text order ('5-14 years' after '35-54 years'), as a careless sort would leave them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

# country -> (first year, last year, rate per 100,000 at ages 25-34 overall, population)
COUNTRIES = {
    "Japan": (2008, 2015, 19.5, 126_000_000),
    "Netherlands": (2008, 2016, 10.5, 17_000_000),
    "Brazil": (2008, 2015, 5.5, 200_000_000),
    "Mauritius": (2008, 2016, 8.0, 1_260_000),
    "Iceland": (2008, 2015, 12.0, 330_000),
    "South Africa": (2008, 2016, 1.2, 54_000_000),
    "Uruguay": (2006, 2012, 17.0, 3_400_000),
}
# age band -> (age_band_order, rate factor, share of the population)
AGE_BANDS = {
    "5-14 years": (1, 0.06, 0.14),
    "15-24 years": (2, 0.8, 0.14),
    "25-34 years": (3, 1.0, 0.14),
    "35-54 years": (4, 1.25, 0.28),
    "55-74 years": (5, 1.3, 0.22),
    "75+ years": (6, 1.6, 0.08),
}
SEX_FACTOR = {"female": 0.5, "male": 1.5}
BLANK_YEAR = ("Netherlands", 2014)  # every suicide count blank, populations known
BLANK_SUICIDES = ("Japan", 2015, "male", "75+ years")
BLANK_POPULATION = ("Brazil", 2012, "female", "5-14 years")
NO_COUNTS_SINCE = ("South Africa", 2015)
MISSING_YEAR = ("Iceland", 2011)  # no rows at all: the country did not report that year
WHO_LOAD = dt.datetime(2024, 9, 30, 9, 0)


def counts(country: str, year: int, sex: str, band: str) -> tuple[int | None, int | None]:
    """(suicides, population) of one row, None where the fixture leaves it blank."""
    first, _, rate, people = COUNTRIES[country]
    _, factor, share = AGE_BANDS[band]
    population = round(people * share / 2 * (1 + 0.004 * (year - first)))
    group_rate = rate * factor * SEX_FACTOR[sex] * (1 + 0.03 * ((year * 7) % 5 - 2))
    suicides = round(group_rate * population / 100_000)
    blank_suicides = (
        (country, year) == BLANK_YEAR
        or (country, year, sex, band) == BLANK_SUICIDES
        or (country == NO_COUNTS_SINCE[0] and year >= NO_COUNTS_SINCE[1])
    )
    blank_population = (country, year, sex, band) == BLANK_POPULATION
    return (None if blank_suicides else suicides), (None if blank_population else population)


def suicide_rate_rows() -> pd.DataFrame:
    rows = []
    for country, (first, last, _, _) in COUNTRIES.items():
        for year in range(first, last + 1):
            if (country, year) == MISSING_YEAR:
                continue
            for band in sorted(AGE_BANDS):  # text order, not age order
                for sex in SEX_FACTOR:
                    suicides, population = counts(country, year, sex, band)
                    known = suicides is not None and population
                    rows.append(
                        {"country": country, "year": year, "sex": sex, "age_band": band,
                         "age_band_order": AGE_BANDS[band][0], "suicides": suicides,
                         "population": population,
                         "rate_per_100k": suicides * 100_000 / population if known else None,
                         "source_layout": "who"}
                    )  # fmt: skip
    frame = pd.DataFrame(rows)
    for column in ("suicides", "population"):
        frame[column] = frame[column].astype("Int64")
    return frame


def load_batch_row() -> dict:
    return {"source": "who_suicide", "batch_id": "batch-who", "source_mode": "sample",
            "landing_path": "/tmp/landing/who_suicide/batch.jsonl", "rows_in": 1_000,
            "rows_loaded": 1_000, "rows_quarantined": 0, "loaded_at": WHO_LOAD}  # fmt: skip


WHO_DDL = """
create table marts.fct_suicide_rates (
    country varchar not null, year integer not null, sex varchar not null,
    age_band varchar not null, age_band_order integer, suicides bigint, population bigint,
    rate_per_100k double, source_layout varchar not null);
"""
