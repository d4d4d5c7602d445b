"""Landing on S3: the local folder's rules (write once, reuse, retention, replay) on a bucket.

boto3 is the code under test, so it talks HTTP to moto's S3 server on loopback (one per module),
never to AWS. Each test gets a bucket of its own, with versioning on as in production.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import itertools
import socket

import boto3
import pandas as pd
import pytest
from botocore.config import Config
from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from moto.server import ThreadedMotoServer

from extract.batch import ExtractError
from extract.cdc_pulse import extract_cdc_pulse
from extract.cdc_pulse.extract import batch_from_payload
from extract.cdc_pulse.records import RAW_CONTRACT
from extract.landing_s3 import S3LandingStore
from extract.raw_load import load_batch
from extract.replay import LATEST, parse_landed_name, replay_batch

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
PREFIX = "landing"
_bucket_numbers = itertools.count()


@pytest.fixture(scope="module")
def endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()  # port 0: the port the OS gave the server
    yield f"http://{host}:{port}"
    server.stop()


def client_for(endpoint_url: str, **config):
    """A boto3 S3 client with dummy credentials of its own (the environment is not read)."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(**config) if config else None,
    )


@pytest.fixture(scope="module")
def client(endpoint):
    return client_for(endpoint)


@pytest.fixture
def bucket(client) -> str:
    name = f"mindpulse-landing-{next(_bucket_numbers)}"
    client.create_bucket(Bucket=name)
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


@pytest.fixture
def store(client, bucket) -> S3LandingStore:
    return S3LandingStore(client, bucket, PREFIX)


@pytest.fixture(scope="module")
def batch():
    return extract_cdc_pulse("sample", sample_scale=0.3, now=NOW)


def extract_again(minutes_later: int, scale: float = 0.3):
    """A later run: a new batch id; the same bytes when the scale is the same."""
    return extract_cdc_pulse(
        "sample", sample_scale=scale, now=NOW + dt.timedelta(minutes=minutes_later)
    )


def keys(client, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))


def versions(client, bucket: str) -> list[str]:
    return [v["Key"] for v in client.list_object_versions(Bucket=bucket).get("Versions", [])]


def body(client, bucket: str, key: str) -> bytes:
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()


# --- write once -----------------------------------------------------------------------------


def test_the_payload_is_landed_as_received_at_its_key(store, client, bucket, batch):
    landing = store.land(batch)
    key = f"{PREFIX}/cdc_pulse/{batch.batch_id}.csv"
    assert (landing.location, landing.reused) == (f"s3://{bucket}/{key}", False)
    assert landing.path == landing.location  # the name load_batch callers read
    assert keys(client, bucket) == [key]
    assert body(client, bucket, key) == batch.payload
    # S3 stored (and checked) the SHA-256 the put carried.
    head = client.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    digest = hashlib.sha256(batch.payload)
    assert head["ChecksumSHA256"] == base64.b64encode(digest.digest()).decode()
    assert head["Metadata"] == {"sha256": digest.hexdigest()}


def test_every_put_is_conditional_and_carries_its_checksum(store, client, batch):
    sent = []

    def record(request, **_):
        sent.append(
            {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
        )

    client.meta.events.register("before-send.s3.PutObject", record)
    try:
        store.land(batch)
    finally:
        client.meta.events.unregister("before-send.s3.PutObject", record)
    [headers] = sent
    assert headers["If-None-Match"] == "*"
    digest = base64.b64encode(hashlib.sha256(batch.payload).digest()).decode()
    assert headers["x-amz-checksum-sha256"] == digest


def test_the_same_key_with_other_bytes_is_refused_by_s3(store, client, bucket, batch):
    landing = store.land(batch)
    statuses = []

    def record(http_response, **_):
        statuses.append(http_response.status_code)

    client.meta.events.register("after-call.s3.PutObject", record)
    try:
        other = dataclasses.replace(batch, payload=b"something else")  # same batch id
        with pytest.raises(ExtractError, match="already exists; landed payloads are immutable"):
            store.land(other)
    finally:
        client.meta.events.unregister("after-call.s3.PutObject", record)
    assert statuses == [412]  # the conditional put, not a check before it, refused the write
    assert body(client, bucket, store.key_of(landing.location)) == batch.payload
    assert versions(client, bucket) == [store.key_of(landing.location)]  # no second version


def test_an_object_put_at_the_key_by_someone_else_is_never_overwritten(
    store, client, bucket, batch
):
    key = store.key_for(batch)
    client.put_object(Bucket=bucket, Key=key, Body=b"put there by hand")
    with pytest.raises(ExtractError, match=f"s3://{bucket}/{key} already exists"):
        store.land(batch)
    assert body(client, bucket, key) == b"put there by hand"


# --- the same payload again -------------------------------------------------------------------


def test_an_identical_payload_reuses_the_landed_object(store, client, bucket):
    first = store.land(extract_again(0))
    again = extract_again(5)
    second = store.land(again)
    assert again.batch_id not in first.location  # a new run, a new batch id ...
    assert (second.location, second.reused) == (first.location, True)  # ... and no new object
    assert len(versions(client, bucket)) == 1


def test_a_changed_payload_is_landed_anew(store, client, bucket):
    first = store.land(extract_again(0))
    changed = extract_again(5, scale=0.4)
    second = store.land(changed)
    assert second.reused is False and second.location != first.location
    assert body(client, bucket, store.key_of(second.location)) == changed.payload
    assert len(keys(client, bucket)) == 2


def test_an_object_with_the_same_hash_prefix_but_other_bytes_is_not_reused(
    store, client, bucket, batch
):
    digest8 = batch.batch_id.rsplit("-", 1)[1]
    impostor = f"{PREFIX}/cdc_pulse/cdc_pulse-sample-20000101T000000000000Z-{digest8}.csv"
    client.put_object(Bucket=bucket, Key=impostor, Body=batch.payload[:-1] + b"#")
    landing = store.land(batch)
    assert landing.reused is False and store.key_of(landing.location) != impostor
    assert body(client, bucket, impostor) == batch.payload[:-1] + b"#"


# --- retention --------------------------------------------------------------------------------


def landed_object(client, bucket: str, source: str, name: str, days_old: float) -> str:
    """An object landed `days_old` before NOW: moto's LastModified set back, like os.utime."""
    key = f"{PREFIX}/{source}/{name}"
    client.put_object(Bucket=bucket, Key=key, Body=name.encode())
    stamp = (NOW - dt.timedelta(days=days_old)).astimezone(dt.UTC).replace(tzinfo=None)
    for version in s3_backends[DEFAULT_ACCOUNT_ID]["aws"].buckets[bucket].keys.getlist(key):
        version.last_modified = stamp
    return f"s3://{bucket}/{key}"


def test_objects_older_than_the_retention_are_pruned(store, client, bucket):
    def land(name, days_old, source="cdc_pulse"):
        return landed_object(client, bucket, source, name, days_old)

    in_use = land("cdc_pulse-sample-a-00000001.csv", days_old=50)
    old = land("cdc_pulse-sample-b-00000002.csv", days_old=40)
    older = land("cdc_pulse-sample-c-00000003.csv", days_old=45)
    recent = land("cdc_pulse-sample-d-00000004.csv", days_old=29)
    newest = land("cdc_pulse-sample-e-00000005.csv", days_old=1)
    other_source = land("reddit-sample-f-00000006.jsonl", days_old=90, source="reddit")

    pruned = store.prune("cdc_pulse", 30, keep=in_use, now=NOW)

    assert pruned == [older, old]  # oldest first
    remaining = {f"s3://{bucket}/{key}" for key in keys(client, bucket)}
    assert remaining == {in_use, recent, newest, other_source}
    # Versioning: a delete leaves a delete marker; the bucket's lifecycle expires the version.
    markers = client.list_object_versions(Bucket=bucket).get("DeleteMarkers", [])
    assert sorted(m["Key"] for m in markers) == sorted(store.key_of(u) for u in (old, older))


def test_the_newest_object_and_the_one_in_use_are_never_pruned(store, client, bucket):
    def land(name, days_old):
        return landed_object(client, bucket, "cdc_pulse", name, days_old)

    in_use = land("cdc_pulse-live-a-00000001.jsonl", days_old=300)
    middle = land("cdc_pulse-live-b-00000002.jsonl", days_old=200)
    newest = land("cdc_pulse-live-c-00000003.jsonl", days_old=100)
    assert store.prune("cdc_pulse", 30, keep=in_use, now=NOW) == [middle]
    assert {f"s3://{bucket}/{key}" for key in keys(client, bucket)} == {in_use, newest}
    assert store.prune("reddit", 30, keep=in_use, now=NOW) == []  # never landed: nothing


# --- replay -----------------------------------------------------------------------------------


def test_a_landing_uri_names_source_mode_and_batch():
    landed = parse_landed_name(
        "s3://b/landing/cdc_pulse/cdc_pulse-live-20261125T120000000000Z-0123abcd.jsonl"
    )
    assert (landed.source, landed.mode, landed.suffix) == ("cdc_pulse", "live", ".jsonl")
    assert landed.batch_id == "cdc_pulse-live-20261125T120000000000Z-0123abcd"
    assert landed.location.startswith("s3://b/landing/cdc_pulse/")


def test_a_batch_replayed_from_s3_equals_the_original(store, batch, warehouse):
    landing = store.land(batch)
    load_batch(warehouse, batch, landing.location, RAW_CONTRACT)
    [(recorded,)] = warehouse.execute("select landing_path from raw.load_batches").fetchall()
    assert recorded == landing.location  # the s3:// URI, as it is

    landed = store.find_landed("cdc_pulse", LATEST, warehouse)
    replayed = replay_batch(landed, batch_from_payload, store.read)

    assert landed.location == landing.location and store.read(landed) == batch.payload
    assert (replayed.batch_id, replayed.mode) == (batch.batch_id, "sample")
    pd.testing.assert_frame_equal(replayed.rows, batch.rows)
    assert replayed.content_version() == batch.content_version()
    assert replayed.records_in_payload == batch.records_in_payload


def test_latest_is_the_batch_loaded_last_not_the_newest_object(store, warehouse):
    first = extract_again(0)
    first_landing = store.land(first)
    load_batch(warehouse, first, first_landing.location, RAW_CONTRACT)
    store.land(extract_again(5, scale=0.4))  # landed later, never loaded
    assert store.find_landed("cdc_pulse", LATEST, warehouse).location == first_landing.location
    # Without a warehouse that knows, the newest landed object is the best guess.
    assert store.find_landed("cdc_pulse", LATEST).location != first_landing.location


def test_a_batch_is_chosen_by_its_id_and_an_unknown_one_is_a_clear_error(store, bucket, batch):
    landing = store.land(batch)
    chosen = store.find_landed("cdc_pulse", batch.batch_id)
    assert (chosen.location, chosen.batch_id, chosen.suffix) == (
        landing.location,
        batch.batch_id,
        ".csv",
    )
    folder = f"s3://{bucket}/{PREFIX}/cdc_pulse/"
    with pytest.raises(ExtractError, match=f"No landed file for batch 'cdc_pulse-x' in {folder}"):
        store.find_landed("cdc_pulse", "cdc_pulse-x")
    with pytest.raises(ExtractError, match="Nothing to replay for reddit"):
        store.find_landed("reddit", LATEST)


def test_bytes_that_do_not_match_their_checksum_are_refused_on_replay(store, client, bucket):
    # moto keeps the checksum a put declares without checking it (S3 would refuse the put):
    # that stands in for bytes damaged between S3 and this process.
    key = f"{PREFIX}/cdc_pulse/cdc_pulse-sample-20260101T000000000000Z-00000000.csv"
    wrong = base64.b64encode(hashlib.sha256(b"other bytes").digest()).decode()
    client.put_object(
        Bucket=bucket, Key=key, Body=b"a,b\n", ChecksumAlgorithm="SHA256", ChecksumSHA256=wrong
    )
    landed = store.find_landed("cdc_pulse", LATEST)
    with pytest.raises(ExtractError, match="damaged in transit"):
        replay_batch(landed, batch_from_payload, store.read)


# --- a bucket that is not there ---------------------------------------------------------------


def test_a_missing_bucket_says_which_bucket_and_what_to_do(client, batch):
    store = S3LandingStore(client, "no-such-landing-bucket", "raw/landing")
    with pytest.raises(ExtractError) as error:
        store.land(batch)
    message = str(error.value)
    assert "'no-such-landing-bucket' does not exist" in message
    assert "s3://no-such-landing-bucket/raw/landing/" in message
    assert "MINDPULSE_LANDING_PREFIX=raw/landing" in message
    assert "unset MINDPULSE_LANDING_BUCKET" in message


def test_an_unreachable_endpoint_says_which_endpoint_and_what_to_do(batch):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = client_for(f"http://127.0.0.1:{port}", retries={"max_attempts": 1})
    store = S3LandingStore(client, "mindpulse-landing", PREFIX)
    with pytest.raises(ExtractError) as error:
        store.land(batch)
    message = str(error.value)
    assert f"Cannot reach the S3 endpoint http://127.0.0.1:{port}" in message
    assert "s3://mindpulse-landing/landing/" in message
    assert "MINDPULSE_S3_ENDPOINT_URL" in message
