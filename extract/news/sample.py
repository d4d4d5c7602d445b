"""Deterministic sample of news coverage, written as the NewsAPI responses live mode receives.

One ``/v2/everything`` response per query (``{"status": "ok", "totalResults": N, "articles":
[...]}``, newest first as ``sortBy=publishedAt`` gives them) over the 104 complete weeks
before the current one (``extract.sample_weeks``); sample mode reads them with the reader of
every mode (``response``). Scale 1 makes about 40 articles a week (4,300 in all), scale 100
about 430,000.

What the data shows: twelve made-up outlets of four kinds (``sample_text.OUTLETS``); weekly
counts with their own pattern, a slow upward trend, a rise in May (Mental Health Awareness
Month), a smaller one in the week of World Mental Health Day (October 10), a dip over the
year-end holidays, and week-to-week noise. News is deliberately unrelated to the samples'
shared attention series: cross-source analysis must not find a relationship here. Bylines
(some with e-mail addresses) and excerpts (some with phone numbers) are there to be dropped;
a few headlines quote a phone number, to be scrubbed. A whole-window run (a first load) gets
two malformed articles in its newest week, a publishedAt in words and one without a url, which
land in raw.quarantine.

Deterministic: a week's articles come from a generator seeded with the calendar week and the
scale, so a week holds the same articles whatever day the sample is made on. Incremental like
live mode: given the newest article already loaded (``since``), only later ones are made.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd

from extract.news.sample_text import (
    AWARENESS_HEADLINES,
    BYLINE_NAMES,
    CONTENT,
    DESCRIPTIONS,
    HEADLINES,
    OUTLETS,
    PHONE_HEADLINE,
)
from extract.sample_weeks import sample_weeks

SEED = 20_260_611
_NOISE_SEED = 7_310_529  # the weekly noise: its own seed, shared with nothing else
WEEKLY_ARTICLES = 33.0  # expected articles a week at scale 1, before trend and seasons
_EPOCH = date(2020, 1, 6)  # url ids count weeks from here
_DAY_WEIGHTS = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.5])  # Monday .. Sunday
_HOUR_WEIGHTS = 0.3 + np.exp(-(((np.arange(24) - 14) / 5.0) ** 2))  # busiest mid-day (UTC)
_DOMAINS = tuple(outlet.domain for outlet in OUTLETS)
_API_FIELDS = ("author", "title", "description", "url", "urlToImage", "publishedAt", "content")


class SampleResponse(NamedTuple):
    query: str  # the query the response answers
    name: str  # how records name where they came from
    text: str  # the response's JSON


def expected_articles(monday: date) -> float:
    """Expected articles (all queries) in the week starting `monday`, at scale 1."""
    years = (monday - date(2024, 1, 1)).days / 365.25
    level = WEEKLY_ARTICLES * (1 + 0.12 * years)
    thursday = monday + timedelta(days=3)  # the ISO week's month is its Thursday's
    if thursday.month == 5:
        level *= 1.3  # Mental Health Awareness Month
    if monday <= date(thursday.year, 10, 10) < monday + timedelta(weeks=1):
        level *= 1.25  # World Mental Health Day
    if monday.isocalendar().week >= 52 or monday.isocalendar().week == 1:
        level *= 0.8  # the year-end holidays: fewer stories
    noise = np.random.default_rng([_NOISE_SEED, monday.toordinal()]).standard_normal()
    return float(level * np.exp(0.1 * noise - 0.1**2 / 2))


def generate_sample(
    queries: Sequence[str],
    scale: float = 1.0,
    now: datetime | None = None,
    since: datetime | None = None,
) -> list[SampleResponse]:
    """One response per query: the sample weeks' articles published after `since` (naive
    UTC, as the warehouse stores it), all when None. Strictly after: a generated week is
    whole when it is made, so nothing of that second can turn up later."""
    if not scale > 0:
        raise ValueError(f"scale must be a positive number such as 1 or 10, got {scale!r}")
    queries = list(queries)
    after = None if since is None else _naive_utc(since)
    mondays = sample_weeks(now)
    new_weeks = [
        m for m in mondays if after is None or pd.Timestamp(m + timedelta(weeks=1)) > after
    ]
    parts = [_week(monday, len(queries), scale) for monday in new_weeks]
    # No new week: an empty frame with the columns (scale 0 makes no article).
    articles = pd.concat(parts, ignore_index=True) if parts else _week(mondays[-1], 1, 0.0)
    if after is not None:
        articles = articles[articles["published"] > after]
    responses = []
    for index, query in enumerate(queries):
        chosen = articles[articles["query"] == index].sort_values(
            ["published", "position"], ascending=False, kind="stable"
        )
        lines = _article_json(_api_fields(chosen, query))
        if index == 0 and after is None:
            lines = _malformed(mondays[-1], query) + lines
        text = (
            f'{{"status":"ok","totalResults":{len(lines)},"articles":[\n'
            + ",\n".join(lines)
            + "\n]}\n"
        )
        responses.append(SampleResponse(query, f"generated sample {query!r}", text))
    return responses


def _naive_utc(moment: datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo is not None else stamp


def _week(monday: date, queries: int, scale: float) -> pd.DataFrame:
    """The week's articles as codes: query, outlet, headline, time and byline choices."""
    rng = np.random.default_rng([SEED, monday.toordinal(), int(round(scale * 1000))])
    n = int(rng.poisson(expected_articles(monday) * scale)) if scale > 0 else 0
    may = _in_may(monday)
    query_weights = 1 / np.arange(1, queries + 1)
    outlet_weights = np.array([outlet.weight for outlet in OUTLETS])
    days = rng.choice(7, n, p=_DAY_WEIGHTS / _DAY_WEIGHTS.sum())
    hours = rng.choice(24, n, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    seconds = days * 86_400 + hours * 3600 + rng.integers(0, 3600, n)
    return pd.DataFrame(
        {
            "week": (monday - _EPOCH).days // 7,
            "may": may,
            "position": np.arange(n),
            "query": rng.choice(queries, n, p=query_weights / query_weights.sum()),
            "outlet": rng.choice(len(OUTLETS), n, p=outlet_weights / outlet_weights.sum()),
            "headline": rng.integers(0, len(_headlines(may)), n),
            "phone_headline": rng.random(n) < 0.01,
            "published": pd.Timestamp(monday) + pd.to_timedelta(seconds, unit="s"),
            "byline": rng.integers(0, len(BYLINE_NAMES), n),
            "byline_kind": rng.choice(3, n, p=[0.6, 0.15, 0.25]),  # name, none, name + e-mail
            "description": rng.integers(-1, len(DESCRIPTIONS), n),  # -1: none
            "content": rng.integers(-1, len(CONTENT), n),
            "digits": rng.integers(0, 100, n),
            "chars": rng.integers(400, 6000, n),
        }
    )


def _in_may(monday: date) -> bool:
    """Whether the ISO week is one of May's (its Thursday is in May)."""
    return (monday + timedelta(days=3)).month == 5


@functools.cache
def _headlines(may: bool) -> tuple[tuple[str, str], ...]:
    return HEADLINES + AWARENESS_HEADLINES if may else HEADLINES


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _api_fields(articles: pd.DataFrame, query: str) -> pd.DataFrame:
    """The articles' NewsAPI fields (text or None), in order."""
    columns = {name: articles[name].tolist() for name in articles.columns if name != "published"}
    seconds = np.datetime_as_string(articles["published"].to_numpy(), unit="s")
    stamps = [f"{stamp}Z" for stamp in seconds]
    days = [stamp[:10].replace("-", "/") for stamp in seconds]
    topic = _slug(query)
    rows = []
    for i, outlet_index in enumerate(columns["outlet"]):
        outlet, domain = OUTLETS[outlet_index], _DOMAINS[outlet_index]
        site = f"https://www.{domain}"
        d2 = f"{columns['digits'][i]:02d}"
        template, slug = (
            PHONE_HEADLINE
            if columns["phone_headline"][i]
            else _headlines(columns["may"][i])[columns["headline"][i]]
        )
        article_key = f"{columns['week'][i]}-{columns['position'][i]}"
        name = BYLINE_NAMES[columns["byline"][i]]
        kind = columns["byline_kind"][i]
        fill = {"d2": d2, "domain": domain, "outlet": outlet.name}
        description, content = columns["description"][i], columns["content"][i]
        rows.append(
            (
                outlet.source_id,
                outlet.name,
                None if kind == 1 else name if kind == 0 else f"{name} ({_email(name, domain)})",
                f"{template.format(topic=query, d2=d2)} - {outlet.suffix}",
                None if description < 0 else DESCRIPTIONS[description].format(**fill),
                f"{site}/health/{days[i]}/{topic}-{slug}-{article_key}",
                f"{site}/images/{article_key}.jpg",
                stamps[i],
                None if content < 0 else CONTENT[content].format(n=columns["chars"][i], **fill),
            )
        )
    return pd.DataFrame(rows, columns=["source_id", "source_name", *_API_FIELDS], dtype=object)


def _email(name: str, domain: str) -> str:
    """A made-up address at the outlet's .example domain ('avery.collins@...')."""
    return f"{_slug(name).replace('-', '.')}@{domain}"


def _article_json(fields: pd.DataFrame) -> list[str]:
    """Each article as NewsAPI writes it, compact JSON, in order (DuckDB writes JSON about ten
    times faster than json.dumps per object)."""
    if fields.empty:
        return []
    with duckdb.connect() as conn:
        conn.register("articles", fields)
        api = ", ".join(f"'{name}', \"{name}\"" for name in _API_FIELDS)
        return list(
            conn.execute(
                "select json_object('source', json_object('id', source_id, 'name', source_name), "
                f"{api}) :: varchar as line from articles"
            ).fetchnumpy()["line"]
        )


def _malformed(monday: date, query: str) -> list[str]:
    """Two articles the quarantine must catch, as a broken answer would hand them over."""
    when = datetime.combine(monday + timedelta(days=4), datetime.min.time(), tzinfo=UTC)
    outlet = OUTLETS[0]
    base = {
        "source": {"id": outlet.source_id, "name": outlet.name},
        "author": None,
        "title": f"Readers share how they look after their {query} - {outlet.suffix}",
        "description": None,
        "url": f"https://www.{outlet.domain}/health/readers-share-{_slug(query)}",
        "urlToImage": None,
        "publishedAt": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "content": None,
    }
    in_words = {**base, "publishedAt": "last Thursday afternoon"}
    without_url = {key: value for key, value in base.items() if key != "url"}
    return [
        json.dumps(a, separators=(",", ":"), ensure_ascii=False) for a in (in_words, without_url)
    ]
