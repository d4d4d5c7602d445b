"""A local NewsAPI on 127.0.0.1 for the live tests (real requests, no internet), and helpers.

The server answers ``/v2/everything`` as NewsAPI documents it: ``{"status": "ok",
"totalResults": N, "articles": [...]}`` pages by ``page``/``pageSize``, errors as
``{"status": "error", "code": ..., "message": ...}``, the developer plan's result cap as HTTP
426 ``maximumResultsReached``. It is written from NewsAPI's documentation, not recorded.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CAP_MESSAGE = (
    "You have requested too many results. Developer accounts are limited to a max of 100 "
    "results. You are trying to request results 100 to 200. Please upgrade to a paid plan if "
    "you need more results."
)


def article(number: int, query: str = "anxiety", **changes) -> dict:
    """A NewsAPI article, with the personal data real ones carry in author and excerpts."""
    base = {
        "source": {"id": None, "name": "Example Times"},
        "author": f"Reporter {number} (reporter{number}@example.org)",
        "title": f"Story {number} about {query} - Example Times",
        "description": "Call 202-555-0147 for the study team.",
        "url": f"https://www.example.org/news/{query.replace(' ', '-')}-{number}",
        "urlToImage": f"https://img.example.org/{number}.jpg",
        "publishedAt": f"2026-11-{1 + number % 20:02d}T{number % 24:02d}:15:00Z",
        "content": "Write to desk@example.org or call (202) 555-0199 … [+2011 chars]",
    }
    return {**base, **changes}


class RecordingSleep:
    def __init__(self):
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        server: NewsApiServer = self.server  # type: ignore[assignment]
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        server.requests.append({"path": parts.path, "query": query, "headers": dict(self.headers)})
        if server.script:
            status, headers, body = server.script.pop(0)
        else:
            status, headers, body = server.answer(query)
        data = (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep test output quiet
        pass


class NewsApiServer(ThreadingHTTPServer):
    articles: dict[str, list]  # query -> its articles, newest first
    script: list  # (status, headers, body) answers served first, in order
    requests: list
    result_cap: int | None  # the plan's result cap (100 on the developer plan); None: none
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/v2/everything"

    def answer(self, query: dict) -> tuple[int, dict, object]:
        found = self.articles.get(query.get("q", ""), [])
        page, size = int(query.get("page", 1)), int(query.get("pageSize", 100))
        start = (page - 1) * size
        if self.result_cap is not None and start >= self.result_cap:
            error = {"status": "error", "code": "maximumResultsReached", "message": CAP_MESSAGE}
            return 426, {}, error
        body = {"status": "ok", "totalResults": len(found), "articles": found[start : start + size]}
        return 200, {}, body


def start_newsapi_server() -> NewsApiServer:
    server = NewsApiServer(("127.0.0.1", 0), _Handler)
    server.articles, server.script, server.requests, server.result_cap = {}, [], [], None
    server.thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    server.thread.start()
    return server


def stop_newsapi_server(server: NewsApiServer) -> None:
    server.shutdown()
    server.server_close()
    server.thread.join(timeout=5)
