"""dbt's saved parse, kept per data folder (orchestration/dbt_parse_state.py)."""

from __future__ import annotations

import os
from types import SimpleNamespace

from orchestration import dbt_parse_state
from orchestration.settings import load_settings


def test_an_invocation_starts_from_the_saved_parse_and_saves_its_own(tmp_path):
    saved = tmp_path / "data" / "dbt" / "partial_parse.msgpack"
    first, second = tmp_path / "target" / "a", tmp_path / "target" / "b"
    dbt_parse_state.restore(saved, first)  # nothing saved yet: dbt parses from scratch
    assert not (first / dbt_parse_state.PARSE_FILE).exists()
    first.mkdir(parents=True)
    (first / dbt_parse_state.PARSE_FILE).write_bytes(b"parse 1")
    dbt_parse_state.save(first, saved)
    dbt_parse_state.restore(saved, second)
    assert (second / dbt_parse_state.PARSE_FILE).read_bytes() == b"parse 1"
    (second / dbt_parse_state.PARSE_FILE).write_bytes(b"parse 2")
    dbt_parse_state.save(second, saved)
    assert saved.read_bytes() == b"parse 2"
    assert [path.name for path in saved.parent.iterdir()] == [saved.name]  # no partial copy


def test_a_failed_invocation_without_a_parse_keeps_the_saved_one(tmp_path):
    saved = tmp_path / "partial_parse.msgpack"
    saved.write_bytes(b"parse 1")
    dbt_parse_state.save(tmp_path / "target" / "never_parsed", saved)
    assert saved.read_bytes() == b"parse 1"


def test_the_saved_parse_lives_in_the_data_folder_and_target_folders_are_unique(tmp_path):
    settings = load_settings({"MINDPULSE_DATA_DIR": str(tmp_path / "data")})
    assert settings.dbt_parse_state_path.is_relative_to(tmp_path / "data")
    context = SimpleNamespace(
        op_execution_context=SimpleNamespace(op=SimpleNamespace(name="mindpulse_dbt")),
        run=SimpleNamespace(run_id="1234567890"),
    )
    paths = {dbt_parse_state.new_target_path(settings.dbt_runs_dir, context) for _ in range(20)}
    assert len(paths) == 20
    assert all(
        p.parent == settings.dbt_runs_dir and p.name.startswith("mindpulse_dbt-1234567-")
        for p in paths
    )
    assert settings.dbt_runs_dir.is_relative_to(tmp_path / "data")


def test_only_the_newest_invocation_folders_are_kept(tmp_path):
    runs = tmp_path / "runs"
    for age in range(9):
        folder = runs / f"step-{age}"
        folder.mkdir(parents=True)
        os.utime(folder, (1_000_000 - age, 1_000_000 - age))  # step-0 is the newest
    removed = dbt_parse_state.prune_invocations(runs, keep=6)
    assert sorted(path.name for path in removed) == ["step-6", "step-7", "step-8"]
    assert sorted(path.name for path in runs.iterdir()) == [f"step-{n}" for n in range(6)]
    assert dbt_parse_state.prune_invocations(tmp_path / "absent") == []
