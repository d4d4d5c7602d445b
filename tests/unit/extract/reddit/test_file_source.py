"""File mode: the export shapes people have (praw scrapes, API dumps, JSON lines, gzip, folders)."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json

import pytest

from extract.batch import ExtractError
from extract.payload_counts import csv_records
from extract.reddit import extract_reddit
from tests.unit.extract.reddit.reddit_api import KEY

NOW = dt.datetime(2024, 7, 1, tzinfo=dt.UTC)
# A praw scrape as the real one is written: datetime text, relative permalinks, derived columns.
SCRAPE_HEADER = (
    "title,score,upvote_ratio,created_utc,selftext,subreddit,author,media_only,permalink,"
    "num_comments,upvotes,downvotes,upvotes/subscribers"
)


def scrape_line(
    post_id: str,
    when: str = "2024-05-02 10:00:00",
    body: str = "plain body",
    score: str = "12",
    subreddit: str = "mentalhealth",
) -> str:
    cells = [
        f"Title {post_id}",
        score,
        "0.9",
        when,
        body,
        subreddit,
        f"user_{post_id}",
        "False",
        f"/r/{subreddit}/comments/{post_id}/title_{post_id}/",
        "3",
        "13.3",
        "1.3",
        "0.00002",
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def scrape(*lines: str) -> str:
    return SCRAPE_HEADER + "\n" + "".join(lines)


def extract_file(path, **kwargs):
    return extract_reddit("file", author_key=KEY, file_path=path, now=NOW, **kwargs)


def test_a_praw_scrape_with_multi_line_bodies_and_a_rescrape(tmp_path):
    path = tmp_path / "scrape.csv"
    path.write_text(
        scrape(
            scrape_line("abc1", body="first line\n\nsecond line, with a comma"),
            scrape_line("abc2", when="2024-05-03 11:30:00"),
            scrape_line("abc1", score="15"),  # scraped again later with another score
        )
    )
    batch = extract_file(path)
    rows = batch.rows
    assert list(rows["post_id"]) == ["abc1", "abc2", "abc1"] and batch.quarantined == []
    assert rows["body"].iloc[0] == "first line\n\nsecond line, with a comma"
    assert list(rows["score"]) == [12, 12, 15] and list(rows["_row_number"]) == [1, 2, 3]
    assert rows["created_utc"].iloc[1] == dt.datetime(2024, 5, 3, 11, 30)
    assert rows["created_week"].iloc[1] == dt.date(2024, 4, 29)
    assert rows["permalink"].iloc[0] == "/r/mentalhealth/comments/abc1/"
    assert (batch.records_in_payload, "independent" in batch.counted_by) == (3, True)
    assert b"user_abc" not in batch.payload and b"upvotes" not in batch.payload


def test_an_api_dump_with_epoch_seconds_ids_and_t3_names(tmp_path):
    path = tmp_path / "dump.csv"
    path.write_text(
        "name,Created UTC,Subreddit,Title,Selftext,Score,Num Comments,Extra\n"
        "t3_zz1,1714644000,r/Anxiety,Panic again,text,4,1,x\n"
        "t3_zz2,1714644060.0,depression,Tired,,0,0,y\n"
    )
    rows = extract_file(path).rows
    assert list(rows["post_id"]) == ["zz1", "zz2"]
    assert list(rows["subreddit"]) == ["Anxiety", "depression"]  # the source's spelling stays
    assert list(rows["created_utc"]) == [
        dt.datetime(2024, 5, 2, 10),
        dt.datetime(2024, 5, 2, 10, 1),
    ]
    assert rows["author_hash"].isna().all()  # no author column: no hash
    assert list(rows["body_state"]) == ["text", "empty"]
    assert rows["permalink"].isna().all() and rows["upvote_ratio"].isna().all()


def test_json_lines_gzip_and_listing_wrappers(tmp_path):
    records = [
        {
            "id": "j1",
            "subreddit": "mentalhealth",
            "title": "t",
            "selftext": "[deleted]",
            "author": "[deleted]",
            "created_utc": 1714644000,
            "score": 3,
            "num_comments": 0,
        },
        {
            "kind": "t3",
            "data": {
                "id": "j2",
                "subreddit": "mentalhealth",
                "title": "t2",
                "author": "someone",
                "created_utc": "1714644001",
                "score": "7",
            },
        },
    ]
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(map(json.dumps, records)) + "\n\n").encode()))
    batch = extract_file(path)
    assert list(batch.rows["post_id"]) == ["j1", "j2"]
    assert list(batch.rows["body_state"]) == ["deleted", "empty"]
    assert batch.rows["author_hash"].isna().tolist() == [True, False]
    assert (batch.records_in_payload, batch.counted_by) == (
        2,
        "non-blank lines of JSON lines (one record per line)",
    )


def test_a_folder_or_a_glob_is_one_batch_in_name_order(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "b.csv").write_text(scrape(scrape_line("bbb1")))
    (folder / "a.csv.gz").write_bytes(gzip.compress(scrape(scrape_line("aaa1")).encode()))
    (folder / "c.jsonl").write_text(
        json.dumps(
            {"id": "ccc1", "subreddit": "depression", "title": "t", "created_utc": 1714644000}
        )
        + "\n"
    )
    (folder / "SOURCE.md").write_text("# not an export\n")
    by_folder = extract_file(folder)
    assert list(by_folder.rows["post_id"]) == ["aaa1", "bbb1", "ccc1"]
    assert by_folder.records_in_payload == 3 and " + " in by_folder.counted_by
    by_glob = extract_file(str(folder / "*.csv*"))
    assert list(by_glob.rows["post_id"]) == ["aaa1", "bbb1"]
    # One landed payload either way: replay needs only it.
    assert by_folder.payload.count(b"\n") == 3


def test_a_missing_required_column_is_named(tmp_path):
    path = tmp_path / "no_date.csv"
    path.write_text("id,title,subreddit,selftext\nabc,t,mentalhealth,b\n")
    with pytest.raises(
        ExtractError,
        match=r"no_date.csv lacks the required column\(s\) "
        r"'created_utc'; it has 'id', 'title', 'subreddit', 'selftext'",
    ):
        extract_file(path)
    path.write_text("title,created_utc,subreddit\nt,1714644000,mentalhealth\n")
    with pytest.raises(ExtractError, match="'id, name or permalink'"):
        extract_file(path)


def test_a_record_split_by_an_unquoted_line_break_is_quarantined(tmp_path):
    """A writer that did not quote a body with a line break: both halves carry what their
    types forbid, go to raw.quarantine with the lines they came from, and the rest loads."""
    good = [scrape_line(f"ok{i:02d}") for i in range(40)]
    broken = scrape_line("brk1", body="BODYSTART").replace(
        "BODYSTART", "I can't sleep\nand my number is 555-123-4567"
    )
    broken = broken.replace(
        '"I can\'t sleep\nand my number is 555-123-4567"',
        "I can't sleep\nand my number is 555-123-4567",
    )
    path = tmp_path / "bad.csv"
    path.write_text(scrape(*good[:20], broken, *good[20:]))
    batch = extract_file(path)
    assert len(batch.rows) == 40
    assert [q.row_number for q in batch.quarantined] == [21, 22]
    first, second = batch.quarantined
    assert (
        "has 5 fields but the header has 13" in first.reason and "bad.csv, line 22" in first.reason
    )
    assert "line 23" in second.reason
    # Counted independently of the reader: the same two records, so the batch balances.
    assert batch.records_in_payload == 42 == batch.rows_in
    text = batch.payload.decode() + "".join(q.excerpt + q.reason for q in batch.quarantined)
    assert "555-123-4567" not in text and "user_brk1" not in text


def test_typed_fields_catch_what_a_cell_count_cannot(tmp_path):
    path = tmp_path / "typed.csv"
    path.write_text(
        scrape(
            scrape_line("ok1"),
            scrape_line("bad1", score="more than yesterday"),
            scrape_line("bad2", when="sometime in May"),
            scrape_line("bad3", subreddit="mental health"),
            scrape_line("bad4", when="1970-01-01 00:15:22"),  # a number in the wrong column
            *[scrape_line(f"ok{i}") for i in range(2, 90)],
        )
    )
    batch = extract_file(path)
    reasons = {q.row_number: q.reason for q in batch.quarantined}
    assert sorted(reasons) == [2, 3, 4, 5]
    assert reasons[2].startswith("score 'more than yesterday' is not a whole number")
    assert reasons[3].startswith("created_utc 'sometime in May' is not a time Reddit")
    assert "subreddit 'mental health' is not a subreddit name" in reasons[4]
    assert "created_utc '1970-01-01 00:15:22'" in reasons[5]
    assert [q.field_names for q in batch.quarantined][:2] == [("score",), ("created_utc",)]


def test_too_many_bad_records_stop_the_run(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text(scrape(*[scrape_line(f"p{i}", score="n/a") for i in range(10)]))
    with pytest.raises(ExtractError, match="10 of 10 records .* failed validation"):
        extract_file(path)


@pytest.mark.parametrize(
    ("text", "records"),
    [
        ("h\na\nb\n", 2),
        ('h\n"multi\nline",x\n\n  \nb\n', 2),
        ('h\n"quote "" and\nnewline",1\r\nnext,2', 2),
        ('h\n5" tall,1\nb,2\n', 2),  # a quote inside an unquoted field is text
        ('h\n"never closed,1\nb,2\n', 1),
        ("", 0),
    ],
)
def test_the_independent_csv_count(text, records):
    assert csv_records(text) == records
    parsed = [row for row in csv.reader(io.StringIO(text, newline="")) if "".join(row).strip()]
    assert max(len(parsed) - 1, 0) == records  # agrees with the csv module on these
