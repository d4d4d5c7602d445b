"""Landing on S3: the promises of the local landing folder (``extract.landing``) kept by a bucket.

Objects are keyed ``<prefix>/<source>/<batch_id><suffix>``, the local folder's paths, and a
landing's location is its ``s3://<bucket>/<key>`` URI (what raw.load_batches records).

- Write once: every put is conditional (``IfNoneMatch="*"``), so S3 itself refuses to replace
  an existing key (412 PreconditionFailed; 409 ConditionalRequestConflict while another put of
  the key is in flight), also when two runs race, where an exists-then-put check would not.
- Integrity: a put carries the payload's SHA-256, which S3 checks before it stores the object,
  and a read asks for the stored checksum, which botocore checks against the bytes it got; a
  payload damaged in transit is neither landed nor replayed.
- Reuse, retention and replay follow the local rules. An object's LastModified is its landing
  time (landed objects are never rewritten), as a landed file's modification time is.

The bucket has versioning on in production: a prune's delete leaves a delete marker and a
noncurrent version, which the bucket's lifecycle rule expires after its own delay, so a landing
pruned by mistake can still be restored until then.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    FlexibleChecksumError,
    HTTPClientError,
    NoCredentialsError,
)
from botocore.exceptions import ConnectionError as S3ConnectionError

from extract.batch import ExtractBatch, ExtractError
from extract.landing import (
    ID_DIGEST_LENGTH,
    S3_SCHEME,
    Landing,
    Location,
    already_landed,
    is_s3_uri,
)
from extract.replay import (
    LATEST,
    LandedFile,
    last_loaded_location,
    newest_landed,
    parse_landed_name,
)

# S3's answers to a conditional put whose key is taken (or being taken by another put).
_KEY_TAKEN = ("PreconditionFailed", "ConditionalRequestConflict")
_NOT_FOUND = ("404", "NoSuchKey", "NotFound")
_DENIED = ("AccessDenied", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken")


@dataclass(frozen=True)
class S3LandingStore:
    """Landings in `s3://<bucket>/<prefix>/`, through a boto3 S3 client."""

    client: Any  # botocore.client.S3
    bucket: str
    prefix: str = "landing"

    @property
    def where(self) -> str:
        return self.uri(self.prefix) if self.prefix else f"{S3_SCHEME}{self.bucket}"

    def uri(self, key: str) -> str:
        return f"{S3_SCHEME}{self.bucket}/{key}"

    def folder_key(self, source: str) -> str:
        return f"{self.prefix}/{source}/" if self.prefix else f"{source}/"

    def key_for(self, batch: ExtractBatch) -> str:
        return f"{self.folder_key(batch.source)}{batch.batch_id}{batch.payload_suffix}"

    def key_of(self, location: Location) -> str:
        """The key of an s3:// URI in this bucket."""
        bucket_uri = self.uri("")
        if not (is_s3_uri(location) and str(location).startswith(bucket_uri)):
            raise ExtractError(
                f"{location} is not a landing in {self.where}; replay a batch landed in this "
                "bucket, or set MINDPULSE_LANDING_BUCKET to the bucket it was landed in."
            )
        return str(location)[len(bucket_uri) :]

    # --- landing ---------------------------------------------------------------------------

    def land(self, batch: ExtractBatch) -> Landing:
        """Put `batch.payload` at its key exactly once, or reuse an identical earlier object."""
        identical = self.find_identical(batch)
        if identical is not None:
            return Landing(identical, reused=True)
        key = self.key_for(batch)
        digest = hashlib.sha256(batch.payload)
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=batch.payload,
                IfNoneMatch="*",
                ChecksumAlgorithm="SHA256",
                ChecksumSHA256=base64.b64encode(digest.digest()).decode("ascii"),
                Metadata={"sha256": digest.hexdigest()},
            )
        except ClientError as error:
            if _code(error) not in _KEY_TAKEN:
                raise self._error(error, f"landing {key}") from None
            if self._holds(key, batch.payload):
                # Our own put, retried by botocore after a first attempt that had succeeded
                # unseen: the object is exactly this payload.
                return Landing(self.uri(key), reused=False)
            raise already_landed(self.uri(key)) from None
        except BotoCoreError as error:
            raise self._error(error, f"landing {key}") from None
        return Landing(self.uri(key), reused=False)

    def find_identical(self, batch: ExtractBatch) -> str | None:
        """The newest landed object of the source whose bytes are exactly `batch.payload`.

        Candidates are found by name (8 hex of the payload's sha256) and size, then compared in
        full, so a mere prefix collision is never taken for the same payload.
        """
        digest = hashlib.sha256(batch.payload).hexdigest()
        ending = f"-{digest[:ID_DIGEST_LENGTH]}{batch.payload_suffix}"
        candidates = [
            found
            for found in self._objects(batch.source, f"{batch.source}-")
            if found["Key"].endswith(ending) and found["Size"] == len(batch.payload)
        ]
        for found in sorted(candidates, key=_age_order, reverse=True):
            if self._read_key(found["Key"], "comparing earlier landings") == batch.payload:
                return self.uri(found["Key"])
        return None

    def prune(
        self, source: str, retention_days: int, keep: Location, now: datetime | None = None
    ) -> list[Location]:
        """Delete `source`'s objects landed more than `retention_days` ago, oldest first; never
        `keep` (what the current run landed or reused) nor the source's newest object."""
        if retention_days <= 0:
            raise ValueError(
                f"retention_days must be a positive number of days, got {retention_days}"
            )
        objects = sorted(self._objects(source, f"{source}-"), key=_age_order)
        if not objects:
            return []
        now_ts = (now or datetime.now(UTC)).timestamp()
        cutoff = now_ts - timedelta(days=retention_days).total_seconds()
        protected = {objects[-1]["Key"], self.key_of(keep)}
        pruned: list[Location] = []
        for found in objects:
            if found["Key"] in protected or found["LastModified"].timestamp() >= cutoff:
                continue
            # With versioning on this adds a delete marker; the lifecycle rule expires the
            # noncurrent version later (see the module docstring).
            self._call(f"pruning {found['Key']}", "delete_object", Key=found["Key"])
            pruned.append(self.uri(found["Key"]))
        return pruned

    # --- replay ----------------------------------------------------------------------------

    def find_landed(
        self,
        source: str,
        choice: str,
        conn=None,  # DuckDB, or extract.warehouse.SnowflakeSession
        raw_schema: str = "raw",
    ) -> LandedFile:
        """The landing to replay: a batch id, or 'latest' (the batch raw.load_batches loaded
        last, when its object is still there; otherwise the newest landing of the source)."""
        folder = self.uri(self.folder_key(source))
        if choice != LATEST:
            matches = sorted(found["Key"] for found in self._objects(source, f"{choice}."))
            if not matches:
                raise ExtractError(
                    f"No landed file for batch {choice!r} in {folder}. List the landed batches "
                    f"with `aws s3 ls {folder}` and pass one of their names without the extension."
                )
            return parse_landed_name(self.uri(matches[0]))
        last_loaded = last_loaded_location(conn, source, raw_schema) if conn is not None else None
        # A warehouse loaded from the local folder (or another bucket) names no object here.
        known = last_loaded is not None and last_loaded.startswith(folder)
        if known and self._exists(self.key_of(last_loaded)):
            return parse_landed_name(last_loaded)
        landed = [
            parse_landed_name(self.uri(found["Key"]))
            for found in self._objects(source, f"{source}-")
        ]
        if not landed:
            raise ExtractError(
                f"Nothing to replay for {source}: {folder} holds no landed files. Run `make run` "
                "once to extract and land the source."
            )
        return newest_landed(landed)

    def read(self, landed: LandedFile) -> bytes:
        return self._read_key(self.key_of(landed.location), f"reading {landed.name}")

    # --- S3 calls --------------------------------------------------------------------------

    def _objects(self, source: str, name_start: str) -> list[dict]:
        """The objects directly in the source's folder whose names start with `name_start`."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.folder_key(source) + name_start, Delimiter="/"
        )
        try:
            return [found for page in pages for found in page.get("Contents", [])]
        except (ClientError, BotoCoreError) as error:
            raise self._error(error, f"listing the landings of {source}") from None

    def _read_key(self, key: str, action: str) -> bytes:
        try:
            # ChecksumMode: botocore checks the body against the checksum S3 stored at the put.
            answer = self.client.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
            return answer["Body"].read()
        except (ClientError, BotoCoreError) as error:
            raise self._error(error, f"{action} ({self.uri(key)})") from None

    def _holds(self, key: str, payload: bytes) -> bool:
        try:
            return self._read_key(key, "checking a landing") == payload
        except ExtractError:
            return False

    def _exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _code(error) in _NOT_FOUND:
                return False  # a HEAD answers a missing bucket with a bare 404 too
            raise self._error(error, f"looking up {self.uri(key)}") from None
        except BotoCoreError as error:
            raise self._error(error, f"looking up {self.uri(key)}") from None
        return True

    def _call(self, action: str, operation: str, **arguments) -> dict:
        try:
            return getattr(self.client, operation)(Bucket=self.bucket, **arguments)
        except (ClientError, BotoCoreError) as error:
            raise self._error(error, action) from None

    def _error(self, error: Exception, action: str) -> ExtractError:
        """What went wrong with the landing bucket, and what to do about it."""
        place = f"{self.where}/ (MINDPULSE_LANDING_BUCKET={self.bucket}"
        place += f", MINDPULSE_LANDING_PREFIX={self.prefix})"
        local = "or unset MINDPULSE_LANDING_BUCKET to land in the local data folder"
        if isinstance(error, ClientError):
            code = _code(error)
            if code == "NoSuchBucket":
                return ExtractError(
                    f"The landing bucket {self.bucket!r} does not exist ({action}; landing "
                    f"under {place}). Create it (terraform/aws does), set "
                    f"MINDPULSE_LANDING_BUCKET to an existing bucket, {local}."
                )
            if code in _DENIED:
                return ExtractError(
                    f"S3 refused {action} in {place}: {code}. Give the run's AWS identity (the "
                    "ECS task role, or the credentials in the environment) s3:ListBucket, "
                    "s3:GetObject, s3:PutObject and s3:DeleteObject on that prefix."
                )
            if code in _NOT_FOUND:
                return ExtractError(
                    f"{action}: no such object in {place}; it was pruned by retention or "
                    "deleted. List the landings with `aws s3 ls` and replay one of them."
                )
            message = error.response.get("Error", {}).get("Message", "")
            return ExtractError(
                f"S3 failed {action} in {place}: {code} {message}. Run again; if it keeps "
                f"failing, check the bucket's configuration, {local}."
            )
        if isinstance(error, NoCredentialsError):
            return ExtractError(
                f"No AWS credentials for {action} in {place}. Provide them through the default "
                "AWS chain (the ECS task role; AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or "
                f"AWS_PROFILE locally), {local}."
            )
        if isinstance(error, (S3ConnectionError, HTTPClientError)):
            endpoint = self.client.meta.endpoint_url
            return ExtractError(
                f"Cannot reach the S3 endpoint {endpoint} for {action} in {place}: {error}. "
                "Check MINDPULSE_S3_ENDPOINT_URL (unset, AWS's own endpoint is used) and the "
                f"network, {local}."
            )
        if isinstance(error, FlexibleChecksumError):
            return ExtractError(
                f"{action} in {place}: the bytes received do not match the object's SHA-256 "
                f"checksum ({error}); they were damaged in transit. Run again."
            )
        return ExtractError(f"S3 failed {action} in {place}: {error}. Run again, {local}.")


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _age_order(found: dict) -> tuple[datetime, str]:
    """Oldest first; the name (which holds the batch timestamp) breaks ties."""
    return (found["LastModified"], found["Key"])
