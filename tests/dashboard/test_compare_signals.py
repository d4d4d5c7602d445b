"""AppTest checks of the Compare signals page against the fixture warehouse.

Expected figures come from the fixture's rows (tests/dashboard/relation_fixtures.py and the
Reddit fixture's series), never from the page's code: the pair it opens on, the z-scores of the
overlay, the flagged weeks, the stored lag profile (flipped when the pair is picked the other
way round) and the order of the relationships table.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pandas as pd
import pytest

from tests.dashboard import reddit_fixtures as reddit
from tests.dashboard import relation_fixtures as relation
from tests.dashboard.app_pages import (
    COMPARE,
    assert_no_exception,
    everything_rendered,
    open_page,
    page_text,
)
from tests.dashboard.dashboard_fixtures import Warehouse
from tests.dashboard.publications import publish
from tests.dashboard.survey_fixtures import unescaped

TRENDS_LABEL = "Search interest: “mental health” — United States"
MENTALHEALTH_LABEL = "Reddit: Posts per week — r/mentalhealth"
# How the page should name the fixture's series: source, signal and group in words.
LABELS = {
    relation.TRENDS: TRENDS_LABEL,
    relation.NEWS: "News coverage: Articles per week — all outlets",
    relation.HEALTH_NEWS: "News coverage: Articles per week — health and science outlets",
    relation.LOCAL_NEWS: "News coverage: Articles per week — local news outlets",
    relation.POSTS["mentalhealth"]: MENTALHEALTH_LABEL,
    relation.POSTS["anxiety"]: "Reddit: Posts per week — r/anxiety",
    relation.POSTS["depression"]: "Reddit: Posts per week — r/depression",
}
CDC_NATIONAL = "cdc_pulse|anxiety|national|United States"


def plotted(trace: dict, axis: str) -> list:
    """A trace's values; plotly encodes numeric arrays as base64 typed arrays."""
    values = trace[axis]
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


def charts(app) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def lag_chart(app) -> dict:
    overlay, lags = charts(app)
    return lags


def pick(app, first: str, second: str):
    app.selectbox(key="compare_first").set_value(first)
    app.selectbox(key="compare_second").set_value(second).run()
    assert_no_exception(app)
    return app


def strongest_significant() -> tuple[str, str]:
    significant = {pair: spec for pair, spec in relation.PAIRS.items() if spec[5]}
    return max(significant, key=lambda pair: abs(significant[pair][1]))


def posts_values(subreddit: str) -> list[float]:
    return [reddit.posts(subreddit, index) for index in range(reddit.N_WEEKS)]


def zscores(values: list[float]) -> list[float]:
    array = np.asarray(values, dtype=float)
    return ((array - array.mean()) / array.std()).tolist()


def test_opens_on_the_strongest_significant_relationship(warehouse: Warehouse) -> None:
    app = open_page(COMPARE)
    assert_no_exception(app)
    first, second = strongest_significant()
    assert (
        app.selectbox(key="compare_first").value,
        app.selectbox(key="compare_second").value,
    ) == (
        first,
        second,
    )
    # The fixture's strongest pair overall is not significant: the choice is not just |r|.
    strongest = max(relation.PAIRS, key=lambda pair: abs(relation.PAIRS[pair][1] or 0))
    assert strongest != (first, second)
    text = page_text(app)
    assert "Search interest last loaded **2024-09-23 05:00 UTC** in `sample` mode" in text
    assert "Reddit last loaded **2024-09-24 06:15 UTC**" in text


def test_overlay_shows_both_signals_as_zscores_with_their_unusual_weeks(
    warehouse: Warehouse,
) -> None:
    app = open_page(COMPARE)
    overlay, _ = charts(app)
    traces = {trace["name"]: trace for trace in overlay["data"]}
    trends = [relation.value(relation.TRENDS, index) for index in range(reddit.N_WEEKS)]
    expected = {
        TRENDS_LABEL: zscores(trends),
        MENTALHEALTH_LABEL: zscores(posts_values("mentalhealth")),
    }
    for label, z in expected.items():
        assert plotted(traces[label], "y") == pytest.approx(z)
        # Unusual weeks: a marker trace at exactly the flagged weeks, on the signal's line.
        marks = traces[f"Unusual week — {label}"]
        key = relation.TRENDS if label == TRENDS_LABEL else relation.POSTS["mentalhealth"]
        flagged = relation.anomaly_weeks(key)
        assert [pd.Timestamp(x).date() for x in marks["x"]] == flagged
        indices = [reddit.weeks().index(week) for week in flagged]
        assert plotted(marks, "y") == pytest.approx([z[index] for index in indices])
    assert "z-score" in overlay["layout"]["yaxis"]["title"]["text"]
    # News has a flagged week too, but news is not on this chart.
    assert not [name for name in traces if "News" in name]
    text = unescaped(page_text(app))
    assert "(a z-score)" in text
    assert f"{MENTALHEALTH_LABEL}: week of Sep 16, 2024, above the expected range" in text
    assert "the newest week" in text


def test_lag_chart_shows_17_lags_against_the_threshold(warehouse: Warehouse) -> None:
    app = open_page(COMPARE)
    pair = strongest_significant()
    best, peak, threshold = relation.PAIRS[pair][:3]
    bars, *threshold_lines = lag_chart(app)["data"]
    assert bars["type"] == "bar"
    assert plotted(bars, "x") == list(relation.LAGS)
    assert plotted(bars, "y") == pytest.approx(
        [relation.lag_correlation(pair, k) for k in relation.LAGS]
    )
    assert plotted(bars, "y")[list(relation.LAGS).index(best)] == pytest.approx(peak)
    assert len(threshold_lines) == 2
    assert sorted(value for line in threshold_lines for value in set(plotted(line, "y"))) == (
        pytest.approx([-threshold, threshold])
    )
    text = unescaped(page_text(app))
    assert f"{TRENDS_LABEL} moves {best} weeks before {MENTALHEALTH_LABEL}" in text
    assert f"threshold of ±{threshold:.2f}" in text


def test_picking_the_pair_the_other_way_round_flips_the_lags(warehouse: Warehouse) -> None:
    app = open_page(COMPARE)
    a, b = strongest_significant()
    pick(app, b, a)
    bars = lag_chart(app)["data"][0]
    shown = dict(zip(plotted(bars, "x"), plotted(bars, "y"), strict=True))
    for lag in relation.LAGS:
        assert shown[-lag] == pytest.approx(relation.lag_correlation((a, b), lag)), lag
    best = relation.PAIRS[(a, b)][0]
    assert shown[-best] == pytest.approx(relation.PAIRS[(a, b)][1])
    # The same fact in words, whichever signal was picked first.
    assert f"{TRENDS_LABEL} moves {best} weeks before {MENTALHEALTH_LABEL}" in unescaped(
        page_text(app)
    )


def test_relationship_table_puts_significant_pairs_first_with_the_lag_in_words(
    warehouse: Warehouse,
) -> None:
    app = open_page(COMPARE)
    [table] = [frame.value for frame in app.dataframe]
    # Significant first, then by |correlation|; a pair without a correlation last.
    order = sorted(
        relation.PAIRS.items(),
        key=lambda item: (not item[1][5], item[1][1] is None, -abs(item[1][1] or 0)),
    )
    assert list(table["Significant"]) == ["yes" if spec[5] else "no" for _, spec in order]
    assert list(table["Weeks in common"]) == [spec[4] for _, spec in order]
    words = {0: "moves in the same week as", 1: "moves 1 week before"}
    for (_, row), ((a, b), spec) in zip(table.iterrows(), order, strict=True):
        lag, correlation = spec[0], spec[1]
        # Each row reads from the signal that moves first: series_b when the lag is negative.
        leader, follower = (b, a) if lag < 0 else (a, b)
        assert (row["Signal"], row["Compared with"]) == (LABELS[leader], LABELS[follower])
        if correlation is None:  # missing stays missing: no 0, no timing
            assert pd.isna(row["Correlation"]) and row["Timing"] == "—"
            assert "not measurable" in row["How they move"]
        else:
            assert row["Correlation"] == pytest.approx(correlation)
            assert row["Timing"] == words.get(abs(lag), f"moves {abs(lag)} weeks before")
    assert (table.iloc[0]["Signal"], table.iloc[0]["Timing"]) == (
        TRENDS_LABEL,
        "moves 2 weeks before",
    )
    text = page_text(app)
    significant = sum(spec[5] for spec in relation.PAIRS.values())
    assert f"{significant} of {len(relation.PAIRS)} pairs" in text
    for caveat in (
        "Correlation is not causation.",
        "Moving first is not causing.",
        "Both may follow a third thing.",
        "These are not measures of anyone's health.",
        "many pairs",
        "autocorrelation",
    ):
        assert caveat in text, caveat


@pytest.mark.parametrize(
    ("first", "second", "explanation"),
    [
        (relation.POSTS["anxiety"], relation.POSTS["depression"], "Both signals come from Reddit"),
        (CDC_NATIONAL, relation.TRENDS, "is not a weekly series"),
        (relation.GENERAL_NEWS, relation.TRENDS, "share only 6 weeks"),
        (relation.HEALTH_NEWS, relation.TRENDS, "No lag profile is stored for this pair although"),
        (relation.TRENDS, relation.TRENDS, "Pick two different signals"),
    ],
    ids=["same-source", "not-weekly", "too-few-weeks", "not-analysed", "same-signal"],
)
def test_a_pair_without_a_lag_profile_is_explained(
    warehouse: Warehouse, first: str, second: str, explanation: str
) -> None:
    app = pick(open_page(COMPARE), first, second)
    infos = [unescaped(str(element.value)) for element in app.info]
    assert any(explanation in info for info in infos), infos
    assert len(charts(app)) == 1  # the overlay, no lag chart
    if "weekly" in explanation:
        assert any(
            "Household Pulse Survey: Symptoms of anxiety disorder — United States" in i
            for i in infos
        )
    if "6 weeks" in explanation:
        fewest = min(spec[4] for spec in relation.PAIRS.values())
        assert any(f"at least {fewest} weeks" in info for info in infos)


def test_a_signal_that_does_not_vary_has_no_correlation_and_no_zero_line(
    warehouse: Warehouse,
) -> None:
    pair = next(pair for pair, spec in relation.PAIRS.items() if spec[1] is None)
    app = pick(open_page(COMPARE), *pair)
    [overlay] = charts(app)  # no lag chart: there is no correlation to draw
    flat = next(trace for trace in overlay["data"] if trace["name"] == LABELS[pair[0]])
    assert all(math.isnan(z) for z in plotted(flat, "y"))  # left out, not drawn at 0
    infos = [unescaped(str(element.value)) for element in app.info]
    assert any(f"{LABELS[pair[0]]} does not change over the weeks shown" in i for i in infos)
    assert any("No correlation can be measured for this pair" in i for i in infos), infos
    assert "not a correlation of zero" in " ".join(infos)


def test_without_a_significant_pair_it_opens_on_two_weekly_sources(warehouse: Warehouse) -> None:
    publish(warehouse, then="delete from ml.signal_relationships where significant")
    app = open_page(COMPARE)
    assert_no_exception(app)
    signals = pd.concat([relation.fct_signals_rows(), reddit.fct_signals_rows()])
    weekly = sorted(
        signals[["source", "signal", "group_type", "group_value"]]
        .drop_duplicates()
        .itertuples(index=False)
    )
    first = weekly[0]
    second = next(series for series in weekly if series.source != first.source)
    assert app.selectbox(key="compare_first").value == "|".join(first)
    assert app.selectbox(key="compare_second").value == "|".join(second)


def test_no_stored_relationships_are_explained(warehouse: Warehouse) -> None:
    publish(
        warehouse,
        then="delete from ml.signal_relationships; delete from ml.signal_lag_correlations",
    )
    app = open_page(COMPARE)
    assert_no_exception(app)
    assert any("No relationships between sources are published yet" in e.value for e in app.info)
    assert not app.dataframe
    assert "Correlation is not causation." in page_text(app)


def test_a_publication_without_the_relationship_tables_is_explained(warehouse: Warehouse) -> None:
    # A copy published before issue 10.
    publish(
        warehouse, then="drop table ml.signal_relationships; drop table ml.signal_lag_correlations"
    )
    app = open_page(COMPARE)
    assert_no_exception(app)
    warnings = [element.value for element in app.warning]
    assert any("lacks a table" in w and "make run" in w for w in warnings), warnings
    rendered = everything_rendered(app)
    for hidden in ("Traceback", "signal_relationships", "Catalog"):
        assert hidden not in rendered, hidden
    assert "988 Suicide & Crisis Lifeline" in page_text(app)
