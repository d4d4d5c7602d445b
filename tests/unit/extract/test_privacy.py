"""The privacy scrubber every quarantine entry passes through."""

from __future__ import annotations

import pytest

from extract.batch import ExtractError, QuarantinedRecord, check_bad_share
from extract.privacy import EXCERPT_MAX_CHARS, scrub_text


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("write to jane.doe+mh@example.co.uk today", "write to [email] today"),
        ("admin@localhost", "[email]"),
        ("call (555) 123-4567", "call [phone]"),
        ("555-123-4567 or 555.123.4567", "[phone] or [phone]"),
        ("5551234567", "[phone]"),
        ("1-800-662-4357", "[phone]"),
        ("+1 555 123 4567", "[phone]"),
        ("+44 20 7946 0958", "[phone]"),
        ("+33 1 23 45 67 89", "[phone]"),
        ("0049-30-123456", "[phone]"),
        ("+4915112345678", "[phone]"),
        ("thanks u/someone!", "thanks [username]!"),
        ("see /u/Some_One-2 and U/caps", "see [username] and [username]"),
        ("https://www.reddit.com/user/someone", "https://www.reddit.com/[username]"),
        ("ping @some.handle_1.", "ping [handle]."),
        ("line one\ncall 555-123-4567", "line one\ncall [phone]"),
        ("follow instagram.com/jane_doe99 too", "follow [url] too"),
        ("https://www.tiktok.com/@someone.", "[url]."),
        ("text wa.me/15551234567, or x.com/jane?s=1", "text [url], or [url]"),
        ("youtube.com/@someone and linkedin.com/in/jane-doe", "[url] and [url]"),
    ],
)
def test_personal_data_is_replaced_by_placeholders(text, scrubbed):
    assert scrub_text(text) == scrubbed
    assert scrub_text(scrubbed) == scrubbed  # scrubbing twice changes nothing


@pytest.mark.parametrize(
    "text",
    [
        "Time Period Start Date '13/45/2021' is not a MM/DD/YYYY date",
        "Time Period Start Date 09/20/2020 is after Time Period End Date 09/14/2020",
        "time_period_start_date '2020-04-23T00:00:00.000' is fine",
        "Value 'n/a' is not a number; Time Period '14.5' is not an integer",
        "27.0 - 29.8; +12.5; -3.25; 16,794 records",
        "3.0 (Jan 6 - Mar 29), Sep 2 - Sep 14, 2020, 30 - 39 years",
        "cdc_pulse-sample-20240101T120000123456Z-12345678",
        "the line has 15 fields but the header has 14",
        "see https://988lifeline.org/chat and fox.com/news or youtube.com/watch?v=abc",
        "instagram.com is where it started, and /r/mentalhealth/comments/18e3pnh/",
    ],
)
def test_survey_text_and_numbers_are_left_alone(text):
    assert scrub_text(text) == text


def test_a_quarantined_record_is_scrubbed_however_it_is_built():
    direct = QuarantinedRecord(
        3, "Value 'me@example.org' is not a number", ("@field",), "by u/someone, +1 555 123 4567"
    )
    assert direct.reason == "Value '[email]' is not a number"
    assert direct.field_names == ("[handle]",)
    assert direct.excerpt == "by [username], [phone]"


def test_the_excerpt_leads_with_the_offending_fields_and_leaves_out_people():
    record = {
        "id": "abc123",
        "author": "throwaway_2024",  # a bare username: only its field name gives it away
        "Author Email": "someone@example.org",
        "selftext": "DM me at 555-123-4567",
        "authorName": "Jane",
        "created_utc": "yesterday",
    }
    quarantined = QuarantinedRecord.of(
        7, record, "created_utc 'yesterday' is not a time", ["created_utc"]
    )
    assert quarantined.excerpt == (
        "created_utc='yesterday'; id='abc123'; author=[removed]; Author Email=[removed]; "
        "selftext='DM me at [phone]'; authorName=[removed]"
    )
    assert quarantined.field_names == ("created_utc",)


def test_the_excerpt_is_scrubbed_before_it_is_cut():
    # Cut first, the address would end as 'jane.doe@exam' and slip past the e-mail pattern.
    record = {"text": "x" * (EXCERPT_MAX_CHARS - 20) + " jane.doe@example.com and more text"}
    excerpt = QuarantinedRecord.of(1, record, "too long").excerpt
    assert len(excerpt) == EXCERPT_MAX_CHARS and excerpt.endswith("…")
    assert "[email]" in excerpt and "jane" not in excerpt


def test_a_stopped_run_names_no_personal_data_in_its_error():
    quarantined = [
        QuarantinedRecord.of(
            n,
            {"Value": "call 555-123-4567"},
            "Value 'call 555-123-4567' is not a number",
            ["Value"],
        )
        for n in range(1, 4)
    ]
    with pytest.raises(ExtractError) as raised:
        check_bad_share(4, quarantined, 0.05, "Check the file.")
    message = str(raised.value)
    assert "Value 'call [phone]' is not a number" in message
    assert "555" not in message
