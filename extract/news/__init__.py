"""News coverage of mental health: NewsAPI (live), saved NewsAPI responses (file), a generator.

Modes: ``sample`` (generated, offline, the default), ``live`` (NewsAPI's /v2/everything
search with MINDPULSE_NEWSAPI_KEY, only articles newer than the newest loaded) and ``file``
(NewsAPI responses saved as JSON: one file, a folder or a glob). Only article metadata lands:
no author, description or content. See ``extract_news``.
"""

from extract.news.extract import batch_from_payload, extract_news
from extract.news.records import RAW_CONTRACT, RAW_TABLE, SOURCE

__all__ = ["RAW_CONTRACT", "RAW_TABLE", "SOURCE", "batch_from_payload", "extract_news"]
