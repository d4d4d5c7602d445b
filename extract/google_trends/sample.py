"""Deterministic sample exports in the exact format of Google Trends' CSV download.

One export per place (the United States and a few states; more at larger scales), comparing
the terms 'mental health', 'anxiety' and 'therapy' week by week over the weeks of
``extract.sample_weeks``. Like Google, each export is scaled so that its highest value is 100,
rounded to whole numbers, with '<1' for values above 0 that round below 1 (planted in one low
series, 'therapy' in Vermont, so that path runs in the pipeline), and dated by the Sunday that
starts Google's week (the Sunday before each sample Monday).

The planted relationship: 'mental health' in the United States follows the samples' shared
attention series in the same week (level x (1 + ATTENTION_EFFECT x attention) plus a little
noise); r/mentalhealth's post volume follows it two weeks later (``extract.reddit.sample``),
so search interest leads Reddit by two weeks. Every other series has its own seeded noise and
its own mild seasonality and shares nothing with the attention series or with each other, so
cross-source analysis must find nothing there. Each week's draws are seeded by the series and
the calendar week, so a week's underlying value does not depend on the day the sample is made.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

import numpy as np

from extract.cdc_pulse.sample import STATE_NAMES
from extract.google_trends.values import BELOW_ONE
from extract.sample_weeks import attention, sample_weeks

SEED = 20_261_127
TERMS = ("mental health", "anxiety", "therapy")
NATIONAL = "United States"
FIRST_STATES = ("California", "Vermont")  # the states of scale 1
STATES_PER_SCALE = 2
PLANTED = ("mental health", NATIONAL)
ATTENTION_EFFECT = 0.25
PLANTED_NOISE = 0.02  # relative: small, so the planted lead is clear
SERIES_NOISE = 0.08  # relative, per week, for the other series
SEASON_AMPLITUDE = 0.08
LOW_SERIES = ("therapy", "Vermont")
# Its level is this share of the place's highest other level, so about one week in ten falls
# below 1 after the export's scaling and is published as '<1'.
LOW_SHARE, LOW_NOISE = 0.02, 0.35
PREAMBLE = "Category: All categories\n\n"


def sample_places(scale: float = 1.0) -> list[str]:
    """The United States and round(STATES_PER_SCALE x scale) states (at least the first two,
    at most every state)."""
    states = [*FIRST_STATES, *(s for s in STATE_NAMES if s not in FIRST_STATES)]
    count = min(len(states), max(len(FIRST_STATES), round(STATES_PER_SCALE * scale)))
    return [NATIONAL, *states[:count]]


def generate_sample_exports(
    scale: float = 1.0, now: datetime | None = None
) -> list[tuple[str, str]]:
    """(file name, CSV text) of each sample export, in place order."""
    if not scale > 0:
        raise ValueError(f"scale must be a positive number such as 1 or 10, got {scale!r}")
    mondays = sample_weeks(now)
    exports = []
    for place in sample_places(scale):
        matrix = np.array(
            [[underlying_interest(term, place, monday) for term in TERMS] for monday in mondays]
        )
        scaled = matrix * (100.0 / matrix.max())
        header = ",".join(["Week", *(f"{term}: ({place})" for term in TERMS)])
        lines = [
            ",".join([(monday - timedelta(days=1)).isoformat(), *map(published_value, row)])
            for monday, row in zip(mondays, scaled, strict=True)
        ]
        slug = place.lower().replace(" ", "-")
        exports.append((f"multiTimeline-{slug}.csv", PREAMBLE + "\n".join([header, *lines]) + "\n"))
    return exports


def underlying_interest(term: str, place: str, monday) -> float:
    """The series' value in the week of `monday`, before the export's scaling."""
    key = _series_key(term, place)
    noise = float(np.random.default_rng([SEED, key, monday.toordinal()]).standard_normal())
    level = _level(key)
    if (term, place) == PLANTED:
        return max(0.0, level * (1 + ATTENTION_EFFECT * attention(monday) + PLANTED_NOISE * noise))
    phase = (key % 360) * math.pi / 180
    season = 1 + SEASON_AMPLITUDE * math.sin(
        2 * math.pi * monday.timetuple().tm_yday / 365.25 + phase
    )
    if (term, place) == LOW_SERIES:
        level = LOW_SHARE * max(_level(_series_key(t, place)) for t in TERMS if t != term)
        return level * season * math.exp(LOW_NOISE * noise)
    return level * season * math.exp(SERIES_NOISE * noise)


def published_value(value: float) -> str:
    """A scaled value as Google writes it: whole numbers, '<1' above 0 and below 1."""
    if 0 < value < 1:
        return BELOW_ONE
    return str(math.floor(value + 0.5))


def _series_key(term: str, place: str) -> int:
    digest = hashlib.sha256(f"{term}|{place}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def _level(key: int) -> float:
    """The series' own level, between 30 and 80."""
    return 30.0 + 50.0 * float(np.random.default_rng([SEED, key]).random())
