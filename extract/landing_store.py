"""One interface for where payloads are landed: the local folder, or an S3 bucket in production.

Both stores keep the same promises (``extract.landing``): a payload is written once under
``<source>/<batch_id><suffix>`` and never overwritten; a payload byte-identical to one already
landed for the source reuses it; pruning removes a source's landings older than the retention
but never its newest one nor the one the current run uses; replay finds a landed batch by id or
as 'latest' (the batch raw.load_batches loaded last) and reads its bytes back.

A landing's location is a ``Path`` in the folder and an ``s3://bucket/key`` URI on S3; it is
what raw.load_batches.landing_path records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from extract.batch import ExtractBatch
from extract.landing import Landing, Location, land_payload, prune_landing
from extract.replay import LandedFile, find_landed, read_local_landed


class LandingStore(Protocol):
    """Where extract runs land their payloads and replay reads them back."""

    @property
    def where(self) -> str:
        """The folder or s3://bucket/prefix landings go under, for messages and logs."""
        ...

    def land(self, batch: ExtractBatch) -> Landing:
        """Land `batch.payload` once, or reuse an identical earlier landing of its source."""
        ...

    def prune(
        self, source: str, retention_days: int, keep: Location, now: datetime | None = None
    ) -> list[Location]:
        """Remove `source`'s landings older than `retention_days` (never its newest one nor
        `keep`); the removed locations, oldest first."""
        ...

    def find_landed(
        self,
        source: str,
        choice: str,
        conn=None,  # DuckDB, or extract.warehouse.SnowflakeSession
        raw_schema: str = "raw",
    ) -> LandedFile:
        """The landing to replay: `choice` is a batch id or 'latest'."""
        ...

    def read(self, landed: LandedFile) -> bytes:
        """The bytes of a landing this store found."""
        ...


@dataclass(frozen=True)
class LocalLandingStore:
    """The landing folder, `<data_dir>/landing` by default: extract.landing and extract.replay."""

    landing_dir: Path

    @property
    def where(self) -> str:
        return str(self.landing_dir)

    def land(self, batch: ExtractBatch) -> Landing:
        return land_payload(batch, self.landing_dir)

    def prune(
        self, source: str, retention_days: int, keep: Location, now: datetime | None = None
    ) -> list[Location]:
        return list(prune_landing(self.landing_dir, source, retention_days, Path(keep), now))

    def find_landed(
        self,
        source: str,
        choice: str,
        conn=None,  # DuckDB, or extract.warehouse.SnowflakeSession
        raw_schema: str = "raw",
    ) -> LandedFile:
        return find_landed(self.landing_dir, source, choice, conn, raw_schema)

    def read(self, landed: LandedFile) -> bytes:
        return read_local_landed(landed)
