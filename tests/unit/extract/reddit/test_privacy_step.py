"""The privacy step: keyed author hashes, the key file, text retention, scrubbed text."""

from __future__ import annotations

import datetime as dt
import stat

import pandas as pd
import pytest

from extract.batch import ExtractError
from extract.reddit.prepare import KEY_FILE, author_key, hash_authors, prepare_records

NOW = dt.datetime(2026, 11, 25, 15, 30, tzinfo=dt.UTC)


def posts(**columns) -> pd.DataFrame:
    base = {
        "id": ["a1"],
        "subreddit": ["mentalhealth"],
        "title": ["t"],
        "selftext": ["b"],
        "author": ["Some_User"],
        "created_utc": ["2026-11-01 10:00:00"],
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_author_hashes_are_stable_per_key_and_differ_between_keys():
    authors = pd.Series(["Some_User", "some_user", "Other", None, "[deleted]", "None"])
    one = hash_authors(authors, b"key-one-0123456789")
    again = hash_authors(authors, b"key-one-0123456789")
    other = hash_authors(authors, b"key-two-0123456789")
    assert one.tolist() == again.tolist()
    assert one[0] == one[1] != one[2]  # Reddit names are case-insensitive
    assert one[0] != other[0] and one[2] != other[2]
    assert one[3:].isna().all()  # no account, no hash
    assert one[0].isalnum() and len(one[0]) == 32 and "some" not in one[0].lower()


def test_the_generated_key_is_kept_private_and_reused(tmp_path):
    key = author_key(None, tmp_path)
    path = tmp_path / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert author_key(None, tmp_path) == key and len(key) >= 32
    assert author_key(None, tmp_path / "elsewhere") != key


def test_a_configured_key_wins_and_must_be_long_enough(tmp_path):
    assert (
        author_key("a-configured-key-of-some-length", tmp_path)
        == b"a-configured-key-of-some-length"
    )
    assert not (tmp_path / KEY_FILE).exists()
    with pytest.raises(ExtractError, match="at least 16 random characters"):
        author_key("short", tmp_path)


def test_bodies_older_than_the_retention_keep_no_text():
    frame = posts(
        id=["new", "edge", "old", "rem"],
        subreddit=["mentalhealth"] * 4,
        title=["t"] * 4,
        author=["x"] * 4,
        selftext=["kept", "kept too", "too old", "[removed]"],
        created_utc=[
            "2026-11-20 08:00:00",
            "2025-11-25 00:00:00",
            "2025-11-24 23:59:59",
            "2020-01-01 00:00:00",
        ],
    )
    out = prepare_records(frame, b"k" * 16, 365, NOW)
    assert out["body_state"].tolist() == ["text", "text", "expired", "removed"]
    assert out["body"].tolist()[:2] == ["kept", "kept too"] and out["body"][2:].isna().all()
    # Measured from midnight: every run of a day lands the same records.
    later = prepare_records(frame, b"k" * 16, 365, NOW + dt.timedelta(hours=8))
    pd.testing.assert_frame_equal(out, later)


def test_text_is_scrubbed_including_the_authors_own_name_and_the_permalink_slug():
    frame = posts(
        title=["Ask Some_User or u/helper anything"],
        selftext=[
            "I'm some_user, mail me at me@example.org, +44 20 7946 0958, "
            "or instagram.com/someone. Some_User_2 is not me."
        ],
        permalink=["/r/mentalhealth/comments/a1/mail_me_at_meexampleorg/"],
    )
    [record] = prepare_records(frame, b"k" * 16, 365, NOW).to_dict("records")
    assert record["title"] == "Ask [username] or [username] anything"
    assert record["body"] == (
        "I'm [username], mail me at [email], [phone], or [url]. Some_User_2 is not me."
    )
    assert record["permalink"] == "/r/mentalhealth/comments/a1/"
    assert record["author_hash"] and "Some_User'" not in str(record)
