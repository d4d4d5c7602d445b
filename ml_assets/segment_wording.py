"""The plain words segment profiles are written in: each question, and each answer as what
"most" or "few" respondents of a segment say about their workplace.

Every phrase describes a workplace or what people know about it, never people's health: a
profile is read by the people it describes. Phrases complete "Most ..." / "Few ...", in the
third person plural; short tags make a segment's label.
"""

from __future__ import annotations

QUESTIONS: dict[str, str] = {
    "benefits": "Does your employer provide mental-health benefits?",
    "care_options": "Do you know the options for mental-health care your employer provides?",
    "wellness_program": (
        "Has your employer ever discussed mental health as part of a wellness programme?"
    ),
    "seek_help": (
        "Does your employer provide resources to learn more about mental health and how to "
        "seek help?"
    ),
    "anonymity": (
        "Is your anonymity protected if you use mental-health or substance-use resources at work?"
    ),
    "leave_ease": "How easy is it to take medical leave for mental health?",
    "mental_vs_physical": (
        "Do you feel your employer takes mental health as seriously as physical health?"
    ),
    "company_size": "How many employees does your company or organisation have?",
    "company_size_rank": "How large is your company or organisation?",
    "remote_work": "Do you work remotely?",
    "is_tech_company": "Is your employer primarily a tech company?",
    "is_self_employed": "Are you self-employed?",
}

_LEAVE = "taking medical leave for mental health is"
_SERIOUS = "their employer takes mental health as seriously as physical health"

# feature -> answer -> (phrase after "Most"/"Few", short tag for labels)
ANSWERS: dict[str, dict[str, tuple[str, str]]] = {
    "benefits": {
        "yes": ("say their employer offers mental-health benefits", "benefits offered"),
        "no": ("say their employer offers no mental-health benefits", "no benefits"),
        "unsure": (
            "don't know whether their employer offers mental-health benefits",
            "unsure about benefits",
        ),
        "not_applicable": (
            "say employer mental-health benefits do not apply to them",
            "benefits not applicable",
        ),
    },
    "care_options": {
        "yes": ("know the mental-health care options their employer provides", "care known"),
        "no": ("do not know their employer's mental-health care options", "care unknown"),
        "unsure": (
            "are not sure about their employer's mental-health care options",
            "unsure about care",
        ),
        "not_applicable": (
            "say employer care options do not apply to them",
            "care not applicable",
        ),
    },
    "wellness_program": {
        "yes": (
            "say their employer has discussed mental health in a wellness programme",
            "wellness programme",
        ),
        "no": (
            "say their employer has never discussed mental health in a wellness programme",
            "no wellness programme",
        ),
        "unsure": (
            "don't know whether their employer has discussed mental health",
            "unsure about wellness",
        ),
    },
    "seek_help": {
        "yes": ("say their employer provides resources on seeking help", "help resources"),
        "no": ("say their employer provides no resources on seeking help", "no help resources"),
        "unsure": (
            "don't know whether their employer provides resources on seeking help",
            "unsure about help resources",
        ),
    },
    "anonymity": {
        "yes": ("say their anonymity is protected if they use support", "anonymity protected"),
        "no": (
            "say their anonymity is not protected if they use support",
            "anonymity not protected",
        ),
        "unsure": ("don't know whether their anonymity is protected", "unsure about anonymity"),
    },
    "leave_ease": {
        "very easy": (f"say {_LEAVE} very easy", "leave very easy"),
        "somewhat easy": (f"say {_LEAVE} somewhat easy", "leave fairly easy"),
        "neither easy nor difficult": (
            f"say {_LEAVE} neither easy nor difficult",
            "leave neither easy nor hard",
        ),
        "somewhat difficult": (f"say {_LEAVE} somewhat difficult", "leave fairly hard"),
        "very difficult": (f"say {_LEAVE} very difficult", "leave very hard"),
        "unsure": (
            "don't know how easy it is to take medical leave for mental health",
            "unsure about leave",
        ),
    },
    "mental_vs_physical": {
        "yes": (f"feel {_SERIOUS}", "mental health taken seriously"),
        "no": (f"do not feel {_SERIOUS}", "mental health not taken as seriously"),
        "unsure": (f"are not sure whether {_SERIOUS}", "unsure if mental health taken seriously"),
    },
    "remote_work": {
        "yes": ("work remotely", "remote"),
        "sometimes": ("sometimes work remotely", "partly remote"),
        "no": ("do not work remotely", "on-site"),
    },
    "is_tech_company": {
        "yes": ("work at a tech company", "tech company"),
        "no": ("work outside the tech industry", "outside tech"),
    },
    "is_self_employed": {
        "yes": ("are self-employed", "self-employed"),
        "no": ("work for an employer", "employed"),
    },
}


def answer_phrase(feature: str, answer: str) -> tuple[str, str]:
    """(phrase, short tag) for an answer; company sizes and unknown answers are worded here."""
    if feature == "company_size":
        size = answer[0].lower() + answer[1:]
        return f"work at a company of {size} employees", f"{size} employees"
    known = ANSWERS.get(feature, {}).get(answer)
    if known:
        return known
    question = QUESTIONS.get(feature, feature.replace("_", " "))
    return f'answer "{answer}" to "{question}"', f"{feature.replace('_', ' ')}: {answer}"


def question(feature: str) -> str:
    return QUESTIONS.get(feature, feature.replace("_", " "))


def numeric_phrase(feature: str, higher: bool) -> tuple[str, str]:
    """(phrase, short tag) for a segment whose answers to a numeric feature run higher/lower."""
    if feature == "company_size_rank":
        size = "larger" if higher else "smaller"
        return f"work at {size} companies", f"{size} companies"
    direction = "higher" if higher else "lower"
    return f'give {direction} answers to "{question(feature)}"', f"{direction} {feature}"
