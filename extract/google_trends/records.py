"""Search interest as raw.google_trends_interest holds it: one row per (term, place, date).

Google Trends publishes a relative index, not counts: within one request every value is scaled
so that the request's highest point is 100. Values of different requests (another date range,
another set of terms or places) are therefore on different scales. A long daily series fetched
in several request windows carries the windows it came from (`window_index`) and the factor
that puts each window on the scale of the first (`window_link_factor`, see ``windows``); the
raw table keeps the values as published, and dbt applies the factor.
"""

from __future__ import annotations

from extract.contract import RawTableContract

SOURCE = "google_trends"
RAW_TABLE = "google_trends_interest"
GRANULARITIES = ("daily", "weekly", "monthly")
WORLDWIDE = "Worldwide"  # the place of a table without a place column or a '(place)' header

# Record columns of raw.google_trends_interest (the load adds _batch_id, _loaded_at and
# _source_mode).
RAW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("term", "VARCHAR NOT NULL"),  # the search term as in the header ('mental health')
    ("place", "VARCHAR NOT NULL"),  # as given: 'United States', 'US-AK', 'Worldwide' when none
    # The row's date as published: a weekly export's Sunday, a day, a month's first day.
    ("period_date", "DATE NOT NULL"),
    ("granularity", "VARCHAR NOT NULL"),  # 'daily', 'weekly' or 'monthly' (spacing of dates)
    # 0..100; '<1' is values.BELOW_ONE_VALUE (0.5); a blank cell is NULL.
    ("interest", "DOUBLE"),
    ("below_one", "BOOLEAN NOT NULL"),  # the published value was '<1'
    ("is_partial", "BOOLEAN NOT NULL"),  # marked partial (an isPartial column), else false
    ("window_index", "INTEGER NOT NULL"),  # 0-based request window of a stitched series
    ("window_link_factor", "DOUBLE NOT NULL"),  # interest * factor: on window 0's scale
    ("file_name", "VARCHAR NOT NULL"),  # the file the row came from (name only, no folder)
    ("_row_number", "INTEGER NOT NULL"),  # position in the payload
)
ROW_COLUMNS = tuple(name for name, _ in RAW_COLUMNS)

# A series is one term in one place; a period one date. Every batch is the whole input and
# replaces the table.
RAW_CONTRACT = RawTableContract(
    source=SOURCE,
    table=RAW_TABLE,
    columns=RAW_COLUMNS,
    series_columns=("term", "place"),
    period_column="period_date",
    date_column="period_date",
    load="snapshot",
    # An export covers a stretch back from the day it was made ("past 5 years"): a newer one
    # starts later, and the weeks before its first are expected to drop off.
    rolling_window=True,
)

# Fields of a landed record (JSON lines, every value text), in the order they are written.
# `interest` is the cell as published ('44', '<1', null for blank, or the bad text that gets
# the record quarantined): below_one and the number are derived from it by validation, so a
# replay reads exactly what the file said.
PAYLOAD_FIELDS = (
    "term",
    "place",
    "period_date",  # ISO date; the published text when it is not a date (quarantined)
    "granularity",
    "interest",
    "is_partial",  # the isPartial cell as published; 'false' without such a column
    "window_index",
    "window_link_factor",
    "file_name",
    "_source",  # where the value came from: "trends.csv, line 12, column 'anxiety'"
    "_problem",  # what reading the record already found wrong (a line with too few fields)
)
