"""Every source's signals in one mart, compared: the session's sample build and the real run.

The sample generators plant one relationship (extract/sample_weeks.py): search interest in
'mental health' in the United States leads r/mentalhealth's weekly posts by LEAD_WEEKS. The
cross-source analysis must find it at that lag and report no other generated pair, which share
nothing but the calendar.
"""

from __future__ import annotations

from datetime import date

import pytest

from extract.google_trends.records import RAW_TABLE as TRENDS_TABLE
from extract.sample_weeks import LEAD_WEEKS
from ml_assets.series import series_key
from tests.real_data import NEWSAPI_HEALTH, TRENDS_EXPORT, WHO_SUICIDE, require

pytestmark = pytest.mark.slow

SEARCH = series_key("google_trends", "mental health", "place", "United States")
POSTS = series_key("reddit", "posts_per_week", "subreddit", "mentalhealth")


def test_every_weekly_source_reaches_fct_signals(sample_build):
    sources = dict(
        sample_build.query(
            "select source, count(distinct signal || group_type || group_value) "
            "from marts.fct_signals group by source"
        )
    )
    assert set(sources) == {"cdc_pulse", "reddit", "news", "google_trends"}
    assert sources["news"] >= 2  # all outlets, and outlet types
    assert sources["google_trends"] >= 3
    # Every one of them was forecast with the same code: one metrics row per series.
    forecast = dict(
        sample_build.query("select source, count(*) from ml.forecast_metrics group by source")
    )
    assert forecast.get("news") == sources["news"]
    assert forecast.get("google_trends") == sources["google_trends"]


def test_the_planted_lead_is_found_at_its_lag(sample_build):
    rows = sample_build.query(
        "select series_a, series_b, best_lag_weeks, correlation, threshold, significant, "
        "direction from ml.signal_relationships where significant"
    )
    assert [(a, b) for a, b, *_ in rows] == [(SEARCH, POSTS)], rows
    [(_, _, lag, correlation, threshold, _, direction)] = rows
    # series_a is the search interest: a positive lag says it moves first.
    assert lag == LEAD_WEEKS
    assert correlation > threshold > 0
    assert "before" in direction and "cause" in direction


def test_unrelated_generated_pairs_are_compared_and_not_significant(sample_build):
    [(pairs, significant, sources)] = sample_build.query(
        "select count(*), count(*) filter (where significant), "
        "count(distinct split_part(series_a, '|', 1) || split_part(series_b, '|', 1)) "
        "from ml.signal_relationships"
    )
    # Trends x Reddit, Trends x news and news x Reddit pairs were all tested.
    assert sources == 3 and pairs > 20
    assert significant == 1
    # The lag chart of every compared pair: 17 lags each.
    assert sample_build.count("ml.signal_lag_correlations") == 17 * pairs


def test_anomalies_are_flagged_and_the_newest_week_is_checked(sample_build, sample_pipeline):
    result = sample_pipeline.result
    checks = [e for e in result.check_evaluations if e["asset"] == "ml/signal_anomalies"]
    assert [c["check"] for c in checks] == ["newest_period_not_anomalous"]
    newest = sample_build.count("ml.signal_anomalies where is_newest")
    assert checks[0]["passed"] == (newest == 0)
    # A warning at most: it never blocks the dashboard.
    assert "mindpulse_dashboard" in " ".join(result.materialized)
    assert sample_build.count("ml.signal_anomalies where direction not in ('above', 'below')") == 0


def test_real_search_interest_news_and_who_statistics(real_pipeline_run):
    for path in (NEWSAPI_HEALTH, TRENDS_EXPORT, WHO_SUICIDE):
        require(path)
    workspace, result = real_pipeline_run.workspace, real_pipeline_run.result
    assert result.success and result.failed_checks == [], result.describe()
    # Google Trends: 260 weekly rows of one term in one place, Sundays mapped to ISO weeks.
    assert workspace.query(
        f"select count(*), count(*) filter (where below_one) from raw.{TRENDS_TABLE}"
    ) == [(260, 0)]
    assert workspace.query(
        "select signal, group_value, count(*), min(period_start), max(period_start) "
        "from marts.fct_signals where source = 'google_trends' group by all"
    ) == [
        (
            "mental health",
            "United States",
            260,
            date.fromisoformat("2018-01-29"),
            date.fromisoformat("2023-01-16"),
        ),
    ]
    # News: the 20 headlines of one day are one weekly period.
    assert workspace.query(
        "select period_start, value from marts.fct_signals "
        "where source = 'news' and group_type = 'all'"
    ) == [(date(2023, 5, 22), 20.0)]
    # WHO: every row; blank counts stay null, and so does their rate.
    assert workspace.query(
        "select count(*), count(*) filter (where suicides is null), "
        "count(*) filter (where population is null), "
        "count(*) filter (where suicides is null and rate_per_100k is not null) "
        "from marts.fct_suicide_rates"
    ) == [(43_776, 2_256, 5_460, 0)]
