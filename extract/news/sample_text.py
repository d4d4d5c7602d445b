"""The made-up outlets, headlines, bylines and excerpts the news sample is written from.

Outlets are invented (their urls use the reserved .example domain) and grouped by kind, so the
outlet-type seed (dbt_project/seeds/news_outlet_types.csv) can map each to its type. Bylines
and excerpts carry made-up e-mail addresses and phone numbers on purpose: the extract must
drop them (they never land), and the rare headline with a phone number must be scrubbed.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Outlet(NamedTuple):
    name: str  # NewsAPI source.name
    source_id: str | None  # NewsAPI source.id: null for most outlets, as in real answers
    suffix: str  # what its titles end with (' - <suffix>'), not always its name's spelling
    outlet_type: str  # the seed's type: general_news, health_science, ...
    weight: float  # share of the sample's articles, before normalising

    @property
    def domain(self) -> str:
        """'morningledger.example': the reserved .example domain, so no url is anyone's."""
        name = re.sub(r"^the ", "", self.name.lower())
        name = re.sub(r"[^a-z0-9.]", "", name)
        return name if name.endswith(".example") else f"{name}.example"


OUTLETS = (
    Outlet("The Morning Ledger", "the-morning-ledger", "The Morning Ledger", "general_news", 3.0),
    Outlet("National Dispatch", None, "National Dispatch", "general_news", 2.5),
    Outlet("Evening Chronicle", None, "The Evening Chronicle", "general_news", 2.0),
    Outlet("Health Matters Today", None, "Health Matters Today", "health_science", 2.5),
    Outlet("Sciencepulse.example", None, "Science Pulse", "health_science", 2.0),
    Outlet("Clinical Review Weekly", None, "Clinical Review", "health_science", 1.5),
    Outlet("Market Street Journal", None, "Market Street Journal", "business_technology", 1.5),
    Outlet("TechCurrent", "techcurrent", "TechCurrent", "business_technology", 1.2),
    Outlet("Workplace Economics", None, "Workplace Economics", "business_technology", 1.0),
    Outlet("Riverside Gazette", None, "Riverside Gazette", "local_news", 1.0),
    Outlet("Lakeview Herald", None, "The Lakeview Herald", "local_news", 0.8),
    Outlet("Metro Valley News", None, "Metro Valley News", "local_news", 0.8),
)

# Headlines: {topic} is the query that found the article ('mental health', 'anxiety', ...).
# The url slug is written apart (the headline with a phone number must not put it in a url).
HEADLINES = (
    ("New study links poor sleep to {topic} in teenagers", "sleep-study-teenagers"),
    ("What to know about {topic} treatment options", "treatment-options-explained"),
    ("Schools expand {topic} support for students", "schools-expand-support"),
    ("Employers rethink {topic} benefits as costs rise", "employers-rethink-benefits"),
    ("Doctors see more patients seeking help for {topic}", "doctors-see-more-patients"),
    ("How one town is talking openly about {topic}", "town-talks-openly"),
    ("Researchers test a new app for {topic} self-care", "app-for-self-care"),
    ("Waiting lists grow as demand for {topic} care rises", "waiting-lists-grow"),
    ("Experts share ways to cope with {topic} at work", "coping-at-work"),
    ("Survey finds young adults worry about {topic}", "survey-young-adults"),
    ("Lawmakers debate funding for {topic} services", "lawmakers-debate-funding"),
    ("Why {topic} rises in the winter months", "winter-months"),
)
# Used in May, Mental Health Awareness Month, next to the others.
AWARENESS_HEADLINES = (
    ("Awareness month puts {topic} in the spotlight", "awareness-month-spotlight"),
    ("Communities mark awareness month with {topic} events", "awareness-month-events"),
)
# A rare headline quoting a (made-up, 555-01xx) helpline number: the scrubber must catch it.
PHONE_HEADLINE = (
    "New {topic} helpline answers at (202) 555-01{d2} day and night",
    "new-helpline-opens",
)

BYLINE_NAMES = (
    "Avery Collins", "Jordan Blake", "Morgan Ellis", "Riley Chen", "Casey Moreno",
    "Taylor Brooks", "Jamie Patel", "Quinn Harper", "Drew Nakamura", "Sam Okafor",
)  # fmt: skip
DESCRIPTIONS = (
    "Specialists say early help makes a difference, and more people are asking for it.",
    "The findings add to a growing body of research on everyday wellbeing.",
    "Readers with questions can call the clinic at 202-555-01{d2} or write to desk@{domain}.",
    "Local services report longer queues and are adding evening hours.",
)
CONTENT = (
    "When the results came in, the researchers were surprised by how common it was. … [+{n} chars]",
    "Support is available: call (202) 555-01{d2} to reach the help desk of {outlet}. "
    "… [+{n} chars]",
    "The report, published this week, asked more than two thousand adults about their "
    "habits. … [+{n} chars]",
)
