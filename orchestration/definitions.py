"""The MindPulse code location. It only assembles: logic lives in the modules it imports."""

from __future__ import annotations

import dagster as dg

from orchestration.dashboard_asset import mindpulse_dashboard
from orchestration.dbt_assets import build_dbt_assets
from orchestration.executor import build_executor
from orchestration.forecast_assets import signal_forecasts
from orchestration.insight_assets import reddit_insights
from orchestration.raw_sources import RAW_ASSETS
from orchestration.reddit_assets import post_sentiment
from orchestration.resources import build_resources
from orchestration.schedules import weekly_job, weekly_schedule
from orchestration.settings import load_settings
from orchestration.signal_assets import signal_anomalies, signal_relationships
from orchestration.survey_assets import resource_recommendations, survey_segments


@dg.definitions
def defs() -> dg.Definitions:
    # Built when the code location loads, not at import: settings come from the environment
    # and the dbt manifest is prepared by `make prepare`.
    settings = load_settings()
    return dg.Definitions(
        assets=[
            *RAW_ASSETS.values(),
            *build_dbt_assets(),
            post_sentiment,
            reddit_insights,
            signal_forecasts,
            signal_relationships,
            signal_anomalies,
            survey_segments,
            resource_recommendations,
            mindpulse_dashboard,
        ],
        jobs=[weekly_job],
        schedules=[weekly_schedule],
        resources=build_resources(settings),
        # Every step in the run's own process, with a wait for the writer slot that ends
        # (orchestration/executor.py): DuckDB takes one writer process, and on Snowflake two
        # runs must not load the same RAW table at once either (the pool is per deployment).
        executor=build_executor(settings),
    )
