"""The two layouts WHO suicide statistics circulate in, and how a file's header is recognised.

- ``who``: the WHO Mortality Database extract as republished on Kaggle ("WHO Suicide
  Statistics"): ``country,year,sex,age,suicides_no,population``.
- ``overview``: "Suicide Rates Overview 1985 to 2016" (Kaggle's master.csv), the same six
  columns plus ``suicides/100k pop,country-year,HDI for year, gdp_for_year ($) ,
  gdp_per_capita ($),generation``. Its many copies spell those headers differently
  ('HDI_for_year', 'gdp_per_capita' without '($)', stray spaces), so headers are compared after
  :func:`normalise_header`. ``country-year`` and ``gdp_for_year`` are derived from other
  columns and are not kept; a copy that dropped some overview columns (HDI is mostly blank and
  often removed) is still read, the missing ones null.

Columns are found by name, not position, so a copy with re-ordered columns reads the same.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from extract.batch import ExtractError
from extract.privacy import scrub_text

# Payload field -> the header it has in the published files (normalised when compared).
BASE_HEADERS = {
    "country": "country",
    "year": "year",
    "sex": "sex",
    "age_band": "age",
    "suicides": "suicides_no",
    "population": "population",
}
OVERVIEW_HEADERS = {
    "published_rate_per_100k": "suicides/100k pop",
    "hdi": "HDI for year",
    "gdp_per_capita": "gdp_per_capita ($)",
    "generation": "generation",
}
# Overview columns recognised (they mark a file as the overview layout) but not kept.
OVERVIEW_DROPPED = ("country-year", " gdp_for_year ($) ")

WHO_LAYOUT_TEXT = ",".join(BASE_HEADERS.values())
OVERVIEW_LAYOUT_TEXT = ",".join(
    [*BASE_HEADERS.values(), "suicides/100k pop", "country-year", "HDI for year"]
    + [" gdp_for_year ($) ", "gdp_per_capita ($)", "generation"]
)

_CURRENCY = re.compile(r"\(\s*\$\s*\)")
_NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")
# A byte-order mark read as text: as itself (a second file pasted onto the first) or as the
# Latin-1 mojibake a re-encoded copy carries ('ï»¿country').
_STRAY_BOM = re.compile("^(?:\ufeff|\u00ef\u00bb\u00bf)+")


def normalise_header(header: str) -> str:
    """A header as compared: '($)' and punctuation dropped, spaces and underscores collapsed,
    lower-cased. ' gdp_for_year ($) ', 'gdp_for_year' -> 'gdp for year';
    'suicides/100k pop' -> 'suicides 100k pop'; 'HDI_for_year' -> 'hdi for year'."""
    text = _STRAY_BOM.sub("", unicodedata.normalize("NFKC", header).strip())
    text = _CURRENCY.sub(" ", text.casefold())
    return _NOT_ALPHANUMERIC.sub(" ", text).strip()


_BASE = {normalise_header(h): field for field, h in BASE_HEADERS.items()}
_OVERVIEW = {normalise_header(h): field for field, h in OVERVIEW_HEADERS.items()}
_OVERVIEW_MARKERS = set(_OVERVIEW) | {normalise_header(h) for h in OVERVIEW_DROPPED}


@dataclass(frozen=True)
class HeaderMatch:
    layout: str  # 'who' or 'overview'
    positions: dict[str, int]  # payload field -> column position in the file


def detect_layout(header: Sequence[str], name: str, hint: str) -> HeaderMatch:
    """The layout of a file with this header and where each kept column is.

    Raises ExtractError naming the columns the file lacks when it is in neither layout.
    """
    positions: dict[str, int] = {}
    markers = False
    for position, cell in enumerate(header):
        key = normalise_header(cell)
        field = _BASE.get(key) or _OVERVIEW.get(key)
        if field is not None and field not in positions:  # a repeated header: the first
            positions[field] = position
        markers = markers or key in _OVERVIEW_MARKERS
    missing = [h for field, h in BASE_HEADERS.items() if field not in positions]
    if missing:
        found = ", ".join(repr(scrub_text(cell)) for cell in header[:20])
        raise ExtractError(
            f"{name} is in neither layout of the WHO suicide statistics: it lacks the "
            f"column(s) {', '.join(missing)} (its header: {found}). Expected the WHO layout "
            f"({WHO_LAYOUT_TEXT}) or the 'suicide rates overview 1985-2016' layout "
            f"({OVERVIEW_LAYOUT_TEXT}); headers are matched ignoring case, spaces, underscores "
            f"and '($)'. {hint}"
        )
    return HeaderMatch("overview" if markers else "who", positions)
