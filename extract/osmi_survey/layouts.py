"""The layouts OSMI has published its survey in, and how a file's header is recognised.

2014: short column names (`Timestamp`, `Age`, `Gender`, ..., `comments`). 2016 and later: the
full question text as the header, with many more questions; the core ones are mapped onto the
2014 names. Real exports need some forgiveness in matching headers: a non-breaking space inside
a question, stray spaces, other capitalisation. Headers are compared after
:func:`normalise_header`. A header may be repeated (`Why or why not?` follows two different
questions): the first occurrence of a mapped header is read, unmapped ones are ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from extract.batch import ExtractError
from extract.osmi_survey.records import ANSWER_COLUMNS


@dataclass(frozen=True)
class Layout:
    name: str  # '2014' or '2016'
    # Raw column (2014 name) -> the header this layout gives it.
    headers: dict[str, str]
    # Raw columns a file of this layout must have; the others are null when absent.
    required: tuple[str, ...]
    # The survey year of every row, or None when it comes from the file name (2016 and later).
    survey_year: int | None


_REQUIRED = (
    "age",
    "gender",
    "country",
    "self_employed",
    "no_employees",
    "tech_company",
    "benefits",
    "family_history",
    "treatment",
    "remote_work",
)

LAYOUT_2014 = Layout(
    name="2014",
    headers={
        "submitted_at": "Timestamp",
        "age": "Age",
        "gender": "Gender",
        "country": "Country",
        # The 2014 layout's own column names are the raw columns' names.
        **{name: name for name in ANSWER_COLUMNS if name not in ("gender", "country")},  # state too
    },
    required=("submitted_at", *_REQUIRED),
    survey_year=2014,
)

LAYOUT_2016 = Layout(
    name="2016",
    headers={
        "age": "What is your age?",
        "gender": "What is your gender?",
        "country": "What country do you live in?",
        "state": "What US state or territory do you live in?",
        "self_employed": "Are you self-employed?",
        "family_history": "Do you have a family history of mental illness?",
        "treatment": "Have you ever sought treatment for a mental health issue from a mental "
        "health professional?",
        # 2014 asked once; 2016 asks for treated and untreated. The untreated one is the
        # closer reading of the 2014 question.
        "work_interfere": "If you have a mental health issue, do you feel that it interferes "
        "with your work when NOT being treated effectively?",
        "no_employees": "How many employees does your company or organization have?",
        "remote_work": "Do you work remotely?",
        "tech_company": "Is your employer primarily a tech company/organization?",
        "benefits": "Does your employer provide mental health benefits as part of healthcare "
        "coverage?",
        "care_options": "Do you know the options for mental health care available under your "
        "employer-provided coverage?",
        "wellness_program": "Has your employer ever formally discussed mental health (for "
        "example, as part of a wellness campaign or other official communication)?",
        "seek_help": "Does your employer offer resources to learn more about mental health "
        "concerns and options for seeking help?",
        "anonymity": "Is your anonymity protected if you choose to take advantage of mental "
        "health or substance abuse treatment resources provided by your employer?",
        "leave": "If a mental health issue prompted you to request a medical leave from work, "
        "asking for that leave would be:",
        "mental_health_consequence": "Do you think that discussing a mental health disorder "
        "with your employer would have negative consequences?",
        "phys_health_consequence": "Do you think that discussing a physical health issue with "
        "your employer would have negative consequences?",
        "coworkers": "Would you feel comfortable discussing a mental health disorder with your "
        "coworkers?",
        "supervisor": "Would you feel comfortable discussing a mental health disorder with your "
        "direct supervisor(s)?",
        "mental_health_interview": "Would you bring up a mental health issue with a potential "
        "employer in an interview?",
        "phys_health_interview": "Would you be willing to bring up a physical health issue with "
        "a potential employer in an interview?",
        "mental_vs_physical": "Do you feel that your employer takes mental health as seriously "
        "as physical health?",
        "obs_consequence": "Have you heard of or observed negative consequences for co-workers "
        "who have been open about mental health issues in your workplace?",
    },
    required=_REQUIRED,
    survey_year=None,
)

LAYOUTS = (LAYOUT_2014, LAYOUT_2016)
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20[1-9]\d)(?!\d)")


def normalise_header(header: str) -> str:
    """A header as compared: compatibility-normalised (a non-breaking space becomes a space),
    white space collapsed, trimmed, case-folded."""
    text = unicodedata.normalize("NFKC", header)
    return " ".join(text.split()).casefold()


def detect_layout(header: Sequence[str], name: str) -> tuple[Layout, dict[str, int]]:
    """The file's layout and, for each raw column it has, its position in the header.

    The layout is the one whose headers the file has most of; a file missing any required
    column of it is a clear error naming what it lacks, so nothing is written.
    """
    positions: dict[str, int] = {}
    for position, column in enumerate(header):
        positions.setdefault(normalise_header(column), position)  # the first of a repeat
    best, found = None, {}
    for layout in LAYOUTS:
        present = {
            raw: positions[normalise_header(text)]
            for raw, text in layout.headers.items()
            if normalise_header(text) in positions
        }
        if best is None or len(present) > len(found):
            best, found = layout, present
    assert best is not None
    missing = [best.headers[raw] for raw in best.required if raw not in found]
    if missing:
        lacking = ", ".join(repr(text) for text in missing)
        raise ExtractError(
            f"{name} is not an OSMI Mental Health in Tech survey export in a layout MindPulse "
            f"knows: closest is the {best.name} layout, but it lacks the column(s) {lacking}. "
            "MINDPULSE_SURVEY_FILE takes the survey CSV as OSMI publishes it (2014: "
            "'Timestamp', 'Age', 'Gender', ...; 2016 on: the questions as headers, e.g. "
            "'What is your age?')."
        )
    return best, found


def survey_year(layout: Layout, name: str) -> int:
    """The survey year of a file: fixed for the 2014 layout, from the file name after it."""
    if layout.survey_year is not None:
        return layout.survey_year
    match = _YEAR_IN_NAME.search(name)
    if match is None:
        raise ExtractError(
            f"{name} is in the {layout.name} layout, which OSMI used for several years, and "
            "its name holds no year. Name the file after its survey year as OSMI does, e.g. "
            "mental-health-in-tech-2016.csv."
        )
    return int(match.group(1))
