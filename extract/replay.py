"""Replay: rebuild a RAW table from a landed payload instead of fetching it again.

Landed files are named ``<source>-<mode>-<UTC stamp>-<hash><suffix>`` (``extract.batch`` and
``extract.landing``), so a file says which source and mode produced it and which batch it was.
Replaying one parses it exactly as the original run did (CSV exports and the JSON lines live
runs land) and loads it under its original batch id, through the same guard and accounting.
The functions here read the local landing folder; an S3 landing (``extract.landing_s3``) keys
its objects by the same names and finds and reads them through ``extract.landing_store``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from extract.batch import ExtractBatch, ExtractError
from extract.landing import Location, is_s3_uri
from extract.warehouse import table_exists

LATEST = "latest"

# (mode, payload, suffix, origin, batch_id) -> the batch the source's parser makes of it.
RebuildBatch = Callable[[str, bytes, str, str, str], ExtractBatch]
# How a landing store reads a landed payload (LandingStore.read); None: a local file.
ReadLanded = Callable[["LandedFile"], bytes]


@dataclass(frozen=True)
class LandedFile:
    location: Location  # a Path in the local folder, an s3://bucket/key URI on S3
    source: str
    mode: str
    batch_id: str
    suffix: str

    @property
    def path(self) -> Location:
        """The location under its first name."""
        return self.location

    @property
    def name(self) -> str:
        return f"{self.batch_id}{self.suffix}"


def parse_landed_name(location: Location) -> LandedFile:
    """What a landing file's name says: source, mode, batch id and format."""
    if not is_s3_uri(location):
        location = Path(location)
    name = PurePosixPath(str(location)).name
    suffix = "".join(PurePosixPath(name).suffixes[-1:])
    batch_id = name[: -len(suffix)] if suffix else name
    parts = batch_id.split("-")
    if len(parts) != 4 or not suffix:
        raise ExtractError(
            f"{name} is not a landing file name (<source>-<mode>-<stamp>-<hash>.<format>); "
            "replay only reads files MindPulse landed."
        )
    source, mode, _stamp, _digest = parts
    return LandedFile(location, source, mode, batch_id, suffix)


def newest_landed(landed: Iterable[LandedFile]) -> LandedFile:
    """The landed batch extracted last: the stamp in the batch id orders batches."""
    return max(landed, key=lambda f: f.batch_id.split("-")[2])


def find_landed(
    landing_dir: Path,
    source: str,
    choice: str,
    conn=None,  # DuckDB, or extract.warehouse.SnowflakeSession
    raw_schema: str = "raw",
) -> LandedFile:
    """The landed file to replay: a batch id, or 'latest'.

    'latest' is the file of the batch loaded last (raw.load_batches), when the warehouse still
    knows it and the file is there; otherwise the newest landed file of the source.
    """
    folder = Path(landing_dir) / source
    if choice != LATEST:
        matches = sorted(folder.glob(f"{choice}.*"))
        if not matches:
            raise ExtractError(
                f"No landed file for batch {choice!r} in {folder}. List the landed batches with "
                f"`ls {folder}` and pass one of their names without the extension."
            )
        return parse_landed_name(matches[0])
    last_loaded = last_loaded_location(conn, source, raw_schema) if conn is not None else None
    # A warehouse that was loaded from S3 names an s3:// URI: not a file of this folder.
    if last_loaded is not None and not is_s3_uri(last_loaded) and Path(last_loaded).is_file():
        return parse_landed_name(Path(last_loaded))
    landed = [parse_landed_name(path) for path in folder.glob(f"{source}-*") if path.is_file()]
    if not landed:
        raise ExtractError(
            f"Nothing to replay for {source}: {folder} holds no landed files. Run `make run` "
            "once to extract and land the source."
        )
    return newest_landed(landed)


def replay_batch(
    landed: LandedFile, rebuild: RebuildBatch, read: ReadLanded | None = None
) -> ExtractBatch:
    """The batch a landed file holds, parsed by its source, under its original batch id.

    `read` fetches the payload from where it was landed (a landing store's `read`); without
    it, `landed` is a file of the local folder.
    """
    payload = read(landed) if read is not None else read_local_landed(landed)
    return rebuild(landed.mode, payload, landed.suffix, str(landed.location), landed.batch_id)


def read_local_landed(landed: LandedFile) -> bytes:
    try:
        return Path(landed.location).read_bytes()
    except OSError as error:
        raise ExtractError(f"Cannot read the landed file {landed.location}: {error}") from None


def last_loaded_location(conn, source: str, raw_schema: str = "raw") -> str | None:
    """raw.load_batches.landing_path of the source's last load, as stored (a file path or an
    s3:// URI), or None when this warehouse never loaded the source."""
    if not table_exists(conn, raw_schema, "load_batches"):
        return None  # no load yet in this warehouse
    found = conn.execute(
        f"select landing_path from {raw_schema}.load_batches where source = ? "
        "order by loaded_at desc limit 1",
        [source],
    ).fetchall()
    return found[0][0] if found else None
