"""The canonical Reddit post as raw.reddit_posts holds it: private by construction.

Everything here is what is left after the privacy step at the boundary: no username (the author
is a keyed hash), no e-mail address, phone number, `u/name` mention or personal URL in the
text, and no text at all for removed or deleted posts.
"""

from __future__ import annotations

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
    ("permalink", "VARCHAR"),  # relative: /r/<subreddit>/comments/<id>/<slug>/
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
