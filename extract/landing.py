"""Landing: each extract run writes its payload once, as received, to an immutable file.

The file is written to a temporary name first and then linked to its final name, so a reader
never sees half a file, and the link fails if the name already exists, so a landed payload is
never overwritten (the batch id holds a timestamp and the payload hash, so a clash means the
same run is being landed twice).

Landed files are never edited, but they are not kept forever either: a payload byte-identical
to one already landed for the source reuses that file instead of adding a copy (sample data is
the same on every run), and :func:`prune_landing` removes a source's files older than the
retention, always keeping its newest file and the one the current run uses.

These functions are the local folder; ``extract.landing_s3`` gives an S3 bucket the same
semantics, and ``extract.landing_store`` puts both behind one interface. A landing's location is
a ``Path`` in the folder and an ``s3://bucket/key`` URI on S3.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from extract.batch import ExtractBatch, ExtractError

# Batch ids end in this many hex digits of the payload's sha256 (extract.batch.make_batch_id).
ID_DIGEST_LENGTH = 8
S3_SCHEME = "s3://"

# Where a payload was landed: a file in the local folder, or an s3://bucket/key URI.
Location = Path | str


def is_s3_uri(location: Location) -> bool:
    return isinstance(location, str) and location.startswith(S3_SCHEME)


@dataclass(frozen=True)
class Landing:
    location: Location  # the landed file (or S3 object) the batch is loaded from
    reused: bool  # True: an earlier run had landed exactly these bytes, nothing was written

    @property
    def path(self) -> Location:
        """The location under its first name (load_batch callers and the tests read .path)."""
        return self.location


def landing_path_for(batch: ExtractBatch, landing_dir: Path) -> Path:
    return Path(landing_dir) / batch.source / f"{batch.batch_id}{batch.payload_suffix}"


def land_payload(batch: ExtractBatch, landing_dir: Path) -> Landing:
    """Write `batch.payload` to `<landing_dir>/<source>/<batch_id><suffix>` exactly once.

    When a landed file of the source already holds exactly these bytes, nothing is written and
    that file is returned (``reused=True``): the batch is still loaded, from the same bytes.
    """
    target = landing_path_for(batch, landing_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    identical = find_identical_payload(batch, landing_dir)
    if identical is not None:
        return Landing(identical, reused=True)
    if target.exists():
        raise already_landed(target)  # the same batch id with other bytes

    fd, tmp_name = tempfile.mkstemp(prefix=f".{batch.batch_id}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(batch.payload)
            handle.flush()
            os.fsync(handle.fileno())
        _publish_exclusively(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    # The new name lives in the directory: without syncing it, a power loss could leave
    # raw.load_batches pointing at a landing file that is gone.
    _fsync_directory(target.parent)
    # Read-only as a reminder that landed files are never edited in place.
    target.chmod(0o444)
    return Landing(target, reused=False)


def find_identical_payload(batch: ExtractBatch, landing_dir: Path) -> Path | None:
    """The newest landed file of the batch's source whose bytes are exactly `batch.payload`.

    Candidates are found by name (file names end in 8 hex of the payload's sha256), then
    compared in full, so a mere prefix collision is never taken for the same payload.
    """
    digest = hashlib.sha256(batch.payload).hexdigest()
    pattern = f"{batch.source}-*-{digest[:ID_DIGEST_LENGTH]}{batch.payload_suffix}"
    folder = Path(landing_dir) / batch.source
    for candidate in sorted(folder.glob(pattern), key=_age_order, reverse=True):
        if not candidate.is_file() or candidate.stat().st_size != len(batch.payload):
            continue
        if _sha256_of(candidate) == digest:
            return candidate
    return None


def prune_landing(
    landing_dir: Path,
    source: str,
    retention_days: int,
    keep: Path,
    now: datetime | None = None,
) -> list[Path]:
    """Remove `source`'s landed files older than `retention_days`; return the removed paths.

    Never removes `keep` (the file the current run landed or reused) nor the source's newest
    file, so a source that has not run for a while still has its last payload. Age is the
    file's modification time: when it was landed.
    """
    if retention_days <= 0:
        raise ValueError(f"retention_days must be a positive number of days, got {retention_days}")
    folder = Path(landing_dir) / source
    files = sorted((path for path in folder.glob(f"{source}-*") if path.is_file()), key=_age_order)
    if not files:
        return []
    cutoff = (now or datetime.now(UTC)).timestamp() - timedelta(days=retention_days).total_seconds()
    protected = {files[-1].resolve(), Path(keep).resolve()}
    pruned = []
    for path in files:
        if path.resolve() in protected or path.stat().st_mtime >= cutoff:
            continue
        path.unlink()
        pruned.append(path)
    return pruned


def _age_order(path: Path) -> tuple[float, str]:
    """Oldest first; the name (which holds the batch timestamp) breaks ties."""
    return (path.stat().st_mtime, path.name)


def _sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _publish_exclusively(tmp: Path, target: Path) -> None:
    """Give `tmp` the name `target`, refusing to replace an existing file."""
    try:
        # A hard link is atomic and fails with EEXIST instead of overwriting (rename would not).
        os.link(tmp, target)
        return
    except FileExistsError:
        raise already_landed(target) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
            raise
    # File systems without hard links: claim the name with an exclusive create, then swap the
    # complete content in atomically.
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        raise already_landed(target) from None
    os.replace(tmp, target)


def _fsync_directory(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def already_landed(target: Location) -> ExtractError:
    """The error for a landing name that is taken by other bytes (the local folder and S3)."""
    return ExtractError(
        f"Landing file {target} already exists; landed payloads are immutable and are never "
        "overwritten. Run the extract again to get a new batch id, or load the existing file."
    )
