"""Replay: RAW rebuilt from landed payloads, in every format the project lands."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from extract.batch import ExtractError
from extract.cdc_pulse import extract_cdc_pulse
from extract.cdc_pulse.extract import batch_from_payload
from extract.cdc_pulse.records import RAW_CONTRACT
from extract.landing import land_payload
from extract.raw_load import load_batch
from extract.replay import LATEST, find_landed, parse_landed_name, replay_batch


def test_a_landing_name_says_source_mode_and_batch():
    landed = parse_landed_name(Path("/x/cdc_pulse-live-20261125T120000000000Z-0123abcd.jsonl"))
    assert (landed.source, landed.mode, landed.suffix) == ("cdc_pulse", "live", ".jsonl")
    assert landed.batch_id == "cdc_pulse-live-20261125T120000000000Z-0123abcd"
    with pytest.raises(ExtractError, match="not a landing file name"):
        parse_landed_name(Path("/x/my-export.csv"))


@pytest.mark.parametrize("mode", ["sample", "live"])
def test_replay_rebuilds_the_same_rows_from_csv_and_json_lines(mode, soda_server, tmp_path):
    if mode == "live":
        original = extract_cdc_pulse("live", base_url=soda_server.url)
    else:
        original = extract_cdc_pulse("sample", sample_scale=0.3)
    landing = land_payload(original, tmp_path / "landing")

    replayed = replay_batch(
        find_landed(tmp_path / "landing", "cdc_pulse", LATEST), batch_from_payload
    )

    assert (replayed.batch_id, replayed.mode) == (original.batch_id, mode)
    assert landing.path.suffix == (".jsonl" if mode == "live" else ".csv")
    pd.testing.assert_frame_equal(replayed.rows, original.rows)
    assert replayed.records_in_payload == len(original.rows) + len(original.quarantined)


def test_latest_is_the_batch_loaded_last_not_the_newest_file(warehouse, tmp_path):
    landing_dir = tmp_path / "landing"
    first = extract_cdc_pulse("sample", sample_scale=0.3)
    first_landing = land_payload(first, landing_dir)
    load_batch(warehouse, first, first_landing.path, RAW_CONTRACT)
    # A later extract landed but never loaded (its run failed after landing).
    land_payload(extract_cdc_pulse("sample", sample_scale=0.4), landing_dir)

    chosen = find_landed(landing_dir, "cdc_pulse", LATEST, warehouse)
    assert chosen.path == first_landing.path
    # Without a warehouse that knows, the newest landed file is the best guess.
    assert find_landed(landing_dir, "cdc_pulse", LATEST).path != first_landing.path


def test_a_batch_is_chosen_by_its_id_and_an_unknown_one_is_a_clear_error(tmp_path):
    batch = extract_cdc_pulse("sample", sample_scale=0.3)
    landing = land_payload(batch, tmp_path / "landing")
    assert find_landed(tmp_path / "landing", "cdc_pulse", batch.batch_id).path == landing.path
    with pytest.raises(ExtractError, match="No landed file for batch 'cdc_pulse-x'"):
        find_landed(tmp_path / "landing", "cdc_pulse", "cdc_pulse-x")
    with pytest.raises(ExtractError, match="Nothing to replay for reddit"):
        find_landed(tmp_path / "landing", "reddit", LATEST)
