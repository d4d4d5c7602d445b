"""The cross-source assets as Dagster runs them: fct_signals in, relationships and anomalies
out, the newest-period warning, and unchanged signals kept instead of computed again."""

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import pandas as pd

from ml_assets.series import series_key
from orchestration.progress import _notes
from orchestration.resources import build_resources
from orchestration.settings import Settings, load_settings
from orchestration.signal_assets import (
    ANOMALIES_KEY,
    NEWEST_CHECK,
    RELATIONSHIP_KEYS,
    signal_anomalies,
    signal_relationships,
)

WEEKS = 60
FIRST = date(2025, 1, 6)  # a Monday


def weekly_signals(spike_last: bool) -> pd.DataFrame:
    """Search interest leading news by 2 weeks, an unrelated Reddit series that spikes in its
    newest week when asked."""
    rng = np.random.default_rng(7)
    shock = rng.standard_normal(WEEKS + 2)
    series = {
        ("google_trends", "mental health", "place", "United States"): 50 + 5 * shock[2:],
        ("news", "articles_per_week", "all", "all outlets"): 40
        + 5 * shock[:WEEKS]
        + rng.normal(0, 1, WEEKS),
        ("reddit", "posts_per_week", "subreddit", "anxiety"): 30 + rng.normal(0, 3, WEEKS),
    }
    if spike_last:
        series[("reddit", "posts_per_week", "subreddit", "anxiety")][-1] += 40
    rows = []
    for (source, signal, group_type, group_value), values in series.items():
        for week, value in enumerate(values):
            start = FIRST + timedelta(weeks=week)
            rows.append(
                {
                    "signal": signal,
                    "source": source,
                    "cadence": "weekly",
                    "group_type": group_type,
                    "group_value": group_value,
                    "period_start": start,
                    "period_end": start + timedelta(days=6),
                    "value": float(value),
                    "ci_low": None,
                    "ci_high": None,
                    "unit": "index",
                }
            )
    return pd.DataFrame(rows)


def write_signals(settings: Settings, signals: pd.DataFrame) -> None:
    with duckdb.connect(str(settings.duckdb_path)) as conn:
        conn.execute("create schema if not exists marts")
        conn.register("signals", signals)
        conn.execute("create or replace table marts.fct_signals as select * from signals")


def materialize(settings: Settings) -> dg.ExecuteInProcessResult:
    with dg.DagsterInstance.ephemeral() as instance:
        return dg.materialize(
            [signal_relationships, signal_anomalies],
            resources=build_resources(settings),
            instance=instance,
        )


def metadata(result, key: dg.AssetKey) -> dict:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == key]
    return event.materialization.metadata


def query(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_the_lead_is_found_the_newest_spike_warns_and_unchanged_signals_are_kept(
    tmp_path: Path,
):
    settings = load_settings({"MINDPULSE_DATA_DIR": str(tmp_path / "data")})
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    write_signals(settings, weekly_signals(spike_last=True))

    first = materialize(settings)
    assert first.success
    search = series_key("google_trends", "mental health", "place", "United States")
    news = series_key("news", "articles_per_week", "all", "all outlets")
    assert query(
        settings,
        "select series_a, series_b, best_lag_weeks from ml.signal_relationships where significant",
    ) == [(search, news, 2)]
    [check] = first.get_asset_check_evaluations()
    assert check.check_name == NEWEST_CHECK and not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert series_key("reddit", "posts_per_week", "subreddit", "anxiety") in check.description
    relationships = metadata(first, RELATIONSHIP_KEYS["signal_relationships"])
    assert relationships["significant_pairs"].value == 1 and not relationships["reused"].value

    # Unchanged: the stored tables are kept, the warning still stands.
    created = query(settings, "select created_at from ml.signal_relationship_runs")
    second = materialize(settings)
    assert query(settings, "select created_at from ml.signal_relationship_runs") == created
    assert metadata(second, ANOMALIES_KEY)["reused"].value
    assert "unchanged: stored results kept" in _notes(metadata(second, ANOMALIES_KEY))
    [check] = second.get_asset_check_evaluations()
    assert not check.passed

    # Changed (the spike is gone): computed again, and the warning clears.
    write_signals(settings, weekly_signals(spike_last=False))
    third = materialize(settings)
    assert not metadata(third, ANOMALIES_KEY)["reused"].value
    [check] = third.get_asset_check_evaluations()
    assert check.passed
    assert query(settings, "select count(*) from ml.signal_anomalies where is_newest") == [(0,)]
