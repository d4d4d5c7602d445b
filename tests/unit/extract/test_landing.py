"""Landing: one immutable file per run."""

from __future__ import annotations

import dataclasses

import pytest

from extract.batch import ExtractError
from extract.cdc_pulse import extract_cdc_pulse
from extract.landing import land_payload


@pytest.fixture
def batch(small_export_text, write_export):
    return extract_cdc_pulse("file", file_path=write_export(small_export_text))


def test_payload_is_landed_as_received(batch, tmp_path):
    path = land_payload(batch, tmp_path / "landing")
    assert path == tmp_path / "landing" / "cdc_pulse" / f"{batch.batch_id}.csv"
    assert path.read_bytes() == batch.payload
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left


def test_a_landed_file_is_never_overwritten(batch, tmp_path):
    path = land_payload(batch, tmp_path / "landing")
    other = dataclasses.replace(batch, payload=b"something else")  # same batch id
    with pytest.raises(ExtractError, match="already exists; landed payloads are immutable"):
        land_payload(other, tmp_path / "landing")
    assert path.read_bytes() == batch.payload
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_a_landed_file_is_read_only(batch, tmp_path):
    path = land_payload(batch, tmp_path / "landing")
    assert path.stat().st_mode & 0o222 == 0


def test_live_payloads_land_as_json_lines(soda_server, tmp_path):
    batch = extract_cdc_pulse("live", base_url=soda_server.url)
    path = land_payload(batch, tmp_path)
    assert path.suffix == ".jsonl" and len(path.read_text().splitlines()) == 7
