"""Small search-interest files for the Google Trends tests, written as people have them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np


def google_export(header: str, rows: Sequence[tuple[str, ...]], preamble: str = None) -> str:
    """A Google Trends download: the preamble, the header, one line per row."""
    preamble = "Category: All categories\n\n" if preamble is None else preamble
    return preamble + "\n".join([header, *(",".join(row) for row in rows)]) + "\n"


def daily_table(term: str, values: Sequence[str], start: date, date_column: str = "date") -> str:
    """A pytrends-style table of one term, one line per day from `start`."""
    lines = [f"{date_column},{term}"]
    lines += [f"{start + timedelta(days=i)},{v}" for i, v in enumerate(values)]
    return "\n".join(lines) + "\n"


def rescaled(values: np.ndarray) -> np.ndarray:
    """`values` as one Google request publishes them: scaled to peak at 100, whole numbers."""
    return np.floor(values * 100.0 / values.max() + 0.5).astype(int)


def as_cells(values: np.ndarray) -> list[str]:
    return [str(int(v)) for v in values]
