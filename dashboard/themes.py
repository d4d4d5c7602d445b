"""The themes of one week × community: terms, size, tone, excerpts and a labelled summary.

ml.reddit_insights holds only scrubbed text (extract and ml_assets scrub it), and its queries
read no author, post id or permalink. The text is still passed through the scrubber once more
here, and links to Reddit posts are removed, because a page is where a leak would be seen.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.labels import SENTIMENT_EXPLANATION, community_label, generator_label
from extract.privacy import scrub_text

LINK_REMOVED = "[link removed]"
# A post's permalink or short link: 'reddit.com/r/x/comments/abc123/...', '/r/x/comments/..',
# 'redd.it/abc123'. Links to a community itself ('r/anxiety') say nothing about a person.
_POST_LINK = re.compile(
    r"(?:https?://)?(?:[\w-]+\.)?(?:reddit\.com)?/?r/[\w-]+/comments/\S+"
    r"|(?:https?://)?redd\.it/\S+",
    re.IGNORECASE,
)
# Markdown that would format, link or run a Streamlit directive (':material/...:', '$math$').
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~$:])")
# Thresholds of the summary template (ml_assets.insights.deterministic_summary).
NEGATIVE, POSITIVE = -0.05, 0.05


def safe_text(text: Any) -> str:
    """Scrubbed again, without links to posts, and escaped so that it shows as plain text."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    cleaned = _POST_LINK.sub(LINK_REMOVED, scrub_text(str(text)))
    return _MARKDOWN.sub(r"\\\1", cleaned)


def excerpts_of(raw: Any) -> list[str]:
    """The JSON array of excerpts as safe text; nothing when it is missing or not an array."""
    try:
        values = json.loads(raw) if isinstance(raw, str) else []
    except json.JSONDecodeError:
        return []
    if not isinstance(values, list):
        return []
    return [text for text in (safe_text(value) for value in values) if text]


def tone(sentiment: Any) -> str:
    if sentiment is None or pd.isna(sentiment):
        return "—"
    word = (
        "negative" if sentiment <= NEGATIVE else "positive" if sentiment >= POSITIVE else "neutral"
    )
    return f"{sentiment:+.2f} ({word})"


def theme_card(theme: pd.Series) -> None:
    terms = safe_text(theme["top_terms"])
    with st.container(border=True):
        st.markdown(f"**Theme {int(theme['theme'])}:** {terms}")
        columns = st.columns(3)
        columns[0].metric("Posts", f"{int(theme['n_posts']):,}")
        columns[1].metric(
            "Share of the week's posts",
            f"{theme['share']:.0%}",
            help="Of the community's posts that week.",
        )
        columns[2].metric("Mean tone", tone(theme["mean_sentiment"]), help=SENTIMENT_EXPLANATION)
        st.markdown(safe_text(theme["summary"]))
        generator = str(theme["generator"] or "")
        icon = ":material/smart_toy:" if "gemini:" in generator else ":material/calculate:"
        st.caption(f"{icon} Summary: {generator_label(generator)}")
        excerpts = excerpts_of(theme["excerpts"])
        if excerpts:
            with st.expander(f"Excerpts ({len(excerpts)}, scrubbed and shortened)"):
                for excerpt in excerpts:
                    st.markdown(f"> {excerpt}")


def themes_section(subreddit: str) -> None:
    """Week picker and the week's theme cards for one community."""
    weeks = data.insight_weeks(subreddit)
    if weeks.empty:
        st.info(
            f"No themes for {community_label(subreddit)} yet: a week needs enough posts for "
            "themes, and themes with very few posts are not reported.",
            icon=":material/info:",
        )
        return
    week = st.selectbox(
        "Week starting",
        list(weeks["week"]),
        format_func=lambda day: f"{day:%b %d, %Y}",
        key=f"pulse_week_{subreddit}",  # one remembered week per community
    )
    themes = data.week_themes(week, subreddit)
    if themes.empty:  # Snowflake is live: the week list may be older than the table
        st.info("This week has no themes in the current data; reload the page.")
        return
    st.caption(
        "Themes are found per week from the words posts use (TF-IDF and NMF); theme numbers "
        "rank a week's themes by size and are not comparable across weeks."
    )
    for _, theme in themes.iterrows():
        theme_card(theme)
