"""The canonical WHO suicide statistics record as raw.who_suicide_statistics holds it.

One row is one (country, year, sex, age band) as the WHO Mortality Database publishes it:
suicides and population as counts, either of them blank when the WHO has no figure. A blank
stays NULL all the way into RAW, never 0: "no figure" and "no suicides" are different facts, and
a rate computed from a made-up 0 would be wrong. Rates are computed in dbt
(marts.fct_suicide_rates), not here.

Two published layouts are read (``layouts``): the WHO's own six columns, and the widely copied
"suicide rates overview 1985-2016" file, which adds a published rate, HDI, GDP per capita and a
generation label. Columns a layout does not have are null.
"""

from __future__ import annotations

from extract.contract import RawTableContract

SOURCE = "who_suicide"
RAW_TABLE = "who_suicide_statistics"

# The WHO's age bands in their natural order (lexically '5-14 years' sorts after '35-54 years').
AGE_BANDS = (
    "5-14 years",
    "15-24 years",
    "25-34 years",
    "35-54 years",
    "55-74 years",
    "75+ years",
)
SEXES = ("female", "male")
LAYOUT_NAMES = ("who", "overview")

# Record columns of raw.who_suicide_statistics (the load adds _batch_id, _loaded_at and
# _source_mode).
RAW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("country", "VARCHAR NOT NULL"),  # as published, trimmed
    ("year", "INTEGER NOT NULL"),
    # January 1 of year: the table's date, so the completeness guard has a newest date to
    # compare (the statistics are yearly and have no date of their own).
    ("year_start", "DATE NOT NULL"),
    ("sex", "VARCHAR NOT NULL"),  # 'female' / 'male'
    ("age_band", "VARCHAR NOT NULL"),  # one of AGE_BANDS ('15-24' is read as '15-24 years')
    ("suicides", "BIGINT"),  # blank stays NULL, never 0
    ("population", "BIGINT"),  # blank stays NULL
    ("published_rate_per_100k", "DOUBLE"),  # overview layout's 'suicides/100k pop'
    ("hdi", "DOUBLE"),  # overview layout's 'HDI for year' (mostly blank there)
    ("gdp_per_capita", "DOUBLE"),  # overview layout's 'gdp_per_capita ($)'
    ("generation", "VARCHAR"),  # overview layout's 'generation' ('Boomers', 'Generation X')
    ("layout", "VARCHAR NOT NULL"),  # the layout the row was read in: 'who' or 'overview'
    ("file_name", "VARCHAR NOT NULL"),  # the file the row came from
    ("_row_number", "INTEGER NOT NULL"),  # position in the payload
)
ROW_COLUMNS = tuple(name for name, _ in RAW_COLUMNS)

# A series is one country; a period is a year. Every batch is the whole source (all the files
# given) and replaces the table.
RAW_CONTRACT = RawTableContract(
    source=SOURCE,
    table=RAW_TABLE,
    columns=RAW_COLUMNS,
    series_columns=("country",),
    period_column="year",
    date_column="year_start",
    load="snapshot",
)

# Fields of a landed record (JSON lines, every value text as read, trimmed; null when blank),
# in the order they are written. Validation types and normalises them, so a replay of the
# landed file gives the same rows.
PAYLOAD_FIELDS = (
    "country",
    "year",
    "sex",
    "age_band",
    "suicides",
    "population",
    "published_rate_per_100k",
    "hdi",
    "gdp_per_capita",
    "generation",
    "layout",
    "file_name",
    "_source",  # where the record came from: 'who_suicide_statistics.csv, line 12'
    "_problem",  # what reading the record already found wrong (a line with too few fields)
)
