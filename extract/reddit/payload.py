"""The landed form of every Reddit batch: JSON lines of prepared (private) records.

Sources differ (praw objects, CSV scrapes, API dumps, generated posts), so each run lands the
records it made *after* the privacy step (``extract.reddit.prepare``), one JSON object per line
(``extract.json_lines``). Landing files then never hold a username.
"""

from __future__ import annotations

import pandas as pd

from extract import json_lines
from extract.reddit.validation import PAYLOAD_FIELDS

SUFFIX = json_lines.SUFFIX


def to_json_lines(records: pd.DataFrame) -> bytes:
    """`records` (PAYLOAD_FIELDS as text) as JSON lines, in order, null for missing values."""
    return json_lines.to_json_lines(records, PAYLOAD_FIELDS)


def parse_json_lines(payload: bytes, origin: str) -> pd.DataFrame:
    """Landed records as a DataFrame of PAYLOAD_FIELDS (text, <NA> when missing)."""
    return json_lines.parse_json_lines(payload, origin, PAYLOAD_FIELDS, "Reddit payload")
