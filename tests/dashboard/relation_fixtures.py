"""Cross-source rows for the fixture warehouse, in the layouts the Compare signals page reads
(the contract of issue 10).

marts.fct_signals gets weekly search interest in 'mental health' (google_trends) and weekly
news articles (all outlets; health and science outlets for the last 12 weeks only, general
news outlets for the last 6) over the Reddit fixture's 20 weeks. They are made to relate the
way the stored analysis says: search interest moves two weeks before r/mentalhealth's posts
(it is built from them), news coverage follows r/anxiety's posts one week later and in the
opposite direction.
ml.signal_relationships holds five pairs (two significant, one without a correlation),
ml.signal_lag_correlations their 17-lag profiles, ml.signal_anomalies the weeks planted as
unusual in those series.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from ml_assets.anomalies import ANOMALY_TABLES
from ml_assets.relationships import RELATIONSHIP_TABLES
from ml_assets.series import series_key
from tests.dashboard import reddit_fixtures as reddit
from tests.dashboard import who_fixtures as who

RUN_ID = "run-fixture-relations"
TERM, PLACE = "mental health", "United States"
TRENDS = series_key("google_trends", TERM, "place", PLACE)
NEWS = series_key("news", "articles_per_week", "all", "all outlets")
HEALTH_NEWS = series_key("news", "articles_per_week", "outlet_type", "health_science")
GENERAL_NEWS = series_key("news", "articles_per_week", "outlet_type", "general_news")
# Local outlets publish the same few articles every week: nothing to correlate.
LOCAL_NEWS = series_key("news", "articles_per_week", "outlet_type", "local_news")
# Series that cover only the last weeks: fewer weeks in common with the others. General news
# outlets appear too late for any pair to be stored.
RECENT_WEEKS = {HEALTH_NEWS: 12, GENERAL_NEWS: 6}
POSTS = {
    name: series_key("reddit", "posts_per_week", "subreddit", name) for name in reddit.COMMUNITIES
}
LOADED = {"google_trends": dt.datetime(2024, 9, 23, 5, 0), "news": dt.datetime(2024, 9, 23, 5, 30)}

# Planted unusual weeks: series -> {week index: amount added to the value}.
SPIKES = {TRENDS: {9: 22.0, 15: -12.0}, NEWS: {12: 40.0}}

# The stored pairs: (series_a, series_b) with series_a < series_b -> best lag (weeks series_a
# moves before series_b), correlation there, threshold, adjusted p, weeks in common,
# significant. The strongest pair by |correlation| is not significant (few weeks in common):
# the page must open on the strongest *significant* one. A series that does not vary has no
# correlation (null, as ml_assets.relationships stores it). The run kept pairs with at least
# 12 weeks in common (its min_overlap_weeks).
PAIRS = {
    (TRENDS, POSTS["mentalhealth"]): (2, 0.81, 0.52, 0.004, 20, True),
    (NEWS, POSTS["anxiety"]): (-1, -0.57, 0.52, 0.031, 20, True),
    (TRENDS, NEWS): (0, 0.31, 0.52, 0.74, 20, False),
    (HEALTH_NEWS, POSTS["depression"]): (1, 0.86, 0.88, 0.09, RECENT_WEEKS[HEALTH_NEWS], False),
    (LOCAL_NEWS, POSTS["anxiety"]): (0, None, 0.52, None, 20, False),
}  # fmt: skip
LAGS = range(-8, 9)


def interest(index: int) -> float:
    """Search interest: r/mentalhealth's posts two weeks later, scaled to 0..100, plus noise."""
    base = 38 + 0.12 * (reddit.posts("mentalhealth", index + 2) - 300)
    return round(base + [0, 2, -1, 1, -2][index % 5], 1)


def articles(index: int) -> float:
    """News articles: fewer when r/anxiety posted more the week before."""
    return float(
        round(150 - 0.5 * (reddit.posts("anxiety", index - 1) - 420)) + [3, -2, 5, 0, -4][index % 5]
    )


def health_articles(index: int) -> float:
    return float(20 + 2 * (index % 3) + index // 4)


def general_articles(index: int) -> float:
    return float(60 + 3 * (index % 4))


def baseline(key: str, index: int) -> float:
    makers = {TRENDS: interest, NEWS: articles, HEALTH_NEWS: health_articles,
              GENERAL_NEWS: general_articles, LOCAL_NEWS: lambda index: 3.0}  # fmt: skip
    return makers[key](index)


def value(key: str, index: int) -> float:
    """The published value: the baseline plus any planted spike."""
    return baseline(key, index) + SPIKES.get(key, {}).get(index, 0.0)


def _parts(key: str) -> dict[str, str]:
    source, signal, group_type, group_value = key.split("|")
    return {
        "source": source,
        "signal": signal,
        "group_type": group_type,
        "group_value": group_value,
    }


def fct_signals_rows() -> pd.DataFrame:
    weeks = reddit.weeks()
    units = {TRENDS: "index"} | dict.fromkeys(
        (NEWS, HEALTH_NEWS, GENERAL_NEWS, LOCAL_NEWS), "articles"
    )
    rows = [
        _parts(key) | {"cadence": "weekly", "period_start": week,
                       "period_end": week + dt.timedelta(days=6), "value": value(key, index),
                       "ci_low": None, "ci_high": None, "unit": unit}
        for key, unit in units.items()
        for index, week in enumerate(weeks)
        if index >= len(weeks) - RECENT_WEEKS.get(key, len(weeks))
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _suffixed(key: str, suffix: str) -> dict[str, str]:
    return {f"{name}_{suffix}": part for name, part in _parts(key).items()}


def relationship_rows() -> pd.DataFrame:
    rows = []
    for (a, b), (lag, correlation, threshold, p_value, weeks, significant) in PAIRS.items():
        together = "rise and fall together" if (correlation or 0) > 0 else "move apart"
        rows.append(
            {"series_a": a, "series_b": b} | _suffixed(a, "a") | _suffixed(b, "b")
            | {"best_lag_weeks": lag, "correlation": correlation, "threshold": threshold,
               "p_value": p_value, "n_overlap": weeks, "significant": significant,
               "direction": f"{together}; lag {lag:+d} weeks",
               "run_id": RUN_ID}
        )  # fmt: skip
    return pd.DataFrame(rows)


def lag_correlation(pair: tuple[str, str], lag: int) -> float | None:
    """The stored profile: strongest at the best lag, fading by a fifth per week away."""
    best, peak = PAIRS[pair][0], PAIRS[pair][1]
    return None if peak is None else round(peak * 0.8 ** abs(lag - best), 3)


def lag_rows() -> pd.DataFrame:
    rows = [
        {"series_a": a, "series_b": b, "lag_weeks": lag,
         "correlation": lag_correlation((a, b), lag), "threshold": spec[2],
         "n_pairs": spec[4] - abs(lag)}
        for (a, b), spec in PAIRS.items()
        for lag in LAGS
    ]  # fmt: skip
    return pd.DataFrame(rows)


def _anomaly(key: str, index: int, published: float, expected: float, newest: bool) -> dict:
    spread = max(3.0, 0.04 * expected)
    return _parts(key) | {
        "series_key": key, "period_start": reddit.weeks()[index], "value": published,
        "expected": expected, "lower": round(expected - spread, 1),
        "upper": round(expected + spread, 1),
        "robust_z": round((published - expected) / (spread / 3), 2),
        "direction": "above" if published > expected else "below",
        "method": "robust_baseline", "is_newest": newest, "run_id": RUN_ID,
    }  # fmt: skip


def anomaly_rows() -> pd.DataFrame:
    rows = [
        _anomaly(key, index, value(key, index), baseline(key, index), newest=False)
        for key, spikes in SPIKES.items()
        for index in spikes
    ]
    # r/mentalhealth's newest week is busier than its recent weeks let expect.
    newest = reddit.N_WEEKS - 1
    posts = reddit.posts("mentalhealth", newest)
    rows.append(_anomaly(POSTS["mentalhealth"], newest, posts, posts - 18.0, newest=True))
    return pd.DataFrame(rows)


def anomaly_weeks(key: str) -> list[dt.date]:
    """The weeks the fixture flags as unusual in one series."""
    return sorted(
        row["period_start"] for _, row in anomaly_rows().iterrows() if row["series_key"] == key
    )


def load_batch_rows() -> pd.DataFrame:
    return pd.DataFrame(
        [{"source": source, "batch_id": f"batch-{source}", "source_mode": "sample",
          "landing_path": f"/tmp/landing/{source}/batch.jsonl", "rows_in": 20,
          "rows_loaded": 20, "rows_quarantined": 0, "loaded_at": loaded}
         for source, loaded in LOADED.items()]
    )  # fmt: skip


# The ml tables exactly as the analysis writes them (ml_assets/relationships.py, anomalies.py).
RELATION_DDL = "".join(
    f"create table ml.{name} ({', '.join(f'{c} {t}' for c, t in columns.items())});\n"
    for name, columns in (RELATIONSHIP_TABLES | ANOMALY_TABLES).items()
)


def relation_tables() -> list[tuple[str, pd.DataFrame]]:
    return [
        ("marts.fct_signals", fct_signals_rows()),
        ("raw.load_batches", load_batch_rows()),
        ("ml.signal_relationships", relationship_rows()),
        ("ml.signal_lag_correlations", lag_rows()),
        ("ml.signal_anomalies", anomaly_rows()),
    ]


def write_context_tables(path: Path) -> None:
    """Add the Compare signals and Global context tables (with the rows above and
    tests/dashboard/who_fixtures.py's) to the warehouse file at ``path``."""
    tables = relation_tables() + [
        ("marts.fct_suicide_rates", who.suicide_rate_rows()),
        ("raw.load_batches", pd.DataFrame([who.load_batch_row()])),
    ]
    con = duckdb.connect(str(path))
    try:
        con.execute(RELATION_DDL + who.WHO_DDL)
        for table, frame in tables:
            con.register("frame", frame)
            con.execute(f"insert into {table} by name select * from frame")
            con.unregister("frame")
    finally:
        con.close()
