"""Landing: each extract run writes its payload once, as received, to an immutable file.

The file is written to a temporary name first and then linked to its final name, so a reader
never sees half a file, and the link fails if the name already exists, so a landed payload is
never overwritten (the batch id holds a timestamp and the payload hash, so a clash means the
same run is being landed twice).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from extract.batch import ExtractBatch, ExtractError


def landing_path_for(batch: ExtractBatch, landing_dir: Path) -> Path:
    return Path(landing_dir) / batch.source / f"{batch.batch_id}{batch.payload_suffix}"


def land_payload(batch: ExtractBatch, landing_dir: Path) -> Path:
    """Write `batch.payload` to `<landing_dir>/<source>/<batch_id><suffix>` exactly once."""
    target = landing_path_for(batch, landing_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise _already_landed(target)

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
    # Read-only as a reminder that landed files are never edited in place.
    target.chmod(0o444)
    return target


def _publish_exclusively(tmp: Path, target: Path) -> None:
    """Give `tmp` the name `target`, refusing to replace an existing file."""
    try:
        # A hard link is atomic and fails with EEXIST instead of overwriting (rename would not).
        os.link(tmp, target)
        return
    except FileExistsError:
        raise _already_landed(target) from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV):
            raise
    # File systems without hard links: claim the name with an exclusive create, then swap the
    # complete content in atomically.
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        raise _already_landed(target) from None
    os.replace(tmp, target)


def _already_landed(target: Path) -> ExtractError:
    return ExtractError(
        f"Landing file {target} already exists; landed payloads are immutable and are never "
        "overwritten. Run the extract again to get a new batch id, or load the existing file."
    )
