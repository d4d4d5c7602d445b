"""The privacy scan the integration tests rely on finds what it must, and only that."""

from __future__ import annotations

import gzip

import duckdb

from tests.privacy_scan import scan

NAMES = {"Sleepy_Otter42"}


def warehouse(path, rows: list[str], table: str = "posts") -> None:
    with duckdb.connect(str(path)) as conn:
        conn.execute("create schema if not exists marts")
        conn.execute(f"create table marts.{table} (id integer, body varchar, tags varchar[])")
        for number, body in enumerate(rows):
            conn.execute(f"insert into marts.{table} values (?, ?, ?)", [number, body, [body]])


def kinds(findings) -> list[tuple[str, str]]:
    return sorted({(f.kind, f.value) for f in findings})


def test_names_emails_and_phones_are_found_in_tables_and_files(tmp_path):
    warehouse(
        tmp_path / "w.duckdb",
        ["thanks sleepy_otter42!", "write to help.me@example.org", "call (555) 867-5309 now"],
    )
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "run.log").write_text("reached +44 20 7946 0958 yesterday\n")
    (tmp_path / "landing.jsonl.gz").write_bytes(gzip.compress(b'{"author": "Sleepy_Otter42"}'))
    found = kinds(scan(tmp_path, NAMES))
    assert found == [
        ("author name", "sleepy_otter42"),
        ("e-mail address", "help.me@example.org"),
        ("phone number", "(555) 867-5309"),
        ("phone number", "+44 20 7946 0958"),
    ]
    wheres = {f.where for f in scan(tmp_path, NAMES)}
    assert "w.duckdb: marts.posts.body" in wheres and "w.duckdb: marts.posts.tags" in wheres
    assert "landing.jsonl.gz" in wheres


def test_ordinary_values_are_not_personal_data(tmp_path):
    warehouse(
        tmp_path / "w.duckdb",
        [
            "sleepy otters are not a username",  # the words, not the name
            "2024-05-20 08:00:00",
            "batch reddit-sample-20240520T080000-b1",
            "sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "16794 rows, 1938 posts, 988 lifeline",
            "0.5662365692",  # a forecast value
            '{"timestamp": 1795655257.1234567}',  # seconds since 1970, in Dagster's event log
            "+2026-11-26 05:30:12",  # a date after a stray '+' byte of a SQLite page
        ],
    )
    assert scan(tmp_path, NAMES) == []


def test_a_catalog_of_public_contacts_is_the_one_exception(tmp_path):
    warehouse(tmp_path / "w.duckdb", ["crisis line (555) 867-5309"], table="crisis_resources")
    assert scan(tmp_path, NAMES) == []
    warehouse(tmp_path / "w.duckdb", ["crisis line (555) 867-5309"], table="crisis_lines")
    assert kinds(scan(tmp_path, NAMES)) == [("phone number", "(555) 867-5309")]
