"""Small OSMI survey files in both published layouts, with the quirks of the real exports.

`write_fixture(folder)` writes one 2014-layout file (the short column names, `NA` for no
answer, free-text gender, impossible ages, timestamps out of order, a state on a non-US row, a
comment with an e-mail address) and one 2016-layout file (the question text as headers, a
repeated 'Why or why not?', a non-breaking space inside a header, 0/1 answers, `|`-joined
multiple choices, an answer holding line breaks, 'I don't know' and 'Not eligible for coverage
/ N/A'). The expected outcomes below are derived from these rows, so tests compare with them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from extract.osmi_survey.sample import COLUMNS_2014

FILE_2014 = "survey-2014.csv"
FILE_2016 = "mental-heath-in-tech-2016_20161114.csv"
EMAIL = "reach.me@example.org"
PHONE = "+44 20 7946 0958"

# Timestamp, Age, Gender, Country, state, self_employed, family_history, treatment,
# work_interfere, no_employees, remote_work, tech_company, benefits, care_options,
# wellness_program, seek_help, anonymity, leave, mental_health_consequence,
# phys_health_consequence, coworkers, supervisor, mental_health_interview,
# phys_health_interview, mental_vs_physical, obs_consequence, comments
ROWS_2014 = [
    ["2014-08-27 11:29:31", "37", "Female", "United States", "IL", "NA", "No", "Yes", "Often",
     "6-25", "No", "Yes", "Yes", "Not sure", "No", "Yes", "Yes", "Somewhat easy", "No", "No",
     "Some of them", "Yes", "No", "Maybe", "Yes", "No", "NA"],
    ["2014-08-27 11:29:37", "44", "M", "United States", "IN", "NA", "No", "No", "Rarely",
     "More than 1000", "No", "No", "Don't know", "No", "Don't know", "Don't know",
     "Don't know", "Don't know", "Maybe", "No", "No", "No", "No", "No", "Don't know", "No",
     "NA"],
    ["2014-08-27 11:29:44", "-1726", "male-ish", "Canada", "NA", "NA", "No", "No", "Rarely",
     "6-25", "No", "Yes", "No", "No", "No", "No", "Don't know", "Somewhat difficult", "No",
     "No", "Yes", "Yes", "Yes", "Yes", "No", "No", "NA"],
    # Earlier than the row before it, as three rows of the real export are.
    ["2014-08-27 11:29:40", "99999999999", "A little about you", "United Kingdom", "NA", "NA",
     "Yes", "Yes", "Often", "26-100", "No", "Yes", "No", "Yes", "No", "No", "No",
     "Somewhat difficult", "Yes", "Yes", "Some of them", "No", "Maybe", "Maybe", "No", "Yes",
     f"Write to me: {EMAIL}"],
    ["2014-08-27 11:30:22", "31", "Male ", "United States", "TX", "NA", "No", "No", "Never",
     "100-500", "Yes", "Yes", "Yes", "No", "Don't know", "Don't know", "Don't know",
     "Don't know", "No", "No", "Some of them", "Yes", "Yes", "Yes", "Don't know", "No", "NA"],
    ["2014-08-27 11:31:22", "5", "Trans woman", "Bahamas, The", "TN", "Yes", "Yes", "Yes",
     "Sometimes", "1-5", "Yes", "Yes", "No", "No", "No", "No", "Don't know", "Very easy",
     "No", "No", "Yes", "Yes", "No", "Maybe", "Yes", "No", f"call {PHONE}"],
]  # fmt: skip

HEADER_2016 = [
    "Are you self-employed?",
    "How many employees does your company or organization have?",
    "Is your employer primarily a tech company/organization?",
    "Is your primary role within your company related to tech/IT?",
    "Does your employer provide mental health benefits as part of healthcare coverage?",
    "Do you know the options for mental health care available under your employer-provided "
    "coverage?",
    "Has your employer ever formally discussed mental health (for example, as part of a "
    "wellness campaign or other official communication)?",
    "Does your employer offer resources to learn more about mental health concerns and options "
    "for seeking help?",
    "Is your anonymity protected if you choose to take advantage of mental health or substance "
    "abuse treatment resources provided by your employer?",
    "If a mental health issue prompted you to request a medical leave from work, asking for "
    "that leave would be:",
    "Do you think that discussing a mental health disorder with your employer would have "
    "negative consequences?",
    "Do you think that discussing a physical health issue with your employer would have "
    "negative consequences?",
    "Would you feel comfortable discussing a mental health disorder with your coworkers?",
    "Would you feel comfortable discussing a mental health disorder with your direct "
    "supervisor(s)?",
    "Do you feel that your employer takes mental health as seriously as physical health?",
    "Have you heard of or observed negative consequences for co-workers who have been open "
    "about mental health issues in your workplace?",
    "Would you be willing to bring up a physical health issue with a potential employer in an "
    "interview?",
    "Why or why not?",
    "Would you bring up a mental health issue with a potential employer in an interview?",
    "Why or why not?",
    "Do you have a family history of mental illness?",
    "If yes, what condition(s) have you been diagnosed with?",
    "Have you ever sought treatment for a mental health issue from a mental health professional?",
    "If you have a mental health issue, do you feel that it interferes with your work when "
    "NOT being treated effectively?",
    # A non-breaking space, as real exports have inside a header.
    "What is your\u00a0age?",
    "What is your gender?",
    "What country do you live in?",
    "What US state or territory do you live in?",
    "Which of the following best describes your work position?",
    "Do you work remotely?",
]
ROWS_2016 = [
    ["0", "26-100", "1", "", "Not eligible for coverage / N/A", "", "No", "No",
     "I don't know", "Very easy", "No", "No", "Maybe", "Yes", "I don't know", "No", "Maybe",
     "", "Maybe", "", "No", "", "0", "Not applicable to me", "39", "Male",
     "United Kingdom", "", "Back-end Developer", "Sometimes"],
    ["0", "6-25", "1", "", "No", "Yes", "Yes", "Yes", "Yes", "Somewhat easy", "No", "No",
     "Maybe", "Yes", "Yes", "No", "Maybe",
     "It would depend on the health issue.\nIf there is a health issue that would not "
     "immediately affect my job performance, I would not mention it.",
     "No", "While mental health has become a more prominent issue recently.", "Yes",
     "Anxiety Disorder", "1", "Sometimes", "29", "male", "United States of America",
     "Illinois", "Back-end Developer|Front-end Developer", "Never"],
    ["1", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "Yes",
     f"reach me at {EMAIL}", "Maybe", "", "I don't know", "", "1", "Often", "323",
     "Genderqueer", "Canada", "", "Supervisor/Team Lead|DevOps/SysAdmin", "Always"],
    ["0", "More than 1000", "0", "1", "Yes", "I am not sure", "No", "Yes", "Yes",
     "Neither easy nor difficult", "Yes", "No", "No", "No", "No", "Yes", "No", "", "No", "",
     "Yes", "", "1", "Often", "3", "F", "United States of America", "Oregon", "Designer",
     "Never"],
    ["0", "100-500", "1", "", "I don't know", "No", "I don't know", "I don't know",
     "I don't know", "I don't know", "Yes", "Maybe", "No", "Maybe", "No", "No", "Maybe", "",
     "No", "", "Yes", "", "0", "Rarely", "43", "", "Germany", "", "Back-end Developer",
     "Sometimes"],
]  # fmt: skip

RESPONDENTS = len(ROWS_2014) + len(ROWS_2016)
AGES_OUT_OF_RANGE = 5  # -1726, 99999999999 and 5 (2014); 323 and 3 (2016)
GENDERS = {"female": 3, "male": 4, "non-binary or other": 2, "unknown": 2}


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """CSV as the exports write it: every field quoted (so NA stays bare where it is bare)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().replace('"NA"', "NA")


def write_fixture(folder: Path) -> Path:
    """Both files in `folder` (created); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FILE_2014).write_text(csv_text(list(COLUMNS_2014), ROWS_2014), encoding="utf-8")
    (folder / FILE_2016).write_text(csv_text(HEADER_2016, ROWS_2016), encoding="utf-8")
    return folder
