"""Landing: one immutable file per distinct payload, old files pruned by age."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from pathlib import Path

import duckdb
import pytest

from extract.batch import ExtractError
from extract.cdc_pulse import extract_cdc_pulse
from extract.cdc_pulse.records import RAW_CONTRACT
from extract.landing import land_payload, prune_landing
from extract.raw_load import load_batch

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def export_file(small_export_text, write_export) -> Path:
    return write_export(small_export_text)


@pytest.fixture
def batch(export_file):
    return extract_cdc_pulse("file", file_path=export_file)


def extract_again(export_file: Path, minutes_later: int):
    """A later run over the same file: a new batch id, the same bytes."""
    return extract_cdc_pulse(
        "file", file_path=export_file, now=NOW + dt.timedelta(minutes=minutes_later)
    )


def test_payload_is_landed_as_received(batch, tmp_path):
    landing = land_payload(batch, tmp_path / "landing")
    path = landing.path
    assert path == tmp_path / "landing" / "cdc_pulse" / f"{batch.batch_id}.csv"
    assert path.read_bytes() == batch.payload
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left
    assert landing.reused is False


def test_a_landed_file_is_never_overwritten(batch, tmp_path):
    path = land_payload(batch, tmp_path / "landing").path
    other = dataclasses.replace(batch, payload=b"something else")  # same batch id
    with pytest.raises(ExtractError, match="already exists; landed payloads are immutable"):
        land_payload(other, tmp_path / "landing")
    assert path.read_bytes() == batch.payload
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_a_landed_file_is_read_only(batch, tmp_path):
    path = land_payload(batch, tmp_path / "landing").path
    assert path.stat().st_mode & 0o222 == 0


def test_live_payloads_land_as_json_lines(soda_server, tmp_path):
    batch = extract_cdc_pulse("live", base_url=soda_server.url)
    path = land_payload(batch, tmp_path).path
    assert path.suffix == ".jsonl" and len(path.read_text().splitlines()) == 7


# --- the same payload again ---------------------------------------------------------------


def test_an_identical_payload_reuses_the_landed_file(export_file, tmp_path):
    first = land_payload(extract_again(export_file, 0), tmp_path)
    again = extract_again(export_file, 5)
    second = land_payload(again, tmp_path)
    assert again.batch_id not in first.path.name  # a new run, a new batch id ...
    assert (second.path, second.reused) == (first.path, True)  # ... and no new file
    assert [p.name for p in (tmp_path / "cdc_pulse").iterdir()] == [first.path.name]


def test_a_changed_payload_is_landed_anew(export_file, small_export_text, write_export, tmp_path):
    first = land_payload(extract_again(export_file, 0), tmp_path)
    changed_text = small_export_text.replace(",21.9,", ",22.0,")  # a revised estimate
    assert changed_text != small_export_text
    changed = write_export(changed_text, "changed.csv")
    batch = extract_cdc_pulse("file", file_path=changed, now=NOW + dt.timedelta(minutes=5))
    second = land_payload(batch, tmp_path)
    assert second.reused is False and second.path != first.path
    assert second.path.read_bytes() == batch.payload
    assert first.path.read_bytes() != batch.payload


def test_a_file_with_the_same_hash_prefix_but_other_bytes_is_not_reused(batch, tmp_path):
    # Same name pattern (source, 8 hex of the sha256, suffix) and same size, one byte differs.
    digest8 = batch.batch_id.rsplit("-", 1)[1]
    impostor = tmp_path / "cdc_pulse" / f"cdc_pulse-file-20000101T000000000000Z-{digest8}.csv"
    impostor.parent.mkdir(parents=True)
    impostor.write_bytes(batch.payload[:-1] + b"#")
    landing = land_payload(batch, tmp_path)
    assert landing.reused is False and landing.path != impostor
    assert landing.path.read_bytes() == batch.payload
    assert impostor.read_bytes() == batch.payload[:-1] + b"#"


def test_a_reused_payload_still_loads_and_names_the_existing_file(export_file, tmp_path):
    first = land_payload(extract_again(export_file, 0), tmp_path / "landing")
    again = extract_again(export_file, 5)
    reused = land_payload(again, tmp_path / "landing")
    # A fresh warehouse: the reused payload is loaded into whichever warehouse is written.
    with duckdb.connect(str(tmp_path / "fresh.duckdb")) as conn:
        result = load_batch(conn, again, reused.path, RAW_CONTRACT)
        recorded = conn.execute("SELECT batch_id, landing_path FROM raw.load_batches").fetchall()
        rows = conn.execute("SELECT count(*) FROM raw.cdc_pulse_indicators").fetchall()
    assert reused.reused and result.rows_loaded == len(again.rows) == rows[0][0] == 8
    assert recorded == [(again.batch_id, str(first.path))]


# --- retention ----------------------------------------------------------------------------


def landed_file(folder: Path, name: str, days_old: float) -> Path:
    """A landed file whose modification time (its landing time) is `days_old` before NOW."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(name.encode())
    stamp = (NOW - dt.timedelta(days=days_old)).timestamp()
    os.utime(path, (stamp, stamp))
    path.chmod(0o444)
    return path


def test_files_older_than_the_retention_are_pruned(tmp_path):
    folder = tmp_path / "cdc_pulse"
    in_use = landed_file(folder, "cdc_pulse-sample-a-00000001.csv", days_old=50)
    old = landed_file(folder, "cdc_pulse-sample-b-00000002.csv", days_old=40)
    older = landed_file(folder, "cdc_pulse-sample-c-00000003.csv", days_old=45)
    recent = landed_file(folder, "cdc_pulse-sample-d-00000004.csv", days_old=29)
    newest = landed_file(folder, "cdc_pulse-sample-e-00000005.csv", days_old=1)
    other_source = landed_file(tmp_path / "reddit", "reddit-sample-f-00000006.jsonl", 90)
    temporary = landed_file(folder, ".cdc_pulse-sample-g.tmp", days_old=90)

    pruned = prune_landing(tmp_path, "cdc_pulse", 30, keep=in_use, now=NOW)

    assert pruned == [older, old]  # oldest first
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in (in_use, recent, newest, temporary)
    )
    assert other_source.exists()


def test_the_newest_file_of_a_source_is_never_pruned(tmp_path):
    folder = tmp_path / "cdc_pulse"
    in_use = landed_file(folder, "cdc_pulse-live-a-00000001.jsonl", days_old=300)
    middle = landed_file(folder, "cdc_pulse-live-b-00000002.jsonl", days_old=200)
    newest = landed_file(folder, "cdc_pulse-live-c-00000003.jsonl", days_old=100)
    assert prune_landing(tmp_path, "cdc_pulse", 30, keep=in_use, now=NOW) == [middle]
    assert sorted(folder.iterdir()) == [in_use, newest]


def test_retention_counts_whole_days(tmp_path):
    folder = tmp_path / "cdc_pulse"
    keep = landed_file(folder, "cdc_pulse-file-z-0000000f.csv", days_old=0)
    just_inside = landed_file(folder, "cdc_pulse-file-a-00000001.csv", days_old=6.9)
    just_outside = landed_file(folder, "cdc_pulse-file-b-00000002.csv", days_old=7.1)
    assert prune_landing(tmp_path, "cdc_pulse", 7, keep=keep, now=NOW) == [just_outside]
    assert just_inside.exists()


def test_pruning_a_source_that_never_landed_does_nothing(tmp_path):
    assert prune_landing(tmp_path, "cdc_pulse", 30, keep=tmp_path / "x.csv", now=NOW) == []


def test_a_reused_old_file_survives_its_own_retention(export_file, tmp_path):
    first = land_payload(extract_again(export_file, 0), tmp_path)
    stamp = (NOW - dt.timedelta(days=90)).timestamp()
    os.utime(first.path, (stamp, stamp))
    newer = landed_file(tmp_path / "cdc_pulse", "cdc_pulse-file-x-00000001.csv", days_old=60)
    reused = land_payload(extract_again(export_file, 5), tmp_path)
    pruned = prune_landing(tmp_path, "cdc_pulse", 30, keep=reused.path, now=NOW)
    assert reused.path == first.path and first.path.exists()
    assert pruned == [] and newer.exists()  # newer is the newest file: kept too


def test_content_version_follows_the_rows_not_the_batch(batch):
    again = dataclasses.replace(batch, batch_id="another-run")
    assert again.content_version() == batch.content_version()
    changed = batch.rows.copy()
    changed.loc[0, "value"] = 99.0
    assert dataclasses.replace(batch, rows=changed).content_version() != batch.content_version()
