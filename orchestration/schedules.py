"""The weekly refresh: the whole lineage, Sunday 08:00 UTC."""

from __future__ import annotations

import dagster as dg

WEEKLY_JOB_NAME = "mindpulse_weekly"

weekly_job = dg.define_asset_job(
    WEEKLY_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description=(
        "Extract every source, build and test dbt (in two steps around the Reddit sentiment), "
        "forecast, publish the dashboard."
    ),
)

weekly_schedule = dg.ScheduleDefinition(
    name="weekly_refresh",
    job=weekly_job,
    cron_schedule="0 8 * * 0",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Household Pulse releases were at most weekly; refresh every Sunday 08:00 UTC.",
)
