"""File mode: NewsAPI responses people saved, one file, a folder or a glob of them.

Each file holds one response as NewsAPI sends it (``{"status": "ok", "totalResults": N,
"articles": [...]}``; ``status`` and ``totalResults`` may be missing, as in caches that kept
only the articles), optionally gzip-compressed. A saved error response stops the run with
NewsAPI's message. Files carry no query, so their records have no matched_query.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from extract import files
from extract.news.records import PAYLOAD_FIELDS
from extract.news.response import parse_response_text, records_of_response

WHAT = "NewsAPI response"
FILE_HINT = (
    "MINDPULSE_NEWS_FILE takes a NewsAPI response saved as JSON (optionally .gz), a folder of "
    "them, or a glob such as '/data/news/*.json'."
)


def resolve_files(spec: str | Path) -> list[Path]:
    """The files `spec` names: itself, the .json files of a folder, or a glob's matches."""
    return files.resolve_files(spec, lambda p: files.format_suffix(p) == ".json", WHAT, FILE_HINT)


def read_files(paths: list[Path]) -> pd.DataFrame:
    """The records (PAYLOAD_FIELDS) of every file, in file-name order."""
    frames = [read_file(path) for path in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=PAYLOAD_FIELDS)


def read_file(path: Path) -> pd.DataFrame:
    text = files.read_text(path, WHAT, FILE_HINT)
    return records_of_response(parse_response_text(text, path.name), path.name)
