"""Compare signals: two signals of any sources overlaid, whether one tends to move before the
other (the lag analysis of ml.signal_relationships and ml.signal_lag_correlations), their
unusual weeks (ml.signal_anomalies), and the strongest relationships between sources.

Relationships here are patterns in time, never causes; the caveats say so on the page.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard import signal_compare as compare
from dashboard import signal_relations as relations
from dashboard.compare_charts import ShownSeries, comparison_figure, lag_figure
from dashboard.components import markdown_escaped

NOTE = (
    "**Patterns in time, not causes.** This page shows how public signals move together: "
    "search interest, news coverage, Reddit activity and survey estimates. Two signals that "
    "move together, or one that moves first, do not show that one causes the other."
)
NO_SIGNALS = (
    "**Fewer than two signals are published, so there is nothing to compare yet.** Run "
    "`make run` (it builds every source on sample data, or set the `MINDPULSE_<SOURCE>_FILE` "
    "variables to real exports), then reload this page."
)
NO_RELATIONSHIPS = (
    "No relationships between sources are published yet: the analysis needs weekly signals "
    "from at least two sources (news, search interest, Reddit) with enough weeks in common. "
    "Run `make run`, then reload this page."
)
UNMEASURABLE = (
    "No correlation can be measured for this pair: at least one of the two signals does not "
    "vary over the weeks they share (once its trend is set aside), so there is nothing to "
    "compare. That is not a correlation of zero."
)
CAVEATS = """
- **Correlation is not causation.** Two signals that rise and fall together need not affect
  each other at all.
- **Moving first is not causing.** When one signal tends to move a few weeks before another,
  that is an order in time, not a cause: the earlier one does not make the later one move.
- **Both may follow a third thing.** News events, holidays, the school year or the seasons can
  move several signals at once.
- **These are not measures of anyone's health.** Search interest, article counts and post
  counts show attention and activity; they say nothing about how any person is.
- **The threshold is strict on purpose.** It accounts for the many pairs and the 17 lags that
  were tested (among many tries, some strong-looking correlations happen by chance) and for
  autocorrelation (weekly series drift slowly, which makes chance correlations larger).
"""


def choose_pair(catalog: pd.DataFrame, labels: dict[str, str]) -> tuple[str, str]:
    keys = list(catalog["series_key"])
    default = compare.default_pair(catalog, relations.strongest_relationships())
    assert default is not None  # the catalog has at least two series
    columns = st.columns(2)
    first = columns[0].selectbox(
        "First signal",
        keys,
        index=keys.index(default[0]),
        format_func=labels.__getitem__,
        key="compare_first",
        help="Source, signal and group. Opens on the strongest significant relationship.",
    )
    second = columns[1].selectbox(
        "Second signal",
        keys,
        index=keys.index(default[1]),
        format_func=labels.__getitem__,
        key="compare_second",
    )
    return first, second


def freshness(first: pd.Series, second: pd.Series) -> None:
    parts = []
    for source in dict.fromkeys([first["source"], second["source"]]):
        load = data.latest_load(source)
        if load is not None:
            parts.append(
                f"{compare.source_label(source)} last loaded "
                f"**{pd.Timestamp(load['loaded_at']):%Y-%m-%d %H:%M UTC}** "
                f"in `{load['source_mode']}` mode"
            )
    newest = max(first["last_period_end"], second["last_period_end"])
    parts.append(f"newest period of these signals ends **{newest:%b %d, %Y}**")
    st.caption(":material/schedule: Data freshness — " + " · ".join(parts))


def series_values(row: pd.Series) -> pd.DataFrame:
    return relations.series_values(
        row["source"], row["signal"], row["group_type"], row["group_value"]
    )


def shown_series(
    row: pd.Series, label: str, values: pd.DataFrame, span: tuple, flagged: pd.DataFrame
) -> ShownSeries:
    mine = flagged[flagged["series_key"] == row["series_key"]].copy()
    mine["words"] = [compare.anomaly_words(anomaly) for _, anomaly in mine.iterrows()]
    return ShownSeries(label, str(row["unit"]), compare.zscored(values, *span), mine)


def unusual_weeks(shown: list[ShownSeries]) -> None:
    """The flagged weeks inside the chart, in words (the newest week said so)."""
    lines = []
    for series in shown:
        inside = series.anomalies.merge(series.frame[["period_start"]], on="period_start")
        for anomaly in inside.itertuples():
            lines.append(
                f"- {markdown_escaped(series.label)}: week of {anomaly.period_start:%b %d, %Y}, "
                f"{anomaly.words}" + (" — the newest week" if anomaly.is_newest else "")
            )
    if lines:
        st.markdown("**Unusual weeks shown:**\n" + "\n".join(lines))


def overlay_section(
    first: pd.Series, second: pd.Series, labels: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The overlay chart; returns both series' values (for the lag section's explanation)."""
    st.subheader("How the two signals move")
    values = series_values(first), series_values(second)
    if values[0].empty or values[1].empty:
        st.info("One of these signals has no periods in the current data; reload the page.")
        return values
    start, end, overlapping = compare.shown_span(*values)
    flagged = relations.anomalies(first["series_key"], second["series_key"])
    shown = [
        shown_series(row, labels[row["series_key"]], frame, (start, end), flagged)
        for row, frame in zip((first, second), values, strict=True)
    ]
    st.plotly_chart(
        comparison_figure(*shown),
        width="stretch",
        config={"displaylogo": False},
        key="compare_overlay",
    )
    span_note = (
        ""
        if overlapping
        else " These two signals have no period in common, so each is shown over its whole span."
    )
    st.caption(
        "Each line is rescaled over the weeks shown to its own average 0 and standard "
        "deviation 1 (a z-score), so their shapes can be compared although their units "
        "differ; hover for the published values. Circled weeks are unusual for that signal: "
        "outside the range expected from its own recent weeks (a robust baseline)." + span_note
    )
    for series in shown:
        if series.frame["z"].isna().all():
            st.info(
                f"{markdown_escaped(series.label)} does not change over the weeks shown, so it "
                "cannot be rescaled and is left out of the chart."
            )
    unusual_weeks(shown)
    return values


def strongest_lag(stored: dict, sentence: str) -> None:
    """The pair's best lag in one sentence, and whether it passes the pair's threshold."""
    correlation, threshold = float(stored["correlation"]), float(stored["threshold"])
    if bool(stored["significant"]):
        verdict = (
            f"That passes this pair's threshold of ±{threshold:.2f}, so chance alone is an "
            "unlikely explanation — which still says nothing about a cause."
        )
    else:
        verdict = f"That does not pass this pair's threshold of ±{threshold:.2f}: it may be chance."
    st.markdown(
        f"**At their strongest, {markdown_escaped(sentence)}**: correlation "
        f"{correlation:+.2f} at that lag (they {compare.together_words(correlation)}), over "
        f"the {int(stored['n_overlap'])} weeks they share. {verdict}"
    )


def lag_section(
    first: pd.Series, second: pd.Series, labels: dict[str, str], values: tuple, counts: dict
) -> None:
    st.subheader("Does one tend to move before the other?")
    pair = compare.Orientation(first["series_key"], second["series_key"])
    profile = pd.DataFrame()
    if pair.first != pair.second:
        profile = relations.lag_profile(*pair.stored)
    if profile.empty:
        shared = 0 if values[0].empty or values[1].empty else compare.common_weeks(*values)
        explanation = compare.why_no_profile(
            first, second, labels, shared_weeks=shared, fewest_stored_weeks=counts["fewest_weeks"]
        )
        st.info(markdown_escaped(explanation), icon=":material/info:")
        return
    if profile["correlation"].isna().all():
        st.info(UNMEASURABLE, icon=":material/info:")
        return
    stored = relations.relationship(*pair.stored)
    best = None
    if stored is not None and not pd.isna(stored["correlation"]):
        best = pair.shown_lag(int(stored["best_lag_weeks"]))
        strongest_lag(stored, compare.lag_sentence(best, labels[pair.first], labels[pair.second]))
    shown = profile.assign(lag=[pair.shown_lag(int(lag)) for lag in profile["lag_weeks"]])
    st.plotly_chart(
        lag_figure(shown, best),
        width="stretch",
        config={"displaylogo": False},
        key="compare_lags",
    )
    st.caption(
        "Each bar is the correlation of the two signals when the first is shifted by that many "
        "weeks: the bar at +2 compares the first signal with the second two weeks later, the "
        "bar at −2 with the second two weeks earlier. Bars beyond the dashed lines pass the "
        "significance threshold; the outlined bar is the strongest lag."
    )


def relationships_section(counts: dict) -> None:
    st.subheader("Strongest relationships between sources")
    strongest = relations.strongest_relationships()
    if strongest.empty:
        st.info(NO_RELATIONSHIPS, icon=":material/info:")
    else:
        st.caption(
            f"{counts['significant']} of {counts['pairs']} pairs of weekly signals from "
            f"different sources pass their threshold. The {len(strongest)} strongest, the "
            "significant ones first; each row reads left to right (the signal that moves "
            f"first, then the other). Analysis run `{strongest.iloc[0]['run_id']}`."
        )
        st.dataframe(
            compare.relationships_table(strongest),
            hide_index=True,
            width="stretch",
            column_config={"Correlation": st.column_config.NumberColumn(format="%+.2f")},
            key="compare_relationships",
        )
    st.markdown("**Reading these relationships**" + CAVEATS)


def main() -> None:
    st.title("Compare signals")
    st.caption(
        "Two signals side by side: how their shapes compare, whether one tends to move "
        "before the other, and which pairs of sources move together most."
    )
    st.info(NOTE, icon=":material/lightbulb:")

    catalog = relations.series_catalog()
    if len(catalog) < 2:
        st.info(NO_SIGNALS, icon=":material/info:")
        return
    labels = compare.catalog_labels(catalog)
    first_key, second_key = choose_pair(catalog, labels)
    by_key = catalog.set_index("series_key", drop=False)
    first, second = by_key.loc[first_key], by_key.loc[second_key]
    freshness(first, second)

    counts = relations.relationship_counts()
    values = overlay_section(first, second, labels)
    lag_section(first, second, labels, values, counts)
    st.divider()
    relationships_section(counts)


main()
