"""The canonical Reddit post as raw.reddit_posts holds it: private by construction.

Everything here is what is left after the privacy step at the boundary: no username (the author
is a keyed hash), no e-mail address, phone number, `u/name` mention or personal URL in the
text, and no text at all for removed or deleted posts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from extract.contract import RawTableContract

SOURCE = "reddit"
RAW_TABLE = "reddit_posts"

# Record columns of raw.reddit_posts (the load adds _batch_id, _loaded_at and _source_mode).
RAW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("post_id", "VARCHAR NOT NULL"),  # Reddit's base-36 id, without the t3_ prefix
    ("subreddit", "VARCHAR NOT NULL"),  # as the source spells it; dbt lower-cases
    ("title", "VARCHAR NOT NULL"),  # scrubbed
    ("body", "VARCHAR"),  # scrubbed selftext; NULL when removed, deleted, empty or expired
    # Why the body is what it is: 'text', 'empty', 'removed', 'deleted' or 'expired' (older
    # than the text retention).
    ("body_state", "VARCHAR NOT NULL"),
    ("author_hash", "VARCHAR"),  # keyed hash of the author; NULL for deleted accounts
    ("created_utc", "TIMESTAMP NOT NULL"),  # UTC, naive
    ("created_week", "DATE NOT NULL"),  # Monday of the ISO week of created_utc
    ("score", "INTEGER"),
    ("upvote_ratio", "DOUBLE"),
    ("num_comments", "INTEGER"),
    # Relative: /r/<subreddit>/comments/<id>/. The title slug Reddit appends is dropped: it
    # repeats the title unscrubbed (an e-mail address in a title survives in its slug).
    ("permalink", "VARCHAR"),
    ("_row_number", "INTEGER NOT NULL"),  # position in the payload; later rows are later scrapes
)
ROW_COLUMNS = tuple(name for name, _ in RAW_COLUMNS)

# A series is one community; a period an ISO week. A batch covers a span of posting times and
# replaces exactly that span (a weekly fetch costs one week; the same file twice replaces).
RAW_CONTRACT = RawTableContract(
    source=SOURCE,
    table=RAW_TABLE,
    columns=RAW_COLUMNS,
    series_columns=("subreddit",),
    period_column="created_week",
    date_column="created_utc",
    load="incremental",
)

# What body_state may say (see RAW_COLUMNS).
BODY_STATES = ("text", "empty", "removed", "deleted", "expired")

# The fields of a post as every mode hands them to the privacy step (extract.reddit.prepare),
# named as Reddit's API names them. One of id, name and permalink identifies the post.
SOURCE_FIELDS = (
    "id",
    "name",
    "permalink",
    "subreddit",
    "title",
    "selftext",
    "author",
    "created_utc",
    "score",
    "upvote_ratio",
    "num_comments",
)
IDENTIFYING_FIELDS = ("id", "name", "permalink")
REQUIRED_FIELDS = ("title", "created_utc", "subreddit")

# Field names seen in real exports -> the source field they mean, after normalise_field_name.
# Reddit's API, praw scrapes and Pushshift dumps use Reddit's names; Kaggle-style exports
# rename some. Anything not listed is ignored (upvotes, downvotes, media_only, url, ...): an
# unknown column cannot leak into RAW. 'upvotes' is deliberately not a score: the real praw
# scrape derives it (fractional values) next to the real score.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "post_id", "submission_id"),
    "name": ("name", "fullname"),
    "permalink": ("permalink", "full_link"),
    "subreddit": ("subreddit", "subreddit_name", "subreddit_name_prefixed", "community"),
    "title": ("title", "post_title"),
    "selftext": ("selftext", "self_text", "body", "text", "post_text", "content"),
    "author": ("author", "author_name", "username"),
    "created_utc": ("created_utc", "created", "created_at", "timestamp", "created_time"),
    "score": ("score", "ups"),
    "upvote_ratio": ("upvote_ratio",),
    "num_comments": ("num_comments", "comments", "comms_num", "comment_count", "n_comments"),
}


def normalise_field_name(name: object) -> str:
    """'Created UTC', 'created-utc' and 'created_utc' all become 'created_utc'."""
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def map_fields(names: Iterable[object]) -> dict[str, str]:
    """Source field -> the column that holds it, for the columns a file or record has.

    When several columns mean the same field (a 'selftext' and a 'body'), the one listed first
    in FIELD_ALIASES wins; unknown columns are left out.
    """
    by_normalised: dict[str, str] = {}
    for name in names:
        by_normalised.setdefault(normalise_field_name(name), str(name))
    mapping = {}
    for field, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            if alias in by_normalised:
                mapping[field] = by_normalised[alias]
                break
    return mapping


def missing_fields(mapping: Mapping[str, str]) -> list[str]:
    """The required fields a file lacks, as the user would name them ('an id, name or
    permalink column' when none of the three identifies the posts)."""
    missing = [field for field in REQUIRED_FIELDS if field not in mapping]
    if not any(field in mapping for field in IDENTIFYING_FIELDS):
        missing.append("id, name or permalink")
    return missing
