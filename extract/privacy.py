"""The privacy gate for everything extract keeps about a rejected record.

No Reddit username, e-mail address, phone number or link to a person's profile may be stored
past extract: not in RAW, not in landing files, not in ``raw.quarantine``, not in logs.
Quarantine therefore keeps only what a person needs to fix the input (reason, offending field
names, a short excerpt), and all of it goes through :func:`scrub_text`, the one scrubber.
``extract.batch.QuarantinedRecord`` applies it when it is built, so every source's quarantine
path passes here by construction.

The patterns lean towards removing too much: a number that merely looks like a phone number is
replaced too, because a leaked phone number cannot be taken back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

EXCERPT_MAX_CHARS = 200
REMOVED = "[removed]"

# 'name@example.org', and also 'name@host' without a top-level domain.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
# International: '+' or '00', a country code, then two to six groups ('+44 20 7946 0958',
# '+33 1 23 45 67 89', '0049-30-123456'), with at least _MIN_PHONE_DIGITS digits so a signed
# number ('+12.5') stays. The lookarounds keep it from starting or ending inside a longer word.
_PHONE_INTERNATIONAL = re.compile(
    r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,6}(?![\w])"
)
# North American: '(555) 123-4567', '555-123-4567', '555.123.4567', '1-800-662-4357',
# '5551234567'. Dates ('09/14/2020', '2020-09-14') and decimals ('28.4') do not have this shape.
_PHONE_US = re.compile(r"(?<![\w+])(?:1[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}(?![\w])")
# 'u/name', '/u/name', 'reddit.com/user/name' (Reddit names: letters, digits, '_' and '-').
_REDDIT_USER = re.compile(r"(?<![\w])/?(?i:u|user)/[A-Za-z0-9_-]+")
# A link to a person's own page on a social, messaging or payment site ('instagram.com/name',
# 'https://wa.me/15551234567', 'tiktok.com/@name'): the link itself names the person. Links to
# other sites (news, 988lifeline.org, a subreddit) are kept: they carry no one's identity.
_PERSONAL_URL = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:(?:www|m|mobile)\.)?"
    r"(?:facebook\.com|fb\.com|instagram\.com|twitter\.com|x\.com|tiktok\.com|threads\.net"
    r"|linkedin\.com/in|snapchat\.com/add|t\.me|wa\.me|venmo\.com|cash\.app|paypal\.me"
    r"|onlyfans\.com|patreon\.com|ko-fi\.com|twitch\.tv|github\.com|discord\.gg"
    r"|discord\.com/users|youtube\.com(?=/(?:@|c/|user/|channel/)))"
    # The path, without trailing punctuation that belongs to the sentence.
    r"/[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]",
    re.IGNORECASE,
)
# '@name' that is not part of an e-mail address (those are replaced first).
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")

_MIN_PHONE_DIGITS = 7  # the shortest international numbers (subscriber number + country code)
# Every pattern needs one of these: links and usernames a '/', e-mail addresses and handles an
# '@', international numbers a '+' or '00' plus a digit, other phone numbers a run of 3 digits.
# Text without any is left as it is without running the patterns (most post text: the
# scrubber then costs a fraction of a microsecond per text instead of tens).
_MAY_HOLD_PERSONAL_DATA = re.compile(r"[@/+]|\d{3}")


def _phone_if_long_enough(match: re.Match) -> str:
    digits = sum(character.isdigit() for character in match.group())
    return "[phone]" if digits >= _MIN_PHONE_DIGITS else match.group()


# Order matters: personal links first (they may hold an '@name' or a phone number), then e-mail
# addresses (they contain '@'), then phone numbers, then names. Each pattern runs only when the
# text holds the character it cannot match without (a url has '/' but seldom '@': its e-mail
# and handle patterns are skipped), which keeps scrubbing millions of urls and titles cheap.
_REPLACEMENTS = (
    ("/", _PERSONAL_URL, "[url]"),
    ("@", _EMAIL, "[email]"),
    ("+ or 00", _PHONE_INTERNATIONAL, _phone_if_long_enough),
    ("digit", _PHONE_US, "[phone]"),
    ("/", _REDDIT_USER, "[username]"),
    ("@", _HANDLE, "[handle]"),
)
_DIGITS = re.compile(r"\d{3}")

# Fields whose value identifies a person whatever it looks like (a bare Reddit author name has
# no 'u/' to recognise it by): their values never reach an excerpt. A field is personal when a
# word of its name is one of these ('author', 'author_fullname', 'Author Email', 'e-mail',
# 'phone_number', 'screenName', ...); words are split on spaces, '_', '-' and camelCase.
PERSONAL_FIELD_WORDS = frozenset(
    {"author", "user", "username", "handle", "screen", "email", "mail", "phone", "mobile"}
)


def scrub_text(text: str) -> str:
    """`text` with personal links, e-mail addresses, phone numbers, Reddit usernames and
    @handles replaced.

    Idempotent: the placeholders ('[url]', '[email]', '[phone]', '[username]', '[handle]')
    match none of the patterns, so scrubbing twice changes nothing.
    """
    if not _MAY_HOLD_PERSONAL_DATA.search(text):
        return text
    # What the text holds before any replacement: a replacement only removes characters.
    present = {
        "/": "/" in text,
        "@": "@" in text,
        "+ or 00": "+" in text or "00" in text,
        "digit": bool(_DIGITS.search(text)),
    }
    for needs, pattern, placeholder in _REPLACEMENTS:
        if present[needs]:
            text = pattern.sub(placeholder, text)
    return text


def bounded(text: str, limit: int = EXCERPT_MAX_CHARS) -> str:
    """`text` cut to at most `limit` characters, marked with '…' when it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scrubbed_excerpt(text: str) -> str:
    """Scrub first, then cut: cutting first could split an address so the pattern misses it."""
    return bounded(scrub_text(text))


def render_record(record: object, first_fields: Iterable[str] = ()) -> str:
    """The record as "name='value'; ..." text, the `first_fields` (the offending ones) first.

    Values of personal fields are replaced by '[removed]'. Whitespace runs become one space, so
    no value is glued to its neighbour in a way that hides a pattern (a newline before a phone
    number must not turn into a letter). The result is not yet scrubbed or bounded: pass it to
    :func:`scrubbed_excerpt` (``QuarantinedRecord`` does).
    """
    if not isinstance(record, Mapping):
        return _plain(record)
    first = [name for name in dict.fromkeys(first_fields) if name in record]
    rest = [name for name in record if name not in first]
    return "; ".join(f"{name}={_value_text(name, record[name])}" for name in first + rest)


def is_personal_field(name: object) -> bool:
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", str(name))  # camelCase: 'authorName'
    return not PERSONAL_FIELD_WORDS.isdisjoint(re.split(r"[\s_-]+", words.lower()))


def _value_text(name: object, value: object) -> str:
    if is_personal_field(name) and value not in (None, ""):
        return REMOVED
    if value is None:
        return "null"
    return f"'{_plain(value)}'"


def _plain(value: object) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value)
    return " ".join(str(value).split())
