"""The pieces of the Workplace segments page: segment sizes per survey year, the model's
stability and validity in plain words, and one card per segment.

Segments are groups of workplace situations found in the OSMI survey's answers. Everything here
is about groups: sizes and treatment shares are counted in the warehouse, shares of very few
answers are not shown, and no text names or labels a person.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.components import markdown_escaped
from dashboard.labels import (
    EFFECT_SIZE_EXPLANATION,
    TREATMENT_EXPLANATION,
    effect_size_words,
)
from dashboard.survey_data import NOISE, json_list
from ml_assets.segment_wording import question as survey_question

ALL_YEARS = "All years"
NO_CLEAR_GROUP = "No clear group"
# A treatment share of fewer answers than this says little about a group, and could say too
# much about the few people in it: it is shown as "—".
MIN_ANSWERS = 10
MAX_ANSWERS_SHOWN = 6
ANSWER_COLUMNS = ["Question", "Answer", "This group", "Everyone else", "Difference"]
MAX_DRIVERS_SHOWN = 5
# Adjusted Rand index of bootstrap refits: at or above STABLE_ARI the groups recur nearly
# unchanged; below UNSTABLE_ARI they change too much between refits to be relied on.
STABLE_ARI, UNSTABLE_ARI = 0.8, 0.5


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _percent(value: Any) -> str:
    number = _number(value)
    return "—" if number is None else f"{number:.0%}"


def year_options(counts: pd.DataFrame) -> list[str]:
    """The year choices: all years, then each year in ml.survey_segments, newest first."""
    years = sorted({int(year) for year in counts["survey_year"].dropna()}, reverse=True)
    return [ALL_YEARS, *(str(year) for year in years)]


def _of_year(counts: pd.DataFrame, year: str) -> pd.DataFrame:
    return counts if year == ALL_YEARS else counts[counts["survey_year"] == int(year)]


def segment_sizes(profiles: pd.DataFrame, counts: pd.DataFrame, year: str) -> pd.DataFrame:
    """Per segment of ``profiles``, in ``year`` (or all years): label, is_noise, respondents,
    share of all respondents, answered_treatment and treatment_rate (NaN when too few answered).

    Largest first, "no clear group" last: the order of the chart and of the cards.
    """
    chosen = _of_year(counts, year)
    columns = ["respondents", "answered_treatment", "sought_treatment"]
    totals = chosen.groupby("segment")[columns].sum()
    sizes = profiles[["segment", "label"]].merge(
        totals, left_on="segment", right_index=True, how="left"
    )
    sizes[columns] = sizes[columns].fillna(0).astype(int)
    sizes["is_noise"] = sizes["segment"] == NOISE
    sizes.loc[sizes["is_noise"], "label"] = NO_CLEAR_GROUP
    everyone = int(chosen["respondents"].sum())
    sizes["share"] = sizes["respondents"] / everyone if everyone else 0.0
    enough = sizes["answered_treatment"] >= MIN_ANSWERS
    rate = sizes["sought_treatment"] / sizes["answered_treatment"]
    sizes["treatment_rate"] = rate.where(enough)
    largest_first = ["is_noise", "respondents", "segment"]
    ordered = sizes.sort_values(largest_first, ascending=[True, False, True])
    return ordered.reset_index(drop=True)


def overall_treatment_rate(counts: pd.DataFrame, year: str) -> float:
    """The treatment share of every respondent of ``year`` (NaN when too few answered)."""
    chosen = _of_year(counts, year)
    answered = chosen["answered_treatment"].sum()
    return chosen["sought_treatment"].sum() / answered if answered >= MIN_ANSWERS else math.nan


def _answer_text(answer: Any) -> str:
    text = str(answer).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _compared(value: float | None, is_share: bool) -> str:
    if value is None:
        return "—"
    return f"{value:.0%}" if is_share else f"average {value:.1f}"


def _difference(effect: float | None) -> str:
    return "—" if effect is None else f"{effect_size_words(effect)} ({effect:+.2f})"


def answers_table(raw: Any) -> pd.DataFrame:
    """The distinguishing answers (JSON, strongest first) as a table a reader can scan.

    An item with an answer compares shares of respondents giving it; one without an answer
    is a numeric feature, and compares averages.
    """
    rows = []
    for item in json_list(raw)[:MAX_ANSWERS_SHOWN]:
        if not isinstance(item, dict):
            continue
        answer = item.get("answer")
        is_share = answer not in (None, "")
        rows.append(
            {
                "Question": item.get("question") or survey_question(str(item.get("feature"))),
                "Answer": _answer_text(answer) if is_share else "—",
                "This group": _compared(_number(item.get("segment_share")), is_share),
                "Everyone else": _compared(_number(item.get("others_share")), is_share),
                "Difference": _difference(_number(item.get("effect_size"))),
            }
        )
    return pd.DataFrame(rows, columns=ANSWER_COLUMNS)


def drivers_markdown(raw: Any) -> str:
    """The drivers (JSON, strongest first) as a numbered list; empty when there are none."""
    lines = []
    for item in json_list(raw)[:MAX_DRIVERS_SHOWN]:
        if not isinstance(item, dict):
            continue
        question = item.get("question") or survey_question(str(item.get("feature")))
        importance = _number(item.get("importance"))
        weight = "" if importance is None else f" (importance {importance:.2f})"
        lines.append(f"{len(lines) + 1}. {markdown_escaped(question)}{weight}")
    return "\n".join(lines)


def quality_section(run: dict[str, Any] | None) -> None:
    """The model's stability and validity, each figure with one sentence on what good is."""
    st.subheader("How stable and how clear are these groups?")
    if run is None:
        st.info(
            "The model's stability and validity figures are not published yet. Run "
            "`make run` to rebuild the segments, then reload this page.",
            icon=":material/info:",
        )
        return
    ari, ari_min = _number(run.get("stability_ari_mean")), _number(run.get("stability_ari_min"))
    dbcv, noise = _number(run.get("validity_dbcv")), _number(run.get("noise_share"))
    columns = st.columns(4)
    columns[0].metric("Stability (adjusted Rand index)", "—" if ari is None else f"{ari:.2f}")
    columns[1].metric("Validity (DBCV)", "—" if dbcv is None else f"{dbcv:.2f}")
    columns[2].metric(NO_CLEAR_GROUP, _percent(noise))
    grouped, everyone = _number(run.get("n_clustered")), _number(run.get("n_respondents"))
    columns[3].metric(
        "Respondents in a group",
        "—" if grouped is None or everyone is None else f"{int(grouped):,} of {int(everyone):,}",
    )
    lowest = "" if ari_min is None else f" (lowest of the refits: {ari_min:.2f})"
    st.markdown(
        f"- **Stability**{lowest}: how alike the groups come out when the model is fitted "
        "again on resampled answers; 1 means the same groups every time and 0 no more alike "
        f"than chance, so about {STABLE_ARI} or more is stable and below {UNSTABLE_ARI} the "
        "groups should not be relied on.\n"
        "- **Validity**: how dense and well separated the groups are (density-based cluster "
        "validation, from −1 to 1); higher is better: above about 0.5 the groups stand clearly "
        "apart, near 0 they overlap.\n"
        f"- **{NO_CLEAR_GROUP}**: the share of respondents whose answers fit no group well; "
        "they stay in every total instead of being forced into a group, and the lower the "
        "share, the more of the survey the groups describe."
    )
    if ari is None:
        return
    if ari >= STABLE_ARI:
        st.success(
            "The groups are stable: fitting the model again on resampled answers finds nearly "
            "the same groups.",
            icon=":material/check_circle:",
        )
    elif ari >= UNSTABLE_ARI:
        st.info(
            "The groups are moderately stable: the main groups recur when the model is fitted "
            "again, but their edges move. Read the smaller groups with caution.",
            icon=":material/info:",
        )
    else:
        st.warning(
            "The groups are unstable: fitting the model again on resampled answers finds "
            "noticeably different groups. Treat them as a rough sketch.",
            icon=":material/warning:",
        )


def segment_card(profile: pd.Series, size: pd.Series, overall_rate: float, in_year: str) -> None:
    """One segment: its name, summary, size and treatment share in the chosen year, the answers
    that set it apart and what drives membership."""
    noise = bool(size["is_noise"])
    with st.container(border=True):
        st.markdown(f"#### {markdown_escaped(size['label'])}")
        if noise:
            st.caption(
                "Answers that fit no group well. They are counted in every share rather than "
                "forced into a group."
            )
        if isinstance(profile["summary"], str) and profile["summary"].strip():
            st.markdown(markdown_escaped(profile["summary"]))
        columns = st.columns(2)
        columns[0].metric(
            "Share of respondents",
            _percent(size["share"]),
            help=f"{int(size['respondents']):,} respondents {in_year}.",
        )
        rate_help = TREATMENT_EXPLANATION
        if size["answered_treatment"] < MIN_ANSWERS:
            rate_help += f" Not shown when fewer than {MIN_ANSWERS} answered."
        columns[1].metric(
            "Share who have sought treatment", _percent(size["treatment_rate"]), help=rate_help
        )
        if not math.isnan(overall_rate):
            columns[1].caption(f"All respondents {in_year}: {overall_rate:.0%}.")

        answers = answers_table(profile["distinguishing_answers"])
        if not answers.empty:
            st.markdown("**Answers that set this group apart** (over all survey years)")
            st.dataframe(answers, hide_index=True, width="stretch")
            st.caption(EFFECT_SIZE_EXPLANATION)
        drivers = drivers_markdown(profile["drivers"])
        if drivers:
            with st.expander("Which answers place a response in this group"):
                st.markdown(drivers)
                st.caption(
                    "The questions whose answers weigh most in deciding membership, strongest "
                    "first; importance is relative, so compare it within this list."
                )
