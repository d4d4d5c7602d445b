"""Publishing the dashboard copy: complete, untorn, one generation per publication."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import duckdb
import pytest

from orchestration import publish
from orchestration.publish import (
    current_generation,
    generations_dir,
    list_generations,
    publish_warehouse,
)

_READ_V = (
    "import duckdb, sys; "
    "print(duckdb.connect(sys.argv[1], read_only=True).execute('select v from t').fetchone()[0])"
)
# Tries what a `dbt build` from the CLI does first: open the warehouse read-write.
_OPEN_FOR_WRITING = "import duckdb, sys; duckdb.connect(sys.argv[1]).close()"


def _write(path, value):
    with duckdb.connect(str(path)) as conn:
        conn.execute("create or replace table t as select ? as v", [value])


def _read(path):
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute("select v from t").fetchone()[0]


def _in_another_process(code: str, path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120
    )


def test_published_copy_has_the_committed_data(tmp_path):
    source = tmp_path / "w.duckdb"
    _write(source, 1)
    published = publish_warehouse(source, tmp_path / "published" / "w.duckdb")
    assert _read(published) == 1
    [generation] = list_generations(published)
    # Nothing else in the published folder: no temporary file is left behind.
    assert sorted(p.name for p in published.parent.iterdir()) == ["generations", "w.duckdb"]
    assert [p.name for p in generations_dir(published).iterdir()] == [generation.name]


def test_the_copy_includes_what_is_still_in_the_write_ahead_log(tmp_path):
    source = tmp_path / "w.duckdb"
    _write(source, 1)
    # A connection of this process (Dagster's in-process executor has one) commits a change
    # that lives only in the write-ahead log until the next checkpoint.
    pipeline = duckdb.connect(str(source))
    try:
        pipeline.execute("insert into t values (2)")
        assert source.with_name("w.duckdb.wal").stat().st_size > 0
        published = publish_warehouse(source, tmp_path / "published" / "w.duckdb")
        # And that connection still holds the lock: publishing did not release it.
        writer = _in_another_process(_OPEN_FOR_WRITING, source)
        assert "Could not set lock on file" in writer.stderr, writer.stderr
    finally:
        pipeline.close()
    with duckdb.connect(str(published), read_only=True) as conn:
        assert conn.execute("select list(v order by v) from t").fetchone() == ([1, 2],)


def test_no_other_process_can_write_the_warehouse_while_it_is_copied(tmp_path, monkeypatch):
    source = tmp_path / "w.duckdb"
    _write(source, 1)
    real_copy = publish._copy_durably
    attempts = []

    def copy_then_try_to_write(from_path, to_path):
        real_copy(from_path, to_path)
        # The copy is done but not yet published: a writer getting in now would be lost.
        attempts.append(_in_another_process(_OPEN_FOR_WRITING, source))

    monkeypatch.setattr(publish, "_copy_durably", copy_then_try_to_write)
    published = publish_warehouse(source, tmp_path / "published" / "w.duckdb")

    [during] = attempts
    assert during.returncode != 0
    assert "Could not set lock on file" in during.stderr, during.stderr
    assert _read(published) == 1
    # Once published, the lock is released: the same attempt succeeds.
    after = _in_another_process(_OPEN_FOR_WRITING, source)
    assert after.returncode == 0, after.stderr


def test_each_publication_is_a_read_only_generation_and_old_ones_are_pruned(tmp_path):
    source = tmp_path / "w.duckdb"
    destination = tmp_path / "published" / "w.duckdb"
    seen = []
    for value in range(1, 6):
        _write(source, value)
        publish_warehouse(source, destination, keep=3)
        seen.append(current_generation(destination))

    generations = list_generations(destination)
    assert generations == seen[-3:]  # the newest three, oldest first
    assert [_read(path) for path in generations] == [3, 4, 5]
    for path in generations:
        assert stat.S_IMODE(path.stat().st_mode) == 0o444
    # The stable path is the newest generation itself (a hard link), a normal DuckDB file.
    assert os.path.samefile(destination, generations[-1])
    assert _read(destination) == 5
    assert sorted(p.name for p in destination.parent.iterdir()) == ["generations", "w.duckdb"]


def test_a_reader_of_a_pruned_generation_keeps_reading_it(tmp_path):
    source = tmp_path / "w.duckdb"
    destination = tmp_path / "published" / "w.duckdb"
    _write(source, 1)
    publish_warehouse(source, destination, keep=1)
    first = current_generation(destination)
    reader = duckdb.connect(str(first), read_only=True)
    try:
        _write(source, 2)
        publish_warehouse(source, destination, keep=1)
        assert not first.exists()
        assert reader.execute("select v from t").fetchone() == (1,)
    finally:
        reader.close()
    # A new reader process sees the new publication at the stable path.
    fresh = _in_another_process(_READ_V, destination)
    assert fresh.stdout.strip() == "2", fresh.stderr


def test_leftovers_of_a_crashed_publication_are_removed(tmp_path):
    source = tmp_path / "w.duckdb"
    destination = tmp_path / "published" / "w.duckdb"
    _write(source, 1)
    publish_warehouse(source, destination)
    crashed = ".w.20240101T000000000000Z-0123abcd.duckdb.tmp"
    (generations_dir(destination) / crashed).write_bytes(b"half a copy")
    (destination.parent / crashed).write_bytes(b"a link never renamed")
    # Another warehouse's publication in the same folder is not ours to touch.
    other = generations_dir(destination) / "w2.20240101T000000000000Z-0123abcd.duckdb"
    other.write_bytes(b"x")

    publish_warehouse(source, destination)
    assert sorted(p.name for p in destination.parent.iterdir()) == ["generations", "w.duckdb"]
    assert not (generations_dir(destination) / crashed).exists()
    assert other.exists()


def test_a_stable_file_from_before_generations_has_no_current_generation(tmp_path):
    destination = tmp_path / "published" / "w.duckdb"
    destination.parent.mkdir()
    _write(destination, 1)
    assert current_generation(destination) is None
    assert current_generation(tmp_path / "nothing" / "w.duckdb") is None


def test_missing_warehouse_says_to_run_the_pipeline(tmp_path):
    with pytest.raises(FileNotFoundError, match="make run"):
        publish_warehouse(tmp_path / "missing.duckdb", tmp_path / "out.duckdb")
    assert not (tmp_path / "generations").exists()
