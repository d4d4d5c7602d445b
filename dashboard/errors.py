"""What the dashboard tells a viewer when the data cannot be shown.

Messages are short and say what to do. The underlying error (DuckDB's or Snowflake's own text,
which names files, columns, accounts or users) goes to the Python log, never to the page.
"""

from __future__ import annotations

from pathlib import Path

REBUILD = "Run `make run` to rebuild and publish it, then reload this page."


class NothingPublished(RuntimeError):
    """No published warehouse exists yet: the pipeline has not completed a green build."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            f"No published warehouse at {path}. Run `make run` to build the pipeline once; "
            "its last step publishes the copy this dashboard reads."
        )


class DataUnavailable(RuntimeError):
    """The warehouse exists but cannot answer; the message is meant for the viewer."""
