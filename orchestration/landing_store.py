"""The landing store the settings select: the local folder by default, S3 in production.

MINDPULSE_LANDING_BUCKET (orchestration/cloud_settings.py) moves landing files from
`<data_dir>/landing` to `s3://<bucket>/<prefix>/`, with the same write-once, reuse, retention
and replay rules (extract.landing_store).
"""

from __future__ import annotations

from extract.landing_s3 import S3LandingStore
from extract.landing_store import LandingStore, LocalLandingStore
from orchestration.settings import Settings


def landing_store(settings: Settings) -> LandingStore:
    """Where this run lands payloads and replays them from."""
    bucket = settings.landing_bucket
    if bucket is None:
        return LocalLandingStore(settings.landing_dir)
    # Imported here: dagster-aws costs most of a second to import, which a local run (and
    # every code-location load) would pay for nothing.
    from dagster_aws.s3 import S3Resource

    # Credentials and region come from the default AWS chain: the task role and AWS_REGION in
    # ECS; AWS_* variables or a profile elsewhere. endpoint_url None is AWS's own endpoint.
    client = S3Resource(endpoint_url=bucket.endpoint_url).get_client()
    return S3LandingStore(client, bucket.bucket, bucket.prefix)
