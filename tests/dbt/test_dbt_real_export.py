"""`dbt build` on the real CDC export (file mode), when the file is present next to the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dbt.dbt_harness import REAL_EXPORT, DbtRun, load_raw, query, run_dbt
from tests.real_data import missing_reason
from tests.reddit_fixture import create_empty_tables

pytestmark = pytest.mark.skipif(
    not REAL_EXPORT.is_file(),
    reason=missing_reason(REAL_EXPORT),
)


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DbtRun]:
    root = tmp_path_factory.mktemp("dbt_real")
    path = root / "warehouse" / "mindpulse.duckdb"
    load_raw(path, root / "landing", "file", file_path=REAL_EXPORT)
    # No Reddit posts: the tables dbt reads exist, empty, as a CDC-only warehouse has them.
    create_empty_tables(path)
    return path, run_dbt(["build"], duckdb_path=path, work_dir=root)


def test_dbt_build_is_green_on_the_real_export(real_warehouse):
    _, build = real_warehouse
    assert build.returncode == 0, build.describe()
    assert build.failed() == []


def test_staging_keeps_every_collected_row(real_warehouse):
    path, _ = real_warehouse
    assert query(path, "select count(*) from raw.cdc_pulse_indicators") == [(16_794,)]
    # 16,794 minus the 702 gap rows (phase -1); the 5 suppressed estimates stay, flagged.
    assert query(
        path,
        "select count(*), count(*) filter (where is_suppressed), "
        "count(*) filter (where is_suppressed and value is null) "
        "from staging.stg_cdc__pulse_indicators",
    ) == [(16_092, 5, 5)]
    assert query(path, "select count(*) from marts.fct_signals") == [(16_092 - 5,)]
    assert query(path, "select count(*) from marts.fct_reddit_posts") == [(0,)]


def test_national_series_have_72_periods(real_warehouse):
    path, _ = real_warehouse
    national = query(
        path,
        "select signal, count(*), count(distinct period_number), min(period_number), "
        "max(period_number) from staging.stg_cdc__pulse_indicators "
        "where group_type = 'national' group by signal order by signal",
    )
    assert national == [
        ("anxiety", 72, 72, 1, 72),
        ("anxiety_or_depression", 72, 72, 1, 72),
        ("depression", 72, 72, 1, 72),
    ]
