"""Every word MindPulse sends to an LLM, in one module, so it can be read and reviewed at once.

What is sent is one theme of one community in one week: its terms, its counts, its mean
sentiment and at most three excerpts, each scrubbed of personal data and cut to 200 characters.
Never a username, author hash, post id or whole post: the theme rows built by
``ml_assets.themes`` do not carry them, and :func:`theme_prompt` takes only those rows. The
instructions ask for patterns in what posts discuss, never statements about people, and no
diagnostic labels, because the readers are public-health analysts and the writers are people
who did not ask to be described.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping

from extract.privacy import scrubbed_excerpt

# Part of every request hash (and so of the cache key): bump it when the wording changes.
PROMPT_VERSION = "reddit-theme-summary/v1"
MAX_EXCERPTS = 3
MAX_TERMS = 8
# The user prompt never exceeds this many characters (three 200-character excerpts + facts).
MAX_PROMPT_CHARS = 1_600
# An LLM summary longer than this is cut (the instructions ask for about 80 words).
MAX_SUMMARY_CHARS = 800

SYSTEM_INSTRUCTION = """\
You summarize themes in public Reddit discussion about mental health for public-health analysts.
You receive aggregate facts about one theme in one community in one week, and a few short
excerpts of posts (personal data removed, cut to 200 characters).

Write 2 or 3 plain sentences, at most 80 words, saying what posts in this theme discuss and how
its share compares with the previous week.

Rules:
- Describe topics and patterns in the discussion, never individual people or single posts. Do
  not quote the excerpts; paraphrase what they have in common.
- Do not diagnose or label anyone. Write "posts discussing depression", never "depressed
  people", "anxious users" or any statement that a person has a condition.
- Use only the numbers given. Do not invent figures, causes or trends. When there are few
  posts, say the pattern is tentative.
- Use neutral, non-stigmatizing, non-sensational language. Give no advice or treatment
  recommendations.
- If posts mention suicide or self-harm, name it as a theme neutrally and never describe methods.
- Reply with the summary text only: no heading, list or markdown."""

# Low temperature: summaries of the same facts should read alike from run to run.
GENERATION_SETTINGS = {"temperature": 0.2, "max_output_tokens": 1024}


def theme_prompt(theme: Mapping) -> str:
    """The user prompt for one row of ``ml_assets.themes`` (bounded by MAX_PROMPT_CHARS)."""
    terms = [term[:30] for term in str(theme["top_terms"]).split(", ")][:MAX_TERMS]
    excerpts = [scrubbed_excerpt(text) for text in json.loads(theme["excerpts"])][:MAX_EXCERPTS]
    facts = [
        f"Community: r/{theme['subreddit']}",
        f"Week starting: {theme['week']} (Monday)",
        f"Theme terms, strongest first: {', '.join(terms)}",
        f"Posts in this theme: {_volume(theme)}",
        f"Previous week: {_previous(theme)}",
        f"Mean sentiment of these posts: {_sentiment(theme['mean_sentiment'])}",
        "Excerpts (personal data removed, cut to 200 characters):",
    ]
    while True:  # drop excerpts from the end until the prompt fits
        lines = facts + [f'{i}. "{text}"' for i, text in enumerate(excerpts, 1)]
        prompt = "\n".join(lines)
        if len(prompt) <= MAX_PROMPT_CHARS or not excerpts:
            return prompt[:MAX_PROMPT_CHARS]
        excerpts = excerpts[:-1]


def request_hash(model: str, prompt: str) -> str:
    """What an LLM summary is computed from, as one key: the cache looks responses up by it."""
    request = {
        "version": PROMPT_VERSION,
        "model": model,
        "system": SYSTEM_INSTRUCTION,
        "prompt": prompt,
        "settings": GENERATION_SETTINGS,
    }
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()


def _volume(theme: Mapping) -> str:
    approx = "about " if theme["sampled"] else ""
    return (
        f"{approx}{theme['n_posts']} of {theme['week_posts']} posts in the community that week "
        f"({theme['share']:.1%})"
        + (" - estimated from a fixed sample of the week's posts" if theme["sampled"] else "")
    )


def _previous(theme: Mapping) -> str:
    if not _number(theme["prev_share"]):
        return "no posts in the community the previous week, so no comparison"
    return f"this theme was {theme['prev_share']:.1%} of {theme['prev_week_posts']} posts"


def _sentiment(value) -> str:
    if not _number(value):
        return "not scored"
    return f"{value:+.2f} (on a scale from -1, negative, to +1, positive)"


def _number(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))
