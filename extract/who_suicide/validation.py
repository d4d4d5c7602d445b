"""Validation of landed WHO suicide records: typed raw rows, or quarantine with the reason.

A record is kept when it names a country, a year from 1950 to 2100, a sex (female or male), one
of the WHO's six age bands, and counts that are non-negative whole numbers or blank, with no
more suicides than population. A blank count stays null: it is never read as 0. Age bands are
normalised ('15-24', '15 - 24 Years' -> '15-24 years'), sex lower-cased, thousands separators
and a '.0' a spreadsheet added are accepted. The same (country, year, sex, age band) twice: the
later record is quarantined as a 'duplicate key' (two files that overlap, or a file twice).
Vectorised: the real file's 43,776 records validate in a small fraction of a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from extract.batch import QuarantinedRecord
from extract.record_problems import RecordProblems
from extract.who_suicide.records import AGE_BANDS, LAYOUT_NAMES, PAYLOAD_FIELDS, ROW_COLUMNS

YEAR_RANGE = (1950, 2100)
KEY = ("country", "year", "sex", "age_band")
# Whole numbers as the exports write them: '1234', '1234.0' (a spreadsheet's float), or with
# thousands separators '2,156,624' (18 digits at most: a BIGINT holds them whatever they are).
_WHOLE = r"\d{1,18}(?:\.0*)?|\d{1,3}(?:,\d{3}){1,5}(?:\.0*)?"
_YEAR = r"\d{4}(?:\.0*)?"
_DECIMAL = (
    r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
    r"|[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][-+]?\d+)?"
)
# '15-24 years', '15 - 24 Years', '15-24', '75+', '75+ yrs' -> the band's canonical label.
_AGE_KEYS = {band.removesuffix(" years"): band for band in AGE_BANDS}
_BANDS_TEXT = ", ".join(_AGE_KEYS) + " years"
# The column each field has in the published files, for reasons a person can act on.
_LABELS = {
    "suicides": "suicides_no",
    "population": "population",
    "published_rate_per_100k": "suicides/100k pop",
    "hdi": "HDI for year",
    "gdp_per_capita": "gdp_per_capita ($)",
}


def _text(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _matches(text: pd.Series, pattern: str) -> pd.Series:
    return text.str.fullmatch(pattern).fillna(False).astype(bool)


def whole_numbers(text: pd.Series, pattern: str = _WHOLE) -> tuple[pd.Series, pd.Series]:
    """(Int64 values, mask of values that are not whole numbers >= 0); blank is <NA>, not bad.

    Converted from the digits, not through a float, so an 18-digit count stays exact."""
    ok = _matches(text, pattern)
    digits = text.where(ok).str.replace(",", "", regex=False).str.replace(r"\.0*$", "", regex=True)
    return digits.astype("Int64"), text.notna() & ~ok


def decimals(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(Float64 values, mask of values that are not numbers); blank is <NA>, not bad."""
    ok = _matches(text, _DECIMAL)
    numbers = pd.to_numeric(text.where(ok).str.replace(",", "", regex=False), errors="coerce")
    return numbers.astype("Float64"), text.notna() & ~ok


def age_bands(text: pd.Series) -> pd.Series:
    """The canonical age band of each value, <NA> when it is none of the six."""
    key = (
        text.str.lower()
        .str.replace("\u2013", "-", regex=False)  # an en dash from a word processor
        .str.replace(r"\s*(?:years?|yrs?)\.?$", "", regex=True)
        .str.replace(r"\s+", "", regex=True)
    )
    return key.map(_AGE_KEYS).astype("string")


def validate_payload(records: pd.DataFrame) -> tuple[pd.DataFrame, list[QuarantinedRecord]]:
    """Rows for raw.who_suicide_statistics (ROW_COLUMNS) and the records that failed."""
    records = records.reindex(columns=list(PAYLOAD_FIELDS)).reset_index(drop=True)
    problems = RecordProblems(records, PAYLOAD_FIELDS)
    flag = problems.flag
    problems.flag_reader_problems(_text(records["_problem"]))
    country = _text(records["country"])
    flag(country.isna(), "country", "the record has no country")
    year_text = _text(records["year"])
    year, _ = whole_numbers(year_text, _YEAR)
    bad_year = ~year.between(*YEAR_RANGE).fillna(False).astype(bool)
    flag(bad_year, "year", f"the year is not a whole number from {YEAR_RANGE[0]} to 2100")
    sex = _text(records["sex"]).str.lower()
    flag(~sex.isin(["female", "male"]).fillna(False), "sex", "the sex is not female or male")
    age_text = _text(records["age_band"])
    age_band = age_bands(age_text)
    flag(age_band.isna(), "age_band", f"the age is not one of the WHO age bands ({_BANDS_TEXT})")

    counts = {}
    for field in ("suicides", "population"):
        counts[field], bad = whole_numbers(_text(records[field]))
        flag(bad, field, f"{_LABELS[field]} is not a whole number of 0 or more (or blank)")
    more_deaths = (counts["suicides"] > counts["population"]).fillna(False).astype(bool)
    flag(more_deaths, "suicides", "suicides_no is larger than population")
    numbers = {}
    for field in ("published_rate_per_100k", "hdi", "gdp_per_capita"):
        numbers[field], bad = decimals(_text(records[field]))
        flag(bad, field, f"{_LABELS[field]} is not a number")

    layout = _text(records["layout"])
    flag(~layout.isin(LAYOUT_NAMES).fillna(False), "layout", "the layout is not who or overview")
    file_name = _text(records["file_name"])
    flag(file_name.isna(), "file_name", "the record has no file name")

    rows = pd.DataFrame(
        {
            "country": country,
            "year": year.astype("Int32"),
            "year_start": pd.to_datetime(
                year.where(~bad_year).astype("string") + "-01-01", format="%Y-%m-%d"
            ),
            "sex": sex,
            "age_band": age_band,
            **counts,
            **numbers,
            "generation": _text(records["generation"]),
            "layout": layout,
            "file_name": file_name,
            "_row_number": np.arange(1, len(records) + 1),
        }
    )
    _flag_duplicates(rows, problems)
    return problems.split(rows, ROW_COLUMNS)


def _flag_duplicates(rows: pd.DataFrame, problems: RecordProblems) -> None:
    """Quarantine the later of two otherwise valid records with the same key."""
    valid = np.ones(len(rows), dtype=bool)
    valid[list(problems.found)] = False
    keys = rows.loc[valid, list(KEY)]
    repeated = keys.duplicated(keep="first")
    if not repeated.any():
        return
    first = keys.reset_index().groupby(list(KEY), sort=False)["index"].transform("first")
    first.index = keys.index
    for position in keys.index[repeated.to_numpy()]:
        message = (
            "duplicate key: the same country, year, sex and age band as row "
            f"{int(first.loc[position]) + 1}"
        )
        # The reason once, every key field named.
        for field in KEY:
            problems.add(int(position), field, message if field == KEY[0] else "")
