"""Live mode against a local SODA-like server on 127.0.0.1 (real requests, no internet)."""

from __future__ import annotations

import datetime as dt
import json
import socket

import pytest
import requests

from extract.batch import ExtractError
from extract.cdc_pulse import extract_cdc_pulse
from extract.cdc_pulse.live_source import fetch_records


class RecordingSleep:
    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def test_pages_through_the_dataset_with_offsets(soda_server, soda_records):
    records = fetch_records(soda_server.url, page_size=3)
    assert records == soda_records
    queries = [r["query"] for r in soda_server.requests]
    assert [q["$offset"] for q in queries] == ["0", "3", "6"]
    assert all(q["$limit"] == "3" and q["$order"] == ":id" for q in queries)
    assert soda_server.requests[0]["path"] == "/resource/8pt5-q6wp.json"


def test_an_exact_last_page_ends_with_an_empty_page(soda_server, soda_records):
    soda_server.records = soda_records[:6]
    assert len(fetch_records(soda_server.url, page_size=3)) == 6
    assert [r["query"]["$offset"] for r in soda_server.requests] == ["0", "3", "6"]


def test_live_extract_maps_soda_fields_and_sends_the_token(soda_server):
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    batch = extract_cdc_pulse("live", base_url=soda_server.url, app_token="secret-token", now=now)
    assert soda_server.requests[0]["headers"]["X-App-Token"] == "secret-token"
    assert (batch.mode, batch.payload_suffix, len(batch.rows), batch.quarantined) == (
        "live",
        ".jsonl",
        7,
        [],
    )
    assert batch.batch_id.startswith("cdc_pulse-live-20261123T120000000000Z-")
    lines = batch.payload.decode().splitlines()
    assert len(lines) == 7 and json.loads(lines[3])["phase"] == "-1"
    rows = batch.rows
    first = rows.iloc[0]
    assert (first["group_name"], first["period_start"]) == (
        "National Estimate",
        dt.date(2020, 4, 23),
    )
    assert (first["value"], first["low_ci"], first["high_ci"]) == (23.5, 22.7, 24.3)
    assert rows.loc[4, "time_period"] == 22 and rows.loc[4, "value"] == 35.5  # JSON numbers
    gap = rows.iloc[3]
    assert (
        gap["phase"] == "-1"
        and gap["time_period"] == 1
        and rows[["value"]].isna().sum().item() == 2
    )
    assert rows.loc[5, "quartile_range"] == "Estimate not reliable"


def test_without_a_token_no_token_header_is_sent(soda_server):
    extract_cdc_pulse("live", base_url=soda_server.url)
    assert "X-App-Token" not in soda_server.requests[0]["headers"]


def test_malformed_live_records_are_quarantined(soda_server, soda_records):
    bad = dict(soda_records[0], time_period_start_date="04/23/2020")
    missing = {k: v for k, v in soda_records[1].items() if k != "indicator"}
    soda_server.records = [*soda_records, bad, missing, "not an object"]
    batch = extract_cdc_pulse("live", base_url=soda_server.url, max_bad_share=0.5)
    assert [(q.row_number, q.reason) for q in batch.quarantined] == [
        (8, "time_period_start_date '04/23/2020' is not a YYYY-MM-DD (ISO 8601) date"),
        (9, "indicator is missing"),
        (10, "the record is not a JSON object"),
    ]
    assert [q.field_names for q in batch.quarantined] == [
        ("time_period_start_date",),
        ("indicator",),
        (),
    ]
    assert batch.quarantined[2].excerpt == "_value='not an object'"
    assert batch.rows_in == 10


def test_429_is_retried_honouring_a_short_retry_after(soda_server, soda_records):
    soda_server.script = [(429, {"Retry-After": "1"}, '{"message": "slow down"}')]
    sleep = RecordingSleep()
    assert fetch_records(soda_server.url, sleep=sleep) == soda_records
    assert sleep.calls == [1.0]
    assert len(soda_server.requests) == 2


def test_a_long_retry_after_falls_back_to_backoff(soda_server):
    soda_server.script = [(503, {"Retry-After": "3600"}, "")]
    sleep = RecordingSleep()
    fetch_records(soda_server.url, sleep=sleep)
    assert sleep.calls == [2.0]


def test_three_retries_are_the_most(soda_server, soda_records):
    soda_server.script = [(503, {}, "busy")] * 3
    sleep = RecordingSleep()
    assert fetch_records(soda_server.url, sleep=sleep) == soda_records
    assert sleep.calls == [2.0, 4.0, 8.0]  # exponential backoff

    soda_server.requests.clear()
    soda_server.script = [(503, {}, "busy")] * 4
    sleep = RecordingSleep()
    with pytest.raises(ExtractError) as raised:
        fetch_records(soda_server.url, sleep=sleep)
    assert len(soda_server.requests) == 4 and sleep.calls == [2.0, 4.0, 8.0]
    message = str(raised.value)
    assert "failed 4 times (last failure: HTTP 503" in message
    assert "MINDPULSE_SOURCES=sample" in message and "MINDPULSE_CDC_PULSE_FILE" in message


def test_a_refused_token_is_not_retried(soda_server):
    soda_server.script = [(403, {}, '{"message": "Invalid app_token specified"}')]
    sleep = RecordingSleep()
    with pytest.raises(ExtractError, match="HTTP 403.*MINDPULSE_CDC_APP_TOKEN"):
        fetch_records(soda_server.url, app_token="bad", sleep=sleep)
    assert len(soda_server.requests) == 1 and sleep.calls == []


def test_an_answer_that_is_not_a_record_list_is_a_clear_error(soda_server):
    soda_server.script = [(200, {}, "<html>maintenance</html>")]
    with pytest.raises(ExtractError, match="not JSON"):
        fetch_records(soda_server.url)
    soda_server.script = [(200, {}, '{"error": true, "message": "no such column: foo"}')]
    with pytest.raises(ExtractError, match="no such column: foo"):
        fetch_records(soda_server.url)


def test_an_unreachable_server_is_retried_then_reported():
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleep = RecordingSleep()
    with pytest.raises(ExtractError, match="failed 4 times .*ConnectionError"):
        fetch_records(f"http://127.0.0.1:{port}/resource/8pt5-q6wp.json", sleep=sleep)
    assert sleep.calls == [2.0, 4.0, 8.0]


def test_a_given_session_is_used_and_left_open(soda_server):
    with requests.Session() as session:
        session.headers["X-Test"] = "mine"
        extract_cdc_pulse("live", base_url=soda_server.url, session=session)
        assert soda_server.requests[0]["headers"]["X-Test"] == "mine"
        extract_cdc_pulse("live", base_url=soda_server.url, session=session)  # still usable
