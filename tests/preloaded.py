"""New processes with the heavy imports already done, for the pipeline runs and dbt commands.

Each pipeline run and dbt command of the tests runs in a process of its own, as `make run` and
the dbt CLI do. Started as a new interpreter, each spent 3 to 7 s of CPU importing Dagster,
dbt, pandas and the model libraries before doing anything: about a sixth of `make test` on two
cores. multiprocessing's fork server imports them once per session, in a process that does
nothing else; each run is a fork of that process: a new process with its own pid, session,
environment, working directory and output file, calling the same entry point `python -m` or
the `dbt` script would, with the modules already in memory. Nothing of one run reaches the
next, and nothing the test process holds (threads, open DuckDB files, the fakesnow server)
reaches a run, as it would with a plain fork of the test process.

What this does not replace: `make run` itself, `dagster` CLI commands and the dbt the pipeline
starts (dagster-dbt runs `dbt` as a subprocess) are still started the ordinary way.
"""

from __future__ import annotations

import atexit
import importlib
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path

# Imported once, in the fork server. Importing the code location reads no environment (a test
# checks it), so the server's environment does not leak into a run's settings.
PRELOAD = (
    "pandas",
    "duckdb",
    "dagster",
    "dagster_dbt",
    "dbt.cli.main",
    "dbt.adapters.duckdb",
    "dbt.adapters.snowflake",
    "orchestration.definitions",
    "orchestration.run_pipeline",
    "tests.pipeline_runner",
    "tests.fault_runner",
    # Imported by the steps that need them: the forecasts of a run that fits (~4 s), the
    # sentiment of new posts and the themes of changed weeks (~2 s), the survey's segments
    # (~1 s).
    "statsforecast",
    "prophet",
    "vaderSentiment.vaderSentiment",
    "sklearn.decomposition",
    "sklearn.feature_extraction.text",
    "hdbscan",
    "hdbscan.validity",
)

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(list(PRELOAD))
_start_lock = threading.Lock()


class PreloadedProcess:
    """A started run: the part of subprocess.Popen the test harnesses use."""

    def __init__(self, process: multiprocessing.process.BaseProcess, argv: Sequence[str]):
        self._process = process
        self.args = list(argv)
        self.pid = process.pid

    @property
    def returncode(self) -> int | None:
        """The exit status, negative for a signal (as Popen has it); None while running."""
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(self.args, timeout)
        return self._process.exitcode


def start(
    entry: str, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, output: Path
) -> PreloadedProcess:
    """Start `entry` ("module:function") with `argv` (argv[0] is the program name) in a new
    process and session, with exactly `env`, in `cwd`, stdout and stderr appended to `output`.

    A function is called with the whole argv and returns the exit status (like the runners'
    `main`); a click command (dbt's `cli`) gets argv[1:] as its arguments.
    """
    process = _context.Process(
        target=_run_entry,
        args=(entry, list(argv), dict(env), str(cwd), str(output)),
        name=f"preloaded {entry}",
    )
    with _start_lock:  # the fork server is started by the first caller, once
        process.start()
    return PreloadedProcess(process, argv)


def stop_group(process) -> None:
    """SIGKILL a still-running process's session (its children too), then reap it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:  # killed before it made its own session
            os.kill(process.pid, signal.SIGKILL)
        process.wait()


def _run_entry(entry: str, argv: list[str], env: dict, cwd: str, output: str) -> None:
    """In the new process: become a session leader, take the run's environment and output."""
    os.setsid()  # its own process group, so that a kill reaches the children it starts too
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    sys.argv = list(argv)
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    os.close(descriptor)
    code = 1
    try:
        module_name, function_name = entry.split(":")
        target = getattr(importlib.import_module(module_name), function_name)
        if hasattr(target, "main") and hasattr(target, "params"):  # a click command
            target.main(args=argv[1:], prog_name=argv[0])  # exits with the command's status
        else:
            code = int(target(argv))
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        # What an interpreter does on exit, which multiprocessing's os._exit skips: the exit
        # handlers (dbt-duckdb closes its DuckDB connection in one, checkpointing the file).
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)
