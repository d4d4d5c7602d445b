"""What one extract run hands to landing and loading: the payload as received plus validated rows.

Every source builds an :class:`ExtractBatch`. A record that fails validation is kept as a
:class:`QuarantinedRecord` with its reason (it is loaded to ``raw.quarantine``, never dropped);
when too many records fail, :func:`check_bad_share` stops the run before anything is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from extract.privacy import render_record, scrub_text, scrubbed_excerpt


class ExtractError(RuntimeError):
    """An extract cannot go on; the message says what was wrong and what to do about it."""


@dataclass(frozen=True)
class QuarantinedRecord:
    """What is kept of a rejected record: enough for a person to find and fix it, nothing more.

    The record itself is not kept. Every text goes through the privacy scrubber when the object
    is built, however it is built, so no source can put personal data into raw.quarantine, an
    error message or a log line through it.
    """

    row_number: int  # 1-based position of the record in the landed payload
    reason: str
    field_names: tuple[str, ...] = ()  # the fields validation complained about
    excerpt: str = ""  # at most privacy.EXCERPT_MAX_CHARS characters of the record

    def __post_init__(self) -> None:
        # object.__setattr__: the dataclass is frozen; this is its constructor finishing.
        object.__setattr__(self, "reason", scrub_text(self.reason))
        object.__setattr__(self, "field_names", tuple(scrub_text(f) for f in self.field_names))
        object.__setattr__(self, "excerpt", scrubbed_excerpt(self.excerpt))

    @classmethod
    def of(
        cls, row_number: int, record: object, reason: str, field_names: Iterable[str] = ()
    ) -> QuarantinedRecord:
        """Quarantine `record`: the offending fields lead its excerpt, personal fields are out."""
        field_names = tuple(field_names)
        return cls(row_number, reason, field_names, render_record(record, field_names))


@dataclass
class ExtractBatch:
    source: str
    mode: str
    batch_id: str
    payload: bytes
    payload_suffix: str
    rows: pd.DataFrame
    quarantined: list[QuarantinedRecord] = field(default_factory=list)
    # How many records the payload holds, counted without the parser (extract.payload_counts,
    # or the total an API reports), and how it was counted. The accounting check compares it
    # with what the warehouse holds after the load, so a parser that merged or lost records
    # cannot pass it.
    records_in_payload: int = field(kw_only=True)
    counted_by: str = field(kw_only=True)
    # What a reader of the load should know about this batch beyond its counts (e.g. the
    # window borders a Google Trends file was stitched at): name -> JSON-able value, shown as
    # metadata of the raw asset's materialization.
    notes: dict[str, object] = field(default_factory=dict, kw_only=True)

    @property
    def rows_in(self) -> int:
        """Records the parser read: validated rows plus quarantined ones."""
        return len(self.rows) + len(self.quarantined)

    def content_version(self) -> str:
        """sha256 over the validated rows: equal exactly when the raw table would hold the same
        records (batch ids and load times aside). Dagster's data version of the raw asset, so
        an unchanged input leaves everything downstream fresh."""
        row_hashes = pd.util.hash_pandas_object(self.rows, index=False).to_numpy()
        columns = "\x1f".join(map(str, self.rows.columns)).encode()
        return hashlib.sha256(columns + row_hashes.tobytes()).hexdigest()


def utc_now_naive(now: datetime | None = None) -> datetime:
    """`now` (or the current time) in UTC without tzinfo, the form the warehouse stores."""
    now = now or datetime.now(UTC)
    if now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    return now


def make_batch_id(source: str, mode: str, payload: bytes, now: datetime | None = None) -> str:
    """`<source>-<mode>-<UTC timestamp>-<8 hex of the payload's sha256>`, unique per run.

    The hash ties the id to the content, so two runs of the same second with different
    payloads cannot collide, and the landing file name tells which payload it holds.
    """
    stamp = utc_now_naive(now).strftime("%Y%m%dT%H%M%S%fZ")  # microseconds: reruns never collide
    digest = hashlib.sha256(payload).hexdigest()[:8]
    return f"{source}-{mode}-{stamp}-{digest}"


def check_bad_share(
    total: int,
    quarantined: list[QuarantinedRecord],
    max_bad_share: float,
    hint: str,
    *,
    examples: int = 3,
) -> None:
    """Raise ExtractError when more than `max_bad_share` of `total` records failed validation.

    A few bad records are quarantined and the run goes on; a large share usually means the
    wrong file or a changed format, and loading the rest would hide that.
    """
    if total == 0 or not quarantined:
        return
    share = len(quarantined) / total
    if share <= max_bad_share:
        return
    reasons = "; ".join(f"row {q.row_number}: {q.reason}" for q in quarantined[:examples])
    raise ExtractError(
        f"{len(quarantined):,} of {total:,} records ({share:.1%}) failed validation, "
        f"more than the {max_bad_share * 100:g}% allowed; first reasons: {reasons}. {hint}"
    )
