"""`dbt build` on sample data loaded through the extract API (and the Reddit fixture): green,
right rows, right places. The Reddit models' own behaviour is in test_dbt_reddit*.py."""

from __future__ import annotations

from tests.dbt.dbt_harness import BuiltWarehouse, query

# The sample generator's shape: 37 subgroups (national 1, age 7, sex 2, gender identity 3,
# sexual orientation 3, race/ethnicity 5, education 4, disability 2, state 10) x 3 indicators
# x 72 collection windows, plus 10 gap rows for each of the 27 non-state series, plus 3
# malformed records that go to quarantine, and 2 suppressed (empty) estimates.
SAMPLE_SERIES = 37 * 3
SAMPLE_PERIODS = 72
SAMPLE_GAP_ROWS = 27 * 3 * 10
SAMPLE_SUPPRESSED = 2
SAMPLE_QUARANTINED = 3
SEEDS = {
    "seed.mindpulse.cdc_survey_phase_breaks",
    "seed.mindpulse.osmi_gender_answers",
    "seed.mindpulse.osmi_country_names",
    "seed.mindpulse.resource_catalog",
    "seed.mindpulse.news_outlet_types",
}
MODELS = {
    "model.mindpulse.stg_cdc__pulse_indicators",
    "model.mindpulse.stg_reddit__posts",
    "model.mindpulse.stg_ml__post_sentiment",
    "model.mindpulse.fct_reddit_posts",
    "model.mindpulse.fct_signals",
    "model.mindpulse.stg_osmi__survey_responses",
    "model.mindpulse.dim_survey_respondents",
    "model.mindpulse.stg_news__articles",
    "model.mindpulse.stg_google_trends__interest",
    "model.mindpulse.stg_who__suicide_statistics",
    "model.mindpulse.fct_suicide_rates",
}
UNIT_TESTS = {
    "unit_test.mindpulse.stg_cdc__pulse_indicators"
    ".test_stg_cdc__pulse_indicators_normalises_and_drops_gap_rows",
    "unit_test.mindpulse.stg_cdc__pulse_indicators.test_stg_cdc__pulse_indicators_latest_load_wins",
    "unit_test.mindpulse.stg_reddit__posts.test_stg_reddit__posts_latest_scrape_wins",
    "unit_test.mindpulse.stg_reddit__posts.test_stg_reddit__posts_iso_week_starts_monday",
    "unit_test.mindpulse.fct_reddit_posts.test_fct_reddit_posts_takes_only_newer_loads",
    "unit_test.mindpulse.fct_signals.test_fct_signals_cadence_and_suppression",
    "unit_test.mindpulse.fct_signals.test_fct_signals_reddit_weekly_signals",
    "unit_test.mindpulse.fct_signals.test_fct_signals_news_and_search_interest",
    "unit_test.mindpulse.fct_suicide_rates.test_fct_suicide_rates_blank_is_not_zero",
}

FCT_SIGNALS_COLUMNS = [
    ("signal", "VARCHAR", "NO"),
    ("source", "VARCHAR", "NO"),
    ("cadence", "VARCHAR", "NO"),
    ("group_type", "VARCHAR", "NO"),
    ("group_value", "VARCHAR", "NO"),
    ("period_start", "DATE", "NO"),
    ("period_end", "DATE", "NO"),
    ("value", "DOUBLE", "NO"),
    ("ci_low", "DOUBLE", "YES"),
    ("ci_high", "DOUBLE", "YES"),
    ("unit", "VARCHAR", "NO"),
]


def count(path, relation: str, where: str = "true") -> int:
    return query(path, f"select count(*) from {relation} where {where}")[0][0]


def test_dbt_build_is_green_on_sample_data(green_sample_warehouse: BuiltWarehouse):
    build = green_sample_warehouse.build
    assert build.failed() == [], build.describe()
    assert set(build.statuses("model.").values()) == {"success"}
    assert set(build.statuses("model.")) == MODELS
    assert build.statuses("seed.") == dict.fromkeys(SEEDS, "success")
    data_tests = build.statuses("test.")
    assert len(data_tests) >= 40 and set(data_tests.values()) == {"pass"}, data_tests
    assert build.statuses("unit_test.") == dict.fromkeys(UNIT_TESTS, "pass")


def test_row_counts_follow_the_sample(green_sample_warehouse: BuiltWarehouse):
    path = green_sample_warehouse.path
    staged = SAMPLE_SERIES * SAMPLE_PERIODS
    assert count(path, "raw.cdc_pulse_indicators") == staged + SAMPLE_GAP_ROWS
    assert count(path, "raw.quarantine", "source = 'cdc_pulse'") == SAMPLE_QUARANTINED
    assert count(path, "staging.stg_cdc__pulse_indicators") == staged
    assert count(path, "staging.stg_cdc__pulse_indicators", "is_suppressed") == SAMPLE_SUPPRESSED
    assert count(path, "marts.fct_signals", "source = 'cdc_pulse'") == staged - SAMPLE_SUPPRESSED
    assert count(path, "staging.cdc_survey_phase_breaks") == 14
    national = query(
        path,
        "select signal, count(*) from marts.fct_signals where group_type = 'national' "
        "group by signal order by signal",
    )
    assert national == [
        ("anxiety", SAMPLE_PERIODS),
        ("anxiety_or_depression", SAMPLE_PERIODS),
        ("depression", SAMPLE_PERIODS),
    ]


def test_schemas_are_exactly_raw_staging_marts(green_sample_warehouse: BuiltWarehouse):
    path = green_sample_warehouse.path
    schemas = {
        name
        for (name,) in query(path, "select schema_name from information_schema.schemata")
        if name not in ("main", "information_schema", "pg_catalog")
    }
    # ml holds what the Python layer writes (here the fixture's ml.post_sentiment).
    assert schemas == {"raw", "staging", "marts", "ml"}
    relations = set(
        query(
            path,
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_schema not in ('main', 'information_schema', 'pg_catalog')",
        )
    )
    assert relations == {
        ("raw", "cdc_pulse_indicators", "BASE TABLE"),
        ("raw", "quarantine", "BASE TABLE"),
        ("raw", "load_batches", "BASE TABLE"),
        ("raw", "reddit_posts", "BASE TABLE"),
        ("raw", "osmi_survey_responses", "BASE TABLE"),
        ("raw", "news_articles", "BASE TABLE"),
        ("raw", "google_trends_interest", "BASE TABLE"),
        ("raw", "who_suicide_statistics", "BASE TABLE"),
        ("ml", "post_sentiment", "BASE TABLE"),
        ("staging", "stg_cdc__pulse_indicators", "VIEW"),
        ("staging", "stg_reddit__posts", "VIEW"),
        ("staging", "stg_ml__post_sentiment", "VIEW"),
        ("staging", "cdc_survey_phase_breaks", "BASE TABLE"),
        ("staging", "osmi_gender_answers", "BASE TABLE"),
        ("staging", "osmi_country_names", "BASE TABLE"),
        ("staging", "resource_catalog", "BASE TABLE"),
        ("staging", "stg_osmi__survey_responses", "VIEW"),
        ("marts", "dim_survey_respondents", "BASE TABLE"),
        ("marts", "fct_reddit_posts", "BASE TABLE"),
        ("marts", "fct_signals", "BASE TABLE"),
        ("staging", "news_outlet_types", "BASE TABLE"),
        ("staging", "stg_news__articles", "VIEW"),
        ("staging", "stg_google_trends__interest", "VIEW"),
        ("staging", "stg_who__suicide_statistics", "VIEW"),
        ("marts", "fct_suicide_rates", "BASE TABLE"),
    }


def test_fct_signals_has_the_contracted_columns(green_sample_warehouse: BuiltWarehouse):
    columns = query(
        green_sample_warehouse.path,
        "select column_name, data_type, is_nullable from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'fct_signals' order by ordinal_position",
    )
    assert columns == FCT_SIGNALS_COLUMNS


def test_cadence_follows_the_survey_calendar(green_sample_warehouse: BuiltWarehouse):
    # Weekly windows in phase 1 (periods 2-12; period 1 ran two weeks), two-weekly from phase 2
    # to 3.2 (periods 13-39), then windows every four weeks (3.3 onwards) and four-week windows
    # in phase 4 (periods 40-72).
    cadences = query(
        green_sample_warehouse.path,
        "select cadence, count(*), min(period_start), max(period_start) from marts.fct_signals "
        "where group_type = 'national' and signal = 'anxiety' group by cadence order by 3",
    )
    assert [(cadence, n) for cadence, n, _, _ in cadences] == [
        ("biweekly", 28),
        ("weekly", 11),
        ("four_weekly", 33),
    ]
    assert str(cadences[2][2]) == "2021-12-01"  # first window of phase 3.3
