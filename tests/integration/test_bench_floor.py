"""The benchmark's floor computes exactly marts.fct_signals from the landed raw CSV.

Checked against the session's sample build (tests/pipeline_runs.py): the floor reads the CSV
that build landed and must give the mart's rows, no more and no fewer.
"""

from __future__ import annotations

import duckdb

from tests.benchmarks.floor import FLOOR_TABLE, build_floor

COLUMNS = (
    "signal, source, cadence, group_type, group_value, period_start, period_end, value, "
    "ci_low, ci_high, unit"
)


def test_floor_gives_the_rows_of_fct_signals(sample_build, tmp_path):
    [landed] = sorted((sample_build.landing_dir / "cdc_pulse").glob("*.csv"))
    with duckdb.connect(str(tmp_path / "floor.duckdb")) as conn:
        rows = build_floor(conn, landed)
        conn.execute(f"attach '{sample_build.warehouse}' as built (read_only)")
        # The survey's signals: the floor is built from the CDC export alone.
        mart = "(select * from built.marts.fct_signals where source = 'cdc_pulse')"
        [(mart_rows,)] = conn.execute(f"select count(*) from {mart}").fetchall()
        only_in_floor = conn.execute(
            f"select {COLUMNS} from {FLOOR_TABLE} except all select {COLUMNS} from {mart}"
        ).fetchall()
        only_in_mart = conn.execute(
            f"select {COLUMNS} from {mart} except all select {COLUMNS} from {FLOOR_TABLE}"
        ).fetchall()
        floor_types = conn.execute(f"select {COLUMNS} from {FLOOR_TABLE} limit 0").description
        mart_types = conn.execute(
            f"select {COLUMNS} from built.marts.fct_signals limit 0"
        ).description
    assert rows == mart_rows > 0
    assert only_in_floor == [] and only_in_mart == []
    assert [c[1] for c in floor_types] == [c[1] for c in mart_types]
