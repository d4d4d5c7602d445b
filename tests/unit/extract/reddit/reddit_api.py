"""A local Reddit API for praw, and the test key and credentials of the Reddit tests.

``RedditServer`` speaks the two endpoints praw calls for ``subreddit.new()`` with a read-only
app: ``POST /api/v1/access_token`` (client credentials, HTTP basic auth) and
``GET /r/<subreddit>/new`` (a Listing of t3 children, newest first, paged with ``limit`` and
``after``). It is written from Reddit's documented JSON shape, not recorded from reddit.com
(the tests never use the network); praw itself runs unchanged against it.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KEY = b"test-author-key-0123456789"
CLIENT_ID, CLIENT_SECRET = "test-client", "test-secret"


class _RedditHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        server: RedditServer = self.server  # type: ignore[assignment]
        length = int(self.headers.get("Content-Length", 0))
        form = parse_qs(self.rfile.read(length).decode())
        server.token_requests.append(
            {"path": self.path, "form": form, "auth": self.headers.get("Authorization", "")}
        )
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if self.path != "/api/v1/access_token" or self.headers.get("Authorization") != expected:
            self._send(401, {"message": "Unauthorized", "error": 401})
            return
        self._send(
            200,
            {
                "access_token": "local-token",
                "token_type": "bearer",
                "expires_in": 3600,
                "scope": "*",
            },
        )

    def do_GET(self):  # noqa: N802
        server: RedditServer = self.server  # type: ignore[assignment]
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        server.requests.append({"path": url.path, "query": query, "headers": dict(self.headers)})
        if server.script:
            scripted = server.script.pop(0)
            if scripted is not None:  # None: answer this request normally
                status, headers, body = scripted
                self._send(status, body, headers)
                return
        if self.headers.get("Authorization") != "bearer local-token":
            self._send(401, {"message": "Unauthorized", "error": 401})
            return
        match = re.fullmatch(r"/r/([^/]+)/new/?", url.path)
        if not match or match.group(1) not in server.posts:
            self._send(404, {"message": "Not Found", "error": 404})
            return
        posts = server.posts[match.group(1)]
        start = 0
        if "after" in query:
            start = next(i for i, p in enumerate(posts) if "t3_" + p["id"] == query["after"]) + 1
        page = posts[start : start + int(query.get("limit", 25))]
        after = "t3_" + page[-1]["id"] if page and start + len(page) < len(posts) else None
        children = [{"kind": "t3", "data": {**p, "name": "t3_" + p["id"]}} for p in page]
        self._send(
            200,
            {
                "kind": "Listing",
                "data": {"after": after, "before": None, "children": children, "dist": len(page)},
            },
        )

    def _send(self, status: int, body, headers: dict | None = None) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep test output quiet
        pass


class RedditServer(ThreadingHTTPServer):
    posts: dict[str, list[dict]]  # subreddit -> posts as Reddit's API writes them, newest first
    # Answers to the next GET requests, in order: (status, headers, body), or None to answer
    # that request normally.
    script: list
    requests: list
    token_requests: list
    thread: threading.Thread

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def listing_requests(self, subreddit: str) -> list[dict]:
        return [r for r in self.requests if r["path"].startswith(f"/r/{subreddit}/new")]


def api_post(post_id: str, created: int, subreddit: str = "mentalhealth", **fields) -> dict:
    """A post as Reddit's API lists it (the fields MindPulse reads, and some it does not)."""
    return {
        "id": post_id,
        "subreddit": subreddit,
        "title": f"Post {post_id}",
        "selftext": f"Body of {post_id}",
        "author": f"author_{post_id}",
        "created_utc": float(created),
        "score": 5,
        "upvote_ratio": 0.9,
        "num_comments": 2,
        "permalink": f"/r/{subreddit}/comments/{post_id}/post_{post_id}/",
        "url": f"https://www.reddit.com/r/{subreddit}/comments/{post_id}/",
        "over_18": False,
        **fields,
    }


def start_reddit_server() -> RedditServer:
    server = RedditServer(("127.0.0.1", 0), _RedditHandler)
    server.posts, server.script, server.requests, server.token_requests = {}, [], [], []
    server.thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    server.thread.start()
    return server


def stop_reddit_server(server: RedditServer) -> None:
    server.shutdown()
    server.server_close()
    server.thread.join(timeout=5)
