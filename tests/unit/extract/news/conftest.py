"""Fixtures of the news extract tests (the local NewsAPI lives in newsapi.py)."""

from __future__ import annotations

import pytest

from tests.unit.extract.news.newsapi import start_newsapi_server, stop_newsapi_server


@pytest.fixture
def newsapi_server():
    server = start_newsapi_server()
    yield server
    stop_newsapi_server(server)
