"""Find resources: a four-question form about one's workplace situation, answered with the
resources precomputed for that situation in ml.resource_recommendations.

No free text and nothing stored: the form has only fixed choices, the page reads every
precomputed suggestion once (the same query for every viewer) and picks the chosen profile in
memory, so the answers never reach the warehouse, a log or any other service.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pandas as pd
import streamlit as st

from dashboard import survey_data
from dashboard.components import markdown_escaped
from dashboard.labels import (
    BENEFITS_LABELS,
    REMOTE_WORK_LABELS,
    RESOURCES_NOTE,
    TECH_COMPANY_LABELS,
    WORK_SETTING_LABELS,
    resource_type_label,
)

NO_RESOURCES = (
    '**No resource suggestions published yet.** They are computed from the OSMI "Mental '
    'Health in Tech" survey and the resource catalog: run `make run`, then reload this page.'
)
# The form's questions: (ml.resource_recommendations column, question, answers, help).
QUESTIONS = (
    ("work_setting", "Where do you work?", WORK_SETTING_LABELS, None),
    ("remote_work", "Do you work remotely?", REMOTE_WORK_LABELS, None),
    (
        "benefits",
        "Does your employer offer mental-health benefits?",
        BENEFITS_LABELS,
        "Health cover through work that includes mental-health care. If you are "
        "self-employed, answer for the cover you have.",
    ),
    ("tech_company", "Is your employer a tech company?", TECH_COMPANY_LABELS, None),
)


def profile_form() -> dict[str, str] | None:
    """The four answers once the form is submitted with all of them; None before."""
    with st.form("resources_profile"):
        answers = {}
        for column, question, labels, help_text in QUESTIONS:
            choice = {
                "options": list(labels),
                "index": None,  # no answer is assumed
                "format_func": labels.get,
                "key": f"resources_{column}",
                "help": help_text,
            }
            if column == "work_setting":
                answers[column] = st.selectbox(question, placeholder="Choose one", **choice)
            else:
                answers[column] = st.radio(question, horizontal=True, **choice)
        submitted = st.form_submit_button("Show suggestions", type="primary")
    if not submitted:
        st.caption("Answer the four questions and press **Show suggestions**.")
        return None
    if any(answer is None for answer in answers.values()):
        st.info("Please answer all four questions to see suggestions.", icon=":material/info:")
        return None
    return answers


def link(url: object) -> str:
    """A markdown link to a web address, or nothing for anything that is not one."""
    text = str(url or "")
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in text:
        return ""
    shown = (parsed.netloc + parsed.path).removeprefix("www.").rstrip("/")
    target = text.replace("(", "%28").replace(")", "%29")  # a bracket would end the link
    return f"[{markdown_escaped(shown)}]({target})"


def resource_card(resource: pd.Series) -> None:
    """Name and type, then how to reach it, then why it is suggested."""
    contact = resource["contact"]
    details = [markdown_escaped(contact)] if isinstance(contact, str) and contact.strip() else []
    website = link(resource["url"])
    if website:
        details.append(website)
    st.markdown(
        f"**{markdown_escaped(resource['resource_name'])}** · "
        f"{resource_type_label(str(resource['resource_type']))}\n\n" + " · ".join(details)
    )
    why = []
    if isinstance(resource["explanation"], str) and resource["explanation"].strip():
        why.append(markdown_escaped(resource["explanation"]))
    if pd.notna(resource["similarity"]):
        people = resource["similar_respondents"]
        source = (
            f", from {int(people):,} respondents in similar situations" if pd.notna(people) else ""
        )
        why.append(f"Similarity {resource['similarity']:.2f}{source}.")
    if why:
        st.caption(" ".join(why))


def crisis_section(crisis: pd.DataFrame) -> None:
    """Crisis lines first, set apart, for every profile."""
    with st.container(border=True):
        st.markdown("### :red[:material/emergency: If you need help now]")
        st.markdown(
            "If you are in crisis or thinking about harming yourself, contact one of these "
            "now. They are free and confidential, and listed first for everyone."
        )
        for _, resource in crisis.iterrows():
            resource_card(resource)


def suggestions_section(others: pd.DataFrame) -> None:
    st.subheader("Suggestions for your situation")
    if others.empty:
        st.info("No other suggestions for this situation in the current data.")
        return
    st.caption(
        "Ranked by how well each one fits what survey respondents in situations like yours "
        "reported, best first. Similarity is how close those respondents' answers are to the "
        "situation you described, from 0 to 1 (1 = the same answers)."
    )
    for _, resource in others.iterrows():
        with st.container(border=True):
            resource_card(resource)


def main() -> None:
    st.title("Find resources")
    st.caption("Places to turn to for support with mental health at work.")
    st.info(RESOURCES_NOTE, icon=":material/shield_lock:")

    recommendations = survey_data.resource_recommendations()
    if recommendations.empty:
        st.info(NO_RESOURCES, icon=":material/info:")
        return

    answers = profile_form()
    if answers is None:
        return
    chosen = survey_data.recommendations_for(recommendations, **answers)
    if chosen.empty:  # every profile is precomputed; a gap means an incomplete build
        st.info(
            "No suggestions for this combination in the current data. Run `make run` to "
            "rebuild them, then reload this page.",
            icon=":material/info:",
        )
        return
    crisis = chosen["is_crisis"].fillna(False).astype(bool)
    if crisis.any():
        crisis_section(chosen[crisis])
    suggestions_section(chosen[~crisis])
    st.caption(
        "These are general suggestions, not medical advice or a diagnosis. If a suggestion "
        "does not fit, the crisis lines above and your doctor are always a place to start."
    )


main()
