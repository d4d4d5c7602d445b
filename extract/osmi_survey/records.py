"""The canonical OSMI survey response as raw.osmi_survey_responses holds it.

OSMI's "Mental Health in Tech" surveys changed their layout after 2014 (``layouts``); every
layout is mapped onto the 2014 survey's short column names, so the years can be compared. The
raw table keeps each answer as the respondent gave it (text, trimmed; 'NA' and blanks are
null): typing, normalising and flagging odd values is dbt's job (stg_osmi__survey_responses),
so an odd answer is kept and cleaned, never dropped. Only the answers are kept: the free-text
comments and "why or why not?" columns, and every question outside the core set, are left
behind at the boundary, so they reach neither the landing folder nor the warehouse.
"""

from __future__ import annotations

from extract.contract import RawTableContract

SOURCE = "osmi_survey"
RAW_TABLE = "osmi_survey_responses"

# The answers every layout maps onto, named as in the 2014 survey (extract.osmi_survey.layouts
# gives each layout's question for them). Kept as text in RAW.
ANSWER_COLUMNS = (
    "gender",  # free text in every layout; scrubbed of personal data at the boundary
    "country",
    "state",
    "self_employed",
    "family_history",
    "treatment",
    "work_interfere",
    "no_employees",
    "remote_work",
    "tech_company",
    "benefits",
    "care_options",
    "wellness_program",
    "seek_help",
    "anonymity",
    "leave",
    "mental_health_consequence",
    "phys_health_consequence",
    "coworkers",
    "supervisor",
    "mental_health_interview",
    "phys_health_interview",
    "mental_vs_physical",
    "obs_consequence",
)

# Record columns of raw.osmi_survey_responses (the load adds _batch_id, _loaded_at and
# _source_mode).
RAW_COLUMNS: tuple[tuple[str, str], ...] = (
    # 'osmi-<year>-<16 hex>': a hash of the year and the row's cells as published, so loading
    # the same file again gives every respondent the same id (see file_source.respondent_ids).
    ("respondent_id", "VARCHAR NOT NULL"),
    ("survey_year", "INTEGER NOT NULL"),
    ("layout", "VARCHAR NOT NULL"),  # the layout the row was read in: '2014' or '2016'
    ("submitted_at", "TIMESTAMP"),  # the 2014 layout's Timestamp; later layouts have none
    ("age", "BIGINT"),  # as answered: -1726 and 99999999999 are real answers, flagged in dbt
    *((name, "VARCHAR") for name in ANSWER_COLUMNS),
    ("_row_number", "INTEGER NOT NULL"),  # position in the payload
)
ROW_COLUMNS = tuple(name for name, _ in RAW_COLUMNS)

# A series is one survey year; so is a period. Every batch is the whole survey (all the files
# given), and replaces the table.
RAW_CONTRACT = RawTableContract(
    source=SOURCE,
    table=RAW_TABLE,
    columns=RAW_COLUMNS,
    series_columns=("survey_year",),
    period_column="survey_year",
    date_column="submitted_at",
    load="snapshot",
)

# Fields of a landed record (JSON lines, every value text), in the order they are written.
PAYLOAD_FIELDS = (
    "respondent_id",
    "survey_year",
    "layout",
    "submitted_at",
    "age",
    *ANSWER_COLUMNS,
    "_source",  # where the record came from: 'survey.csv, line 12'
    "_problem",  # what reading the record already found wrong (a line with too few fields)
)
