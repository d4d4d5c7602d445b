"""The dbt project builds, and its checks hold, in Snowflake's dialect (a local fakesnow server).

fakesnow 0.12.1 runs in server mode on 127.0.0.1; dbt-snowflake connects to it over HTTP
through the real snowflake connector, with `dbt build --target snowflake`. The connection comes
from a test-only profiles.yml written to a temporary folder (password auth plus host, port and
protocol of the fake server). The project's own `snowflake` output, with key-pair auth and
SNOWFLAKE_HOST / PORT / PROTOCOL, is what the whole-pipeline test on fakesnow uses
(tests/integration/test_snowflake_pipeline.py). The models, data tests, seed and macros under
test are the project's own; only the connection differs.

Raw data is the same sample the DuckDB tests use, from the real extract API, and the same Reddit
fixture with its sentiment (tests/reddit_fixture.py), bulk-loaded into MINDPULSE.RAW and
MINDPULSE.ML through the connector. The mart it gives must equal, row for row, the mart of the
DuckDB build of that data: the cross-database macros (datediff, dateadd, date_trunc, types)
compute the same cadences and weeks in both dialects. The incremental fct_reddit_posts is built
in full first, then incrementally (dbt-snowflake's delete+insert through a transient table).

The build runs the project's unit tests too, and every one the DuckDB build runs passes.

What fakesnow cannot do, and how this module copes:
- temporary tables under a database and schema: dbt-snowflake creates each unit test's scratch
  relation as `create or replace temporary table MINDPULSE.<schema>.<test>__dbt_tmp`; fakesnow
  passes the qualified name on to DuckDB, whose temporary tables can only live in its `temp`
  catalog ("TEMPORARY table names can *only* use the "temp" catalog"), and an unqualified one
  cannot be described there (dbt reads the scratch relation's columns right after creating
  it). macros/local_snowflake_stand_in.sql makes it a transient table under the same name,
  only when the `snowflake` target is plain HTTP on this machine (this module's profile); a
  real Snowflake profile keeps dbt-snowflake's temporary table, which a test below compiles.
- NOT NULL of the enforced contract: fakesnow drops column constraints from
  `create table ... (<columns>) as select`, so only the contract's names and types are checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from snowflake.connector import SnowflakeConnection

from extract.batch import ExtractBatch, utc_now_naive
from extract.cdc_pulse import extract_cdc_pulse
from extract.google_trends import extract_google_trends
from extract.google_trends.records import RAW_TABLE as TRENDS_TABLE
from extract.news import extract_news
from extract.news.records import RAW_TABLE as NEWS_TABLE
from extract.osmi_survey import extract_osmi_survey
from extract.osmi_survey.records import RAW_TABLE as OSMI_TABLE
from extract.who_suicide import extract_who_suicide
from extract.who_suicide.records import RAW_TABLE as WHO_TABLE
from tests.dbt import fakesnow_harness as fs
from tests.dbt.dbt_harness import (
    DATA_TESTS_ONLY,
    SAMPLE_AS_OF,
    SIGNALS_LINEAGE,
    BuiltWarehouse,
    DbtRun,
    query,
    run_dbt,
)
from tests.osmi_fixture import write_fixture
from tests.reddit_fixture import BATCH_2, fixture_rows, sentiment_frame

# The scale of the session's DuckDB sample warehouse (dbt_harness.load_raw), so the two marts
# come from the same generated sample.
SAMPLE_SCALE = 1.0
# The scratch relation dbt creates for a unit test, as dbt's debug log records the statement.
UNIT_TEST_SCRATCH_TABLE = re.compile(
    rf"create or replace (\w+) table {fs.DATABASE}\.\w+\.(\w+)__dbt_tmp\b", re.IGNORECASE
)
# The project's own `snowflake` output as production sets it (key-pair auth against an account;
# host, port and protocol left to their defaults, the account's HTTPS endpoint), with settings
# enough to render it: compiled offline, it opens no connection.
REAL_SNOWFLAKE_PROFILE = {
    "MINDPULSE_WAREHOUSE": "snowflake",
    "SNOWFLAKE_ACCOUNT": "example-account",
    "SNOWFLAKE_USER": "MINDPULSE_SERVICE",
    "SNOWFLAKE_ROLE": "MINDPULSE_TRANSFORMER",
    "SNOWFLAKE_WAREHOUSE": "MINDPULSE_WH",
    "SNOWFLAKE_PRIVATE_KEY_PATH": "/nonexistent/rsa_key.p8",
}

FCT_SIGNALS = f"{fs.DATABASE}.MARTS.FCT_SIGNALS"
FCT_REDDIT_POSTS = f"{fs.DATABASE}.MARTS.FCT_REDDIT_POSTS"
REDDIT_POSTS = f"{fs.RAW}.REDDIT_POSTS"
FCT_SIGNALS_COLUMNS = (
    "signal, source, cadence, group_type, group_value, period_start, period_end, value, "
    "ci_low, ci_high, unit"
)
FCT_SIGNALS_ROWS = f"select {FCT_SIGNALS_COLUMNS} from {{}} order by {FCT_SIGNALS_COLUMNS}"
# The contract's types as Snowflake spells them (varchar, date, double -> FLOAT).
FCT_SIGNALS_TYPES = [
    ("SIGNAL", "VARCHAR(16777216)"),
    ("SOURCE", "VARCHAR(16777216)"),
    ("CADENCE", "VARCHAR(16777216)"),
    ("GROUP_TYPE", "VARCHAR(16777216)"),
    ("GROUP_VALUE", "VARCHAR(16777216)"),
    ("PERIOD_START", "DATE"),
    ("PERIOD_END", "DATE"),
    ("VALUE", "FLOAT"),
    ("CI_LOW", "FLOAT"),
    ("CI_HIGH", "FLOAT"),
    ("UNIT", "VARCHAR(16777216)"),
]

NATIONAL_ANXIETY_30 = (
    "group_name = 'National Estimate' and indicator = 'Symptoms of Anxiety Disorder' "
    "and time_period = 30"
)
CI_ORDER = "test.mindpulse.stg_cdc__pulse_indicators_ci_low_le_value_le_ci_high"
VALUE_BOUNDS = "test.mindpulse.stg_cdc__pulse_indicators_value_and_ci_between_0_and_100"


@dataclass(frozen=True)
class SnowflakeBuild:
    conn: SnowflakeConnection
    profiles_dir: Path
    work_dir: Path
    batch: ExtractBatch
    build: DbtRun

    def dbt(self, *args: str) -> DbtRun:
        return fs.run_dbt_snowflake(
            list(args), profiles_dir=self.profiles_dir, work_dir=self.work_dir
        )


@pytest.fixture(scope="module")
def snowflake_build(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SnowflakeBuild]:
    """fakesnow server, raw sample loaded through the connector, one `dbt build` on it (models,
    seeds, data tests and unit tests, as `dbt build` from the CLI)."""
    root = tmp_path_factory.mktemp("dbt_snowflake")
    with fs.start_server() as server:
        conn = fs.connect(server)
        try:
            fs.create_raw_layer(conn)
            batch = extract_cdc_pulse("sample", sample_scale=SAMPLE_SCALE)
            fs.load_raw_rows(conn, batch, utc_now_naive(), root / "stage")
            posts = fixture_rows()
            fs.copy_into(conn, posts, REDDIT_POSTS, root / "stage" / "reddit_posts.parquet")
            sentiment = sentiment_frame(sorted(set(posts["post_id"])))
            fs.copy_into(conn, sentiment, f"{fs.ML}.POST_SENTIMENT", root / "stage" / "ml.parquet")
            survey = extract_osmi_survey("file", file_path=write_fixture(root / "osmi"))
            fs.copy_batch(conn, survey, OSMI_TABLE, utc_now_naive(), root / "stage")
            # The same news, search-interest and WHO samples as the DuckDB build's.
            for batch_of_source, table in (
                (extract_news("sample", sample_as_of=SAMPLE_AS_OF), NEWS_TABLE),
                (extract_google_trends("sample", sample_as_of=SAMPLE_AS_OF), TRENDS_TABLE),
                (extract_who_suicide("sample"), WHO_TABLE),
            ):
                fs.copy_batch(conn, batch_of_source, table, utc_now_naive(), root / "stage")
            profiles_dir = root / "profiles"
            fs.write_profile(profiles_dir, server)
            build = fs.run_dbt_snowflake(["build"], profiles_dir=profiles_dir, work_dir=root)
            yield SnowflakeBuild(conn, profiles_dir, root, batch, build)
        finally:
            conn.close()


@pytest.fixture
def green_snowflake_build(snowflake_build: SnowflakeBuild) -> SnowflakeBuild:
    assert snowflake_build.build.returncode == 0, snowflake_build.build.describe()
    return snowflake_build


def test_dbt_build_is_green_in_snowflake_dialect(
    green_snowflake_build: SnowflakeBuild, green_sample_warehouse: BuiltWarehouse
):
    build = green_snowflake_build.build
    assert build.failed() == [], build.describe()
    assert build.statuses("model.") == dict.fromkeys(
        green_sample_warehouse.build.statuses("model."), "success"
    )
    assert len(build.statuses("model.")) == 11
    assert build.statuses("seed.") == dict.fromkeys(
        green_sample_warehouse.build.statuses("seed."), "success"
    )
    assert len(build.statuses("seed.")) == 5
    # Every data test of the DuckDB build ran here too, and passed.
    data_tests = build.statuses("test.")
    assert set(data_tests) == set(green_sample_warehouse.build.statuses("test."))
    assert set(data_tests.values()) == {"pass"}, data_tests
    # And every unit test of the DuckDB build, in Snowflake's SQL.
    assert build.statuses("unit_test.") == dict.fromkeys(
        green_sample_warehouse.build.statuses("unit_test."), "pass"
    )
    assert len(build.statuses("unit_test.")) == 9


def test_layers_keep_their_schema_names(green_snowflake_build: SnowflakeBuild):
    conn = green_snowflake_build.conn
    schemas = {row[1] for row in fs.query(conn, f"show schemas in database {fs.DATABASE}")}
    # Exactly RAW, STAGING, MARTS and ML, as terraform creates them: no `staging_marts` etc.
    assert {name for name in schemas if name.upper() != "INFORMATION_SCHEMA"} == {
        "RAW",
        "STAGING",
        "MARTS",
        "ML",
    }
    objects = {
        (row[4], row[1], row[2])
        for row in fs.query(conn, f"show terse objects in database {fs.DATABASE}")
        if row[4] in fs.DBT_SCHEMAS
    }
    assert objects == {
        ("STAGING", "STG_CDC__PULSE_INDICATORS", "VIEW"),
        ("STAGING", "STG_REDDIT__POSTS", "VIEW"),
        ("STAGING", "STG_ML__POST_SENTIMENT", "VIEW"),
        ("STAGING", "CDC_SURVEY_PHASE_BREAKS", "TABLE"),
        ("MARTS", "FCT_REDDIT_POSTS", "TABLE"),
        ("MARTS", "FCT_SIGNALS", "TABLE"),
        ("STAGING", "OSMI_GENDER_ANSWERS", "TABLE"),
        ("STAGING", "OSMI_COUNTRY_NAMES", "TABLE"),
        ("STAGING", "RESOURCE_CATALOG", "TABLE"),
        ("STAGING", "STG_OSMI__SURVEY_RESPONSES", "VIEW"),
        ("MARTS", "DIM_SURVEY_RESPONDENTS", "TABLE"),
        ("STAGING", "NEWS_OUTLET_TYPES", "TABLE"),
        ("STAGING", "STG_NEWS__ARTICLES", "VIEW"),
        ("STAGING", "STG_GOOGLE_TRENDS__INTEREST", "VIEW"),
        ("STAGING", "STG_WHO__SUICIDE_STATISTICS", "VIEW"),
        ("MARTS", "FCT_SUICIDE_RATES", "TABLE"),
    }


def test_fct_signals_holds_the_sample_as_duckdb_builds_it(
    green_snowflake_build: SnowflakeBuild, green_sample_warehouse: BuiltWarehouse
):
    conn = green_snowflake_build.conn
    rows = green_snowflake_build.batch.rows
    collected_with_value = int(((rows["phase"] != "-1") & rows["value"].notna()).sum())
    by_source = "select source, count(*) from {} group by source order by source"
    counts = dict(fs.query(conn, by_source.format(FCT_SIGNALS)))
    assert counts["cdc_pulse"] == collected_with_value and counts["reddit"] == 33
    assert counts["news"] > 0 and counts["google_trends"] > 0

    in_snowflake = fs.query(conn, FCT_SIGNALS_ROWS.format(FCT_SIGNALS))
    in_duckdb = query(green_sample_warehouse.path, FCT_SIGNALS_ROWS.format("marts.fct_signals"))
    assert len(in_snowflake) == sum(counts.values())
    assert in_snowflake == in_duckdb

    described = fs.query(conn, f"describe table {FCT_SIGNALS}")
    assert [(row[0], row[1]) for row in described] == FCT_SIGNALS_TYPES


def test_fct_suicide_rates_hold_the_sample_as_duckdb_builds_them(
    green_snowflake_build: SnowflakeBuild, green_sample_warehouse: BuiltWarehouse
):
    rates = (
        "select country, year, sex, age_band, suicides, population, round(rate_per_100k, 9) "
        "from {} order by 1, 2, 3, 4"
    )
    in_snowflake = fs.query(
        green_snowflake_build.conn, rates.format(f"{fs.DATABASE}.MARTS.FCT_SUICIDE_RATES")
    )
    in_duckdb = query(green_sample_warehouse.path, rates.format("marts.fct_suicide_rates"))
    assert in_snowflake == in_duckdb
    # Blank counts stayed blank in both dialects.
    assert any(row[4] is None and row[6] is None for row in in_snowflake)


def test_value_above_100_fails_the_build_and_keeps_the_mart(green_snowflake_build: SnowflakeBuild):
    conn = green_snowflake_build.conn
    raw = f"{fs.RAW}.CDC_PULSE_INDICATORS"
    before = fs.query(conn, FCT_SIGNALS_ROWS.format(FCT_SIGNALS))
    [(original,)] = fs.query(conn, f"select value from {raw} where {NATIONAL_ANXIETY_30}")
    fs.query(conn, f"update {raw} set value = 150 where {NATIONAL_ANXIETY_30}")
    try:
        build = green_snowflake_build.dbt("build", *SIGNALS_LINEAGE)
    finally:
        fs.query(conn, f"update {raw} set value = %s where {NATIONAL_ANXIETY_30}", [original])

    assert build.returncode != 0, build.describe()
    # The same checks as on DuckDB (test_dbt_checks_block): 150 is out of bounds and above
    # the row's ci_high.
    assert build.failed() == sorted([CI_ORDER, VALUE_BOUNDS]), build.describe()
    assert build.results[VALUE_BOUNDS]["failures"] == 1
    assert build.status("model.mindpulse.fct_signals") == "skipped", build.describe()
    assert fs.query(conn, FCT_SIGNALS_ROWS.format(FCT_SIGNALS)) == before


def test_unit_tests_scratch_tables_are_transient_on_the_local_stand_in(
    green_snowflake_build: SnowflakeBuild,
):
    """What dbt sent fakesnow: each unit test's scratch relation, qualified as dbt-snowflake
    names it, created as a transient table (macros/local_snowflake_stand_in.sql)."""
    logs = green_snowflake_build.work_dir / "logs"
    # The module's build logs at debug level, every statement included; dbt rotates the file
    # past 10 MB.
    log = "".join(path.read_text() for path in sorted(logs.glob("dbt.log*")))
    scratch = {name.lower(): kind.lower() for kind, name in UNIT_TEST_SCRATCH_TABLE.findall(log)}
    unit_tests = green_snowflake_build.build.statuses("unit_test.")
    assert scratch == {key.rsplit(".", 1)[1]: "transient" for key in unit_tests}, scratch
    assert "temporary table" not in log.lower()


def test_a_real_snowflake_profile_keeps_temporary_tables(tmp_path: Path):
    """The override is dbt-snowflake's own temporary table for any target but the local
    stand-in: compiled offline for the project's own `snowflake` output, the statement the unit
    test materialization sends (get_create_table_as_sql with temporary) is unchanged."""
    scratch = f"{fs.DATABASE}.marts.some_test__dbt_tmp"
    relation = (
        f"api.Relation.create(database='{fs.DATABASE}', schema='marts', "
        "identifier='some_test__dbt_tmp')"
    )
    create = "{{ get_create_table_as_sql(True, " + relation + ", 'select 1 as x') }}"
    run = run_dbt(
        ["compile", "--no-populate-cache", "--inline", create],
        duckdb_path=None,
        work_dir=tmp_path,
        extra_env=REAL_SNOWFLAKE_PROFILE,
    )
    assert run.returncode == 0, run.describe()
    compiled = run.results["sql_operation.mindpulse.inline_query"]["compiled_code"]
    compiled = " ".join(compiled.split())
    assert compiled == f"create or replace temporary table {scratch} as ( select 1 as x ) ;"


def test_a_new_week_is_added_incrementally_in_snowflake_dialect(
    green_snowflake_build: SnowflakeBuild,
):
    """The incremental path: only rows loaded after the table's newest load are staged (in a
    transient table) and replace their posts. Runs last: it adds rows to the shared build."""
    conn = green_snowflake_build.conn
    columns = "post_id, subreddit, score, batch_id"
    before = fs.query(conn, f"select {columns} from {FCT_REDDIT_POSTS} order by post_id")
    later = fixture_rows(BATCH_2).query("post_id in ('p013', 'p014')").drop_duplicates("post_id")
    later = later.assign(
        post_id=["p013", "p015"],
        score=[9, 2],
        created_utc=later["created_utc"] + pd.Timedelta(days=7) * pd.Series([0, 1]).to_numpy(),
        _batch_id="reddit-sample-20240603T080000-b3",
        _loaded_at=pd.Timestamp("2024-06-03 08:00:00"),
    )
    fs.query(conn, f"delete from {REDDIT_POSTS} where post_id = 'p013'")
    fs.copy_into(conn, later, REDDIT_POSTS, green_snowflake_build.work_dir / "stage" / "b3.parquet")

    run = green_snowflake_build.dbt("build", "--select", "fct_reddit_posts", *DATA_TESTS_ONLY)

    assert run.returncode == 0, run.describe()
    after = fs.query(conn, f"select {columns} from {FCT_REDDIT_POSTS} order by post_id")
    assert len(after) == len(before) + 1
    changed = {row[0]: row for row in after if row not in before}
    assert changed == {
        "p013": ("p013", "depression", 9, "reddit-sample-20240603T080000-b3"),
        "p015": ("p015", "anxiety", 2, "reddit-sample-20240603T080000-b3"),
    }
    # The staging table is gone after the run.
    objects = fs.query(conn, f"show terse objects in schema {fs.DATABASE}.MARTS")
    assert {row[1] for row in objects} == {
        "FCT_REDDIT_POSTS",
        "FCT_SIGNALS",
        "DIM_SURVEY_RESPONDENTS",
        "FCT_SUICIDE_RATES",
    }
