"""Fixtures of the Reddit extract tests (the local Reddit API lives in reddit_api.py)."""

from __future__ import annotations

import pytest

from tests.unit.extract.reddit.reddit_api import start_reddit_server, stop_reddit_server


@pytest.fixture
def reddit_server():
    server = start_reddit_server()
    yield server
    stop_reddit_server(server)
