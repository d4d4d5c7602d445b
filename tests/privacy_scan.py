"""Looks for personal data in everything a pipeline run wrote, for the privacy tests.

What it looks for: Reddit usernames taken from the input file (as whole words, in any case),
e-mail addresses and phone numbers. Its patterns are written here, independently of
extract/privacy.py, so a gap in the scrubbing is not shared by the check.

Where it looks: every text value of every table of a DuckDB file (lists and structs as their
text) or of a Snowflake database, and every other file under a folder: landing files (gzip
too), logs, the Dagster home's SQLite event log and run storage, the harness's run output.
SQLite stores text as it is, so a file's bytes are searched directly.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# A North American number (10 digits, optional country code 1) or an international one (+ and
# 8 to 15 digits), in the usual groupings; never inside a longer run of letters or digits, nor
# the digits of a decimal number (a forecast value, a timestamp in seconds in Dagster's logs).
PHONE = re.compile(
    r"(?<![\w+.])(?:(?:\+?1[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}"
    r"|\+\d{1,3}(?:[ .-]?\d){7,12})(?!\w|\.\d)"
)
# A date written after a stray '+' ('+2026-11-26 05:30' in a binary SQLite page, where the
# '+' is a record header byte) is no phone number.
ISO_DATE = re.compile(r"\+?\d{4}-\d{2}-\d{2}")
WORD = re.compile(r"[a-z0-9_-]+")
# The one kind of table allowed to hold contacts: a catalog of organisations' public contacts.
EXEMPT_TABLE = "resource"


@dataclass(frozen=True)
class Finding:
    where: str  # "<file>: <schema>.<table>.<column>" or a file path
    kind: str  # "author name", "e-mail address" or "phone number"
    value: str  # the matching text, cut short

    def __str__(self) -> str:
        return f"{self.kind} {self.value!r} in {self.where}"


def find_in_text(text: str, where: str, names: frozenset[str]) -> list[Finding]:
    """The personal data in one text: names (lower-cased words), e-mails, phone numbers."""
    findings = [Finding(where, "e-mail address", m.group()[:80]) for m in EMAIL.finditer(text)]
    findings += [
        Finding(where, "phone number", m.group()[:80])
        for m in PHONE.finditer(text)
        if not ISO_DATE.match(m.group())
    ]
    if names:
        words = set(WORD.findall(text.lower()))
        findings += [Finding(where, "author name", name) for name in sorted(words & names)]
    return findings


def warehouse_texts(path: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for every non-null value of every column of every table and view of a
    DuckDB file, as text; tables whose name says `resource` are left out."""
    with duckdb.connect(str(path), read_only=True) as conn:
        yield from database_texts(
            lambda sql, params=(): conn.execute(sql, list(params)).fetchall(),
            path.name,
            "table_catalog = current_database()",
        )


def database_texts(
    query: Callable[..., list[tuple]], label: str, tables_where: str
) -> Iterator[tuple[str, str]]:
    """(where, text) for every non-null value of every column of the tables `tables_where`
    selects from information_schema.tables, through `query(sql, params)`: a DuckDB file or a
    Snowflake database (names are quoted as the catalog spells them, which suits both)."""
    tables = query(
        "select table_schema, table_name from information_schema.tables "
        f"where {tables_where} order by 1, 2"
    )
    for schema, table in tables:
        if EXEMPT_TABLE in table.lower():
            continue
        columns = [
            name
            for (name,) in query(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, table],
            )
        ]
        for column in columns:
            values = query(
                f'select distinct cast("{column}" as varchar) from "{schema}"."{table}" '
                f'where "{column}" is not null'
            )
            where = f"{label}: {schema}.{table}.{column}"
            for (value,) in values:
                yield where, value


def file_text(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def scan(root: Path, names: Iterable[str]) -> list[Finding]:
    """Every finding under `root`: DuckDB files through SQL, every other file as text."""
    wanted = frozenset(name.lower() for name in names)
    findings: list[Finding] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix == ".duckdb":
            for where, text in warehouse_texts(path):
                findings += find_in_text(text, where, wanted)
        elif not path.name.endswith(".wal"):
            findings += find_in_text(file_text(path), str(path.relative_to(root)), wanted)
    return findings
