"""Live mode: the newest posts of each subreddit through praw (Reddit's official API).

Incremental: ``subreddit.new()`` lists a community's posts newest first; paging stops at the
first post older than the newest one already loaded (posts of that very second are fetched
again and replace their earlier copy). Every subreddit is read back to the same moment, because
the load replaces the whole span of posting times the batch covers. Reddit serves at most about
1,000 posts per listing; a community busier than that between two runs loses the older ones,
and the run says so in its log.

Rate limits: praw (prawcore) reads Reddit's ``X-Ratelimit-*`` headers on every answer and sleeps
before the next request when the allowance runs low, so normal paging stays under the limit by
itself. A 429 Too Many Requests still raises in praw; it is retried here after the
``Retry-After`` the answer gives (or a back-off), at most ``MAX_RETRIES`` times, continuing the
listing where it stopped. praw's own ``ratelimit_seconds`` concerns write actions, not reading.

Credentials come from the caller (orchestration.settings reads REDDIT_CLIENT_ID,
REDDIT_CLIENT_SECRET and REDDIT_USER_AGENT); the app is read-only ("script" or "web" app with
its secret, no user password). praw.ini files and praw_* variables are not needed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import praw
import prawcore

from extract.batch import ExtractError
from extract.reddit.records import SOURCE_FIELDS
from extract.reddit.validation import epoch_seconds

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "MindPulse/0.1 (public-health trends; contact via repository)"
MAX_RETRIES = 3
BACKOFF_BASE_SECONDS = 5.0  # waits 5, 10, 20 s when Reddit gives no Retry-After
MAX_RETRY_AFTER_SECONDS = 120.0
PAGE_SIZE = 100  # Reddit's largest listing page
_HINT = (
    "Create a Reddit app at https://www.reddit.com/prefs/apps (type 'script'), then set "
    "REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET (and REDDIT_USER_AGENT to describe your use); "
    "or run without the API: MINDPULSE_SOURCES=sample, or MINDPULSE_REDDIT_FILE=<export>."
)


@dataclass(frozen=True)
class RedditCredentials:
    client_id: str | None
    client_secret: str | None = field(default=None, repr=False)
    user_agent: str = DEFAULT_USER_AGENT

    def check(self) -> None:
        missing = [
            name
            for name, value in (
                ("REDDIT_CLIENT_ID", self.client_id),
                ("REDDIT_CLIENT_SECRET", self.client_secret),
            )
            if not value
        ]
        if missing:
            raise ExtractError(
                f"Reddit live mode needs {' and '.join(missing)}, which "
                f"{'is' if len(missing) == 1 else 'are'} not set. {_HINT}"
            )


def connect(credentials: RedditCredentials, api_url: str | None = None) -> praw.Reddit:
    """A read-only praw client. `api_url` replaces both of Reddit's hosts (tests)."""
    credentials.check()
    endpoints = {"oauth_url": api_url, "reddit_url": api_url} if api_url else {}
    return praw.Reddit(
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        user_agent=credentials.user_agent or DEFAULT_USER_AGENT,
        check_for_updates=False,  # no call to PyPI on every run
        check_for_async=False,
        **endpoints,
    )


def fetch_new_posts(
    reddit: praw.Reddit,
    subreddits: Iterable[str],
    newest_loaded: datetime | None,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> pd.DataFrame:
    """Posts of `subreddits` newer than `newest_loaded` (all Reddit lists when None), as
    SOURCE_FIELDS records, newest first per subreddit."""
    stop_at = epoch_seconds(newest_loaded) if newest_loaded is not None else None
    records = []
    for name in subreddits:
        # limit=None: page on until the listing ends or we stop; request_limit: posts per page.
        listing = reddit.subreddit(name).new(limit=None, request_limit=PAGE_SIZE)
        fetched, reached = 0, stop_at is None
        for post in _with_retries(listing, name, sleep):
            if stop_at is not None and post.created_utc < stop_at:
                reached = True
                break
            records.append(_record(post))
            fetched += 1
        if not reached:
            log.warning(
                "r/%s: Reddit's listing ended after %d posts before reaching the newest post "
                "loaded; posts in between (if any) were not fetched.",
                name,
                fetched,
            )
    return pd.DataFrame.from_records(records, columns=[*SOURCE_FIELDS, "_source", "_problem"])


def _with_retries(listing, name: str, sleep: Callable[[float], None]) -> Iterator:
    """The listing's posts; a 429 waits and asks for the same page again (praw's listing keeps
    its place: the failed page is requested anew)."""
    failures = 0
    while True:
        try:
            post = next(listing)
        except StopIteration:
            return
        except prawcore.exceptions.TooManyRequests as error:
            failures += 1
            if failures > MAX_RETRIES:
                raise ExtractError(
                    f"Reddit kept answering 429 Too Many Requests for r/{name} "
                    f"({MAX_RETRIES + 1} times). Wait a few minutes and run again; check that "
                    "no other program uses the same client id."
                ) from None
            sleep(_retry_after(error, failures))
            continue
        except prawcore.exceptions.OAuthException as error:
            raise ExtractError(f"Reddit refused the credentials ({error}). {_HINT}") from None
        except (
            prawcore.exceptions.Forbidden,
            prawcore.exceptions.NotFound,
            prawcore.exceptions.Redirect,
        ) as error:
            raise ExtractError(
                f"Reddit refused r/{name} ({error}): the subreddit may be private, banned or "
                "misspelled. Check MINDPULSE_REDDIT_SUBREDDITS."
            ) from None
        except prawcore.exceptions.ResponseException as error:
            if getattr(error.response, "status_code", None) == 401:
                raise ExtractError(f"Reddit refused the credentials ({error}). {_HINT}") from None
            raise ExtractError(
                f"Reddit answered an error for r/{name}: {error}. Try again later."
            ) from None
        except prawcore.exceptions.RequestException as error:
            raise ExtractError(
                f"Cannot reach Reddit for r/{name}: {error}. Check the network and try again."
            ) from None
        failures = 0
        yield post


def _retry_after(error, failures: int) -> float:
    try:
        seconds = float(error.retry_after)
    except (TypeError, ValueError):
        seconds = -1.0
    if 0 <= seconds <= MAX_RETRY_AFTER_SECONDS:
        return seconds
    return BACKOFF_BASE_SECONDS * 2 ** (failures - 1)


def _record(post) -> dict:
    author = post.author  # None for deleted accounts; praw builds it from the listing, no request
    return {
        "id": post.id,
        "name": None,
        "permalink": post.permalink,
        "subreddit": post.subreddit.display_name,
        "title": post.title,
        "selftext": post.selftext,
        "author": None if author is None else author.name,
        "created_utc": post.created_utc,
        "score": post.score,
        "upvote_ratio": getattr(post, "upvote_ratio", None),
        "num_comments": post.num_comments,
        "_source": f"Reddit API, r/{post.subreddit.display_name}",
        "_problem": None,
    }
