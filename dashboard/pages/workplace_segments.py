"""Workplace segments: groups of workplace situations in the OSMI "Mental Health in Tech"
survey, their sizes, what sets each apart, and how stable and clear the groups are.

Segments describe situations (employer size, support offered, openness), never people.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, components, data, segments, survey_data
from dashboard.labels import SEGMENTS_NOTE, SURVEY_TEXT
from ml_assets.segment_wording import question as survey_question

NO_SEGMENTS = (
    '**No workplace segments published yet.** They are built from the OSMI "Mental Health in '
    'Tech" survey: run `make run` (it builds everything on sample data, or set '
    "`MINDPULSE_SURVEY_FILE` to the survey's CSV exports), then reload this page."
)


def choose_year(counts: pd.DataFrame) -> str:
    options = segments.year_options(counts)
    return st.radio(
        "Survey year",
        options,
        horizontal=True,
        key="segments_year",
        help="Sizes and treatment shares for one survey year, or for all years together.",
    )


def sizes_section(sizes: pd.DataFrame, in_year: str) -> None:
    st.subheader(f"How common each situation is, {in_year}")
    st.plotly_chart(
        charts.segment_sizes_figure(sizes),
        width="stretch",
        config={"displaylogo": False},
        key="segments_sizes",
    )
    st.caption(
        f'Share of respondents in each group. "{segments.NO_CLEAR_GROUP}" (grey) holds the '
        "answers that fit no group well; they are shown rather than forced into a group."
    )


def method_note(run: dict | None) -> None:
    with st.expander("How these groups were found"):
        st.markdown(
            "Respondents' answers about their workplace were compared pairwise with the Gower "
            "distance, which handles yes/no/unsure answers and ordered ones such as company "
            "size together. HDBSCAN, a density-based clustering method, then found the groups "
            "of similar answers; answers that are not close to any group stay in "
            f'"{segments.NO_CLEAR_GROUP}". Each group\'s name and summary were written from '
            "its most distinctive answers."
        )
        if run is None:
            return
        features = [survey_question(str(name)) for name in survey_data.json_list(run["features"])]
        if features:
            st.markdown("**Questions used:**\n" + "\n".join(f"- {q}" for q in features))
        years = ", ".join(str(year) for year in survey_data.json_list(run["survey_years"]))
        details = [f"model {run['model_version']}", f"run {run['run_id']}"]
        if pd.notna(run["created_at"]):
            details.append(f"built {pd.Timestamp(run['created_at']):%Y-%m-%d %H:%M UTC}")
        st.caption(
            (f"Survey years: {years}. " if years else "")
            + f"{int(run['n_segments'])} groups · "
            + " · ".join(details)
            + "."
        )


def main() -> None:
    st.title("Workplace segments")
    st.caption(
        "Common workplace situations around mental health in the tech industry, found in the "
        'answers to the OSMI "Mental Health in Tech" survey.'
    )
    st.info(SEGMENTS_NOTE, icon=":material/diversity_3:")

    profiles = survey_data.segment_profiles()
    if profiles.empty:
        st.info(NO_SEGMENTS, icon=":material/info:")
        return
    components.freshness_badge(data.latest_load(survey_data.SOURCE), None, SURVEY_TEXT)
    counts = survey_data.segment_counts_by_year()
    run = survey_data.segment_run()

    year = choose_year(counts)
    in_year = "over all survey years" if year == segments.ALL_YEARS else f"in {year}"
    sizes = segments.segment_sizes(profiles, counts, year)
    sizes_section(sizes, in_year)
    segments.quality_section(run)

    st.subheader("The groups")
    overall = segments.overall_treatment_rate(counts, year)
    by_segment = profiles.set_index("segment")
    for _, size in sizes.iterrows():
        segments.segment_card(by_segment.loc[size["segment"]], size, overall, in_year)

    method_note(run)


main()
