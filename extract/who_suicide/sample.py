"""Deterministic sample data in the exact shape of the WHO suicide statistics file.

CSV text in the WHO layout (``country,year,sex,age,suicides_no,population``), CRLF line ends,
no line end after the last row, blank fields where the WHO has no figure, rows ordered as the
real file orders them (country, year, sex, then age band as text, so '5-14 years' follows
'35-54 years'). Scale 1 holds 8 countries x the years 2000-2016 x 2 sexes x 6 age bands
(about 1,500 rows); scale s holds round(8 * s) countries, real names first (one with
parentheses, 'Iran (Islamic Rep of)', as in the real file), then 'Sample country NNN'.

The figures are synthetic but shaped like the real ones: each country has an overall level of
2 to 30 suicides per 100,000, men about four times the rate of women, the rate rising with age
(lowest for 5-14, highest for 75+), a slow trend per country, and counts drawn around the
expected number. The real file's gaps are planted: whole country-years with suicides blank but
population present (the first country's first two years, and a few at random), a few with
population blank, and coverage thinning in the last years (most countries stop reporting in
2014 or 2015, few reach 2016).

The same (scale, seed) always gives the same text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.who_suicide.records import AGE_BANDS, SEXES

COUNTRIES_PER_SCALE = 8
FIRST_YEAR, LAST_YEAR = 2000, 2016
SEED = 1979
# (country as the WHO file names it, overall suicides per 100,000): plausible levels, not the
# published ones.
_COUNTRIES = (
    ("Austria", 15.0), ("Brazil", 5.5), ("Iran (Islamic Rep of)", 4.0), ("Japan", 20.0),
    ("Lithuania", 30.0), ("Mexico", 4.5), ("Republic of Korea", 26.0),
    ("United States of America", 13.0), ("Finland", 17.0), ("France", 15.5), ("Germany", 11.5),
    ("Italy", 6.5), ("Spain", 7.5), ("United Kingdom", 7.0), ("Canada", 11.0),
    ("Australia", 11.5), ("Argentina", 8.0), ("Chile", 10.0), ("Colombia", 4.5),
    ("Hungary", 22.0), ("Poland", 15.0), ("Russian Federation", 28.0), ("Ukraine", 21.0),
    ("Kazakhstan", 25.0), ("Belarus", 27.0), ("Latvia", 22.0), ("Estonia", 19.0),
    ("Slovenia", 20.0), ("Croatia", 16.0), ("Czech Republic", 14.0), ("Belgium", 18.0),
    ("Netherlands", 9.5), ("Sweden", 12.0), ("Norway", 11.0), ("Denmark", 10.0),
    ("Ireland", 10.5), ("Portugal", 8.5), ("Greece", 3.5), ("Israel", 6.0), ("Thailand", 6.5),
    ("Philippines", 2.5), ("Guatemala", 3.0), ("Ecuador", 7.0),
    ("Venezuela (Bolivarian Republic of)", 3.5), ("Cuba", 12.5), ("New Zealand", 12.0),
    ("Uruguay", 16.5), ("Sri Lanka", 24.0), ("Mauritius", 8.0), ("Kuwait", 2.0),
)  # fmt: skip
# Rate relative to the country's level: men about four times women, rising with age.
_SEX_FACTOR = {"female": 0.4, "male": 1.6}
_AGE_FACTOR = dict(zip(AGE_BANDS, (0.05, 0.8, 1.0, 1.25, 1.4, 1.9), strict=True))
# Share of the population in each band (per sex, before the women's majority at 75+).
_AGE_SHARE = dict(zip(AGE_BANDS, (0.12, 0.13, 0.14, 0.28, 0.22, 0.11), strict=True))
_FEMALE_SHARE_75 = 0.62
# The last year a country reports, and how likely each is (the real file: 1,248 rows in 2014,
# 960 in 2015, 300 in 2016).
_LAST_YEARS, _LAST_YEAR_WEIGHTS = (2013, 2014, 2015, 2016), (0.1, 0.25, 0.45, 0.2)
_BLANK_SUICIDES, _BLANK_POPULATION = 0.03, 0.05  # share of country-years without the figure


def _countries(scale: float) -> list[tuple[str, float]]:
    n = max(round(COUNTRIES_PER_SCALE * scale), 1)
    named = list(_COUNTRIES[:n])
    extra = [
        (f"Sample country {k:03d}", 2.0 + (k * 7.3) % 28) for k in range(len(named) + 1, n + 1)
    ]
    return named + extra


def generate_sample_frame(scale: float = 1.0, seed: int = SEED) -> pd.DataFrame:
    """The sample as the file's columns (Int64 counts, <NA> for a blank), in the file's order."""
    if not scale > 0:
        raise ValueError(f"scale must be a positive number such as 1 or 10, got {scale!r}")
    rng = np.random.default_rng(seed)
    countries = _countries(scale)
    n_countries, years = len(countries), np.arange(FIRST_YEAR, LAST_YEAR + 1)
    n_years, n_cells = len(years), len(SEXES) * len(AGE_BANDS)
    weights = np.asarray(_LAST_YEAR_WEIGHTS)
    last_year = np.asarray(_LAST_YEARS)[rng.choice(len(_LAST_YEARS), n_countries, p=weights)]
    last_year[0] = LAST_YEAR  # some country always reaches the newest year
    population_total = np.exp(rng.normal(np.log(10e6), 1.2, n_countries)).clip(3e5, 2e8)
    trend = rng.uniform(-0.03, 0.01, n_countries)  # yearly change of the rate
    # Country-year effects: noise on the rate, and which figures are blank.
    noise = np.exp(rng.normal(0.0, 0.08, (n_countries, n_years)))
    blank_suicides = rng.random((n_countries, n_years)) < _BLANK_SUICIDES
    blank_suicides[0, :2] = True  # like Albania 1985-86 in the real file
    blank_population = (rng.random((n_countries, n_years)) < _BLANK_POPULATION) & ~blank_suicides

    # One row per country x year x sex x age band.
    c = np.repeat(np.arange(n_countries), n_years * n_cells)
    y = np.tile(np.repeat(np.arange(n_years), n_cells), n_countries)
    sex = np.tile(np.repeat(np.asarray(SEXES, dtype=object), len(AGE_BANDS)), n_countries * n_years)
    age = np.tile(np.asarray(AGE_BANDS, dtype=object), n_countries * n_years * len(SEXES))
    level = np.asarray([rate for _, rate in countries])[c]
    sex_factor = pd.Series(sex).map(_SEX_FACTOR).to_numpy()
    age_factor = pd.Series(age).map(_AGE_FACTOR).to_numpy()
    norm = sum(_AGE_FACTOR[b] * _AGE_SHARE[b] for b in AGE_BANDS)  # the level is the average
    rate = level * sex_factor * age_factor / norm * (1 + trend[c]) ** y * noise[c, y]
    female_share = np.where(age == AGE_BANDS[-1], _FEMALE_SHARE_75, 0.5)
    sex_share = np.where(sex == "female", female_share, 1 - female_share)
    growth = 1.005**y
    people = population_total[c] * pd.Series(age).map(_AGE_SHARE).to_numpy() * sex_share * growth
    population = (np.round(people / 100) * 100).astype(np.int64)  # the WHO's round figures
    suicides = rng.poisson(rate * population / 1e5)

    frame = pd.DataFrame(
        {
            "country": np.asarray([name for name, _ in countries], dtype=object)[c],
            "year": years[y],
            "sex": sex,
            "age": age,
            "suicides_no": pd.array(suicides, dtype="Int64"),
            "population": pd.array(population, dtype="Int64"),
        }
    )
    frame.loc[blank_suicides[c, y], "suicides_no"] = pd.NA
    frame.loc[blank_population[c, y], "population"] = pd.NA
    frame = frame[frame["year"].to_numpy() <= last_year[c]]
    return frame.sort_values(["country", "year", "sex", "age"], kind="stable").reset_index(
        drop=True
    )


def generate_sample_csv(scale: float = 1.0, seed: int = SEED) -> str:
    """The sample as the WHO file's text: CRLF, blanks empty, no line end after the last row."""
    text = generate_sample_frame(scale, seed).to_csv(index=False, lineterminator="\r\n")
    return text.removesuffix("\r\n")
