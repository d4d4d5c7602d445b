"""A fakesnow server in a process of its own (tests/snowflake_stand_in.py starts it).

fakesnow keeps one database per process: two servers in one process (a test module's and a
background pipeline run's, on the same pytest worker) would share it and drop each other's
schemas. Run here, each stand-in has a database of its own, and fakesnow's SQL translation
uses this process's interpreter, not the worker's. It prints the connector arguments as one
JSON line, then serves until its standard input closes (the test ends, or its process dies).
"""

from __future__ import annotations

import json
import os
import sys

import fakesnow


def main() -> int:
    with fakesnow.server() as server:
        print(json.dumps(server), flush=True)
        # From here on standard output goes where standard error goes (the log file): the
        # test reads one line only, and a pipe nobody reads would block the server once full.
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
