"""RAW loads into Snowflake: the same load_batch, through dagster-snowflake's resource, against a
local fakesnow server (tests/snowflake_stand_in.py) reached with key-pair authentication.

What DuckDB's tests prove about a load (accounting, replacement, atomicity, the guard) must
hold on Snowflake too, where DDL commits and names and types are spelled differently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from extract.batch import QuarantinedRecord
from extract.cdc_pulse import extract_cdc_pulse
from extract.cdc_pulse.records import RAW_CONTRACT as CDC_CONTRACT
from extract.news import extract_news
from extract.news.records import RAW_CONTRACT as NEWS_CONTRACT
from extract.raw_load import data_version, load_batch, newest_loaded
from extract.reddit import extract_reddit
from extract.reddit.records import RAW_CONTRACT as REDDIT_CONTRACT
from orchestration.resources import warehouse_resource
from orchestration.settings import load_settings
from tests.snowflake_stand_in import StandIn, snowflake_stand_in

AS_OF = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandIn]:
    with snowflake_stand_in(tmp_path_factory.mktemp("snowflake_key")) as running:
        yield running


@pytest.fixture(scope="module")
def warehouse(stand_in: StandIn):
    return warehouse_resource(load_settings(stand_in.env))


@pytest.fixture(scope="module")
def batches():
    """A snapshot source's sample batch and an incremental one's, with their contracts (every
    source loads on Snowflake in tests/integration/test_snowflake_pipeline.py)."""
    return [
        (extract_cdc_pulse("sample", sample_scale=0.3), CDC_CONTRACT),
        (
            extract_reddit("sample", author_key=b"k" * 32, sample_scale=0.2, now=_now()),
            REDDIT_CONTRACT,
        ),
    ]


def _now() -> dt.datetime:
    return dt.datetime.combine(AS_OF, dt.time())


def _rows(stand_in: StandIn, table: str, batch_id: str | None = None) -> int:
    where, params = ("where _batch_id = ?", [batch_id]) if batch_id else ("", None)
    [(count,)] = stand_in.query(f"select count(*) from RAW.{table} {where}", params)
    return count


def test_a_load_accounts_for_every_record_and_reloads_without_duplicates(
    stand_in: StandIn, warehouse, batches
):
    for batch, contract in batches:
        with warehouse.get_connection() as conn:
            first = load_batch(conn, batch, f"s3://bucket/landing/{batch.batch_id}", contract)
            version = data_version(conn, contract, batch)
        assert first.rows_loaded == len(batch.rows) > 0, contract.table
        assert first.rows_in == first.rows_loaded + first.rows_quarantined
        assert first.accounting.balanced
        assert _rows(stand_in, contract.table) == first.rows_loaded
        with warehouse.get_connection() as conn:
            again = load_batch(conn, batch, f"s3://bucket/landing/{batch.batch_id}", contract)
            assert data_version(conn, contract, batch) == version
        assert again.rows_loaded == first.rows_loaded
        assert _rows(stand_in, contract.table) == first.rows_loaded, "a reload duplicated rows"
        quarantined = stand_in.query(
            "select count(*) from RAW.QUARANTINE where batch_id = ?", [batch.batch_id]
        )
        assert quarantined == [(len(batch.quarantined),)]
    sources = stand_in.query("select distinct source from RAW.LOAD_BATCHES order by 1")
    assert [s for (s,) in sources] == sorted(c.source for _, c in batches)
    # Only the contract's tables: the uploads' scratch tables were dropped.
    tables = {
        t
        for (t,) in stand_in.query(
            "select table_name from information_schema.tables where table_schema = 'RAW'"
        )
    }
    assert tables == {c.table.upper() for _, c in batches} | {
        "QUARANTINE",
        "LOAD_BATCHES",
    }


def test_a_load_that_fails_its_accounting_leaves_the_previous_load(stand_in: StandIn, warehouse):
    batch = extract_cdc_pulse("sample", sample_scale=0.3)
    with warehouse.get_connection() as conn:
        load_batch(conn, batch, "first", CDC_CONTRACT)
    before = stand_in.query("select count(*), max(_batch_id) from RAW.CDC_PULSE_INDICATORS")
    # The payload claims a record neither loaded nor quarantined: the accounting refuses it
    # after the delete and the insert ran, so only a rollback can keep the first load.
    broken = dataclasses.replace(
        batch, batch_id=batch.batch_id + "x", records_in_payload=batch.records_in_payload + 1
    )
    with warehouse.get_connection() as conn, pytest.raises(Exception, match="records"):
        load_batch(conn, broken, "second", CDC_CONTRACT)
    assert stand_in.query("select count(*), max(_batch_id) from RAW.CDC_PULSE_INDICATORS") == before
    assert stand_in.query(
        "select count(*) from RAW.LOAD_BATCHES where batch_id = ?", [broken.batch_id]
    ) == [(0,)]


def test_an_incremental_source_reads_its_newest_load_back(stand_in: StandIn, warehouse):
    batch = extract_reddit("sample", author_key=b"k" * 32, sample_scale=0.2, now=_now())
    with warehouse.get_connection() as conn:
        load_batch(conn, batch, "reddit", REDDIT_CONTRACT)
        newest = newest_loaded(conn, REDDIT_CONTRACT, "raw", "sample")
    assert newest == batch.rows[REDDIT_CONTRACT.date_column].max().to_pydatetime()


def test_quarantined_records_keep_their_reason_and_never_a_record(stand_in: StandIn, warehouse):
    batch = extract_news("sample", sample_as_of=AS_OF)
    assert batch.quarantined, "the news sample plants malformed articles"
    first: QuarantinedRecord = batch.quarantined[0]
    with warehouse.get_connection() as conn:
        load_batch(conn, batch, "news", NEWS_CONTRACT)
    rows = stand_in.query(
        "select row_number, reason, excerpt from RAW.QUARANTINE where batch_id = ? "
        "order by row_number",
        [batch.batch_id],
    )
    assert rows[0] == (first.row_number, first.reason, first.excerpt)
