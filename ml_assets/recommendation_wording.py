"""The plain words of resource suggestions: why a resource is on a profile's list.

Every explanation is about a workplace situation and about what similar respondents reported;
none says anything about the reader's health, and none claims that a support or resource
causes anything: survey answers show only what went together ("more often").
"""

from __future__ import annotations

from collections.abc import Mapping

# Support -> what those who had it said, completing "those who ...".
HAD_SUPPORT: dict[str, str] = {
    "benefits": "said their employer offers mental-health benefits",
    "care_options": "knew their employer's mental-health care options",
    "wellness_program": "said their employer discussed mental health in a wellness programme",
    "seek_help": "had resources from their employer on how to seek help",
    "anonymity": "said their anonymity was protected if they used support",
    "leave_ease": "found medical leave for mental health easy to take",
}
# Catalog tag the profile asked for -> why it fits, completing "It fits your situation: ...".
TAG_REASONS: dict[str, str] = {
    "self_employed": "it is made for people who work for themselves",
    "low_cost": "it is free or low-cost",
    "remote": "it can be used remotely",
    "benefits": "it can help you find out what your employer covers",
}


def crisis_explanation(resource: Mapping) -> str:
    return (
        "Shown first on every list: if things feel overwhelming or you are worried about your "
        f"safety, you can reach someone now ({resource['contact']}). {resource['description']}"
    )


def explanation(
    resource: Mapping,
    similar: int,
    similarity: float,
    evidence: tuple[str, float, float] | None,
    matched_tags: set[str],
) -> str:
    """Why a (non-crisis) resource is suggested: what went with seeking help among similar
    respondents when a support the resource is about did, else how it fits the situation."""
    parts = []
    if evidence is not None:
        support, rate_with, rate_without = evidence
        parts.append(
            f"Among the {similar} respondents whose workplace is most like yours (average "
            f"similarity {similarity:.2f}), those who {HAD_SUPPORT[support]} sought help more "
            f"often ({rate_with:.0%} vs {rate_without:.0%})."
        )
    reasons = [TAG_REASONS[t] for t in sorted(matched_tags) if t in TAG_REASONS]
    if reasons:
        parts.append(f"It fits your situation: {' and '.join(reasons)}.")
    if not parts:
        parts.append("A general source of information and support.")
    parts.append(str(resource["description"]))
    return " ".join(parts)
