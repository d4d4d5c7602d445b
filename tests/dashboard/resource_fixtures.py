"""ml.resource_recommendations rows for the fixture warehouse (tests/dashboard/survey_fixtures.py
writes them): every one of the 126 Find resources profiles (ml_assets.recommendations'
PROFILE_FIELDS and profile_id, the pipeline's own), the crisis lines first, then a small catalog
ranked by a score that depends on the profile, so different answers give different lists.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd

from ml_assets.recommendations import PROFILE_FIELDS, profile_id

CREATED_AT = dt.datetime(2024, 10, 2, 7, 5)

# The resource catalog: id -> (name, type, contact, url, tags, base score).
CRISIS = {
    "988_lifeline": ("988 Suicide & Crisis Lifeline", "Call or text 988", "https://988lifeline.org/"),
    "crisis_text_line": ("Crisis Text Line", "Text HOME to 741741", "https://www.crisistextline.org/"),
}  # fmt: skip
RESOURCES = {
    "samhsa_helpline": ("SAMHSA National Helpline", "helpline", "Call 1-800-662-4357",
                        "https://www.samhsa.gov/find-help/helplines/national-helpline",
                        {"low_cost", "seek_help"}, 0.40),
    "nami_helpline": ("NAMI HelpLine", "helpline", "Call 1-800-950-6264",
                      "https://www.nami.org/support-education/nami-helpline/",
                      {"peer", "seek_help"}, 0.38),
    "osmi_guides": ("Open Sourcing Mental Health guides", "information",
                    "Free guides for people in tech", "https://osmihelp.org/resources",
                    {"remote", "rights"}, 0.30),
    "askjan": ("Job Accommodation Network", "workplace", "Ask about accommodations online",
               "https://askjan.org/", {"rights", "leave"}, 0.32),
    "open_path": ("Open Path Collective", "therapy_directory", "Sliding-scale therapy sessions",
                  "https://openpathcollective.org/", {"low_cost", "self_employed"}, 0.30),
    "eap": ("Your Employee Assistance Program", "workplace", "Ask HR or your benefits portal",
            "https://www.opm.gov/frequently-asked-questions/work-life-faq/"
            "employee-assistance-program-eap/", {"benefits", "care_options", "anonymity"}, 0.33),
    "mha_peer": ("Mental Health America peer support", "peer_support",
                 "Online peer communities", "https://mhanational.org/", {"peer", "remote"}, 0.28),
}  # fmt: skip
NEEDS_IN_WORDS = {
    "low_cost": "often had no mental-health benefits to pay for care",
    "seek_help": "were often unsure where to find help",
    "self_employed": "work for themselves",
    "remote": "work remotely",
    "peer": "valued talking with people who share the experience",
    "benefits": "have benefits they may not use yet",
    "care_options": "have care options through work",
    "anonymity": "want to use support confidentially",
    "rights": "work for an employer and may need adjustments",
    "leave": "may need time off",
}


def needs(work_setting: str, remote_work: str, benefits: str, tech_company: str) -> set[str]:
    """What a profile's situation calls for, in the catalog's tags."""
    found = {"seek_help"} if benefits == "unsure" else set()
    found |= {"low_cost"} if benefits in ("no", "unsure") else {"benefits", "care_options"}
    found |= {"self_employed"} if work_setting == "self-employed" else {"rights", "leave"}
    found |= {"remote", "peer"} if remote_work == "yes" else set()
    found |= {"anonymity"} if tech_company == "no" else set()
    return found


def recommendation_rows() -> pd.DataFrame:
    """Every profile: the crisis lines first, then the catalog ranked by how well its tags meet
    the profile's needs. Rows are stored out of rank order, so the page has to sort."""
    rows = []
    for number, profile in enumerate(itertools.product(*PROFILE_FIELDS.values())):
        wanted = needs(*profile)
        similarity = round(0.58 + 0.03 * (number % 11), 2)
        similar = 18 + (number * 5) % 40
        answers = dict(zip(PROFILE_FIELDS, profile, strict=True))
        common = answers | {
            "profile_id": profile_id(answers), "similarity": similarity,
            "similar_respondents": similar, "model_version": "resource-recommendations/v1",
            "run_id": "run-fixture-resources", "created_at": CREATED_AT,
        }  # fmt: skip
        ranked = sorted(
            RESOURCES.items(),
            key=lambda item: (-(item[1][5] + 0.2 * len(item[1][4] & wanted)), item[0]),
        )
        for rank, (resource_id, (name, kind, contact, url, tags, base)) in enumerate(ranked, 3):
            matched = sorted(tags & wanted)
            reason = " and ".join(NEEDS_IN_WORDS[tag] for tag in matched) or "asked for help"
            rows.append(common | {
                "rank": rank, "resource_id": resource_id, "resource_name": name,
                "resource_type": kind, "contact": contact, "url": url, "is_crisis": False,
                "score": round(base + 0.2 * len(matched), 3),
                "explanation": f"Respondents in situations like yours {reason}.",
            })  # fmt: skip
        for rank, (resource_id, (name, contact, url)) in enumerate(CRISIS.items(), 1):
            rows.append(common | {
                "rank": rank, "resource_id": resource_id, "resource_name": name,
                "resource_type": "crisis", "contact": contact, "url": url, "is_crisis": True,
                "score": None, "similarity": None,
                "explanation": "Listed first for everyone: free, confidential support at any hour.",
            })  # fmt: skip
    return pd.DataFrame(rows)


def expected_resources(**profile: str) -> list[str]:
    """The resource names of one profile in rank order, from the fixture rows."""
    rows = recommendation_rows()
    for column, value in profile.items():
        rows = rows[rows[column] == value]
    return list(rows.sort_values("rank")["resource_name"])
