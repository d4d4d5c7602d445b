"""Shared fixtures of the extract tests: the real export, small payloads, a local SODA server.

``fixtures/export_small.csv`` holds eight records written in the exact format of the CDC export
(a national row, an age row, state rows in both Quartile Range styles, a phase-gap row, a
suppressed estimate, a text phase). ``fixtures/soda_records.json`` holds the same kind of
records as the SODA API returns them: snake_case fields, ISO timestamps, numbers as strings
or numbers, and null fields left out. It is written in the documented API shape, not recorded
from data.cdc.gov (the tests never use the network).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def real_export(real_cdc_export) -> Path:
    return real_cdc_export


@pytest.fixture
def small_export_text() -> str:
    return (FIXTURES / "export_small.csv").read_text()


@pytest.fixture
def write_export(tmp_path):
    """Write CSV text to a file in tmp_path and return its path."""

    def write(text: str, name: str = "export.csv") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


@pytest.fixture
def soda_records() -> list[dict]:
    return json.loads((FIXTURES / "soda_records.json").read_text())


@pytest.fixture
def warehouse(tmp_path):
    conn = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield conn
    conn.close()


class _SodaHandler(BaseHTTPRequestHandler):
    """Serves `server.records` like SODA ($limit/$offset), after any scripted failures."""

    def do_GET(self):  # noqa: N802 - http.server's naming
        server: SodaServer = self.server  # type: ignore[assignment]
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        server.requests.append(
            {"path": urlsplit(self.path).path, "query": query, "headers": dict(self.headers)}
        )
        if server.script:
            status, headers, body = server.script.pop(0)
        elif query.get("$select", "").lower().startswith("count(*) as "):
            # SoQL aggregate: one row, the alias as key, the number as a string (as SODA does).
            alias = query["$select"].split()[-1]
            count = len(server.records) if server.reported_count is None else server.reported_count
            status, headers = 200, {"Content-Type": "application/json"}
            body = json.dumps([{alias: str(count)}])
        else:
            offset, limit = int(query.get("$offset", 0)), int(query.get("$limit", 1000))
            status, headers = 200, {"Content-Type": "application/json"}
            body = json.dumps(server.records[offset : offset + limit])
        data = body.encode("utf-8")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep test output quiet
        pass


class SodaServer(ThreadingHTTPServer):
    records: list
    script: list  # (status, headers, body) answers served first, in order
    requests: list
    reported_count: int | None  # what count(*) answers; None: the true number of records

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/resource/8pt5-q6wp.json"


@pytest.fixture
def soda_server(soda_records):
    server = SodaServer(("127.0.0.1", 0), _SodaHandler)
    server.records, server.script, server.requests = list(soda_records), [], []
    server.reported_count = None
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
