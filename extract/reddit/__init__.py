"""Reddit posts of mental-health communities: praw (live), exports (file), a generator.

Modes: ``sample`` (generated, offline, the default), ``live`` (Reddit's API through praw, only
posts newer than the newest loaded) and ``file`` (CSV or JSON lines exports, one file, a folder
or a glob). Every mode lands private records only. See ``extract_reddit``.
"""

from extract.reddit.extract import extract_reddit
from extract.reddit.records import RAW_TABLE, SOURCE

__all__ = ["RAW_TABLE", "SOURCE", "extract_reddit"]
