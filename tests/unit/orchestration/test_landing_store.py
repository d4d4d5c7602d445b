"""The landing store the settings select, and a raw asset landing on S3 (moto's server)."""

from __future__ import annotations

from pathlib import Path

import boto3
import dagster as dg
import duckdb
import pytest
from moto.server import ThreadedMotoServer

from extract.cdc_pulse.file_source import EXPORT_COLUMNS
from extract.landing_s3 import S3LandingStore
from extract.landing_store import LocalLandingStore
from orchestration.landing_store import landing_store
from orchestration.raw_sources import CDC_PULSE_KEY, cdc_pulse_indicators
from orchestration.resources import build_resources
from orchestration.settings import load_settings

BUCKET = "mindpulse-landing-asset"
GOOD = (
    "Symptoms of Depressive Disorder,By Sex,United States,Female,2,14,"
    '"Sep 2 - Sep 14, 2020",09/02/2020,09/14/2020,28.4,27.0,29.8,27.0 - 29.8,'
)


@pytest.fixture(scope="module")
def endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_env(monkeypatch):
    """Dummy credentials for the default AWS chain (in ECS the task role gives real ones)."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


def test_the_local_folder_by_default(tmp_path):
    settings = load_settings({"MINDPULSE_DATA_DIR": str(tmp_path / "data")})
    store = landing_store(settings)
    assert store == LocalLandingStore(settings.landing_dir)
    assert store.where == str(tmp_path / "data" / "landing")


def test_a_landing_bucket_selects_s3_with_its_prefix_and_endpoint(tmp_path, aws_env):
    settings = load_settings(
        {
            "MINDPULSE_DATA_DIR": str(tmp_path / "data"),
            "MINDPULSE_LANDING_BUCKET": "mindpulse-prod-landing",
            "MINDPULSE_LANDING_PREFIX": "/raw/landing/",
            "MINDPULSE_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        }
    )
    store = landing_store(settings)
    assert isinstance(store, S3LandingStore)
    assert (store.bucket, store.prefix) == ("mindpulse-prod-landing", "raw/landing")
    assert store.client.meta.endpoint_url == "http://127.0.0.1:9000"
    assert store.where == "s3://mindpulse-prod-landing/raw/landing"


# --- a raw asset landing on S3 ----------------------------------------------------------------


@pytest.fixture
def s3_settings(tmp_path, endpoint, aws_env):
    client = boto3.client("s3", endpoint_url=endpoint)
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    export = tmp_path / "export.csv"
    export.write_text("\n".join([",".join(EXPORT_COLUMNS), *[GOOD] * 20]) + "\n")
    yield (
        load_settings(
            {
                "MINDPULSE_DATA_DIR": str(tmp_path / "data"),
                "MINDPULSE_CDC_PULSE_FILE": str(export),
                "MINDPULSE_LANDING_BUCKET": BUCKET,
                "MINDPULSE_S3_ENDPOINT_URL": endpoint,
            }
        ),
        client,
    )
    for version in client.list_object_versions(Bucket=BUCKET).get("Versions", []):
        client.delete_object(Bucket=BUCKET, Key=version["Key"], VersionId=version["VersionId"])
    client.delete_bucket(Bucket=BUCKET)


def materialize(settings, instance) -> dict:
    result = dg.materialize(
        [cdc_pulse_indicators], resources=build_resources(settings), instance=instance
    )
    assert result.success
    [event] = result.get_asset_materialization_events()
    assert event.asset_key == CDC_PULSE_KEY
    return event.materialization.metadata


def test_a_raw_asset_lands_on_s3_and_a_rerun_reuses_the_object(s3_settings):
    settings, client = s3_settings
    with dg.DagsterInstance.ephemeral() as instance:
        first = materialize(settings, instance)
        second = materialize(settings, instance)

    [landed] = client.list_objects_v2(Bucket=BUCKET)["Contents"]
    uri = f"s3://{BUCKET}/landing/cdc_pulse/{Path(landed['Key']).name}"
    assert landed["Key"].startswith("landing/cdc_pulse/cdc_pulse-file-")
    assert first["landing_file"] == dg.MetadataValue.url(uri)
    assert (first["landing"].value, second["landing"].value) == ("landed", "reused")
    assert second["landing_file"] == dg.MetadataValue.url(uri)
    assert len(client.list_object_versions(Bucket=BUCKET)["Versions"]) == 1  # no new object
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        recorded = conn.execute("select landing_path from raw.load_batches").fetchall()
        rows = conn.execute("select count(*) from raw.cdc_pulse_indicators").fetchall()
    assert recorded == [(uri,), (uri,)]
    assert rows == [(20,)]  # the rerun replaced the batch: no duplicate rows
    assert not settings.landing_dir.exists()  # nothing landed in the local folder


def test_replay_reads_the_landed_object_back_from_s3(s3_settings):
    settings, client = s3_settings
    with dg.DagsterInstance.ephemeral() as instance:
        materialize(settings, instance)
        settings.source_file("cdc_pulse").unlink()  # the export is gone; the landing is not
        result = dg.materialize(
            [cdc_pulse_indicators],
            resources=build_resources(settings),
            instance=instance,
            run_config={"ops": {"raw__cdc_pulse_indicators": {"config": {"replay": "latest"}}}},
        )
    assert result.success
    [event] = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    [landed] = client.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert metadata["landing"].value == "replayed"
    assert metadata["batch_id"].value == Path(landed["Key"]).stem
    assert metadata["rows_loaded"].value == 20
