"""Extract assets: thin wrappers that run a source client, land its payload and load RAW."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from extract.cdc_pulse import extract_cdc_pulse
from extract.landing import land_payload, prune_landing
from extract.privacy import scrub_text
from extract.raw_load import load_batch
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import RAW_SCHEMA, Settings
from orchestration.table_metadata import duckdb_table_metadata

CDC_PULSE_TABLE = "cdc_pulse_indicators"
CDC_PULSE_KEY = dg.AssetKey([RAW_SCHEMA, CDC_PULSE_TABLE])


@dg.asset(
    key=CDC_PULSE_KEY,
    group_name="extract",
    kinds={"python", "duckdb"},
    pool=WAREHOUSE_POOL,
    description=(
        "CDC/NCHS Household Pulse Survey: indicators of anxiety or depression (data.cdc.gov "
        "dataset 8pt5-q6wp). Mode per MINDPULSE_SOURCES / MINDPULSE_CDC_PULSE_FILE: generated "
        "sample, live SODA API or a CSV export. Bad records go to raw.quarantine."
    ),
    check_specs=[
        dg.AssetCheckSpec(
            "every_record_accounted_for",
            asset=CDC_PULSE_KEY,
            description="Records in = records loaded + records quarantined.",
            blocking=True,
        )
    ],
)
def cdc_pulse_indicators(
    context: dg.AssetExecutionContext,
    settings: dg.ResourceParam[Settings],
    warehouse: DuckDBResource,
):
    mode = settings.source_mode("cdc_pulse")
    batch = extract_cdc_pulse(
        mode,
        file_path=settings.source_file("cdc_pulse"),
        sample_scale=settings.sample_scale,
        app_token=settings.cdc_app_token,
    )
    landing = land_payload(batch, settings.landing_dir)
    pruned = prune_landing(
        settings.landing_dir, batch.source, settings.landing_retention_days, keep=landing.path
    )
    if pruned:
        context.log.info(
            f"Removed {len(pruned)} landing file(s) of {batch.source} older than "
            f"{settings.landing_retention_days} days."
        )
    with warehouse.get_connection() as conn:
        loaded = load_batch(conn, batch, landing.path, table=CDC_PULSE_TABLE)
        table_metadata = duckdb_table_metadata(conn, RAW_SCHEMA, CDC_PULSE_TABLE)
        # Count what the warehouse now holds for this batch, not what the loader says it wrote.
        in_raw, in_quarantine = conn.execute(
            f"""
            select
                (select count(*) from {RAW_SCHEMA}.{CDC_PULSE_TABLE} where _batch_id = $batch),
                (select count(*) from {RAW_SCHEMA}.quarantine where batch_id = $batch)
            """,
            {"batch": loaded.batch_id},
        ).fetchall()[0]
    # Reasons are scrubbed when a QuarantinedRecord is built; the log line is scrubbed as a
    # whole too, because logs are one of the places personal data must never reach.
    reasons = sorted({q.reason for q in batch.quarantined})[:5]
    if batch.quarantined:
        context.log.warning(
            scrub_text(
                f"{loaded.rows_quarantined} of {loaded.rows_in} records quarantined in "
                f"raw.quarantine; e.g. {reasons[0]}"
            )
        )
    yield dg.MaterializeResult(
        asset_key=CDC_PULSE_KEY,
        metadata={
            **table_metadata,
            "source_mode": mode,
            "batch_id": loaded.batch_id,
            "rows_in": loaded.rows_in,
            "rows_loaded": loaded.rows_loaded,
            "rows_quarantined": loaded.rows_quarantined,
            "landing_file": dg.MetadataValue.path(str(landing.path)),
            # 'reused': an earlier run had landed exactly these bytes; no new file was written.
            "landing": "reused" if landing.reused else "landed",
            "landing_files_pruned": len(pruned),
        },
        data_version=dg.DataVersion(batch.content_version()),
    )
    yield dg.AssetCheckResult(
        asset_key=CDC_PULSE_KEY,
        check_name="every_record_accounted_for",
        passed=batch.rows_in == in_raw + in_quarantine,
        metadata={
            "rows_in": batch.rows_in,
            "rows_in_raw": in_raw,
            "rows_in_quarantine": in_quarantine,
            "quarantine_reasons": dg.MetadataValue.json(reasons),
        },
    )
