"""Client for the SODA API of data.cdc.gov dataset 8pt5-q6wp (live mode).

Pages through the dataset with ``$limit``/``$offset`` in a stable ``$order=:id``, sends the
optional app token as ``X-App-Token`` (without one, Socrata throttles harder), and retries 429
and 5xx answers and connection failures with exponential backoff, at most ``max_retries`` times,
honouring a short ``Retry-After`` (``extract.http_fetch``, shared with the other live sources).
The sleep is injectable so tests do not wait.

SODA writes field names in snake_case, dates as ISO timestamps ('2020-04-23T00:00:00.000'),
numbers often as strings, and omits fields whose value is null (gap rows carry no ``value``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime

import requests

from extract.batch import ExtractError
from extract.cdc_pulse.records import RecordError, RecordFormat
from extract.http_fetch import JsonApi, describe_request, get_json
from extract.payload_counts import physical_lines

SODA_URL = "https://data.cdc.gov/resource/8pt5-q6wp.json"
PAGE_SIZE = 50_000  # SODA 2.1's largest page
MAX_RETRIES = 3
_HINT = (
    "Check network access to data.cdc.gov (https://data.cdc.gov/d/8pt5-q6wp) and try again "
    "later; to run without the API use MINDPULSE_SOURCES=sample, or download the CSV export "
    "and set MINDPULSE_CDC_PULSE_FILE to its path."
)


def _parse_iso_date(text: str) -> date:
    return datetime.fromisoformat(text).date()


SODA_FORMAT = RecordFormat(
    fields={
        "indicator": ("indicator",),
        "group_name": ("group",),
        "state": ("state",),
        "subgroup": ("subgroup",),
        "phase": ("phase",),
        "time_period": ("time_period",),
        "time_period_label": ("time_period_label",),
        "period_start": ("time_period_start_date",),
        "period_end": ("time_period_end_date",),
        "value": ("value",),
        # Unverified against the live API: one client seen uses lowci/highci; accept both.
        "low_ci": ("lowci", "low_ci"),
        "high_ci": ("highci", "high_ci"),
        "confidence_interval": ("confidence_interval",),
        "quartile_range": ("quartile_range",),
    },
    date_description="YYYY-MM-DD (ISO 8601)",
    parse_date=_parse_iso_date,
)


# The accounting check compares the records loaded and quarantined with this count.
COUNTED_BY = "the record count the CDC API reported before paging (count(*))"
_COUNT_ALIAS = "record_count"


def fetch_record_count(
    base_url: str = SODA_URL,
    *,
    app_token: str | None = None,
    session: requests.Session | None = None,
    max_retries: int = MAX_RETRIES,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """How many records the dataset holds, as the API reports it (SoQL `count(*)`).

    Counted by the server, independently of the paging: a fetch whose paging stops early
    loads fewer records than this, and the accounting check catches it.
    """
    own_session = session is None
    session = session or requests.Session()
    params = {"$select": f"count(*) AS {_COUNT_ALIAS}"}
    try:
        page = _get_page(session, base_url, params, _headers(app_token), max_retries, sleep)
    finally:
        if own_session:
            session.close()
    try:
        return int(page[0][_COUNT_ALIAS])
    except (IndexError, KeyError, TypeError, ValueError):
        raise ExtractError(
            f"The CDC API answered the record count query on {base_url} with "
            f'{json.dumps(page)[:120]}, not [{{"{_COUNT_ALIAS}": "<number>"}}]. {_HINT}'
        ) from None


def _headers(app_token: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json", "User-Agent": "MindPulse extract (cdc_pulse)"}
    if app_token:
        headers["X-App-Token"] = app_token
    return headers


def fetch_records(
    base_url: str = SODA_URL,
    *,
    app_token: str | None = None,
    session: requests.Session | None = None,
    page_size: int = PAGE_SIZE,
    max_retries: int = MAX_RETRIES,
    sleep: Callable[[float], None] = time.sleep,
) -> list:
    """Every record of the dataset, in `:id` order, as decoded from the API's JSON pages."""
    own_session = session is None
    session = session or requests.Session()
    headers = _headers(app_token)
    records: list = []
    try:
        offset = 0
        while True:
            params = {"$limit": str(page_size), "$offset": str(offset), "$order": ":id"}
            page = _get_page(session, base_url, params, headers, max_retries, sleep)
            records.extend(page)
            if len(page) < page_size:
                return records
            offset += page_size
    finally:
        if own_session:
            session.close()


def to_json_lines(records: list) -> bytes:
    """The payload as landed: one record per line, as the API sent it."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def numbered_records(records: list) -> Iterator[tuple[int, dict, RecordError | None]]:
    """Items for `validate_records`; a page entry that is not an object is a structural error."""
    for row_number, record in enumerate(records, start=1):
        if isinstance(record, dict):
            yield row_number, record, None
        else:
            yield row_number, {"_value": record}, RecordError("the record is not a JSON object")


def parse_json_lines(text: str) -> Iterator[tuple[int, dict, RecordError | None]]:
    """Items for `validate_records` from landed JSON lines (replay of a live batch)."""
    row_number = 0
    for line_number, line in enumerate(physical_lines(text), start=1):
        if not line.strip():
            continue
        row_number += 1
        try:
            record = json.loads(line)
        except ValueError as error:
            problem = RecordError(f"line {line_number} is not valid JSON ({error.msg})")
            yield row_number, {"_line": line}, problem
            continue
        if isinstance(record, dict):
            yield row_number, record, None
        else:
            yield row_number, {"_value": record}, RecordError("the record is not a JSON object")


def _get_page(
    session: requests.Session,
    url: str,
    params: dict[str, str],
    headers: dict[str, str],
    max_retries: int,
    sleep: Callable[[float], None],
) -> list:
    where = describe_request(url, params, leave_out=("$order",))
    page = get_json(
        session, url, params, headers, api=_API, max_retries=max_retries, sleep=sleep, where=where
    )
    return _checked_page(page, where)


def _checked_page(page: object, where: str) -> list:
    if isinstance(page, dict) and page.get("error"):
        raise ExtractError(f"The CDC API reported an error for {where}: {page.get('message')}.")
    if not isinstance(page, list):
        raise ExtractError(
            f"The CDC API answered {where} with a JSON {type(page).__name__}, not a list of "
            "records; check that the URL is a SODA resource such as " + SODA_URL
        )
    return page


def _refused(response: requests.Response, where: str) -> ExtractError:
    status = response.status_code
    if status in (401, 403):
        fix = "Check MINDPULSE_CDC_APP_TOKEN (unset it to call the API without a token)."
    elif status == 404:
        fix = f"Check the dataset URL; the CDC dataset is {SODA_URL}."
    else:
        fix = "The request was rejected; check the URL and query parameters."
    return ExtractError(
        f"The CDC API refused {where}: HTTP {status} {response.reason} "
        f"({response.text[:200]!r}). {fix}"
    )


_API = JsonApi(name="The CDC API", hint=_HINT, refused=_refused)
