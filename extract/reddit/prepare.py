"""The privacy step: posts as a source gave them -> records that may be landed and stored.

Nothing personal passes this step, so nothing personal reaches a landing file, RAW, the
quarantine or a log:

- the author's name becomes a keyed hash (HMAC-SHA256 with a key only this installation has),
  so one author's posts can be counted together and nobody can recover the name, nor test a
  guessed name without the key. Reddit names are case-insensitive, so the name is lower-cased
  first. Deleted accounts have no hash.
- titles and bodies go through ``extract.privacy.scrub_text`` (e-mail addresses, phone
  numbers, ``u/name`` mentions, @handles, links to personal profiles), and the author's own
  name written as a plain word ("call me <name>") becomes '[username]' too.
- removed and deleted posts keep no text (body NULL, body_state 'removed' / 'deleted').
- bodies older than the text retention keep no text either (body_state 'expired'). The cutoff
  is a UTC midnight, so every run of one day makes the same records (and lands them once).
  Bodies loaded while younger are emptied in raw.reddit_posts once they pass it
  (``expire_loaded_bodies``, after every load), and marked as loaded again so the marts follow.
- the permalink keeps /r/<subreddit>/comments/<id>/ only: the slug repeats the title unscrubbed.
- typed fields (score, dates, ...) that are not what their type allows hold text from
  somewhere else (a record split by bad quoting); they are scrubbed too, and quarantined later.
- a record whose cells do not line up with the header keeps no field at all, only where it
  came from and what is wrong: any of its cells may be the author's name.

The key is MINDPULSE_REDDIT_AUTHOR_KEY when set, else one generated on first use and kept in
the data folder (``secrets/reddit_author_key``, mode 0600; data/ is never committed). Losing it
only means authors of later batches get other hashes than those of earlier ones.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from extract.batch import ExtractError
from extract.privacy import scrub_text
from extract.reddit.records import RAW_TABLE, SOURCE_FIELDS
from extract.reddit.validation import (
    PAYLOAD_FIELDS,
    as_text,
    now_naive,
    parse_created,
    parse_ratio,
    parse_whole,
)
from extract.warehouse import table_exists

KEY_FILE = Path("secrets") / "reddit_author_key"
MIN_KEY_CHARS = 16
# Reddit writes '[deleted]'; praw scrapes write str(None) for the author of a deleted account
# (86 'None' authors in the real r/mentalhealth scrape). A real account named 'None', if there
# is one, loses its hash: better than 86 deleted accounts counted as one prolific author.
DELETED_AUTHORS = ("[deleted]", "[removed]", "None")
_HASH_HEX_CHARS = 32  # 128 bits: no collisions among Reddit's accounts, half the storage


def author_key(configured: str | None, data_dir: Path) -> bytes:
    """The HMAC key for author names: the configured one, or the installation's own."""
    if configured:
        if len(configured) < MIN_KEY_CHARS:
            raise ExtractError(
                f"MINDPULSE_REDDIT_AUTHOR_KEY is {len(configured)} characters long; use at "
                f"least {MIN_KEY_CHARS} random characters (e.g. `python -c 'import secrets; "
                "print(secrets.token_hex(32))'`), or unset it to use a generated key."
            )
        return configured.encode("utf-8")
    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            # O_EXCL: two first runs at once must not write two different keys.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
    key = path.read_text().strip()
    if len(key) < MIN_KEY_CHARS:
        raise ExtractError(
            f"The Reddit author key file {path} is empty or too short. Delete it to have a new "
            "key generated (authors will get new hashes), or set MINDPULSE_REDDIT_AUTHOR_KEY."
        )
    return key.encode("utf-8")


def hash_authors(authors: pd.Series, key: bytes) -> pd.Series:
    """Keyed hashes of author names (text), <NA> for missing and deleted accounts."""
    names = as_text(authors)
    names = names.mask(names.isin(DELETED_AUTHORS))
    unique = names.dropna().unique()  # an author posts many times; hash each name once
    digests = {
        name: hmac.new(key, name.lower().encode("utf-8"), hashlib.sha256).hexdigest()[
            :_HASH_HEX_CHARS
        ]
        for name in unique
    }
    return names.map(digests, na_action="ignore").astype("string")


def text_cutoff(now: datetime | None, retention_days: int) -> pd.Timestamp:
    """Bodies of posts created before this UTC midnight are expired."""
    if retention_days <= 0:
        raise ExtractError(
            f"The text retention must be a positive number of days, got {retention_days}."
        )
    return now_naive(now).normalize() - timedelta(days=retention_days)


def sample_clock(sample_as_of: date | None, now: datetime | None) -> datetime | None:
    """The moment sample mode counts from: midnight of `sample_as_of` (MINDPULSE_SAMPLE_AS_OF)
    when set, else `now` (None: the current time)."""
    return now if sample_as_of is None else datetime.combine(sample_as_of, time())


def expire_loaded_bodies(
    conn,  # DuckDB, or extract.warehouse.SnowflakeSession
    raw_schema: str,
    retention_days: int,
    now: datetime | None = None,
    sample_as_of: date | None = None,
    *,
    loaded_at: datetime,
) -> int:
    """Empty the bodies raw.reddit_posts still holds of posts older than the retention (loaded
    when they were younger); how many. The same cutoff as for new batches.

    The rows emptied get `loaded_at` (the load time of this run) as their _loaded_at: what
    reads raw incrementally takes the rows loaded since it last ran (marts.fct_reddit_posts
    does), and must see these, or it keeps the text past the retention.

    `sample_as_of`: generated posts age from the day sample mode pretends it is, as they did
    when they were prepared; every other post ages from `now`. Generated posts are nobody's, so
    only they may keep text past the real retention.
    """
    cutoff = text_cutoff(now, retention_days).to_pydatetime()
    sample_now = sample_clock(sample_as_of, now)
    sample_cutoff = text_cutoff(sample_now, retention_days).to_pydatetime()
    where = (
        "body is not null and created_utc < (case when _source_mode = 'sample' then ? else ? end)"
    )
    cutoffs = [sample_cutoff, cutoff]
    table = f"{raw_schema}.{RAW_TABLE}"
    if not table_exists(conn, raw_schema, RAW_TABLE):
        return 0  # nothing loaded yet
    [(count,)] = conn.execute(f"select count(*) from {table} where {where}", cutoffs).fetchall()
    if count:
        conn.execute(
            f"update {table} set body = null, body_state = 'expired', _loaded_at = ? where {where}",
            [loaded_at, *cutoffs],
        )
    return count


def prepare_records(
    source: pd.DataFrame, key: bytes, retention_days: int, now: datetime | None = None
) -> pd.DataFrame:
    """The landable records (PAYLOAD_FIELDS, all text) of `source`'s posts.

    `source` has SOURCE_FIELDS columns (missing ones are treated as empty) plus '_source' and
    '_problem'; values may be text or numbers.
    """
    index = source.index
    text = {
        field: as_text(source[field])
        if field in source
        else pd.Series(pd.NA, index=index, dtype="string")
        for field in (*SOURCE_FIELDS, "_source", "_problem")
    }
    out = pd.DataFrame(index=index)
    permalink = text["permalink"].str.extract(r"/r/([^/\s]+)/comments/([A-Za-z0-9]+)", expand=True)
    out["post_id"] = (
        text["id"]
        .str.removeprefix("t3_")
        .fillna(text["name"].str.removeprefix("t3_"))
        .fillna(permalink[1])
    )
    out["subreddit"] = _scrub(text["subreddit"].str.replace(r"^/?r/", "", regex=True))
    out["title"] = _scrub(_without_own_name(text["title"], text["author"]))
    created, created_bad = parse_created(text["created_utc"])
    selftext = _without_own_name(text["selftext"], text["author"])
    out["body"], out["body_state"] = _body(selftext, created, text_cutoff(now, retention_days))
    out["author_hash"] = hash_authors(text["author"], key)
    out["created_utc"] = _scrub_where(text["created_utc"], created_bad)
    out["score"] = _scrub_where(text["score"], parse_whole(text["score"])[1])
    out["upvote_ratio"] = _scrub_where(text["upvote_ratio"], parse_ratio(text["upvote_ratio"])[1])
    out["num_comments"] = _scrub_where(text["num_comments"], parse_whole(text["num_comments"])[1])
    canonical = "/r/" + permalink[0] + "/comments/" + permalink[1] + "/"
    # A permalink that is not one is kept (scrubbed) so validation can say so.
    out["permalink"] = _scrub_where(canonical.fillna(text["permalink"]), canonical.isna())
    # A record the reader found broken (a CSV line with too few or too many fields) has its
    # cells in the wrong columns: the author's name may sit in any of them, where neither the
    # hash nor the scrubber would see it. Only where it came from and what is wrong is kept.
    broken = text["_problem"].notna()
    if broken.any():
        out.loc[broken, list(PAYLOAD_FIELDS[:-2])] = pd.NA
    out["_source"] = text["_source"]
    out["_problem"] = _scrub(text["_problem"])
    return out[list(PAYLOAD_FIELDS)].reset_index(drop=True)


def _body(selftext: pd.Series, created: pd.Series, cutoff: pd.Timestamp):
    removed = (selftext == "[removed]").fillna(False).to_numpy()
    deleted = (selftext == "[deleted]").fillna(False).to_numpy()
    empty = selftext.isna().to_numpy()
    expired = (created < cutoff).fillna(False).to_numpy()
    state = np.select(
        [empty, removed, deleted, expired], ["empty", "removed", "deleted", "expired"], "text"
    )
    keep = state == "text"
    body = pd.Series(pd.NA, index=selftext.index, dtype="string")
    body[keep] = _scrub(selftext[keep])
    return body, pd.Series(state, index=selftext.index, dtype="string")


def _without_own_name(texts: pd.Series, authors: pd.Series) -> pd.Series:
    """`texts` with each post's author name, as a whole word in any case, made '[username]'.

    A bare name has nothing to recognise it by except that it is the author's; the substring
    test first keeps this cheap (few posts name their author).
    """
    plain = texts.to_numpy(dtype=object, na_value=None)
    names = authors.to_numpy(dtype=object, na_value=None)
    changed = {}
    for position, (text, name) in enumerate(zip(plain, names, strict=True)):
        if text is None or name is None or len(name) < 3 or name in DELETED_AUTHORS:
            continue
        if name.lower() in text.lower():
            pattern = rf"(?<![\w-]){re.escape(name)}(?![\w-])"
            changed[position] = re.sub(pattern, "[username]", text, flags=re.IGNORECASE)
    if not changed:
        return texts
    texts = texts.copy()
    texts.iloc[list(changed)] = list(changed.values())
    return texts


def _scrub(values: pd.Series) -> pd.Series:
    # Plain objects: iterating a pandas string array element by element costs more than the
    # scrubbing itself.
    plain = values.to_numpy(dtype=object, na_value=None)
    scrubbed = [None if value is None else scrub_text(value) for value in plain]
    return pd.Series(scrubbed, index=values.index, dtype="string")


def _scrub_where(values: pd.Series, mask: pd.Series) -> pd.Series:
    """`values` with those under `mask` scrubbed: a value that is what its type allows (a
    number, a date) holds nothing personal, and scrubbing a million of them costs seconds."""
    values = values.copy()
    if mask.any():
        values[mask] = _scrub(values[mask])
    return values
