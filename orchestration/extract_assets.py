"""Extract assets: thin wrappers that run a source client, land its payload and load RAW.

Every source's raw asset is built by :func:`build_raw_asset` from the source's contract and two
functions (extract a batch; rebuild one from a landed payload), so each inherits the same run
config (accept a shrink, replay a landed batch), the completeness guard, the blocking
accounting check and the metadata. An incremental source's extract is told the newest moment
its table already holds from the mode it runs in, so it fetches (or, in sample mode, generates)
only what is newer; a run with nothing new loads an empty batch, which leaves the table and its
data version as they were (``extract.raw_load.data_version``).
"""

from collections.abc import Callable
from datetime import datetime

import dagster as dg
import duckdb
from pydantic import Field

from extract.accounting import AccountingError
from extract.batch import ExtractBatch
from extract.completeness import ShrinkPolicy
from extract.contract import RawTableContract
from extract.landing import Landing, is_s3_uri
from extract.privacy import scrub_text
from extract.raw_load import LoadResult, data_version, load_batch, newest_loaded
from extract.replay import RebuildBatch, replay_batch
from orchestration.landing_store import landing_store
from orchestration.resources import WAREHOUSE_POOL, Warehouse
from orchestration.settings import RAW_SCHEMA, Settings
from orchestration.table_metadata import table_metadata

ACCOUNTING_CHECK = "every_record_accounted_for"


class RawLoadConfig(dg.Config):
    """Run config of every raw asset (Dagster UI launchpad, or `make replay`)."""

    accept_shrink: bool = Field(
        default=False,
        description=(
            "Load the batch even if it holds fewer rows, series or periods than the one it "
            "replaces (the completeness guard refuses that by default). Use once, deliberately."
        ),
    )
    replay: str = Field(
        default="",
        description=(
            "Load a landed batch instead of extracting: 'latest' or a batch id (a landing file "
            "name without its extension)."
        ),
    )


# (settings, newest date already loaded from the source's mode or None) -> the batch.
Extract = Callable[[Settings, datetime | None], ExtractBatch]
# (warehouse connection, settings, the load) -> metadata: upkeep of the raw table after a load.
AfterLoad = Callable[[duckdb.DuckDBPyConnection, Settings, LoadResult], dict]


def build_raw_asset(
    contract: RawTableContract,
    extract: Extract,
    rebuild: RebuildBatch,
    description: str,
    after_load: AfterLoad | None = None,
) -> dg.AssetsDefinition:
    key = dg.AssetKey([RAW_SCHEMA, contract.table])

    @dg.asset(
        key=key,
        group_name="extract",
        kinds={"python", "duckdb"},
        pool=WAREHOUSE_POOL,
        description=description,
        check_specs=[
            dg.AssetCheckSpec(
                ACCOUNTING_CHECK,
                asset=key,
                description=(
                    "Records in the payload, counted without the parser (lines of the export, "
                    "the count the API reports) = rows loaded + records quarantined."
                ),
                blocking=True,
            )
        ],
    )
    def raw_asset(
        context: dg.AssetExecutionContext,
        config: RawLoadConfig,
        settings: dg.ResourceParam[Settings],
        warehouse: dg.ResourceParam[Warehouse],
    ):
        policy = ShrinkPolicy(
            min_share=settings.min_batch_share,
            accept=config.accept_shrink or settings.accepts_shrink(contract.source),
        )
        if config.replay:
            store = landing_store(settings)
            with warehouse.get_connection() as conn:
                landed = store.find_landed(contract.source, config.replay, conn)
            batch = replay_batch(landed, rebuild, store.read)
            landing = Landing(landed.location, reused=True)
            pruned = 0
            context.log.info(f"Replaying {landed.name} from {store.where}.")
        else:
            newest = None
            if contract.load == "incremental":
                with warehouse.get_connection() as conn:
                    mode = settings.source_mode(contract.source)
                    newest = newest_loaded(conn, contract, RAW_SCHEMA, mode)
            batch = extract(settings, newest)
            landing, pruned = _land(context, batch, settings)
        with warehouse.get_connection() as conn:
            try:
                loaded = load_batch(conn, batch, landing.path, contract, policy)
            except AccountingError as error:
                yield _accounting_result(
                    key, error.accounting, batch, passed=False, description=str(error)
                )
                raise
            upkeep = after_load(conn, settings, loaded) if after_load else {}
            described = table_metadata(conn, RAW_SCHEMA, contract.table)
            version = data_version(conn, contract, batch)
        _log_load(context, batch, loaded)
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                **described,
                **_load_metadata(batch, loaded, landing, config.replay),
                "landing_files_pruned": pruned,
                **upkeep,
            },
            data_version=dg.DataVersion(version),
        )
        yield _accounting_result(key, loaded.accounting, batch, passed=True)

    return raw_asset


def _land(
    context: dg.AssetExecutionContext, batch: ExtractBatch, settings: Settings
) -> tuple[Landing, int]:
    """Land the payload (local folder or S3, orchestration.landing_store) and prune the
    source's old landing files; the landing and how many files were pruned."""
    store = landing_store(settings)
    landing = store.land(batch)
    pruned = store.prune(batch.source, settings.landing_retention_days, keep=landing.location)
    if pruned:
        context.log.info(
            f"Removed {len(pruned)} landing file(s) of {batch.source} from {store.where} "
            f"older than {settings.landing_retention_days} days."
        )
    return landing, len(pruned)


def _log_load(context: dg.AssetExecutionContext, batch: ExtractBatch, loaded: LoadResult) -> None:
    # Reasons are scrubbed when a QuarantinedRecord is built; the log line is scrubbed as a
    # whole too, because logs are one of the places personal data must never reach.
    if batch.quarantined:
        context.log.warning(
            scrub_text(
                f"{loaded.rows_quarantined} of {loaded.rows_in} records quarantined in "
                f"raw.quarantine; e.g. {batch.quarantined[0].reason}"
            )
        )
    if loaded.guard.accepted and loaded.guard.problems:
        context.log.warning(
            f"Completeness guard: shrink accepted ({'; '.join(loaded.guard.problems)})."
        )


def _load_metadata(batch, loaded: LoadResult, landing: Landing, replay: str) -> dict:
    guard = loaded.guard
    return {
        "source_mode": batch.mode,
        "batch_id": loaded.batch_id,
        "rows_in": loaded.rows_in,
        "rows_loaded": loaded.rows_loaded,
        "rows_quarantined": loaded.rows_quarantined,
        "landing_file": _landing_metadata(landing),
        # 'reused': an earlier run had landed exactly these bytes; no new file was written.
        "landing": "replayed" if replay else ("reused" if landing.reused else "landed"),
        "completeness_guard": guard.status,
        "previous_batch_id": guard.previous.batch_id if guard.previous else None,
        "previous_rows": guard.previous.rows if guard.previous else None,
        "guard_problems": dg.MetadataValue.json(list(guard.problems)),
        **{name: _note_value(value) for name, value in batch.notes.items()},
    }


def _landing_metadata(landing: Landing) -> dg.MetadataValue:
    """Where the batch was loaded from: a file path locally, a link to the S3 object."""
    if is_s3_uri(landing.location):
        return dg.MetadataValue.url(str(landing.location))
    return dg.MetadataValue.path(str(landing.location))


def _note_value(value):
    """A batch note as metadata: lists and mappings as JSON, numbers and text as they are."""
    if isinstance(value, (dict, list, tuple)):
        return dg.MetadataValue.json(list(value) if isinstance(value, tuple) else value)
    return value


def _accounting_result(key, accounting, batch: ExtractBatch, passed: bool, description=None):
    """The check's result; on failure the figures are those of the rolled-back attempt."""
    return dg.AssetCheckResult(
        asset_key=key,
        check_name=ACCOUNTING_CHECK,
        passed=passed and accounting.balanced,
        description=description,
        metadata={
            "records_in_payload": accounting.records_in_payload,
            "counted_by": accounting.counted_by,
            "rows_in_raw": accounting.rows_in_raw,
            "rows_in_quarantine": accounting.rows_in_quarantine,
            "quarantine_reasons": dg.MetadataValue.json(
                sorted({q.reason for q in batch.quarantined})[:5]
            ),
        },
    )
