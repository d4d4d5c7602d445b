"""Lead/lag relationships between weekly signals: planted leads are found at the right lag,
independent autocorrelated series are not called related, and the pairs compared are the right
ones."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from ml_assets.ml_tables import write_tables
from ml_assets.relationships import (
    LAG_CORRELATION_COLUMNS,
    RELATIONSHIP_COLUMNS,
    RELATIONSHIP_TABLES,
    critical_z,
    lag_profile,
    relate_signals,
)
from ml_assets.series import LEVEL_SHIFTS

MONDAYS = pd.date_range("2021-08-02", periods=160, freq="7D")


def weekly_rows(
    source: str,
    signal: str,
    values,
    *,
    group_value: str = "all",
    start: int = 0,
    cadence: str = "weekly",
    weeks: pd.DatetimeIndex = MONDAYS,
) -> pd.DataFrame:
    """One series in marts.fct_signals columns, from week ``start`` of ``weeks``."""
    values = np.asarray(values, dtype=float)
    starts = weeks[start : start + len(values)]
    return pd.DataFrame(
        {
            "signal": signal,
            "source": source,
            "cadence": cadence,
            "group_type": "all" if group_value == "all" else "place",
            "group_value": group_value,
            "period_start": starts,
            "period_end": starts + pd.Timedelta(days=6),
            "value": values,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "unit": "count",
        }
    )


def ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """An AR(1) series x_t = phi * x_{t-1} + e_t, after a burn-in."""
    shocks = rng.normal(size=n + 50)
    x = np.zeros(n + 50)
    for t in range(1, n + 50):
        x[t] = phi * x[t - 1] + shocks[t]
    return x[50:]


def planted_lead(rng: np.random.Generator, n: int = 100, lead: int = 2):
    """A random walk and a follower that repeats it ``lead`` weeks later, plus noise."""
    walk = np.cumsum(rng.normal(size=n + lead))
    leader = 50 + walk[lead:]
    follower = 20 + walk[:-lead] + rng.normal(scale=0.5, size=n)
    return leader, follower


@pytest.mark.parametrize(
    ("leader_source", "follower_source", "expected_lag"),
    [
        ("news", "reddit", 2),  # leader's key sorts first: series_a moves first, lag +2
        ("reddit", "google_trends", -2),  # follower's key sorts first: series_b first, lag -2
    ],
)
def test_planted_two_week_lead_is_found_and_significant(
    leader_source, follower_source, expected_lag
):
    rng = np.random.default_rng(7)
    leader, follower = planted_lead(rng)
    signals = pd.concat(
        [
            weekly_rows(leader_source, "leading_signal", leader),
            weekly_rows(follower_source, "following_signal", follower),
            weekly_rows("other_source", "unrelated", 30 + np.cumsum(rng.normal(size=100))),
        ],
        ignore_index=True,
    )
    result = relate_signals(signals, run_id="r1")
    rows = result.relationships
    assert len(rows) == 3
    assert list(rows["series_a"] < rows["series_b"]) == [True] * 3
    planted = rows[
        rows["signal_a"].isin(["leading_signal", "following_signal"])
        & rows["signal_b"].isin(["leading_signal", "following_signal"])
    ].iloc[0]
    assert planted["best_lag_weeks"] == expected_lag
    assert planted["significant"]
    assert planted["correlation"] > 0.6
    assert planted["p_value"] < 1e-6
    assert planted["n_overlap"] == 100
    assert planted["run_id"] == "r1"
    leader_label = f"leading signal (all, {leader_source.replace('_', ' ')})"
    follower_label = f"following signal (all, {follower_source.replace('_', ' ')})"
    assert planted["direction"].startswith(f"{leader_label} tends to move 2 weeks before ")
    assert follower_label in planted["direction"]
    assert planted["direction"].endswith("this does not mean one causes the other.")
    # The unrelated random walk is related to neither.
    assert rows["significant"].sum() == 1


def test_independent_autocorrelated_series_are_not_called_related():
    """400 pairs of independent series whose week-to-week changes are AR(1) with phi = 0.8:
    with Bartlett's variance and Bonferroni none is significant, while the textbook 1/n
    variance (no autocorrelation correction) would call dozens of them related."""
    rng = np.random.default_rng(11)
    signals = pd.concat(
        [
            weekly_rows(source, f"series_{k}", 50 + np.cumsum(ar1(rng, 104, 0.8)))
            for source in ("left", "right")
            for k in range(20)
        ],
        ignore_index=True,
    )
    result = relate_signals(signals)
    assert len(result.relationships) == 400  # every left x right pair, no left x left
    assert result.relationships["significant"].sum() == 0

    lags = result.lag_correlations
    naive_bar = critical_z(0.05, tests=17 * 400) / np.sqrt(lags["n_pairs"])
    naive_hits = (lags["correlation"].abs() > naive_bar).groupby(
        [lags["series_a"], lags["series_b"]]
    )
    assert naive_hits.any().sum() >= 10


def test_independent_ar1_levels_are_not_called_related():
    rng = np.random.default_rng(5)
    signals = pd.concat(
        [
            weekly_rows(source, f"series_{k}", 40 + 5 * ar1(rng, 104, 0.8))
            for source in ("left", "middle", "right")
            for k in range(14)
        ],
        ignore_index=True,
    )
    result = relate_signals(signals)
    assert len(result.relationships) == 3 * 14 * 14
    assert result.relationships["significant"].sum() == 0
    assert result.relationships["p_value"].between(0, 1).all()


def test_bartletts_correction_raises_the_bar_for_autocorrelated_changes():
    rng = np.random.default_rng(3)
    index = MONDAYS[:120]
    white_a, white_b = (pd.Series(np.cumsum(rng.normal(size=120)), index) for _ in range(2))
    sticky_a, sticky_b = (pd.Series(np.cumsum(ar1(rng, 120, 0.8)), index) for _ in range(2))
    white = lag_profile(white_a, white_b).set_index("lag_weeks")
    sticky = lag_profile(sticky_a, sticky_b).set_index("lag_weeks")
    assert list(white.index) == list(range(-8, 9))
    assert (white["n_pairs"] == sticky["n_pairs"]).all()
    plain_bar = critical_z(0.05, tests=17) / np.sqrt(white["n_pairs"])
    # White-noise changes: about the plain 1/n bar (never below it: the floor).
    assert (white["threshold"] >= plain_bar - 1e-12).all()
    assert (white["threshold"] < 1.3 * plain_bar).all()
    # AR(1) changes with phi = 0.8: 1 + 2 * sum 0.64^j is about 4.5, a bar about 2x higher.
    assert (sticky["threshold"] > 1.6 * plain_bar).all()


def test_every_pair_compared_raises_the_bar_for_all_of_them():
    rng = np.random.default_rng(12)
    steps = rng.normal(size=80)
    leader = 50 + np.cumsum(steps)
    # Weakly related, so the adjusted p-value stays below its cap of 1 with five pairs.
    follower = 50 + np.cumsum(0.35 * steps + rng.normal(size=80))
    pair = pd.concat(
        [weekly_rows("news", "a", leader), weekly_rows("reddit", "b", follower)],
        ignore_index=True,
    )
    others = pd.concat(
        [weekly_rows("google_trends", f"c{k}", np.cumsum(rng.normal(size=80))) for k in range(2)],
        ignore_index=True,
    )
    alone = relate_signals(pair).relationships.iloc[0]
    crowded = relate_signals(pd.concat([pair, others], ignore_index=True)).relationships
    assert len(crowded) == 5  # a-b, a-c0, a-c1, b-c0, b-c1
    among = crowded[(crowded["signal_a"] == "a") & (crowded["signal_b"] == "b")].iloc[0]
    assert among["correlation"] == pytest.approx(alone["correlation"])
    assert among["threshold"] / alone["threshold"] == pytest.approx(
        critical_z(0.05, tests=17 * 5) / critical_z(0.05, tests=17)
    )
    assert alone["p_value"] < 0.15
    assert among["p_value"] == pytest.approx(5 * alone["p_value"])


def test_only_pairs_from_different_sources_are_compared():
    rng = np.random.default_rng(1)
    signals = pd.concat(
        [
            weekly_rows("reddit", "posts", np.cumsum(rng.normal(size=60)), group_value="a"),
            weekly_rows("reddit", "posts", np.cumsum(rng.normal(size=60)), group_value="b"),
            weekly_rows("news", "articles", np.cumsum(rng.normal(size=60))),
        ],
        ignore_index=True,
    )
    rows = relate_signals(signals).relationships
    assert sorted(zip(rows["series_a"], rows["series_b"], strict=True)) == [
        ("news|articles|all|all", "reddit|posts|place|a"),
        ("news|articles|all|all", "reddit|posts|place|b"),
    ]


@pytest.mark.parametrize(
    ("follower", "overlap_when_20_weeks_do"),
    [
        pytest.param({"cadence": "biweekly"}, None, id="not weekly"),
        pytest.param({"start": 80}, 25, id="25 common weeks"),
        # 105 weeks from 2019-12-30: only the 23 from 2021-07-26 follow the Pulse question change.
        pytest.param(
            {"source": "cdc_pulse", "weeks": pd.date_range("2019-12-30", periods=105, freq="7D")},
            23,
            id="before the comparability cut",
        ),
    ],
)
def test_series_without_enough_comparable_weekly_overlap_are_left_out(
    follower, overlap_when_20_weeks_do
):
    rng = np.random.default_rng(2)
    leader, lagged = planted_lead(rng, n=105)
    weeks = follower.get("weeks", pd.date_range("2021-08-02", periods=105, freq="7D"))
    start = follower.get("start", 0)
    signals = pd.concat(
        [
            weekly_rows("news", "leader", leader, weeks=weeks),
            weekly_rows(
                follower.get("source", "reddit"),
                "follower",
                lagged[start:],
                start=start,
                cadence=follower.get("cadence", "weekly"),
                weeks=weeks,
            ),
        ],
        ignore_index=True,
    )
    assert relate_signals(signals).relationships.empty
    # With a shorter overlap asked for, the weekly pairs are compared on their comparable weeks.
    rows = relate_signals(signals, min_overlap_weeks=20).relationships
    assert list(rows["n_overlap"]) == (
        [overlap_when_20_weeks_do] if overlap_when_20_weeks_do else []
    )


def test_a_change_across_a_missing_week_is_left_out():
    rng = np.random.default_rng(4)
    a = pd.Series(rng.normal(size=40), MONDAYS[:40])
    b = pd.Series(rng.normal(size=40), MONDAYS[:40]).drop(MONDAYS[20])
    profile = lag_profile(a, b).set_index("lag_weeks")
    # 39 common weeks; week-to-week changes exist for 40 - 1 weeks minus the two that touch
    # the missing week (into it and out of it).
    assert profile.at[0, "n_pairs"] == 37


def test_sunday_dated_weeks_line_up_with_the_monday_after():
    rng = np.random.default_rng(6)
    leader, follower = planted_lead(rng, n=80)
    a = pd.Series(leader, MONDAYS[:80] - pd.Timedelta(days=1))  # Sundays
    b = pd.Series(follower, MONDAYS[:80])
    profile = lag_profile(a, b).set_index("lag_weeks")
    assert profile["correlation"].abs().idxmax() == 2
    assert profile.at[0, "n_pairs"] == 79


def test_a_known_level_shift_is_not_read_as_moving_together():
    """Two noise series that both step at the Pulse redesign: the one big change in the same
    week would make them look related, unless that change is left out."""
    rng = np.random.default_rng(8)
    weeks = pd.date_range("2023-01-02", periods=104, freq="7D")
    step = np.where(weeks >= pd.Timestamp(LEVEL_SHIFTS["cdc_pulse"][0]), -40.0, 0.0)

    def pair(source: str) -> pd.DataFrame:
        return pd.concat(
            [
                weekly_rows(source, "anxiety", 30 + rng.normal(size=104) + step, weeks=weeks),
                weekly_rows("news", "articles", 30 + rng.normal(size=104) + step, weeks=weeks),
            ],
            ignore_index=True,
        )

    known = relate_signals(pair("cdc_pulse")).relationships.iloc[0]
    unknown = relate_signals(pair("other_survey")).relationships.iloc[0]
    assert not known["significant"]
    assert known["direction"].startswith("No clear relationship at lags of up to 8 weeks")
    assert unknown["significant"] and unknown["best_lag_weeks"] == 0
    assert "move together in the same week" in unknown["direction"]


def test_a_series_without_change_after_its_trend_is_not_measurable():
    rng = np.random.default_rng(9)
    signals = pd.concat(
        [
            weekly_rows("news", "straight_line", 10 + 0.5 * np.arange(60)),
            weekly_rows("reddit", "noise", rng.normal(size=60)),
        ],
        ignore_index=True,
    )
    row = relate_signals(signals).relationships.iloc[0]
    assert np.isnan(row["correlation"]) and not row["significant"]
    assert row["p_value"] == 1.0
    assert row["direction"].startswith("No relationship can be measured")


def test_tables_follow_their_contracts_and_agree_with_each_other():
    rng = np.random.default_rng(10)
    leader, follower = planted_lead(rng)
    signals = pd.concat(
        [
            weekly_rows("news", "leader", leader),
            weekly_rows("reddit", "follower", follower),
            weekly_rows("google_trends", "noise", np.cumsum(rng.normal(size=100))),
        ],
        ignore_index=True,
    )
    result = relate_signals(signals, run_id="run-9")
    relationships, lags = result.relationships, result.lag_correlations
    assert list(relationships.columns) == list(RELATIONSHIP_COLUMNS)
    assert list(lags.columns) == list(LAG_CORRELATION_COLUMNS)
    assert len(lags) == 17 * len(relationships)
    for _, row in relationships.iterrows():
        profile = lags[
            (lags["series_a"] == row["series_a"]) & (lags["series_b"] == row["series_b"])
        ]
        assert list(profile["lag_weeks"]) == list(range(-8, 9))
        best = profile.set_index("lag_weeks").loc[row["best_lag_weeks"]]
        assert best["correlation"] == pytest.approx(row["correlation"])
        assert best["threshold"] == pytest.approx(row["threshold"])
        assert profile["correlation"].abs().max() == pytest.approx(abs(row["correlation"]))
        assert row["significant"] == (abs(row["correlation"]) > row["threshold"])
        assert row["significant"] == (row["p_value"] < 0.05)

    conn = duckdb.connect()
    written = write_tables(conn, result.tables(), RELATIONSHIP_TABLES, schema="ml")
    assert written == {"signal_relationships": 3, "signal_lag_correlations": 51}
    types = dict(
        conn.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_name = 'signal_relationships'"
        ).fetchall()
    )
    assert types["best_lag_weeks"] == "INTEGER" and types["significant"] == "BOOLEAN"
    empty = relate_signals(signals.iloc[:0])
    assert write_tables(conn, empty.tables(), RELATIONSHIP_TABLES, schema="ml") == {
        "signal_relationships": 0,
        "signal_lag_correlations": 0,
    }


def test_settings_that_cannot_work_are_refused():
    signals = weekly_rows("news", "a", np.arange(30.0))
    with pytest.raises(ValueError, match="max_lag"):
        relate_signals(signals, max_lag=-1)
    with pytest.raises(ValueError, match="min_overlap_weeks"):
        relate_signals(signals, min_overlap_weeks=10, max_lag=8)
    with pytest.raises(ValueError, match="alpha"):
        relate_signals(signals, alpha=1.5)
