"""Deterministic sample of Reddit posts: three communities, two years of weeks, realistic mix.

Scale 1 makes about 10,000 posts (r/mentalhealth, r/depression, r/Anxiety over the 104 complete
weeks before the current one); scale 100 about a million, in seconds: every step is a numpy
operation over all posts of a week, and text is put together from templates
(``sample_text``).

What the data shows, so that trends, forecasts and themes have something to find:
- weekly volumes per community with a slow upward trend, a winter rise (depression), exam
  seasons (work and study stress in April-May and November-December), holiday loneliness
  (late December) and two shifts: r/Anxiety grows by a third from 2025-09-01 on, and therapy
  access posts double from 2025-03-03 on;
- themes: sleep, work and study stress, loneliness, medication, therapy access, panic, grief,
  holidays; scores, comment counts and upvote ratios with long tails;
- made-up authors (a few write often), about 3 % deleted accounts, removed, deleted and empty
  bodies, and some bodies with made-up u/name mentions, e-mail addresses, phone numbers and a
  profile link for the privacy step to remove;
- three deliberately malformed posts in the newest week of a first run's batch (a score in
  words, a date in words, a subreddit name with a space), which land in raw.quarantine.

Deterministic: every week's posts come from a random generator seeded with that calendar week
and the scale, so a week holds the same posts whatever day the sample is made on.

Incremental, like the live source it stands in for: given the newest post already loaded
(``since``), it makes only the posts created after it, up to the last complete week. A run in
the same week as the last one makes nothing; a run a week later makes that week alone. Only
the weeks that can hold such posts are generated (at scale 100 a week is 10,000 posts, the
whole window a million).
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from extract.reddit.records import SOURCE_FIELDS
from extract.reddit.sample_text import (
    CONTACT_LINES,
    NAME_FIRST,
    NAME_SECOND,
    SUBREDDIT_THEMES,
    SUBREDDITS,
    THEME_NAMES,
    THEMES,
)
from extract.reddit.validation import epoch_seconds
from extract.sample_weeks import attention_led, sample_weeks

SEED = 20_260_101
# Expected posts per week at scale 1, before trend and seasons (about 10,000 in 104 weeks).
WEEKLY_POSTS = {"mentalhealth": 34.0, "depression": 29.0, "Anxiety": 19.0}
# r/mentalhealth's volume follows the samples' shared attention shocks two weeks late
# (extract.sample_weeks): the lead/lag that cross-source analysis must find.
ATTENTION_EFFECT = 0.25
ANXIETY_SHIFT = date(2025, 9, 1)
THERAPY_SHIFT = date(2025, 3, 3)
_EPOCH = date(2020, 1, 6).toordinal()  # ids count weeks from here
_BASE36 = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)


def generate_sample(
    scale: float = 1.0, now: datetime | None = None, since: datetime | None = None
) -> pd.DataFrame:
    """Posts as SOURCE_FIELDS records (plus '_source'), oldest first: those of the sample's
    weeks created after `since` (naive UTC, as the warehouse stores it), all when None.

    Strictly after, where live mode fetches the newest second again: a generated week is whole
    when it is made (only complete weeks are), so no post of that second can turn up later, and
    a run with nothing new makes nothing at all.
    """
    if not scale > 0:
        raise ValueError(f"scale must be a positive number such as 1 or 10, got {scale!r}")
    mondays = sample_weeks(now)
    after = None if since is None else epoch_seconds(since)
    # A week whose end is not after `since` holds no new post: not generated at all.
    new_weeks = [
        monday
        for monday in mondays
        if after is None or epoch_seconds(_midnight(monday + timedelta(weeks=1))) > after
    ]
    columns = [*SOURCE_FIELDS, "_source", "_problem"]
    parts = [_week(monday, sub, scale) for monday in new_weeks for sub in SUBREDDITS]
    if parts:
        posts = pd.concat(parts, ignore_index=True)
        if after is not None:
            posts = posts[posts["created_utc"] > after]
        parts = [posts.sort_values("created_utc", kind="stable", ignore_index=True)]
    # The malformed posts come with the whole window only (a first run): in a weekly batch at a
    # small scale (a week of scale 0.2 is 20 posts) three bad records pass the share of bad
    # records a run tolerates, and stop it.
    if after is None:
        parts.append(_malformed(mondays[-1]))
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(parts, ignore_index=True)
    frame["_source"] = "generated sample"
    frame["_problem"] = None
    return frame.reindex(columns=columns)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def expected_posts(monday: date, subreddit: str) -> float:
    """Expected posts of one community in the week starting `monday`, at scale 1."""
    years = (monday - date(2024, 1, 1)).days / 365.25
    week = monday.isocalendar().week
    level = WEEKLY_POSTS[subreddit] * (1 + 0.06 * years)
    winter = 0.18 * np.cos(2 * np.pi * (week - 4) / 52.18)  # highest in late January
    level *= 1 + (winter if subreddit == "depression" else winter / 2)
    if subreddit == "Anxiety" and monday >= ANXIETY_SHIFT:
        level *= 1.33
    if week >= 51 or week == 1:
        level *= 1.15  # the holidays
    if subreddit == "mentalhealth":
        level *= max(0.2, 1 + ATTENTION_EFFECT * attention_led(monday))
    return float(level)


def theme_weights(monday: date, subreddit: str) -> np.ndarray:
    """Each theme's share of one community's posts in the week starting `monday`."""
    weights = np.array(SUBREDDIT_THEMES[subreddit], dtype=float)
    week, month = monday.isocalendar().week, monday.month
    index = {name: i for i, name in enumerate(THEME_NAMES)}
    if month in (4, 5, 11, 12):
        weights[index["work_study"]] *= 1.8  # exam seasons
    if week >= 50 or week <= 1:
        weights[index["holidays"]] *= 5.0
        weights[index["loneliness"]] *= 1.5
    if monday >= THERAPY_SHIFT:
        weights[index["therapy_access"]] *= 2.0
    return weights / weights.sum()


def _week(monday: date, subreddit: str, scale: float) -> pd.DataFrame:
    sub_index = SUBREDDITS.index(subreddit)
    ordinal = monday.toordinal()
    rng = np.random.default_rng([SEED, ordinal, sub_index, int(round(scale * 1000))])
    n = int(rng.poisson(expected_posts(monday, subreddit) * scale))
    theme = rng.choice(len(THEME_NAMES), size=n, p=theme_weights(monday, subreddit))
    start = int(pd.Timestamp(monday).timestamp())
    # Evenings and nights are busier: hours drawn from a day shape peaking around 23:00.
    hour_weights = 1 + 0.8 * np.cos(2 * np.pi * (np.arange(24) - 23) / 24)
    hours = rng.choice(24, size=n, p=hour_weights / hour_weights.sum())
    created = start + rng.integers(0, 7, n) * 86_400 + hours * 3600 + rng.integers(0, 3600, n)
    titles, bodies = _texts(rng, theme)
    authors = _authors(rng, n, scale)
    state = rng.random(n)
    bodies = np.where(state < 0.04, "[removed]", bodies)
    bodies = np.where((state >= 0.04) & (state < 0.06), "[deleted]", bodies)
    bodies = np.where((state >= 0.06) & (state < 0.09), None, bodies)
    # ids: unique per calendar week, community and position (up to 2**20 posts a week), base
    # 36 and seven digits like Reddit's.
    week_number = (ordinal - _EPOCH) * len(SUBREDDITS) + sub_index
    ids = _base36(36**6 + week_number * 2**20 + np.arange(n))
    score = np.maximum(rng.lognormal(1.6, 1.3, n).astype(np.int64) - 1, 0)
    return pd.DataFrame(
        {
            "id": ids,
            "permalink": [f"/r/{subreddit}/comments/{i}/post/" for i in ids],
            "subreddit": subreddit,
            "title": titles,
            "selftext": bodies,
            "author": authors,
            "created_utc": created,
            "score": score,
            "upvote_ratio": np.round(rng.beta(12, 2, n), 2),
            "num_comments": rng.negative_binomial(1.2, 0.12, n),
        }
    )


def _texts(rng: np.random.Generator, theme: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(theme)
    titles = np.empty(n, dtype=object)
    bodies = np.empty(n, dtype=object)
    for index, name in enumerate(THEME_NAMES):
        chosen = np.flatnonzero(theme == index)
        if chosen.size == 0:
            continue
        title_table, body_table = _text_tables(name)
        t = rng.integers(0, title_table.shape[0], chosen.size)
        b = rng.integers(0, body_table.shape[0], chosen.size)
        f = rng.integers(0, title_table.shape[1], chosen.size)
        titles[chosen] = title_table[t, f]
        bodies[chosen] = body_table[b, f]
    contact = np.flatnonzero(rng.random(n) < 0.02)
    for position, line, name, digits in zip(
        contact,
        rng.integers(0, len(CONTACT_LINES), contact.size),
        rng.integers(0, len(NAME_FIRST) * len(NAME_SECOND) * 100, contact.size),
        rng.integers(0, 100, contact.size),
        strict=True,
    ):
        bodies[position] += CONTACT_LINES[line].format(name=_name(int(name)), d2=f"{digits:02d}")
    return titles, bodies


@functools.cache
def _text_tables(theme: str) -> tuple[np.ndarray, np.ndarray]:
    """A theme's titles and bodies for every (template, filler) pair, formatted once: a post
    picks one, so formatting costs nothing per post (nor per week)."""
    title_templates, body_templates, fillers = THEMES[theme]
    titles = [[template.format(x=x) for x in fillers] for template in title_templates]
    bodies = [[template.format(x=x) for x in fillers] for template in body_templates]
    return np.array(titles, dtype=object), np.array(bodies, dtype=object)


def _authors(rng: np.random.Generator, n: int, scale: float) -> np.ndarray:
    """Made-up usernames: a pool that grows with the scale, a few names posting often."""
    pool = max(int(3000 * scale), 50)
    regulars = rng.random(n) < 0.2  # a fifth of the posts come from a fiftieth of the authors
    picks = np.where(regulars, rng.integers(0, pool // 50, n), rng.integers(0, pool, n))
    authors = _names(pool)[picks]
    return np.where(rng.random(n) < 0.03, None, authors)


@functools.lru_cache(maxsize=4)
def _names(pool: int) -> np.ndarray:
    return np.array([_name(i) for i in range(pool)], dtype=object)


def _name(number: int) -> str:
    first = NAME_FIRST[number % len(NAME_FIRST)]
    second = NAME_SECOND[(number // len(NAME_FIRST)) % len(NAME_SECOND)]
    return f"{first}_{second}_{number // (len(NAME_FIRST) * len(NAME_SECOND))}"


def _base36(numbers: np.ndarray) -> np.ndarray:
    """Base-36 text of non-negative integers, vectorised (7 digits: ids of 2023-2030)."""
    digits = np.empty((len(numbers), 8), dtype=np.uint8)
    rest = numbers.astype(np.int64)
    for column in range(7, -1, -1):
        digits[:, column] = _BASE36[rest % 36]
        rest //= 36
    text = digits.view("S8").ravel().astype(str)
    return np.char.lstrip(text, "0").astype(object)


def _malformed(monday: date) -> pd.DataFrame:
    """Three posts the quarantine must catch, as a broken export would hand them over."""
    when = int(pd.Timestamp(monday).timestamp()) + 3 * 86_400
    base = {
        "subreddit": "mentalhealth",
        "selftext": "Just needed to say this somewhere.",
        "author": "quiet_river_0",
        "created_utc": when,
        "score": 3,
        "upvote_ratio": 0.9,
        "num_comments": 1,
    }
    rows = [
        {**base, "id": "zzzzzz1", "title": "Score in words", "score": "about twenty"},
        {**base, "id": "zzzzzz2", "title": "Date in words", "created_utc": "last Tuesday"},
        {**base, "id": "zzzzzz3", "title": "Subreddit with a space", "subreddit": "mental health"},
    ]
    return pd.DataFrame(rows)
