"""One GET of a JSON API with the retries every live source needs (CDC's SODA API, NewsAPI).

429 Too Many Requests, 5xx answers and connection failures are retried with exponential
backoff (2, 4, 8 s), at most ``max_retries`` times, honouring a short ``Retry-After`` (a long
one is not worth blocking a run for: the backoff is used instead). An answer that retrying
cannot change (401, 404, a rejected parameter) is handed to the source's own function, which
knows what its API's refusals mean and builds the error that says how to fix them. The sleep is
injectable so tests do not wait.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import requests

from extract.batch import ExtractError

TIMEOUT = (10, 60)  # seconds: connect, read
BACKOFF_BASE_SECONDS = 2.0  # waits 2, 4, 8 s
MAX_RETRY_AFTER_SECONDS = 60.0  # a longer Retry-After is not worth blocking a run for
RETRY_STATUSES = frozenset({429} | set(range(500, 600)))


def status_line(response: requests.Response) -> str:
    """'HTTP 503 Service Unavailable': how a retried answer is named by default."""
    return f"HTTP {response.status_code} {response.reason}"


@dataclass(frozen=True)
class JsonApi:
    """What the shared fetching needs to know of a source's API to word its errors."""

    name: str  # how messages name the API: 'The CDC API', 'NewsAPI'
    hint: str  # what to do about a failed request; closes the retry and not-JSON messages
    # The error for an answer retrying cannot change, given the answer and `where`; get_json
    # raises what it returns.
    refused: Callable[[requests.Response, str], Exception]
    # How the last retried answer is named when the retries run out (NewsAPI's 429 adds its
    # error code and what its plans allow).
    describe_retried: Callable[[requests.Response], str] = status_line


def describe_request(url: str, params: Mapping[str, str], leave_out: tuple[str, ...] = ()) -> str:
    """'<url> (name=value, ...)': how messages name a request (never put secrets in params)."""
    shown = ", ".join(f"{k}={v}" for k, v in params.items() if k not in leave_out)
    return f"{url} ({shown})"


def get_json(
    session: requests.Session,
    url: str,
    params: Mapping[str, str],
    headers: Mapping[str, str],
    *,
    api: JsonApi,
    max_retries: int,
    sleep: Callable[[float], None],
    where: str | None = None,
    timeout: tuple[float, float] = TIMEOUT,
) -> object:
    """The decoded JSON of a 200 answer to GET `url`, after at most `max_retries` retries.

    `where` names the request in messages (default: the url and params). Raises ExtractError
    when the retries run out or a 200 answer is not JSON, and what `api.refused` builds for
    an answer that is neither 200 nor retryable.
    """
    where = where or describe_request(url, params)
    failure = ""
    for attempt in range(max_retries + 1):
        delay = BACKOFF_BASE_SECONDS * 2**attempt
        try:
            response = session.get(url, params=params, headers=headers, timeout=timeout)
        except (requests.ConnectionError, requests.Timeout) as error:
            failure = f"{type(error).__name__}: {error}"
        else:
            if response.status_code == 200:
                return _decode(response, where, api)
            if response.status_code not in RETRY_STATUSES:
                raise api.refused(response, where)
            failure = api.describe_retried(response)
            delay = retry_after(response) or delay
        if attempt < max_retries:
            sleep(delay)
    raise ExtractError(
        f"{api.name} request {where} failed {max_retries + 1} times "
        f"(last failure: {failure}). {api.hint}"
    )


def retry_after(response: requests.Response) -> float | None:
    """The server's Retry-After in seconds when it is a small number, else None (use backoff)."""
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None  # absent, or an HTTP date: fall back to our own backoff
    return seconds if 0 <= seconds <= MAX_RETRY_AFTER_SECONDS else None


def _decode(response: requests.Response, where: str, api: JsonApi) -> object:
    try:
        return response.json()
    except ValueError:
        raise ExtractError(
            f"{api.name} answered {where} with something that is not JSON "
            f"(starts with {response.text[:80]!r}). {api.hint}"
        ) from None
