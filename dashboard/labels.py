"""Reader-facing names for the codes stored in the marts.

Wording rule: these are population-level survey indicators (the share of adults reporting
symptoms), never diagnoses or labels about people.
"""

from __future__ import annotations

from dataclasses import dataclass

SIGNAL_LABELS = {
    "anxiety": "Symptoms of anxiety disorder",
    "depression": "Symptoms of depressive disorder",
    "anxiety_or_depression": "Symptoms of anxiety or depressive disorder",
}

SIGNAL_ORDER = ("anxiety_or_depression", "anxiety", "depression")

GROUP_TYPE_LABELS = {
    "national": "National estimate",
    "age": "Age",
    "sex": "Sex",
    "state": "State",
    "race_ethnicity": "Race / Hispanic ethnicity",
    "education": "Education",
    "gender_identity": "Gender identity",
    "sexual_orientation": "Sexual orientation",
    "disability_status": "Disability status",
}

CADENCE_LABELS = {
    "weekly": "weekly",
    "biweekly": "every two weeks",
    "four_weekly": "every four weeks",
}

# ml_assets.candidates names -> what a reader is told.
MODEL_LABELS = {
    "naive": "Naive (last value carried forward)",
    "window_mean_3": "Mean of the last 3 periods",
    "drift": "Random walk with drift",
    "auto_ets": "Exponential smoothing (AutoETS)",
    "damped_ets": "Damped-trend exponential smoothing",
    "auto_theta": "Theta method (AutoTheta)",
    "prophet": "Prophet",
}

INDICATOR_EXPLANATION = (
    "Share of adults (18+) in the U.S. Census Bureau Household Pulse Survey who reported "
    "symptoms on more than half the days or nearly every day (PHQ-2 / GAD-2 screening "
    "questions). These are population estimates with confidence intervals, not diagnoses."
)


@dataclass(frozen=True)
class SourceText:
    """How the freshness line names one source's load modes, periods and sample data."""

    modes: dict[str, str]
    period: str  # "latest <period> ends ..."
    sample_hint: str


CDC_TEXT = SourceText(
    modes={
        "sample": "generated sample data (illustrative, not real survey results)",
        "file": "a CDC export file",
        "live": "the live CDC data API",
    },
    period="survey period",
    sample_hint=(
        "These numbers come from the built-in sample generator. Set "
        "`MINDPULSE_CDC_PULSE_FILE` or `MINDPULSE_SOURCES=live` to load real survey data."
    ),
)
REDDIT_TEXT = SourceText(
    modes={
        "sample": "generated sample posts (illustrative, not real Reddit discussion)",
        "file": "a Reddit export file",
        "live": "the Reddit API",
    },
    period="week",
    sample_hint=(
        "These posts come from the built-in sample generator. Set `MINDPULSE_REDDIT_FILE` "
        "to a Reddit export, or `MINDPULSE_SOURCES=live` with Reddit app credentials, to "
        "read real discussion."
    ),
)
SURVEY_TEXT = SourceText(
    modes={
        "sample": "generated sample answers (illustrative, not real survey responses)",
        "file": "OSMI survey files",
    },
    period="survey",
    sample_hint=(
        "These answers come from the built-in sample generator. Set `MINDPULSE_SURVEY_FILE` "
        'to the OSMI "Mental Health in Tech" survey CSVs to see real responses.'
    ),
)

# Reddit signals in marts.fct_signals (group_type 'subreddit').
REDDIT_SIGNAL_LABELS = {
    "posts_per_week": "Posts per week",
    "median_score": "Median post score",
    "comments_per_post": "Comments per post",
    "negative_post_share": "Share of posts with negative tone",
}

CONTENT_NOTE = (
    "**Content note.** These communities discuss distress, including anxiety, depression, "
    "loneliness and grief. The themes below describe what posts discuss, never the people who "
    "wrote them; nothing here is a diagnosis of anyone. No usernames, post ids or links to "
    "posts are shown, and excerpts were scrubbed of personal details."
)
SENTIMENT_EXPLANATION = (
    "Tone is scored per post from -1 (most negative) to +1 (most positive); a post scoring "
    "-0.05 or lower counts as negative. Tone describes the words of a post, not how its author "
    "is."
)

# ml.reddit_insights.generator -> who wrote the summary.
DETERMINISTIC_LABEL = "Computed from the theme's figures, no language model"
DETERMINISTIC_REASONS = {
    "deterministic": "",
    "deterministic:call-cap": " (the run's limit of language-model calls was reached)",
    "deterministic:gemini-error": " (Gemini did not answer for this theme)",
}


def generator_label(generator: str | None) -> str:
    """'gemini:<model>' -> 'Written by Gemini (<model>)'; deterministic ones say so, and why."""
    generator = (generator or "").strip()
    if generator in DETERMINISTIC_REASONS:
        return DETERMINISTIC_LABEL + DETERMINISTIC_REASONS[generator]
    reused = generator.startswith("cache:")
    name = generator.removeprefix("cache:")
    if name.startswith("gemini:"):
        label = f"Written by Gemini ({name.removeprefix('gemini:')})"
        return label + (", saved from an earlier run" if reused else "")
    if generator.startswith("deterministic"):
        return DETERMINISTIC_LABEL
    return f"Written by {generator or 'an unrecorded generator'}"


def reddit_signal_label(signal: str) -> str:
    return REDDIT_SIGNAL_LABELS.get(signal, signal.replace("_", " ").capitalize())


def community_label(subreddit: str) -> str:
    return f"r/{subreddit}"


def signal_label(signal: str) -> str:
    return SIGNAL_LABELS.get(signal, signal.replace("_", " ").capitalize())


def group_type_label(group_type: str) -> str:
    return GROUP_TYPE_LABELS.get(group_type, group_type.replace("_", " ").capitalize())


def model_label(model_name: str) -> str:
    return MODEL_LABELS.get(model_name, model_name)


def cadence_label(cadence: str) -> str:
    return CADENCE_LABELS.get(cadence, cadence.replace("_", " "))


def ordered_signals(signals: list[str]) -> list[str]:
    """Known signals in a fixed reading order, unknown ones after them alphabetically."""
    known = [s for s in SIGNAL_ORDER if s in signals]
    return known + sorted(s for s in signals if s not in SIGNAL_ORDER)


def ordered_group_types(group_types: list[str]) -> list[str]:
    """National first, then the order of GROUP_TYPE_LABELS, unknown ones last."""
    known = [g for g in GROUP_TYPE_LABELS if g in group_types]
    return known + sorted(g for g in group_types if g not in GROUP_TYPE_LABELS)


# --------------------------------------------------------------------------------------------
# Workplace survey (OSMI "Mental Health in Tech"): segments and resources. Segments describe
# workplace situations found in the answers, never the people who gave them.
# --------------------------------------------------------------------------------------------

SEGMENTS_NOTE = (
    "**What these segments are.** Groups of *workplace situations* found in the answers to the "
    'OSMI "Mental Health in Tech" survey: how large the employer is, what mental-health '
    "support it offers and how safe it feels to talk about it. They describe situations, not "
    "people: nobody is given a label here, and nothing on this page is a diagnosis."
)
TREATMENT_EXPLANATION = (
    "Of the respondents in this group who answered the survey's question on treatment, the "
    "share who said they have sought treatment for a mental-health condition. A population-level "
    "share, about a group's answers and not about any one person."
)
EFFECT_SIZE_EXPLANATION = (
    "The difference compares the group with everyone else. Its size is Cohen's h for an answer "
    "(the standardised mean difference for a number): about 0.2 is a small difference, 0.5 a "
    "medium one and 0.8 or more a large one."
)
# Cohen's conventions for h and d: (lower bound of |effect|, words), largest first.
EFFECT_SIZE_WORDS = ((0.8, "large"), (0.5, "medium"), (0.2, "small"), (0.0, "very small"))

# marts.dim_survey_respondents columns -> the survey question, for features without one.
# The Find resources form: ml.resource_recommendations values -> what the form shows.
WORK_SETTING_LABELS = {
    "self-employed": "Self-employed",
    "1-5": "An employer with 1–5 employees",
    "6-25": "An employer with 6–25 employees",
    "26-100": "An employer with 26–100 employees",
    "100-500": "An employer with 100–500 employees",
    "500-1000": "An employer with 500–1,000 employees",
    "More than 1000": "An employer with more than 1,000 employees",
}
REMOTE_WORK_LABELS = {"yes": "Yes, mostly", "sometimes": "Sometimes", "no": "No"}
BENEFITS_LABELS = {"yes": "Yes", "no": "No", "unsure": "Not sure"}
TECH_COMPANY_LABELS = {"yes": "Yes", "no": "No"}
RESOURCE_TYPE_LABELS = {
    "crisis": "Crisis line",
    "helpline": "Helpline",
    "workplace": "At work",
    "peer_support": "Peer support",
    "therapy_directory": "Finding a therapist",
    "information": "Information",
}
RESOURCES_NOTE = (
    "**General suggestions, not medical advice or a diagnosis.** Describe your workplace "
    "situation and the page lists places to turn to that people in similar situations may "
    "find useful. The suggestions were computed in advance from the survey's answers and a "
    "catalog of resources; this page only looks them up. Nothing you choose is stored or sent "
    "anywhere: your answers only pick among those suggestions while this page is open, and the "
    "form has no free text."
)


def effect_size_words(effect_size: float) -> str:
    """'large', 'medium', 'small' or 'very small' for an effect size of either sign."""
    size = abs(effect_size)
    return next(words for bound, words in EFFECT_SIZE_WORDS if size >= bound)


def resource_type_label(resource_type: str) -> str:
    return RESOURCE_TYPE_LABELS.get(resource_type, resource_type.replace("_", " ").capitalize())
