"""Themes of Reddit discussion per week × community: TF-IDF + NMF, deterministic and bounded.

Every week gets its own topic model, fitted on a trailing window of posts (the week and the
``window_weeks - 1`` before it, all communities together). Why a window and not one model over
the whole batch: a week with few posts borrows its vocabulary from its neighbours, yet the themes
of a past week depend only on its own window, so they do not change when new weeks arrive; the
summaries written for them (and their LLM cache entries) stay valid. The week's posts and the
previous week's are assigned to that model, so "change vs previous week" compares like with like.
Theme numbers rank a week's themes by size; they are not comparable across weeks (top_terms are).

Work is capped twice: at most ``max_posts_per_cell`` posts of a week × community are analysed
(a fixed sample by post-id hash; counts are then scaled to the cell), and each model is fitted on
at most ``fit_max_posts`` of its window. The text of the mart is already scrubbed at the extract
boundary; excerpts, the only text emitted, are scrubbed again and cut to 200 characters.
"""

from __future__ import annotations

import json
import re
import time
import warnings
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from extract.privacy import scrubbed_excerpt

# Part of every insight's input hash: bump it when the theme logic changes.
THEME_VERSION = "reddit-themes/v1"

# Words that every mental-health community uses whatever it discusses: left in, they would top
# every theme. Also the scrubber's placeholders and Reddit's markers of removed text.
_DOMAIN_WORDS = """
    feel feeling feelings felt feels like just know really want wanted im ive id dont didnt
    doesnt isnt wasnt cant couldnt wont wouldnt shouldnt youre thats theres theyre lets
    did does doing done alot lol gonna wanna kinda
    get gets getting got going go goes gone went think thought people person anyone someone
    everyone thing things stuff time times day days way make makes made good bad lot lots
    even still also much many anything something everything nothing always never ever year
    years month months week weeks today yesterday tomorrow right actually literally maybe
    pretty need needs help mental health mentalhealth post posts posting reddit sub subreddit
    say said tell told ask asked new old little big long able try trying tried use used
    kind sort okay ok yeah yes hi hey thanks thank sorry edit update tldr tl dr
    email phone username handle removed deleted amp nbsp https http www com
"""
DOMAIN_STOP_WORDS = frozenset(_DOMAIN_WORDS.split())
THEME_COLUMNS = [
    "week",  # Monday of the ISO week
    "subreddit",
    "theme",  # 1 = the week's largest theme (all communities together)
    "top_terms",  # comma-separated, strongest first
    "n_posts",  # posts of the week × community in the theme (scaled when the cell was sampled)
    "share",  # of the week × community's analysed posts
    "mean_sentiment",  # mean compound score of the theme's posts; NaN when none is scored
    "excerpts",  # JSON array of scrubbed excerpts, each at most 200 characters
    "week_posts",  # all posts of the week × community
    "sampled",  # True when the cell had more posts than max_posts_per_cell
    "prev_share",  # the same theme's share in the previous week (same model); NaN when none
    "prev_week_posts",  # all posts of the community in the previous week
]
_TOKEN = re.compile(r"[a-z][a-z']*[a-z]")


@dataclass(frozen=True)
class ThemeSettings:
    n_themes: int = 8
    window_weeks: int = 4
    max_posts_per_cell: int = 500
    fit_max_posts: int = 2_000
    max_features: int = 3_000
    min_df: int = 3
    max_df: float = 0.5
    min_window_posts: int = 30  # fewer posts in the window: the week gets no themes
    # A theme of fewer posts in a week × community is not reported: summarizing two or three
    # posts is summarizing their authors, not a pattern.
    min_theme_posts: int = 5
    top_terms: int = 8
    excerpts: int = 3
    max_text_chars: int = 1_000  # of title + body per post: bounds tokenizing a long post
    max_iter: int = 300
    tol: float = 1e-3  # themes need the ranking of terms, not the last digits of the factors
    random_state: int = 0


@dataclass
class ThemeRun:
    themes: pd.DataFrame
    weeks: int = 0
    weeks_without_themes: list[str] = field(default_factory=list)
    posts: int = 0
    posts_analysed: int = 0
    cells_sampled: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


@cache
def stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | DOMAIN_STOP_WORDS


def tokens(text: str) -> list[str]:
    """Lower-case words of two letters or more, apostrophes dropped, stop words removed."""
    stop = stop_words()
    words = (w.replace("'", "") for w in _TOKEN.findall(text.lower().replace("\u2019", "'")))
    return [w for w in words if w not in stop]


def weeks_read(settings: ThemeSettings) -> int:
    """How many weeks before its own a week's themes read: its model's window, and at least
    the previous week (whose posts give prev_share)."""
    return max(settings.window_weeks - 1, 1)


def build_themes(
    posts: pd.DataFrame,
    sentiment: pd.DataFrame | None = None,
    settings: ThemeSettings | None = None,
    weeks: Collection | None = None,
) -> ThemeRun:
    """Themes per week × subreddit from marts.fct_reddit_posts rows (and ml.post_sentiment).

    Same input (in any row order) gives an identical frame. With ``weeks``, only those weeks
    get themes; their rows are the same as without it as long as ``posts`` hold every week
    each of them reads (``weeks_read``), whatever other weeks they hold.
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from threadpoolctl import threadpool_limits

    settings = settings or ThemeSettings()
    clock: dict[str, float] = {}
    started = time.perf_counter()
    frame, totals = _analysed_posts(posts, sentiment, settings)
    clock["prepare"] = time.perf_counter() - started
    run = ThemeRun(themes=pd.DataFrame(columns=THEME_COLUMNS), posts=len(posts))
    run.posts_analysed = len(frame)
    run.cells_sampled = int((totals["week_posts"] > settings.max_posts_per_cell).sum())
    if frame.empty:
        return run

    started = time.perf_counter()
    texts = (frame["title"] + " " + frame["body"].str.slice(0, settings.max_text_chars)).tolist()
    # min_df=2 over everything never drops a term a window keeps (windows need min_df >= 2).
    vectorizer = CountVectorizer(analyzer=tokens, min_df=2, dtype=np.float64)
    try:
        counts = vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no word occurs twice: nothing to find themes in
        counts = None
    clock["tokenize"] = time.perf_counter() - started

    started = time.perf_counter()
    weeks_found = np.sort(frame["week"].unique())
    if weeks is not None:
        wanted = pd.to_datetime(pd.Series(list(weeks), dtype=object)).to_numpy("datetime64[ns]")
        weeks_found = weeks_found[np.isin(weeks_found, wanted)]
    run.weeks = len(weeks_found)
    rows: list[dict] = []
    # One BLAS thread: identical floating-point sums on every machine (and no contention with
    # the other assets sharing the cores).
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)  # ConvergenceWarning at max_iter
        vocabulary = vectorizer.get_feature_names_out() if counts is not None else None
        columns = {name: frame[name].to_numpy() for name in frame.columns}
        cells = totals[["week", "subreddit", "week_posts"]].itertuples(index=False)
        cell_posts = {(week, subreddit): int(n) for week, subreddit, n in cells}
        for week in weeks_found:
            found = None
            if counts is not None:
                found = _week_themes(week, columns, counts, vocabulary, cell_posts, settings)
            if found is None:
                run.weeks_without_themes.append(str(pd.Timestamp(week).date()))
            else:
                rows.extend(found)
    clock["models"] = time.perf_counter() - started
    if rows:
        run.themes = (
            pd.DataFrame(rows, columns=THEME_COLUMNS)
            .sort_values(["week", "subreddit", "theme"], kind="stable")
            .reset_index(drop=True)
        )
    run.seconds = {name: round(value, 3) for name, value in clock.items()}
    return run


def _analysed_posts(
    posts: pd.DataFrame, sentiment: pd.DataFrame | None, settings: ThemeSettings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The posts to analyse, in a canonical order, and every week × community's post count.

    The sample is drawn on the keys alone; text and scores are attached to the chosen rows
    only (at a million posts, copying every body first costs more than the draw).
    """
    keys = pd.DataFrame(
        {
            "post_id": posts["post_id"].astype(str).to_numpy(),
            "subreddit": posts["subreddit"].astype(str).str.lower().to_numpy(),
            "week": pd.to_datetime(posts["created_week"]).to_numpy("datetime64[ns]"),
            "row": np.arange(len(posts)),
        }
    )
    # A fixed pseudo-random order per post: the sample of a crowded cell is the same every run.
    keys["draw"] = pd.util.hash_pandas_object(keys["post_id"], index=False).to_numpy()
    keys = keys.sort_values(["week", "subreddit", "draw", "post_id"], kind="stable")
    cells = keys.groupby(["week", "subreddit"], sort=False)
    totals = cells.size().rename("week_posts").reset_index()
    frame = keys[cells.cumcount().to_numpy() < settings.max_posts_per_cell].reset_index(drop=True)
    rows = frame.pop("row").to_numpy()
    frame["title"] = posts["title"].to_numpy()[rows]
    frame["body"] = posts["body"].to_numpy()[rows]
    frame[["title", "body"]] = frame[["title", "body"]].fillna("").astype(str)
    if sentiment is not None and len(sentiment):
        scores = sentiment[["post_id", "compound"]].astype({"post_id": str})
        scores = scores.drop_duplicates("post_id").set_index("post_id")["compound"]
        frame["compound"] = frame["post_id"].map(scores).astype(float)
    else:
        frame["compound"] = np.nan
    return frame, totals


def _week_themes(week, columns, counts, vocabulary, totals, settings) -> list[dict] | None:
    """The theme rows of one week, or None when its window is too thin for a model.

    ``columns`` are the analysed posts' columns as arrays, ``totals`` every week × community's
    post count.
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfTransformer

    week_values = columns["week"]
    start = week - np.timedelta64(7 * (settings.window_weeks - 1), "D")
    lo = np.searchsorted(week_values, start, side="left")
    hi = np.searchsorted(week_values, week, side="right")
    window = np.arange(lo, hi)
    if len(window) < settings.min_window_posts:
        return None
    draws = columns["draw"][window]
    sample = np.sort(window[np.argsort(draws, kind="stable")[: settings.fit_max_posts]])
    x_sample = counts[sample]
    df = np.asarray((x_sample > 0).sum(axis=0)).ravel()
    keep = np.flatnonzero((df >= settings.min_df) & (df <= settings.max_df * len(sample)))
    if len(keep) > settings.max_features:  # the most common terms, ties alphabetically
        keep = np.sort(keep[np.lexsort((keep, -df[keep]))][: settings.max_features])
    n_themes = min(settings.n_themes, max(2, len(sample) // 25))
    if len(keep) < 2 * n_themes:
        return None
    tfidf = TfidfTransformer(sublinear_tf=True).fit(x_sample[:, keep])
    model = NMF(
        n_components=n_themes,
        init="nndsvda",
        random_state=settings.random_state,
        max_iter=settings.max_iter,
        tol=settings.tol,
    ).fit(tfidf.transform(x_sample[:, keep]))

    # The previous week's posts and this week's, assigned in one pass (they are adjacent).
    previous = week - np.timedelta64(7, "D")
    first_prev, first = np.searchsorted(week_values, [previous, week], side="left")
    weights = model.transform(tfidf.transform(counts[first_prev:hi][:, keep]))
    assigned = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    theme, weight = assigned[first - first_prev :], weights.max(axis=1)[first - first_prev :]
    prev_theme = assigned[: first - first_prev]

    # Theme 1 is the week's largest; ties by their terms, so the numbering is reproducible.
    terms = [_top_terms(model.components_[t], vocabulary[keep], settings) for t in range(n_themes)]
    sizes = np.bincount(theme[theme >= 0], minlength=n_themes)
    order = sorted(range(n_themes), key=lambda t: (-sizes[t], terms[t]))

    # Plain arrays from here: a week has up to communities × themes cells to aggregate.
    subreddits = columns["subreddit"][first:hi]
    prev_subreddits = columns["subreddit"][first_prev:first]
    rows = []
    for subreddit in sorted(set(subreddits)):
        cell = np.flatnonzero(subreddits == subreddit)  # positions within this week
        prev_cell = prev_theme[prev_subreddits == subreddit]
        week_posts = totals[(pd.Timestamp(week), subreddit)]
        for rank, t in enumerate(order, start=1):
            members = cell[theme[cell] == t]
            if len(members) < settings.min_theme_posts:
                continue
            share = len(members) / len(cell)
            scores = columns["compound"][first + members]
            scores = scores[~np.isnan(scores)]
            rows.append(
                {
                    "week": pd.Timestamp(week).date(),
                    "subreddit": subreddit,
                    "theme": rank,
                    "top_terms": ", ".join(terms[t]),
                    "n_posts": int(round(share * week_posts)),
                    "share": round(share, 4),
                    "mean_sentiment": round(float(scores.mean()), 4) if len(scores) else np.nan,
                    "excerpts": json.dumps(
                        _excerpts(first + members, weight[members], columns, settings),
                        ensure_ascii=False,
                    ),
                    "week_posts": week_posts,
                    "sampled": week_posts > settings.max_posts_per_cell,
                    "prev_share": round(float((prev_cell == t).mean()), 4)
                    if len(prev_cell)
                    else np.nan,
                    "prev_week_posts": totals.get((pd.Timestamp(previous), subreddit), 0),
                }
            )
    return rows


def _top_terms(component: np.ndarray, vocabulary: np.ndarray, settings: ThemeSettings) -> list:
    order = np.lexsort((vocabulary, -np.round(component, 10)))  # strongest first, ties by term
    return [str(vocabulary[i]) for i in order[: settings.top_terms] if component[i] > 0]


def _excerpts(rows: np.ndarray, weights: np.ndarray, columns: dict, settings) -> list[str]:
    """The theme's most typical posts (highest weight, ties by post id), scrubbed and cut."""
    post_ids = columns["post_id"]
    ranked = sorted(range(len(rows)), key=lambda i: (-weights[i], post_ids[rows[i]]))
    chosen: list[str] = []
    for i in ranked:
        title, body = columns["title"][rows[i]], columns["body"][rows[i]]
        text = " ".join(f"{title} — {body}".split()) if body else " ".join(title.split())
        excerpt = scrubbed_excerpt(text)
        if excerpt and excerpt not in chosen:  # no two alike (cross-posts)
            chosen.append(excerpt)
        if len(chosen) == settings.excerpts:
            break
    return chosen
