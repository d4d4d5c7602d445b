"""Publishing the dashboard copy: complete, atomic, and harmless to open readers."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest

from orchestration.publish import publish_warehouse

_READ_V = (
    "import duckdb, sys; "
    "print(duckdb.connect(sys.argv[1], read_only=True).execute('select v from t').fetchone()[0])"
)


def _write(path, value):
    with duckdb.connect(str(path)) as conn:
        conn.execute("create or replace table t as select ? as v", [value])


def test_published_copy_has_the_committed_data(tmp_path):
    source = tmp_path / "w.duckdb"
    _write(source, 1)
    published = publish_warehouse(source, tmp_path / "published" / "w.duckdb")
    with duckdb.connect(str(published), read_only=True) as conn:
        assert conn.execute("select v from t").fetchone() == (1,)
    assert [p.name for p in published.parent.iterdir()] == ["w.duckdb"]  # no temp files left


def test_open_reader_keeps_working_while_a_new_copy_is_swapped_in(tmp_path):
    source = tmp_path / "w.duckdb"
    destination = tmp_path / "published" / "w.duckdb"
    _write(source, 1)
    publish_warehouse(source, destination)
    reader = duckdb.connect(str(destination), read_only=True)
    try:
        _write(source, 2)
        publish_warehouse(source, destination)
        assert reader.execute("select v from t").fetchone() == (1,)
        # A new reader process (the dashboard is one) sees the new copy. Within one process
        # DuckDB would hand back the instance that is still open, so ask another process.
        fresh = subprocess.run(
            [sys.executable, "-c", _READ_V, str(destination)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert fresh.stdout.strip() == "2"
    finally:
        reader.close()


def test_a_killed_publisher_s_staging_copy_is_removed_a_live_one_s_kept(tmp_path):
    source = tmp_path / "w.duckdb"
    destination = tmp_path / "published" / "w.duckdb"
    _write(source, 1)
    killed = subprocess.Popen(["sleep", "60"])
    killed.kill()
    killed.wait()
    destination.parent.mkdir()
    abandoned = destination.with_name(f".w.duckdb.{killed.pid}.tmp")
    abandoned.write_bytes(b"half a warehouse")
    live = destination.with_name(f".w.duckdb.{os.getppid()}.tmp")  # pytest's parent: alive
    live.write_bytes(b"being written")

    publish_warehouse(source, destination)

    assert sorted(p.name for p in destination.parent.iterdir()) == [live.name, "w.duckdb"]


def test_missing_warehouse_says_to_run_the_pipeline(tmp_path):
    with pytest.raises(FileNotFoundError, match="make run"):
        publish_warehouse(tmp_path / "missing.duckdb", tmp_path / "out.duckdb")
