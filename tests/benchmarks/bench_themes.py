"""Themes and deterministic insights on synthetic posts at several sizes (a benchmark, not a test).

    .venv/bin/python -m tests.benchmarks.bench_themes                 # 10k and 1M posts
    .venv/bin/python -m tests.benchmarks.bench_themes --posts 100000 --weeks 52

For each size the corpus (synthetic posts with planted themes, tests/unit/ml/reddit_corpus.py)
is written to Parquet, then a fresh interpreter reads it the way the asset reads the mart (the
columns themes use, bodies cut to what they read) and runs build_themes and summarize_themes
without an LLM. Reported: seconds (themes split into prepare, tokenize, models), the fresh
process's peak resident memory (input included, corpus generation not), and the run's shape.
Written to artifacts/bench/themes.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from orchestration.settings import PROJECT_ROOT

REPORT = PROJECT_ROOT / "artifacts" / "bench" / "themes.json"
SUBREDDITS = ("mentalhealth", "anxiety", "depression", "adhd", "lonely", "bipolar")


def run_on(folder: Path) -> dict:
    """In the fresh interpreter: read the corpus, build themes and insights, report."""
    from ml_assets.insights import summarize_themes
    from ml_assets.themes import ThemeSettings, build_themes

    started = time.perf_counter()
    posts = pd.read_parquet(folder / "posts.parquet")
    posts["body"] = posts["body"].str.slice(0, ThemeSettings().max_text_chars)
    sentiment = pd.read_parquet(folder / "sentiment.parquet")
    read = time.perf_counter() - started
    import sklearn.decomposition  # noqa: F401 - import time is not the themes' cost

    started = time.perf_counter()
    themes = build_themes(posts, sentiment)
    themes_seconds = time.perf_counter() - started
    started = time.perf_counter()
    insights = summarize_themes(themes.themes, run_id="bench")
    return {
        "read_seconds": round(read, 1),
        "themes_seconds": round(themes_seconds, 1),
        "themes_split": {k: round(v, 1) for k, v in themes.seconds.items()},
        "insights_seconds": round(time.perf_counter() - started, 1),
        "posts_analysed": themes.posts_analysed,
        "cells_sampled": themes.cells_sampled,
        "weeks_with_themes": themes.weeks - len(themes.weeks_without_themes),
        "theme_rows": len(insights.insights),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def make_corpus(folder: Path, n_posts: int, weeks: int, subreddits: int) -> dict:
    """In its own interpreter too: the runner forked from a process holding the corpus would
    start with that process's memory high-water mark (Linux keeps it across exec)."""
    from tests.unit.ml.reddit_corpus import synthetic_posts

    started = time.perf_counter()
    posts, sentiment = synthetic_posts(n_posts, weeks=weeks, subreddits=SUBREDDITS[:subreddits])
    columns = ["post_id", "subreddit", "title", "body", "created_week"]
    posts[columns].to_parquet(folder / "posts.parquet")
    sentiment[["post_id", "compound"]].to_parquet(folder / "sentiment.parquet")
    return {"corpus_seconds": round(time.perf_counter() - started, 1)}


def _child(*args: object) -> dict:
    completed = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.bench_themes", *map(str, args)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure(n_posts: int, weeks: int, subreddits: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        made = _child("--make-corpus", folder, "--posts", n_posts, "--weeks", weeks,
                      "--subreddits", subreddits)  # fmt: skip
        result = _child("--run-on", folder)
    return {"posts": n_posts, "weeks": weeks, "subreddits": subreddits, **made, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--subreddits", type=int, default=6)
    parser.add_argument("--run-on", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--make-corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_on:
        print(json.dumps(run_on(args.run_on)))
        return
    if args.make_corpus:
        corpus = make_corpus(args.make_corpus, args.posts[0], args.weeks, args.subreddits)
        print(json.dumps(corpus))
        return
    results = [measure(n, args.weeks, args.subreddits) for n in args.posts]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(results, indent=2) + "\n")
    for r in results:
        print(
            f"{r['posts']:>9,} posts, {r['weeks']} weeks x {r['subreddits']} communities: "
            f"themes {r['themes_seconds']} s {r['themes_split']}, insights "
            f"{r['insights_seconds']} s; analysed {r['posts_analysed']:,} "
            f"({r['cells_sampled']} cells sampled), {r['theme_rows']:,} rows; "
            f"peak {r['peak_rss_mb']:,} MB (read {r['read_seconds']} s)"
        )
    print(f"written to {REPORT.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
