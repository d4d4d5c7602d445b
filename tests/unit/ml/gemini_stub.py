"""A local HTTP server that speaks the part of the Gemini REST API MindPulse uses.

``POST /v1beta/models/<model>:generateContent`` answers like Google's service: a JSON body
with ``candidates[].content.parts[].text``, or an error body ``{"error": {code, message,
status, details}}``. The real google-genai client is pointed at it through
``HttpOptions(base_url=...)``, so the tests exercise the library's own request building,
retries and error mapping; nothing leaves the machine. Every request is recorded (path,
headers, JSON body) for the tests to check what would have been sent.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ml_assets.gemini import GeminiConfig

GOOD_KEY = "test-key-0123456789"
_PATH = re.compile(r"^/v1beta/models/(?P<model>[^/:]+):generateContent$")

ERRORS = {
    400: ("INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."),
    403: ("PERMISSION_DENIED", "Method doesn't allow unregistered callers."),
    404: ("NOT_FOUND", "models/{model} is not found for API version v1beta."),
    429: ("RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
    500: ("INTERNAL", "An internal error has occurred."),
    503: ("UNAVAILABLE", "The model is overloaded. Please try again later."),
}


@dataclass
class Recorded:
    model: str
    headers: dict[str, str]
    body: dict

    @property
    def system(self) -> str:
        return " ".join(p["text"] for p in self.body["systemInstruction"]["parts"])

    @property
    def prompt(self) -> str:
        return " ".join(p["text"] for c in self.body["contents"] for p in c["parts"])


@dataclass
class GeminiStub:
    """Scripted answers: ``queue`` statuses first (200 = a normal answer), then ``default``."""

    models: tuple[str, ...] = ("gemini-2.5-flash", "gemini-test")
    default: int = 200
    queue: deque = field(default_factory=deque)
    answer: str = "Posts in this theme discuss {terms}."
    empty_answer: bool = False  # a blocked answer: finishReason SAFETY and no text
    requests: list[Recorded] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def respond(self, model: str, headers: dict[str, str], body: dict) -> tuple[int, dict]:
        with self.lock:
            self.requests.append(Recorded(model, headers, body))
            status = self.queue.popleft() if self.queue else self.default
        if headers.get("x-goog-api-key") != GOOD_KEY:
            return 400, _error(400, model, reason="API_KEY_INVALID")
        if model not in self.models:
            return 404, _error(404, model)
        if status != 200:
            return status, _error(status, model)
        if self.empty_answer:
            return 200, {"candidates": [{"finishReason": "SAFETY", "index": 0}]}
        prompt = " ".join(p["text"] for c in body["contents"] for p in c["parts"])
        terms = re.search(r"Theme terms, strongest first: ([^\n]*)", prompt)
        text = self.answer.format(terms=terms.group(1) if terms else "?")
        return 200, {
            "candidates": [
                {
                    "content": {"parts": [{"text": text}], "role": "model"},
                    "finishReason": "STOP",
                    "index": 0,
                }
            ],
            "usageMetadata": {"promptTokenCount": 300, "candidatesTokenCount": 40},
            "modelVersion": model,
        }


def _error(status: int, model: str, reason: str | None = None) -> dict:
    name, message = ERRORS.get(status, ("UNKNOWN", "error"))
    error = {"code": status, "message": message.format(model=model), "status": name}
    if reason:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
            }
        ]
    return {"error": error}


def serve(stub: GeminiStub) -> tuple[ThreadingHTTPServer, str]:
    """Start the stub on a free local port; returns the server and its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            match = _PATH.match(self.path.split("?")[0])
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if not match:
                status, payload = 404, {"error": {"code": 404, "message": "no such path"}}
            else:
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, payload = stub.respond(match["model"], headers, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json; charset=UTF-8")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll interval: shutdown() returns within 50 ms instead of 500.
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def stub_config(stub: GeminiStub, **overrides) -> GeminiConfig:
    """Settings that point the real client at the stub, with a tiny backoff so retries cost
    milliseconds (the schedule itself is google-genai's)."""
    settings = dict(api_key=GOOD_KEY, model="gemini-test", base_url=stub.url,
                    initial_delay=0.01, max_delay=0.02, jitter=0.0)  # fmt: skip
    return GeminiConfig(**{**settings, **overrides})
