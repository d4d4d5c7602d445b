"""The floor of the benchmark: bare DuckDB doing the essential work of one pipeline run.

It reads the landed raw CSV (the CDC export format) with DuckDB's CSV reader and computes
marts.fct_signals from it in one plain SQL statement: the record checks of the extract (a
malformed record is left out, as the quarantine leaves it out), the staging model (signal and
group names, gap rows dropped, latest record wins) and the mart (cadence from the spacing of
period starts, suppressed estimates dropped, contract types). No Python per row, no dbt, no
Dagster: what is left is the least any implementation has to pay for the same rows.

Keep it in step with dbt_project/models/staging/cdc/stg_cdc__pulse_indicators.sql and
marts/fct_signals.sql: tests/integration/test_bench_floor.py checks that it gives exactly the
rows of marts.fct_signals on a warehouse the pipeline built.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

FLOOR_TABLE = "fct_signals_floor"

FLOOR_SQL = """
create or replace table {table} as
with

export as (
    select *, row_number() over () as row_number_in_file
    from read_csv($csv_path, header = true, all_varchar = true)
),

-- What the extract's record validation accepts: required text present, integer period,
-- MM/DD/YYYY dates in order, numbers numeric where given.
typed as (
    select
        trim("Indicator") as indicator,
        trim("Group") as group_name,
        trim("Subgroup") as subgroup,
        trim("Phase") as phase,
        try_cast(trim("Time Period") as integer) as period_number,
        try_strptime(trim("Time Period Start Date"), '%m/%d/%Y')::date as period_start,
        try_strptime(trim("Time Period End Date"), '%m/%d/%Y')::date as period_end,
        nullif(trim("Value"), '') as value_text,
        nullif(trim("Low CI"), '') as ci_low_text,
        nullif(trim("High CI"), '') as ci_high_text,
        row_number_in_file
    from export
),

valid as (
    select
        *,
        try_cast(value_text as double) as value,
        try_cast(ci_low_text as double) as ci_low,
        try_cast(ci_high_text as double) as ci_high
    from typed
    where coalesce(indicator, '') <> '' and coalesce(group_name, '') <> ''
        and coalesce(subgroup, '') <> '' and coalesce(phase, '') <> ''
        and period_number is not null and period_start is not null
        and period_end is not null and period_start <= period_end
        and (value_text is null or isfinite(try_cast(value_text as double)))
        and (ci_low_text is null or isfinite(try_cast(ci_low_text as double)))
        and (ci_high_text is null or isfinite(try_cast(ci_high_text as double)))
),

staged as (
    select
        case lower(indicator)
            when 'symptoms of anxiety disorder' then 'anxiety'
            when 'symptoms of depressive disorder' then 'depression'
            when 'symptoms of anxiety disorder or depressive disorder'
                then 'anxiety_or_depression'
        end as signal,
        case lower(group_name)
            when 'national estimate' then 'national'
            when 'by age' then 'age'
            when 'by sex' then 'sex'
            when 'by state' then 'state'
            when 'by race/hispanic ethnicity' then 'race_ethnicity'
            when 'by education' then 'education'
            when 'by gender identity' then 'gender_identity'
            when 'by sexual orientation' then 'sexual_orientation'
            when 'by disability status' then 'disability_status'
        end as group_type,
        subgroup as group_value,
        period_number, period_start, period_end, value, ci_low, ci_high, row_number_in_file
    from valid
    where phase <> '-1'  -- gap rows: no data was collected
    qualify row_number() over (
        partition by signal, group_type, group_value, period_number
        order by row_number_in_file desc
    ) = 1
),

spaced as (
    select
        *,
        coalesce(
            least(
                coalesce(days_since_previous_start, days_until_next_start),
                coalesce(days_until_next_start, days_since_previous_start)
            ),
            date_diff('day', period_start, period_end) + 1
        ) as spacing_days
    from (
        select
            *,
            date_diff('day', lag(period_start) over series, period_start)
                as days_since_previous_start,
            date_diff('day', period_start, lead(period_start) over series)
                as days_until_next_start
        from staged
        window series as (partition by signal, group_type, group_value order by period_start)
    )
)

select
    signal::varchar as signal,
    'cdc_pulse'::varchar as source,
    case
        when spacing_days <= 10 then 'weekly'
        when spacing_days <= 17 then 'biweekly'
        else 'four_weekly'
    end::varchar as cadence,
    group_type::varchar as group_type,
    group_value::varchar as group_value,
    period_start,
    period_end,
    value,
    ci_low,
    ci_high,
    'percent'::varchar as unit
from spaced
where value is not null  -- a suppressed estimate has no value
"""


@dataclass(frozen=True)
class FloorRun:
    seconds: float
    rows: int


def build_floor(conn: duckdb.DuckDBPyConnection, csv_path: Path) -> int:
    """Write the floor's fct_signals table from `csv_path` on `conn`; return its row count."""
    conn.execute(FLOOR_SQL.format(table=FLOOR_TABLE), {"csv_path": str(csv_path)})
    return conn.execute(f"select count(*) from {FLOOR_TABLE}").fetchall()[0][0]


def time_floor(csv_path: Path, database: Path) -> FloorRun:
    """Wall time of opening a fresh DuckDB file, building the floor table and closing it."""
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    conn = duckdb.connect(str(database))
    try:
        rows = build_floor(conn, csv_path)
    finally:
        conn.close()
    return FloorRun(seconds=time.perf_counter() - started, rows=rows)
