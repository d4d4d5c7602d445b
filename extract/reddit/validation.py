"""Validation of landed Reddit records: typed raw rows, or quarantine with the reason.

Every mode lands the same JSON lines (``extract.reddit.payload``) and every batch, first run or
replay, is validated from them here, so the rows are the same whichever way a batch was made.

Text fields may legitimately span lines (a post's body), so a record cut in two or two records
run together by bad quoting cannot be recognised by counting lines. They are recognised by
what their fields carry instead: each field is checked against what its type allows, and a
fragment of a post carries what no field of a whole post may (body text where the score should
be, a date that is not one, a subreddit name with spaces). Checks
are vectorised: a million posts are validated in a few seconds.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from extract.batch import QuarantinedRecord
from extract.reddit.records import BODY_STATES, ROW_COLUMNS

# Fields of a landed record (extract.reddit.payload), in the order they are written.
PAYLOAD_FIELDS = (
    "post_id",
    "subreddit",
    "title",
    "body",
    "body_state",
    "author_hash",
    "created_utc",
    "score",
    "upvote_ratio",
    "num_comments",
    "permalink",
    "_source",  # where the record came from: 'posts.csv, line 12' (no path: it may name a person)
    "_problem",  # what reading the record already found wrong (a CSV line with too few fields)
)

POST_ID = r"[a-z0-9]{1,13}"  # Reddit ids are base 36, lower case
SUBREDDIT = r"[A-Za-z0-9][A-Za-z0-9_]{1,20}"
PERMALINK = rf"/r/{SUBREDDIT}/comments/{POST_ID}/"
AUTHOR_HASH = r"[0-9a-f]{32}"
# Reddit opened in June 2005; a creation time before it is some other number (a score, a
# comment count) in the wrong column. One after 2100 is milliseconds taken for seconds.
EARLIEST = pd.Timestamp("2005-06-01")
LATEST = pd.Timestamp("2100-01-01")

Problems = dict[int, list[tuple[str, str]]]  # row position -> (field, message)


def as_text(values: pd.Series) -> pd.Series:
    """Values as stripped text ('string' dtype); missing, None and '' become <NA>."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def parse_created(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(UTC times, naive; mask of values present but not a time Reddit could have given).

    `text` is as_text's output, as for the other parse_ functions (each column is made text
    once: at a million posts every pass over a column counts).

    Accepts epoch seconds (Reddit's API, Pushshift) and date-time text ('2023-12-09 02:50:29'
    as praw scrapes write it, ISO 8601 with or without an offset); text without an offset is
    taken as UTC, as Reddit's created_utc is.
    """
    present = text.notna()
    seconds = pd.to_numeric(text, errors="coerce").astype("float64")
    is_number = seconds.notna() & np.isfinite(seconds)
    times = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    in_range = is_number & seconds.between(EARLIEST.timestamp(), LATEST.timestamp())
    times[in_range] = pd.to_datetime(seconds[in_range], unit="s")
    words = present & ~is_number
    if words.any():
        parsed = pd.to_datetime(text[words], format="ISO8601", errors="coerce", utc=True)
        times[words] = parsed.dt.tz_convert(None)
    bad = present & (times.isna() | (times < EARLIEST) | (times >= LATEST))
    return times.where(~bad), bad


def parse_whole(text: pd.Series, minimum: float | None = None) -> tuple[pd.Series, pd.Series]:
    """(whole numbers as Int64; mask of values present but not a whole number >= minimum).

    '12' and '12.0' are 12: JSON and spreadsheets write whole numbers either way.
    """
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    good = np.isfinite(numbers) & (numbers == np.floor(numbers)) & (numbers.abs() < 2**31)
    if minimum is not None:
        good &= numbers >= minimum
    bad = text.notna() & ~good
    return numbers.where(good).astype("Int64"), bad


def parse_ratio(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(shares as Float64; mask of values present but not a number from 0 to 1)."""
    numbers = pd.to_numeric(text, errors="coerce").astype("float64")
    bad = text.notna() & ~numbers.between(0.0, 1.0)
    return numbers.where(~bad).astype("Float64"), bad


def validate_payload(records: pd.DataFrame) -> tuple[pd.DataFrame, list[QuarantinedRecord]]:
    """Typed rows of raw.reddit_posts and the quarantined records of landed `records`.

    `records` holds PAYLOAD_FIELDS as text (missing fields are <NA>), one row per landed line,
    in order: a row's position + 1 is its row number.
    """
    records = records.reindex(columns=list(PAYLOAD_FIELDS)).reset_index(drop=True)
    text = {field: as_text(records[field]) for field in PAYLOAD_FIELDS}
    problems: Problems = defaultdict(list)

    structural = text["_problem"].notna()
    for position in np.flatnonzero(structural):
        problems[position].append(("", text["_problem"].iat[position]))

    _check_pattern(text, "post_id", POST_ID, "a Reddit post id (base 36)", problems)
    _check_pattern(
        text,
        "subreddit",
        SUBREDDIT,
        "a subreddit name (2-21 letters, digits or _, no spaces)",
        problems,
    )
    _check_required(text, "title", problems)
    _check_required(text, "created_utc", problems)
    created, bad = parse_created(text["created_utc"])
    _flag(
        bad,
        text,
        "created_utc",
        "is not a time Reddit could have given (epoch seconds or "
        "'YYYY-MM-DD HH:MM:SS', from 2005 on)",
        problems,
    )
    score, bad = parse_whole(text["score"])
    _flag(bad, text, "score", "is not a whole number", problems)
    num_comments, bad = parse_whole(text["num_comments"], minimum=0)
    _flag(bad, text, "num_comments", "is not a whole number of 0 or more", problems)
    upvote_ratio, bad = parse_ratio(text["upvote_ratio"])
    _flag(bad, text, "upvote_ratio", "is not a share from 0 to 1", problems)
    _check_body(text, problems)
    _check_pattern(text, "author_hash", AUTHOR_HASH, "a keyed hash", problems, required=False)
    _check_pattern(
        text, "permalink", PERMALINK, "/r/<subreddit>/comments/<id>/", problems, required=False
    )

    bad_rows = np.zeros(len(records), dtype=bool)
    bad_rows[list(problems)] = True
    for position in np.flatnonzero(structural):  # nothing else is said about a broken record
        problems[position] = problems[position][:1]
    quarantined = [
        _quarantine(records, text, position, problems[position]) for position in sorted(problems)
    ]
    good = ~bad_rows
    rows = pd.DataFrame(
        {
            "post_id": text["post_id"][good],
            "subreddit": text["subreddit"][good],
            "title": text["title"][good],
            "body": text["body"][good],
            "body_state": text["body_state"][good],
            "author_hash": text["author_hash"][good],
            "created_utc": created[good],
            "created_week": _week_start(created[good]),
            "score": score[good].astype("Int32"),
            "upvote_ratio": upvote_ratio[good],
            "num_comments": num_comments[good].astype("Int32"),
            "permalink": text["permalink"][good],
            "_row_number": (np.flatnonzero(good) + 1).astype("int32"),
        },
        columns=list(ROW_COLUMNS),
    ).reset_index(drop=True)
    return rows, quarantined


def _week_start(times: pd.Series) -> pd.Series:
    """Monday of the ISO week of each time, as a date."""
    days = times.dt.normalize()
    return (days - pd.to_timedelta(days.dt.weekday, unit="D")).dt.date


def _flag(mask, text: dict, field: str, complaint: str, problems: Problems) -> None:
    for position in np.flatnonzero(np.asarray(mask, dtype=bool)):
        value = text[field].iat[position]
        problems[position].append((field, f"{field} {_shown(value)} {complaint}"))


def _check_required(text: dict, field: str, problems: Problems) -> None:
    for position in np.flatnonzero(text[field].isna().to_numpy()):
        problems[position].append((field, f"{field} is missing or empty"))


def _check_pattern(
    text: dict, field: str, pattern: str, meaning: str, problems: Problems, required: bool = True
) -> None:
    if required:
        _check_required(text, field, problems)
    wrong = text[field].notna() & ~text[field].str.fullmatch(pattern).fillna(False)
    _flag(wrong, text, field, f"is not {meaning}", problems)


def _check_body(text: dict, problems: Problems) -> None:
    """body_state is one of BODY_STATES, and only 'text' comes with a body (and always does)."""
    state, body = text["body_state"], text["body"]
    unknown = ~state.isin(BODY_STATES).fillna(False)
    _flag(unknown, text, "body_state", f"is not one of {', '.join(BODY_STATES)}", problems)
    has_text = (state == "text").fillna(False)
    mismatch = ~unknown & (has_text != body.notna())
    for position in np.flatnonzero(mismatch.to_numpy()):
        problems[position].append(
            (
                "body",
                f"body_state '{state.iat[position]}' does not match a "
                f"{'missing' if body.isna().iat[position] else 'present'} body",
            )
        )


def _shown(value) -> str:
    if value is pd.NA or value is None:
        return "(missing)"
    value = str(value)
    return repr(value if len(value) <= 60 else value[:59] + "…")


def _quarantine(
    records: pd.DataFrame, text: dict, position: int, found: list[tuple[str, str]]
) -> QuarantinedRecord:
    source = text["_source"].iat[position]
    reason = "; ".join(message for _, message in found)
    if source is not pd.NA:
        reason += f" ({source})"
    record = {
        field: text[field].iat[position]
        for field in PAYLOAD_FIELDS
        if field not in ("_source", "_problem") and text[field].iat[position] is not pd.NA
    }
    fields = [field for field, _ in found if field]
    return QuarantinedRecord.of(int(position) + 1, record, reason, fields)


def now_naive(now: datetime | None) -> pd.Timestamp:
    """`now` (or the current time) as a naive UTC timestamp."""
    stamp = pd.Timestamp(now) if now is not None else pd.Timestamp.now(tz="UTC")
    return stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp


def epoch_seconds(moment: datetime) -> float:
    """Seconds since the epoch of a naive-UTC (as the warehouse stores it) or aware time: how
    live and sample mode compare a post's created_utc with the newest one already loaded."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
